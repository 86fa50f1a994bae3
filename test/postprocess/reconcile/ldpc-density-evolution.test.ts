import { describe, expect, it } from 'vitest';
import { bscThreshold, concentratedChecks, densityEvolutionConverges } from '../../../src/postprocess/reconcile/ldpc-density-evolution.js';

describe('LDPC density evolution on the BSC (population dynamics)', () => {
  it('(3,6)-regular: BP threshold 0.084 (Richardson & Urbanke 2001, Table I)', () => {
    const r = bscThreshold([[3, 1]], [[6, 1]], { population: 4000, lo: 0.06, hi: 0.11, steps: 6, seed: 7 });
    expect(r.rate).toBeCloseTo(0.5, 12);
    // 6 halvings of [0.06, 0.11] leave a 0.0008 bracket; sampling noise of 4000 samples adds ~0.002
    expect(r.p).toBeGreaterThan(0.080);
    expect(r.p).toBeLessThan(0.088);
  });
  it('(4,8)-regular: threshold 0.076 (ibid.), below (3,6)', () => {
    const r = bscThreshold([[4, 1]], [[8, 1]], { population: 4000, lo: 0.05, hi: 0.1, steps: 6, seed: 7 });
    expect(r.p).toBeGreaterThan(0.072);
    expect(r.p).toBeLessThan(0.08);
  });
  it('decodes well below threshold, not above capacity', () => {
    expect(densityEvolutionConverges([[3, 1]], [[6, 1]], 0.06, { population: 3000 })).toBe(true);
    // rate 1/2 cannot beat capacity: h(0.11) = 0.5
    expect(densityEvolutionConverges([[3, 1]], [[6, 1]], 0.115, { population: 3000, maxIterations: 100 })).toBe(false);
  });
  it('concentrated check profile has the requested mean degree', () => {
    const p = concentratedChecks(30.4);
    expect(p.reduce((s, [d, f]) => s + d * f, 0)).toBeCloseTo(30.4, 12);
    expect(p.map(([d]) => d)).toEqual([30, 31]);
    expect(concentratedChecks(6)).toEqual([[6, 1]]);
  });
});
