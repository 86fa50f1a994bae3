/**
 * A pass timeline as SVG: one row per station, a day grid, one bar per pass (night passes yellow,
 * daylight ones blue, opacity by key; passes the mission does not operate hollow), a tooltip per
 * pass and a click that opens it. The Passes
 * view (all of the mission's passes, from GET /api/timeline) and the Plan view (the plan's
 * scheduled passes) both draw with it.
 */
import { fmtTime } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

export interface TimelineBar {
  station: string;
  aos: string;
  los: string;
  night: boolean;
  /** The bar's key (bits): its opacity is this over the largest. */
  keyBits: number;
  title: string;
  /** Extra data-* attributes (for tests and styling). */
  data?: Record<string, string>;
  /** False: a pass the mission does not operate (drawn hollow, no click). Default true. */
  operable?: boolean;
}

export interface TimelineSpec {
  id: string;
  from: string;
  to: string;
  rows: { id: string; label: string }[];
  bars: TimelineBar[];
  onOpen: (station: string, aosIso: string) => void;
  /** Drawing width in CSS pixels (the container's, so labels keep their size on a phone); default 1000. */
  width?: number;
}

export function drawTimeline(spec: TimelineSpec): SVGSVGElement {
  const from = Date.parse(spec.from);
  const to = Date.parse(spec.to);
  const rowH = 22;
  const width = Math.max(300, Math.round(spec.width || 1000));
  const left = width < 600 ? 70 : 90;
  const n = spec.rows.length;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${rowH * n + 24}`);
  svg.setAttribute('class', 'timeline');
  svg.setAttribute('id', spec.id);
  const x = (ms: number) => left + ((ms - from) / (to - from)) * (width - left - 10);
  const add = (tag: string, attrs: Record<string, string>, text?: string) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };
  spec.rows.forEach((r, i) => add('text', { x: '4', y: String(i * rowH + 15), class: 'tl-label' }, r.label));
  const days = (to - from) / 86_400_000;
  // a date under every day line while there is room for it (≥ 40 px a day)
  const daily = (width - left - 10) / days >= 40;
  for (let d = Math.ceil(from / 86_400_000) * 86_400_000; d <= to; d += 86_400_000) {
    add('line', { x1: String(x(d)), x2: String(x(d)), y1: '0', y2: String(rowH * n), class: 'tl-day' });
    if (daily && d < to) add('text', { x: String(x(d) + 2), y: String(rowH * n + 16), class: 'tl-label' }, new Date(d).toISOString().slice(5, 10));
  }
  if (!daily) {
    add('text', { x: String(left), y: String(rowH * n + 16), class: 'tl-label' }, fmtTime(spec.from).slice(0, 10));
    add('text', { x: String(width - 80), y: String(rowH * n + 16), class: 'tl-label' }, fmtTime(spec.to).slice(0, 10));
  }
  const maxKey = Math.max(1, ...spec.bars.map((b) => b.keyBits));
  for (const b of spec.bars) {
    const i = spec.rows.findIndex((r) => r.id === b.station);
    if (i < 0) continue;
    const x0 = x(Date.parse(b.aos));
    const r = add('rect', {
      x: x0.toFixed(1),
      y: String(i * rowH + 3),
      width: Math.max(3, x(Date.parse(b.los)) - x0).toFixed(1),
      height: String(rowH - 6),
      class: `tl-pass ${b.night ? 'night' : 'day'}${b.operable === false ? ' off' : ''}`,
      'data-station': b.station,
      'data-aos': b.aos,
      ...Object.fromEntries(Object.entries(b.data ?? {}).map(([k, v]) => [`data-${k}`, v])),
    }) as SVGRectElement;
    const title = document.createElementNS(NS, 'title');
    title.textContent = b.title;
    r.appendChild(title);
    if (b.operable === false) continue;
    r.style.opacity = String(0.35 + 0.65 * (b.keyBits / maxKey));
    r.addEventListener('click', () => spec.onOpen(b.station, b.aos));
  }
  return svg;
}

const mounted = new WeakMap<HTMLElement, { spec: TimelineSpec; width: number }>();

/**
 * Draw a timeline into `box` at the box's width and draw it again when that width changes (a phone
 * turned, a window resized), so its labels keep their size instead of scaling with the drawing.
 */
export function mountTimeline(box: HTMLElement, spec: TimelineSpec): SVGSVGElement {
  const draw = (s: TimelineSpec, w: number) => {
    const svg = drawTimeline({ ...s, width: w || 1000 });
    box.replaceChildren(svg);
    mounted.set(box, { spec: s, width: w });
    return svg;
  };
  if (!mounted.has(box)) {
    new ResizeObserver(() => {
      const m = mounted.get(box);
      const w = box.clientWidth;
      if (m && w > 0 && Math.abs(w - m.width) > 40) draw(m.spec, w);
    }).observe(box);
  }
  return draw(spec, box.clientWidth);
}
