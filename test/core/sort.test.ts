import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { insertionSortIndices, selectKth } from '../../src/core/sort.js';

describe('selectKth', () => {
  it('equals the k-th element of the sorted array (random, duplicates, sorted and reversed input)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 400 }),
        fc.nat(),
        fc.constantFrom('as-is', 'sorted', 'reversed'),
        (xs, kk, shape) => {
          const v = [...xs];
          if (shape !== 'as-is') v.sort((a, b) => a - b);
          if (shape === 'reversed') v.reverse();
          const k = kk % v.length;
          const expected = Float64Array.from(v).sort()[k];
          // the array may be longer than n: only a[0..n) takes part
          const a = new Float64Array(v.length + 3).fill(-1e9);
          a.set(v);
          expect(selectKth(a, v.length, k)).toBe(expected);
          // in place: still a permutation of the input
          expect(Array.from(a.subarray(0, v.length)).sort((p, q) => p - q)).toEqual([...v].sort((p, q) => p - q));
        },
      ),
      { seed: 0x19e1, numRuns: 500 },
    );
  });

  it('rejects k outside [0, n)', () => {
    expect(() => selectKth(new Float64Array(4), 4, 4)).toThrow(RangeError);
    expect(() => selectKth(new Float64Array(4), 0, 0)).toThrow(RangeError);
  });
});

describe('insertionSortIndices', () => {
  it('orders indices stably by key', () => {
    const key = [3, 1, 2, 1, 3, 0];
    const o = insertionSortIndices(Uint32Array.from([0, 1, 2, 3, 4, 5]), key);
    expect(Array.from(o)).toEqual([5, 1, 3, 2, 0, 4]);
  });
});
