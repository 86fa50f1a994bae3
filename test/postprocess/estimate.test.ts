import { describe, expect, it } from 'vitest';

describe('reconciliation QBER (conservative estimate from the disclosed sample)', () => {
  it('lies above the sampled QBER by about two standard deviations and covers the true QBER of most samples', async () => {
    const { reconciliationQber } = await import('../../src/postprocess/estimate.js');
    expect(reconciliationQber(0, 0)).toBe(1e-3);
    expect(reconciliationQber(0.01, 10_000)).toBeCloseTo(0.01 + 2 * Math.sqrt(0.01 * 0.99 / 10_000) + 1e-4, 12);
    expect(reconciliationQber(0.4, 100)).toBeLessThanOrEqual(0.5);
    // binomial samples of a 1.1 % channel, 1,000 bits each: the estimate covers the truth ≥ 95 % of the time
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      let e = 0;
      for (let i = 0; i < 1000; i++) if (rand() < 0.011) e++;
      if (reconciliationQber(e / 1000, 1000) >= 0.011) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.95);
  });
});

/** P(X ≥ e) for X ~ Binomial(n, p), summed exactly in logs (independent of the Chernoff bound). */
function binomialUpperTail(e: number, n: number, p: number): number {
  let logC = 0;
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log((n - k + 1) / k);
    if (k >= e) sum += Math.exp(logC + k * Math.log(p) + (n - k) * Math.log1p(-p));
  }
  return sum;
}

describe('optimistic errors (the preliminary go/abort decision)', () => {
  it('the rate lower bound is valid against the exact binomial tail and solves n·D(q‖p) = ln(1/δ)', async () => {
    const { rateLowerBound } = await import('../../src/postprocess/estimate.js');
    for (const [e, n] of [[7, 274], [7, 282], [14, 586], [100, 10_000], [1, 50]]) {
      for (const delta of [1e-3, 1e-6]) {
        const p = rateLowerBound(e, n, delta);
        const q = e / n;
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(q);
        // a true rate at the bound shows ≥ e errors with probability ≤ δ
        expect(binomialUpperTail(e, n, p)).toBeLessThanOrEqual(delta);
        const kl = q * Math.log(q / p) + (1 - q) * Math.log((1 - q) / (1 - p));
        expect(n * kl).toBeCloseTo(Math.log(1 / delta), 6);
      }
    }
    expect(rateLowerBound(0, 274, 1e-6)).toBe(0);
    // more trials at the same rate: a tighter bound
    expect(rateLowerBound(1000, 100_000, 1e-6)).toBeGreaterThan(rateLowerBound(10, 1000, 1e-6));
  });

  it('pass-1304: each class at its bound (decoys at the basis rate, vacuum 0.5), never above the point estimate', async () => {
    const { optimisticErrors, extrapolateErrors, rateLowerBound, PRELIMINARY_DELTA } = await import('../../src/postprocess/estimate.js');
    const detected = [58713, 3795, 85, 59003, 3718, 74];
    const sampleDet = [274, 11, 0, 282, 17, 2];
    const sampleErr = [7, 0, 0, 7, 0, 0];
    const lb = (e: number, n: number) => rateLowerBound(e, n, PRELIMINARY_DELTA);
    const opt = optimisticErrors(detected, sampleDet, sampleErr);
    expect(opt).toEqual([Math.round(lb(7, 274) * 58713), Math.round(lb(7, 285) * 3795), 43, Math.round(lb(7, 282) * 59003), Math.round(lb(7, 301) * 3718), 37]);
    // the signal class: 7 errors in 274 bits (2.6 %) bound at ≈ 0.2 % (1e-6), far below the point estimate
    expect(opt[0] / 58713).toBeGreaterThan(0.001);
    expect(opt[0] / 58713).toBeLessThan(0.004);
    const point = extrapolateErrors(detected, sampleDet, sampleErr);
    opt.forEach((e, i) => expect(e).toBeLessThanOrEqual(point[i]));
  });
});
