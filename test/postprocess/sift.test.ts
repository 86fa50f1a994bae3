import { describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { basisBits, basisMatch, classCounts, complement, keyBitsSelection, sift } from '../../src/postprocess/sift.js';
import { Xoshiro128 } from '../../src/postprocess/reconcile/prng.js';

/** Seeded random detections: Alice's and Bob's bases, Alice's classes and bits. */
function detections(n: number, seed: number) {
  const r = new Xoshiro128(seed, 1);
  const a = Uint8Array.from({ length: n }, () => r.below(2));
  const b = Uint8Array.from({ length: n }, () => r.below(2));
  const k = Uint8Array.from({ length: n }, () => r.below(3));
  const bits = Uint8Array.from({ length: n }, () => r.below(2));
  return { a, b, k, bits };
}

describe('party-neutral sifting', () => {
  const SEED = 20240611;
  it(`keeps exactly the detections whose bases match, in order (seed ${SEED})`, () => {
    const n = 1000;
    const { a, b, k, bits } = detections(n, SEED);
    const match = basisMatch(a, basisBits(b));
    const s = sift(match, a, k, bits);
    const expected = [...Array(n).keys()].filter((i) => a[i] === b[i]);
    expect(Array.from(s.detection)).toEqual(expected);
    expect(Array.from(s.basis)).toEqual(expected.map((i) => a[i]));
    expect(Array.from(s.intensity)).toEqual(expected.map((i) => k[i]));
    expect(Array.from(s.bits.toBits())).toEqual(expected.map((i) => bits[i]));
    // both parties sift the same positions from the same disclosed bitmap
    const bob = sift(match, b, k, bits);
    expect(Array.from(bob.detection)).toEqual(expected);
  });

  it(`counts per (basis, class) match a direct count (seed ${SEED + 1})`, () => {
    const { a, b, k, bits } = detections(500, SEED + 1);
    const s = sift(basisMatch(a, basisBits(b)), a, k, bits);
    const c = classCounts(s);
    for (let basis = 0; basis < 2; basis++)
      for (let cls = 0; cls < 3; cls++) {
        let direct = 0;
        for (let i = 0; i < 500; i++) if (a[i] === b[i] && a[i] === basis && k[i] === cls) direct++;
        expect(c[basis * 3 + cls]).toBe(direct);
      }
    expect(c.reduce((x, y) => x + y, 0)).toBe(s.bits.length);
    const at = [0, 3, 5];
    expect(classCounts(s, at).reduce((x, y) => x + y, 0)).toBe(3);
  });

  it('complement removes the sample positions and keeps order', () => {
    expect(Array.from(complement(8, [1, 4, 7]))).toEqual([0, 2, 3, 5, 6]);
    expect(Array.from(complement(3, []))).toEqual([0, 1, 2]);
  });

  it('efficient BB84 keeps only X-basis key bits for privacy amplification; symmetric keeps all', () => {
    const s = { detection: new Uint32Array(4), basis: Uint8Array.from([0, 1, 1, 0]), intensity: new Uint8Array(4), bits: new BitArray(4) };
    const keyPositions = Uint32Array.from([0, 1, 3]);
    expect(keyBitsSelection(s, keyPositions, 'symmetric')).toBeNull();
    expect(Array.from(keyBitsSelection(s, keyPositions, 'efficient') ?? [])).toEqual([1]);
  });
});
