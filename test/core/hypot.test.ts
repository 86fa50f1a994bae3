import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hypot2, hypot3 } from '../../src/core/hypot.js';

const SPECIAL = [0, -0, 1, -1, 3, 5e-324, 2.2250738585072014e-308, 1e-200, 1e200, 1.7976931348623157e308, -1.7976931348623157e308, Infinity, -Infinity, NaN];

describe('hypot2 / hypot3', () => {
  it('are Math.hypot to the last bit on random doubles of every magnitude', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), fc.double(), (x, y, z) => {
        expect(Object.is(hypot2(x, y), Math.hypot(x, y))).toBe(true);
        expect(Object.is(hypot3(x, y, z), Math.hypot(x, y, z))).toBe(true);
      }),
      { seed: 30162, numRuns: 20000 },
    );
    // comparable magnitudes (where the compensation and the rounding of the sum matter)
    fc.assert(
      fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), (x, y, z) => {
        expect(Object.is(hypot2(x, y), Math.hypot(x, y))).toBe(true);
        expect(Object.is(hypot3(x, y, z), Math.hypot(x, y, z))).toBe(true);
      }),
      { seed: 30163, numRuns: 20000 },
    );
  });

  it('are Math.hypot on zeros, subnormals, the largest doubles, infinities and NaN', () => {
    for (const x of SPECIAL) {
      for (const y of SPECIAL) {
        expect(Object.is(hypot2(x, y), Math.hypot(x, y)), `${x} ${y}`).toBe(true);
        for (const z of SPECIAL) expect(Object.is(hypot3(x, y, z), Math.hypot(x, y, z)), `${x} ${y} ${z}`).toBe(true);
      }
    }
    expect(hypot2(3, 4)).toBe(5);
    expect(hypot3(2, 3, 6)).toBe(7);
  });
});
