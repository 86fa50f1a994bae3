import { describe, expect, it } from 'vitest';
import { logFactorial, POISSON_INVERSION_MAX, Xoshiro128 } from '../../../src/core/rng/philox.js';

/** Poisson pmf from ln k! (independent of the sampler's own arithmetic). */
const pmf = (k: number, mean: number) => Math.exp(-mean + k * Math.log(mean) - logFactorial(k));

describe('nextPoisson is exact for any mean (10⁻³ … 10⁸ per slot)', () => {
  const SEED = [0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321] as const;
  it.each([1e-3, 0.1, 1, 30, 499, 500, 2e3, 1e5, 1e8])('mean %d: sample mean and variance within 5σ', (mean) => {
    const rng = new Xoshiro128(...SEED);
    const n = 40_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.nextPoisson(mean);
      expect(Number.isInteger(k) && k >= 0).toBe(true);
      s += k;
      s2 += k * k;
    }
    const m = s / n;
    const v = s2 / n - m * m;
    // standard errors of the mean and of the variance of a Poisson(λ) sample: √(λ/n), √((λ + 2λ²)/n)
    expect(Math.abs(m - mean), `seed ${SEED.join(',')}, mean ${mean}: sample mean ${m}`).toBeLessThan(5 * Math.sqrt(mean / n));
    expect(Math.abs(v - mean), `seed ${SEED.join(',')}, mean ${mean}: sample variance ${v}`).toBeLessThan(5 * Math.sqrt((mean + 2 * mean * mean) / n));
  });

  it('the rejection branch follows the Poisson pmf (χ² over 1σ-wide bins, mean 900)', () => {
    const mean = 900;
    expect(mean).toBeGreaterThan(POISSON_INVERSION_MAX);
    const rng = new Xoshiro128(7, 11, 13, 17);
    const n = 60_000;
    const sd = Math.sqrt(mean);
    const edges = [-Infinity, ...[-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2].map((z) => Math.floor(mean + z * sd)), Infinity];
    const obs = new Array<number>(edges.length - 1).fill(0);
    for (let i = 0; i < n; i++) {
      const k = rng.nextPoisson(mean);
      let b = 0;
      while (!(k <= edges[b + 1])) b++;
      obs[b]++;
    }
    let chi2 = 0;
    for (let b = 0; b < obs.length; b++) {
      let p = 0;
      const lo = Math.max(0, edges[b] === -Infinity ? 0 : edges[b] + 1);
      const hi = edges[b + 1] === Infinity ? mean * 2 : edges[b + 1];
      for (let k = lo; k <= hi; k++) p += pmf(k, mean);
      chi2 += (obs[b] - n * p) ** 2 / (n * p);
    }
    // 9 degrees of freedom: P(χ² > 27.9) = 0.001
    expect(chi2, 'seed 7,11,13,17').toBeLessThan(27.9);
  });

  it('below the switch the stream is the plain inversion it always was (seeded streams unchanged)', () => {
    const a = new Xoshiro128(1, 2, 3, 4);
    const b = new Xoshiro128(1, 2, 3, 4);
    for (let i = 0; i < 2000; i++) {
      const mean = 0.001 + (i % 50) * 0.7;
      // inversion by hand on the same uniform
      const u = b.nextDouble();
      let k = 0;
      let p = Math.exp(-mean);
      let cdf = p;
      while (u > cdf) {
        k++;
        p *= mean / k;
        cdf += p;
      }
      expect(a.nextPoisson(mean)).toBe(k);
    }
  });

  it('Poisson ≥ 1 at large means never returns 0 and keeps the mean', () => {
    const rng = new Xoshiro128(5, 6, 7, 8);
    let s = 0;
    for (let i = 0; i < 5000; i++) {
      const k = rng.nextPoissonAtLeastOne(1e4);
      expect(k).toBeGreaterThanOrEqual(1);
      s += k;
    }
    expect(Math.abs(s / 5000 - 1e4)).toBeLessThan(5 * Math.sqrt(1e4 / 5000));
  });

  it('ln k! matches the exact sum at the table edge', () => {
    let exact = 0;
    for (let k = 1; k <= 300; k++) exact += Math.log(k);
    expect(Math.abs(logFactorial(300) - exact) / exact).toBeLessThan(1e-13);
  });
});
