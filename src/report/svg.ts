/**
 * Dependency-free SVG line charts: multi-series, axes with "nice" ticks, labels with units,
 * legend, optional log axes. Output is a self-contained `<svg>` string (embeddable in HTML).
 *
 *   lineChart({ title: 'Loss', xLabel: 'time (s)', yLabel: 'loss (dB)',
 *               series: [{ name: 'total', x: [...], y: [...] }] })
 */

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** CSS colour; defaults to a colour-blind-safe palette by index. */
  color?: string;
  /** SVG stroke-dasharray, e.g. "6 3". */
  dash?: string;
  /** Stroke width in px (default 2). */
  width?: number;
  /** Draw markers at the points instead of (or as well as) a line. */
  markers?: boolean;
  /** Hide the connecting line (scatter plot). */
  noLine?: boolean;
}

export type AxisScale = 'linear' | 'log';

export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  series: Series[];
  width?: number;
  height?: number;
  xScale?: AxisScale;
  yScale?: AxisScale;
  /** Fixed axis ranges; default from the data (with nice rounding). */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Draw the y axis increasing downwards (e.g. loss in dB going down as the link worsens). */
  yReversed?: boolean;
  /** Legend position; 'none' hides it. */
  legend?: 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'outside-right' | 'none';
  /** Approximate number of ticks per axis (default 6). */
  tickCount?: number;
  /** Tick label formatters. */
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  /** Horizontal reference lines, e.g. a threshold. */
  hLines?: { y: number; label?: string; color?: string }[];
}

export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];

/** Escape text for SVG/XML content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** "Nice" tick step ≥ span/count: 1, 2, 2.5 or 5 × 10^k. [Heckbert, Graphics Gems (1990), "Nice numbers for graph labels"] */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * mag;
}

