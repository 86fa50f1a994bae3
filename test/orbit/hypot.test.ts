import { describe, expect, it } from 'vitest';
import { hypot3 } from '../../src/orbit/hypot.js';
import { seededFloat } from '../support/seed.js';

/** Bit pattern of a double, so −0 and NaN compare as themselves. */
const bits = (x: number): string => Buffer.from(new Float64Array([x]).buffer).toString('hex');

describe('hypot3', () => {
  it('is Math.hypot to the last bit on random vectors of every scale (seeded)', () => {
    const r = seededFloat('hypot3');
    let mismatches = 0;
    let first = '';
    for (let i = 0; i < 100_000; i++) {
      const scale = 10 ** Math.floor(r() * 40 - 20);
      const v = [0, 1, 2].map(() => (r() - 0.5) * scale * (r() < 0.1 ? 1e6 : 1));
      // the pass search's magnitudes: positions ~7000 km, station offsets, unit vectors
      if (i % 3 === 0) v[i % 2] = 6371 + r() * 40000;
      const want = Math.hypot(v[0], v[1], v[2]);
      const got = hypot3(v[0], v[1], v[2]);
      if (bits(got) !== bits(want)) {
        mismatches++;
        first ||= `${v.join(', ')}: ${got} vs ${want}`;
      }
    }
    expect(first).toBe('');
    expect(mismatches).toBe(0);
  });

  it('handles zeros, infinities, NaN and extremes as Math.hypot does', () => {
    const specials = [0, -0, 1, -1, Infinity, -Infinity, NaN, Number.MIN_VALUE, Number.MAX_VALUE, 1e-310, 1e308, 3, 4];
    for (const x of specials) for (const y of specials) for (const z of specials) expect(bits(hypot3(x, y, z))).toBe(bits(Math.hypot(x, y, z)));
    expect(hypot3(3, 4, 12)).toBe(13);
  });
});
