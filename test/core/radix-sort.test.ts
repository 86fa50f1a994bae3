import { describe, expect, it } from 'vitest';
import { stableOrderByDouble, stableOrderBySmallInt } from '../../src/core/radix-sort.js';
import { seededFloat } from '../support/seed.js';

const identity = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('radix sorts of index arrays', () => {
  it('order by a double key as a stable comparison sort does, ascending and descending, ties and ±0 included (seeded)', () => {
    const r = seededFloat('radix-double');
    for (const n of [0, 1, 2, 17, 5000]) {
      // many exact ties (a few distinct values), both zeros, negatives, huge and tiny magnitudes
      const keys = Float64Array.from({ length: n }, () => {
        const k = r();
        if (k < 0.2) return Math.floor(r() * 5) - 2;
        if (k < 0.25) return -0;
        if (k < 0.3) return (r() - 0.5) * 1e300;
        if (k < 0.35) return (r() - 0.5) * 1e-300;
        return 1.7e12 + (r() - 0.5) * 1e9;
      });
      const start = Int32Array.from(identity(n)).reverse();
      for (const descending of [false, true]) {
        const want = [...start].sort((a, b) => (descending ? keys[b] - keys[a] : keys[a] - keys[b]));
        expect([...stableOrderByDouble(start, keys, descending)!], `n ${n} descending ${descending}`).toEqual(want);
      }
    }
  });

  it('gives up (null) on a NaN key, and orders small integers stably', () => {
    expect(stableOrderByDouble(identity(3), [1, NaN, 0])).toBeNull();
    const keys = [2, 0, 1, 0, 2, 1];
    expect([...stableOrderBySmallInt(identity(6), keys, 3)]).toEqual([1, 3, 2, 5, 0, 4]);
  });
});
