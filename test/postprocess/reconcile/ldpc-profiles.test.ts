import { describe, expect, it } from 'vitest';
import { binaryEntropy } from '../../../src/core/entropy.js';
import { profileFor } from '../../../src/postprocess/reconcile/ldpc-code.js';
import { concentratedChecks, densityEvolutionConverges } from '../../../src/postprocess/reconcile/ldpc-density-evolution.js';
import { ELKOUSS_2009_TABLE, HIGH_RATE_TABLE, highRateProfile, nodeFractions } from '../../../src/postprocess/reconcile/ldpc-profiles.js';
import { capDegree2 } from '../../../src/postprocess/reconcile/ldpc-qc.js';

/** Node profile and concentrated checks of an edge-perspective λ at design rate R. */
function ensemble(lambda: Readonly<Record<number, number>>, rate: number) {
  const vars = nodeFractions(lambda);
  const meanV = vars.reduce((s, [d, f]) => s + d * f, 0);
  return { vars, checks: concentratedChecks(meanV / (1 - rate)) };
}

describe('HIGH_RATE_TABLE (rate 0.91 design for the qc-sp codes)', () => {
  const row = HIGH_RATE_TABLE[0];
  it('λ sums to 1 and the recorded f* is (1 − R)/h(p*)', () => {
    expect(Object.values(row.lambda).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(row.efficiency).toBeCloseTo((1 - row.rate) / binaryEntropy(row.threshold), 3);
  });
  it('its degree-2 fraction is already within the QC cap at rate 0.91 (capDegree2 leaves it alone)', () => {
    const n = 102400;
    const m = 9216;
    const prof = nodeFractions(row.lambda).map(([d, f]): [number, number] => [d, f]);
    expect(capDegree2(prof, n, m)).toEqual(prof);
  });
  it(
    'density evolution recomputes the threshold: BP converges 0.0004 below p*, not 0.0005 above it; the rate-0.85 row not 0.0002 below',
    () => {
      // population DE, 20,000 samples (ldpc-density-evolution.ts): the recorded p* is the bisection
      // result of scripts/ldpc-de-search.ts; seeds move it by ≈ ±0.0001
      const { vars, checks } = ensemble(row.lambda, row.rate);
      const o = { population: 20000, maxIterations: 400, seed: 3 };
      expect(densityEvolutionConverges(vars, checks, row.threshold - 0.0004, o)).toBe(true);
      expect(densityEvolutionConverges(vars, checks, row.threshold + 0.0005, o)).toBe(false);
      // Table I's rate-0.85 row (capped as the QC codes cap it) at the same rate does not reach p* − 0.0002
      const n = 102400;
      const m = 9216;
      const old = capDegree2(nodeFractions(ELKOUSS_2009_TABLE[1].lambda).map(([d, f]): [number, number] => [d, f]), n, m);
      const meanOld = old.reduce((s, [d, f]) => s + d * f, 0);
      expect(densityEvolutionConverges(old, concentratedChecks(meanOld / (1 - row.rate)), row.threshold - 0.0002, o)).toBe(false);
    },
    120_000,
  );
  it("'qc-sp-high' is the rate-0.85 row up to rate 0.87 and this row above", () => {
    expect(profileFor('qc-sp-high', 16000, 2200)).toEqual(profileFor('elkouss2009-high', 16000, 2200));
    expect(profileFor('qc-sp-high', 16000, 2400)).toEqual(profileFor('elkouss2009-high', 16000, 2400));
    const hi = profileFor('qc-sp-high', 16000, 1600);
    expect(hi).toEqual(highRateProfile(0.9).map(([d, f]) => [d, f]));
    expect(hi.map(([d]) => d)).toEqual(Object.keys(row.lambda).map(Number));
  });
});
