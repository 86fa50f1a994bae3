/**
 * Sky plot: the pass in azimuth/elevation on a polar chart (zenith at the centre, horizon at the
 * rim, north up, east right), with AOS/TCA/LOS marked and the satellite at the scrubber's time.
 */
import type { PassSample } from './api.js';

const NS = 'http://www.w3.org/2000/svg';
const SIZE = 240;
const R = 100;

function xy(azimuthDeg: number, elevationDeg: number): [number, number] {
  const r = (R * (90 - Math.max(0, elevationDeg))) / 90;
  const a = (azimuthDeg * Math.PI) / 180;
  return [SIZE / 2 + r * Math.sin(a), SIZE / 2 - r * Math.cos(a)];
}

function node<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export class SkyPlot {
  private readonly svg: SVGSVGElement;
  private readonly sat: SVGCircleElement;

  constructor(parent: HTMLElement) {
    this.svg = node('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'sky', role: 'img', 'aria-label': 'sky plot (azimuth, elevation)' });
    this.sat = node('circle', { r: 6, class: 'satellite', id: 'sky-satellite' });
    parent.appendChild(this.svg);
  }

  /** Draw the pass; `marks` are seconds since AOS of AOS, TCA and LOS. */
  draw(samples: PassSample[], marks: { aos: number; tca: number; los: number }): void {
    this.svg.innerHTML = '';
    for (const el of [0, 30, 60]) this.svg.append(node('circle', { cx: SIZE / 2, cy: SIZE / 2, r: (R * (90 - el)) / 90, class: 'ring' }));
    for (const [label, az] of [['N', 0], ['E', 90], ['S', 180], ['W', 270]] as const) {
      const [x, y] = xy(az, -8);
      this.svg.append(node('text', { x, y: y + 4, class: 'compass', 'text-anchor': 'middle' }, label));
    }
    const pts = samples.filter((s) => s.elevationDeg >= 0).map((s) => xy(s.azimuthDeg, s.elevationDeg).map((v) => v.toFixed(1)).join(','));
    if (pts.length > 1) this.svg.append(node('polyline', { points: pts.join(' '), class: 'sky-track' }));
    // the data window: where the link budget has a loss (the satellite above the horizon and in view)
    const win = samples.filter((s) => s.lossTotalDb !== undefined && s.lossTotalDb < 60).map((s) => xy(s.azimuthDeg, s.elevationDeg).map((v) => v.toFixed(1)).join(','));
    if (win.length > 1) this.svg.append(node('polyline', { points: win.join(' '), class: 'sky-window' }));
    const at = (t: number) => samples.reduce((a, b) => (Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a), samples[0]);
    for (const [label, t] of [['AOS', marks.aos], ['TCA', marks.tca], ['LOS', marks.los]] as const) {
      if (!samples.length) break;
      const s = at(t);
      const [x, y] = xy(s.azimuthDeg, s.elevationDeg);
      this.svg.append(node('circle', { cx: x, cy: y, r: 3, class: 'mark' }), node('text', { x: x + 5, y: y - 5, class: 'mark-label' }, label));
    }
    this.svg.append(this.sat);
  }

  setSatellite(azimuthDeg: number, elevationDeg: number): void {
    const [x, y] = xy(azimuthDeg, elevationDeg);
    this.sat.setAttribute('cx', x.toFixed(1));
    this.sat.setAttribute('cy', y.toFixed(1));
  }
}
