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