/** Linear ticks covering [min, max] with a nice step. */
export function linearTicks(min: number, max: number, count = 6): number[] {
  const step = niceStep(max - min, count);
  const k0 = Math.ceil(min / step - 1e-9);
  const ticks: number[] = [];
  for (let k = k0; k * step <= max + step * 1e-9; k++) {
    const v = k * step;
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/** Decade ticks (and 2, 5 × decade when the range is short) for a log axis. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const mult = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) for (const m of mult) {
    const v = Number(`${m}e${k}`);
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
  }
  return ticks;
}

/** Compact number format for tick labels. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

interface Axis {
  min: number;
  max: number;
  ticks: number[];
  map: (v: number) => number;
}

function extent(values: number[], scale: AxisScale): [number, number] {
  const ok = values.filter((v) => Number.isFinite(v) && (scale === 'linear' || v > 0));
  if (ok.length === 0) return scale === 'log' ? [1, 10] : [0, 1];
  let lo = Math.min(...ok);
  let hi = Math.max(...ok);
  if (lo === hi) {
    if (scale === 'log') {
      lo /= 2;
      hi *= 2;
    } else {
      const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= d;
      hi += d;
    }
  }
  return [lo, hi];
}

function makeAxis(
  values: number[],
  scale: AxisScale,
  fixed: [number, number] | undefined,
  p0: number,
  p1: number,
  tickCount: number,
): Axis {
  let [min, max] = fixed ?? extent(values, scale);
  let ticks: number[];
  if (scale === 'log') {
    if (!fixed) {
      min = Math.pow(10, Math.floor(Math.log10(min)));
      max = Math.pow(10, Math.ceil(Math.log10(max)));
    }
    ticks = logTicks(min, max);
    const l0 = Math.log10(min);
    const l1 = Math.log10(max);
    return { min, max, ticks, map: (v) => p0 + ((Math.log10(v) - l0) / (l1 - l0)) * (p1 - p0) };
  }
  if (!fixed) {
    const step = niceStep(max - min, tickCount);
    min = Math.floor(min / step + 1e-9) * step;
    max = Math.ceil(max / step - 1e-9) * step;
  }
  ticks = linearTicks(min, max, tickCount);
  return { min, max, ticks, map: (v) => p0 + ((v - min) / (max - min)) * (p1 - p0) };
}

const f1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** A complete `<svg>` line chart. Non-finite points (and ≤ 0 on a log axis) break the line. */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 400;
  const tickCount = o.tickCount ?? 6;
  const xScale = o.xScale ?? 'linear';
  const yScale = o.yScale ?? 'linear';
  const legend = o.legend ?? 'top-right';
  const legendW = Math.max(0, ...o.series.map((s) => s.name.length)) * 6.6 + 40;
  const outside = legend === 'outside-right' && o.series.length > 0;
  const margin = { left: 72, right: outside ? legendW + 28 : 20, top: o.title ? 36 : 16, bottom: 52 };
  const plotL = margin.left;
  const plotR = width - margin.right;
  const plotT = margin.top;
  const plotB = height - margin.bottom;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series) {
    for (let i = 0; i < s.x.length; i++) xs.push(s.x[i]);
    for (let i = 0; i < s.y.length; i++) ys.push(s.y[i]);
  }
  for (const h of o.hLines ?? []) ys.push(h.y);
  const xa = makeAxis(xs, xScale, o.xRange, plotL, plotR, tickCount);
  const ya = o.yReversed
    ? makeAxis(ys, yScale, o.yRange, plotT, plotB, tickCount)
    : makeAxis(ys, yScale, o.yRange, plotB, plotT, tickCount);
  const xFmt = o.xFormat ?? formatTick;
  const yFmt = o.yFormat ?? formatTick;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (o.title) {
    out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(o.title)}</text>`);
  }
  // grid and ticks
  out.push('<g class="grid" stroke="#e3e3e3" stroke-width="1">');
  for (const t of xa.ticks) out.push(`<line x1="${f1(xa.map(t))}" y1="${plotT}" x2="${f1(xa.map(t))}" y2="${plotB}"/>`);
  for (const t of ya.ticks) out.push(`<line x1="${plotL}" y1="${f1(ya.map(t))}" x2="${plotR}" y2="${f1(ya.map(t))}"/>`);
  out.push('</g>');
  out.push(`<rect x="${plotL}" y="${plotT}" width="${plotR - plotL}" height="${plotB - plotT}" fill="none" stroke="#333"/>`);
  out.push('<g class="ticks" fill="#222">');
  for (const t of xa.ticks) {
    out.push(`<text x="${f1(xa.map(t))}" y="${plotB + 16}" text-anchor="middle">${escapeXml(xFmt(t))}</text>`);
  }
  for (const t of ya.ticks) {
    out.push(`<text x="${plotL - 6}" y="${f1(ya.map(t) + 4)}" text-anchor="end">${escapeXml(yFmt(t))}</text>`);
  }
  out.push('</g>');
  if (o.xLabel) out.push(`<text x="${(plotL + plotR) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  if (o.yLabel) {
    const cy = (plotT + plotB) / 2;
    out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(o.yLabel)}</text>`);
  }
  // clip the data to the plot area
  const clipId = `clip${Math.abs(hashString(JSON.stringify([o.title ?? '', width, height, o.series.map((s) => s.name)])))}`;
  out.push(`<defs><clipPath id="${clipId}"><rect x="${plotL}" y="${plotT}" width="${plotR - plotL}" height="${plotB - plotT}"/></clipPath></defs>`);
  out.push(`<g clip-path="url(#${clipId})">`);
  for (const h of o.hLines ?? []) {
    const y = f1(ya.map(h.y));
    out.push(`<line x1="${plotL}" y1="${y}" x2="${plotR}" y2="${y}" stroke="${h.color ?? '#888'}" stroke-dasharray="4 4"/>`);
    if (h.label) out.push(`<text x="${plotR - 4}" y="${Number(y) - 4}" text-anchor="end" fill="${h.color ?? '#555'}">${escapeXml(h.label)}</text>`);
  }
  o.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const n = Math.min(s.x.length, s.y.length);
    const ok = (i: number) =>
      Number.isFinite(s.x[i]) && Number.isFinite(s.y[i]) && (xScale === 'linear' || s.x[i] > 0) && (yScale === 'linear' || s.y[i] > 0);
    if (!s.noLine) {
      let d = '';
      let pen = false;
      for (let i = 0; i < n; i++) {
        if (!ok(i)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${f1(xa.map(s.x[i]))} ${f1(ya.map(s.y[i]))}`;
        pen = true;
      }
      if (d) {
        out.push(
          `<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} stroke-linejoin="round"/>`,
        );
      }
    }
    if (s.markers || s.noLine) {
      for (let i = 0; i < n; i++) {
        if (ok(i)) out.push(`<circle cx="${f1(xa.map(s.x[i]))}" cy="${f1(ya.map(s.y[i]))}" r="${s.noLine ? 4 : 2.5}" fill="${color}"/>`);
      }
    }
  });
  out.push('</g>');
  if (legend !== 'none' && o.series.length > 0) {
    const lineH = 16;
    const boxW = legendW;
    const boxH = o.series.length * lineH + 8;
    const bx = outside ? plotR + 16 : legend.endsWith('right') ? plotR - boxW - 8 : plotL + 8;
    const by = outside || legend.startsWith('top') ? plotT + 8 : plotB - boxH - 8;
    out.push(`<g class="legend"><rect x="${f1(bx)}" y="${by}" width="${f1(boxW)}" height="${boxH}" fill="#ffffff" fill-opacity="0.85" stroke="#bbb"/>`);
    o.series.forEach((s, k) => {
      const color = s.color ?? PALETTE[k % PALETTE.length];
      const y = by + 4 + lineH * k + lineH / 2;
      if (!s.noLine) {
        out.push(
          `<line x1="${f1(bx + 6)}" y1="${y}" x2="${f1(bx + 28)}" y2="${y}" stroke="${color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
        );
      }
      if (s.markers || s.noLine) out.push(`<circle cx="${f1(bx + 17)}" cy="${y}" r="${s.noLine ? 4 : 2.5}" fill="${color}"/>`);
      out.push(`<text x="${f1(bx + 34)}" y="${y + 4}">${escapeXml(s.name)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Stack several `<svg>` charts vertically into one SVG document. */
export function stackCharts(charts: string[], gapPx = 8): string {
  let y = 0;
  let width = 0;
  const parts: string[] = [];
  for (const c of charts) {
    const w = Number(/width="([\d.]+)"/.exec(c)?.[1] ?? 0);
    const h = Number(/height="([\d.]+)"/.exec(c)?.[1] ?? 0);
    parts.push(c.replace('<svg ', `<svg x="0" y="${y}" `));
    y += h + gapPx;
    width = Math.max(width, w);
  }
  const height = Math.max(0, y - gapPx);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>\n` +
    parts.join('\n') +
    '\n</svg>\n'
  );
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
