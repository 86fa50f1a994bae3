import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, lineChart, linearTicks, logTicks, niceStep, stackCharts } from '../../src/report/svg.js';

describe('ticks', () => {
  it('nice steps are 1, 2, 2.5, 5 × 10^k (Heckbert 1990)', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(1, 4)).toBe(0.25);
    expect(niceStep(7, 6)).toBe(2);
    expect(linearTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(linearTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('property: linear ticks lie in range, are increasing and evenly spaced', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (lo, span) => {
        fc.pre(span > Math.abs(lo) * 1e-6); // beyond that the float spacing itself is uneven
        const t = linearTicks(lo, lo + span, 6);
        if (t.length < 2) return false;
        const step = t[1] - t[0];
        return t.every((v, i) => v >= lo - span * 1e-6 && v <= lo + span * (1 + 1e-6) && (i === 0 || Math.abs(v - t[i - 1] - step) <= step * 1e-6));
      }),
    );
  });

  it('log ticks at decades (plus 2 and 5 on short ranges)', () => {
    expect(logTicks(1e-6, 1e-2)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2]);
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });

  it('formats', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(1200)).toBe('1200');
    expect(formatTick(1e-6)).toBe('1e-6');
    expect(escapeXml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    title: 'Loss <dB>',
    xLabel: 'time (s)',
    yLabel: 'loss (dB)',
    series: [
      { name: 'total', x: [0, 1, 2, 3], y: [40, 35, NaN, 41] },
      { name: 'diffraction', x: [0, 1, 2, 3], y: [22, 20, 19, 22], dash: '4 2' },
    ],
    width: 600,
    height: 300,
  });

  it('is one svg element with title, labels, legend entries, escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Loss &lt;dB&gt;');
    expect(svg).toContain('>time (s)<');
    expect(svg).toContain('>loss (dB)<');
    expect(svg).toContain('>total<');
    expect(svg).toContain('>diffraction<');
    expect(svg).toContain('stroke-dasharray="4 2"');
    expect(svg).not.toContain('NaN');
  });

  it('a non-finite point breaks the line into two pieces', () => {
    const total = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect((total.match(/M/g) ?? []).length).toBe(2);
  });

  it('log axis: no non-positive values plotted, decade tick labels', () => {
    const s = lineChart({ series: [{ name: 'eta', x: [1, 2, 3], y: [1e-5, 0, 1e-3] }], yScale: 'log' });
    expect(s).toContain('>1e-5<');
    expect(s).toContain('>0.001<');
    expect(s).not.toContain('NaN');
    expect(s).not.toContain('Infinity');
  });

  it('stackCharts nests the charts one below the other', () => {
    const st = stackCharts([svg, svg], 10);
    expect(st).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="600" height="610"/);
    expect(st).toContain('<svg x="0" y="310"');
  });
});

describe('legend outside the plot', () => {
  it('moves the plot area left to make room', () => {
    const inside = lineChart({ series: [{ name: 'a long series name', x: [0, 1], y: [0, 1] }], width: 500 });
    const outside = lineChart({ series: [{ name: 'a long series name', x: [0, 1], y: [0, 1] }], width: 500, legend: 'outside-right' });
    const plotWidth = (svg: string) => Number(/<rect x="72" y="\d+" width="([\d.]+)"/.exec(svg)?.[1]);
    expect(plotWidth(outside)).toBeLessThan(plotWidth(inside));
    expect(outside).toContain('>a long series name<');
  });
});
