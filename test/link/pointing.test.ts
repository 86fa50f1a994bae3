import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawPointing, meanPointingEfficiency, pointingEfficiency } from '../../src/link/pointing.js';
import { mean, mulberry32 } from './rng.js';

const round = (sigma: number, theta: number, bias = 0) => ({
  jitterUrad: sigma,
  biasUrad: bias,
  correlationTimeS: 0.01,
  halfAngleUrad: { x: theta, y: theta },
});

describe('pointing', () => {
  it('static offset: exp(−2θe²/θd²)', () => {
    expect(pointingEfficiency(5, 0, { x: 5, y: 5 })).toBeCloseTo(Math.exp(-2), 12);
    expect(pointingEfficiency(0, 0, { x: 5, y: 8 })).toBe(1);
  });

  it('Rayleigh jitter: ⟨η⟩ = 1/(1 + 4σ²/θd²); θd = 5 µrad, σ = 0.5/1/2 → 0.96/0.86/0.61 (algorithms.md §5.5)', () => {
    expect(meanPointingEfficiency(round(0.5, 5))).toBeCloseTo(0.96, 2);
    expect(meanPointingEfficiency(round(1, 5))).toBeCloseTo(0.86, 2);
    expect(meanPointingEfficiency(round(2, 5))).toBeCloseTo(0.61, 2);
  });

  it('drawPointing averages to the closed form (elliptic beam, jitter and bias)', () => {
    const p = { jitterUrad: 1.2, biasUrad: 2, correlationTimeS: 0.001, halfAngleUrad: { x: 4.5, y: 5.5 } };
    const d = drawPointing(p, 100_000, 0.001, mulberry32(3));
    expect(mean(d)).toBeCloseTo(meanPointingEfficiency(p), 2);
  });

  it('Micius (1.2 µrad jitter, 2 µrad bias, 9 × 11 µrad beam): < 3 dB (Liao 2017)', () => {
    const eta = meanPointingEfficiency({ jitterUrad: 1.2, biasUrad: 2, correlationTimeS: 0.01, halfAngleUrad: { x: 4.5, y: 5.5 } });
    expect(-10 * Math.log10(eta)).toBeLessThan(3);
  });

  it('property: mean in (0,1], decreasing in jitter without bias', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0.5, max: 50, noNaN: true }), (a, b, th) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const eLo = meanPointingEfficiency(round(lo, th));
        const eHi = meanPointingEfficiency(round(hi, th));
        return eHi > 0 && eLo <= 1 && eHi <= eLo + 1e-12;
      }),
    );
  });
});
