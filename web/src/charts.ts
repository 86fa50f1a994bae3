/** Small wrappers around uPlot: time-series charts with labelled axes and units. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Which y axis: 'y' (left) or 'y2' (right). */
  scale?: 'y' | 'y2';
  dash?: number[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  series: SeriesSpec[];
  height?: number;
  /** x values are plain numbers (seconds), not timestamps. */
  xIsTime?: boolean;
  /** Logarithmic y axis (zeros and negatives are left out). */
  yLog?: boolean;
}

/** Compact tick labels: 1.5M, 250k, 0.36. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return String(+v.toPrecision(4));
}

const ticks = (_u: uPlot, vals: number[]) => vals.map((v) => (v === null || v === undefined ? '' : compact(v)));

export class Chart {
  private plot: uPlot | null = null;
  private readonly el: HTMLElement;
  private readonly spec: ChartSpec;

  constructor(parent: HTMLElement, spec: ChartSpec) {
    this.spec = spec;
    this.el = document.createElement('div');
    this.el.className = 'chart';
    this.el.dataset.chart = spec.title;
    parent.appendChild(this.el);
    new ResizeObserver(() => this.resize()).observe(this.el);
  }

  setData(x: number[], ys: (number | null)[][]): void {
    const data = [x, ...(this.spec.yLog ? ys.map((y) => y.map((v) => (v !== null && v > 0 ? v : null))) : ys)] as uPlot.AlignedData;
    this.el.dataset.points = String(x.length);
    const width = Math.max(200, this.contentWidth() || this.el.parentElement?.clientWidth || 600);
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const hasY2 = this.spec.series.some((s) => s.scale === 'y2');
    const axes: uPlot.Axis[] = [
      { label: this.spec.xLabel, stroke: '#ccd', grid: { stroke: '#2a3040' }, ticks: { stroke: '#2a3040' } },
      { label: this.spec.yLabel, stroke: '#ccd', grid: { stroke: '#2a3040' }, ticks: { stroke: '#2a3040' }, size: 60, values: ticks },
    ];
    if (hasY2) axes.push({ label: this.spec.y2Label ?? '', scale: 'y2', side: 1, stroke: '#ccd', grid: { show: false }, size: 60, values: ticks });
    this.plot = new uPlot(
      {
        title: this.spec.title,
        width,
        height: this.spec.height ?? 220,
        scales: { x: { time: this.spec.xIsTime ?? false }, y: this.spec.yLog ? { distr: 3 } : {}, ...(hasY2 ? { y2: {} } : {}) },
        axes,
        series: [
          { label: this.spec.xLabel },
          ...this.spec.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            scale: s.scale ?? 'y',
            dash: s.dash,
            spanGaps: false,
          })),
        ],
        legend: { live: true },
      },
      data,
      this.el,
    );
  }

  /** Put the cursor at x (the time scrubber's position). */
  setCursorX(x: number): void {
    const u = this.plot;
    if (!u) return;
    const left = u.valToPos(x, 'x');
    if (Number.isFinite(left)) u.setCursor({ left, top: u.bbox.height / (2 * devicePixelRatio) });
  }

  /** Follow the container's width (phone rotation, window resize). */
  resize(): void {
    const w = this.contentWidth();
    if (this.plot && w > 0 && Math.abs(w - this.plot.width) > 4) this.plot.setSize({ width: w, height: this.plot.height });
  }

  /** The container's width inside its padding: the plot's width, so it never sticks out of its box. */
  private contentWidth(): number {
    const cs = getComputedStyle(this.el);
    return Math.floor(this.el.clientWidth - parseFloat(cs.paddingLeft || '0') - parseFloat(cs.paddingRight || '0'));
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = null;
    this.el.innerHTML = '';
  }
}
