import { describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { InputError } from '../../src/core/errors.js';
import {
  basisMatchMask,
  countByClass,
  countErrors,
  gatherBits,
  maskIndices,
  observedQber,
  removePositions,
  sampleIndices,
  siftIndices,
} from '../../src/postprocess/sift.js';

describe('sifting helpers', () => {
  const aB = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 1]);
  const bB = Uint8Array.from([0, 0, 1, 1, 0, 1, 1, 1]);
  it('siftIndices and basisMatchMask agree', () => {
    const idx = siftIndices(aB, bB);
    expect(Array.from(idx)).toEqual([0, 2, 4, 5, 7]);
    expect(Array.from(maskIndices(basisMatchMask(aB, bB)))).toEqual([0, 2, 4, 5, 7]);
  });
  it('gatherBits from bytes and from BitArray', () => {
    const bits = Uint8Array.from([1, 0, 1, 1, 0, 0, 1, 1]);
    const idx = siftIndices(aB, bB);
    expect(gatherBits(bits, idx).toString()).toBe('11001');
    expect(gatherBits(BitArray.fromBits(bits), idx).toString()).toBe('11001');
  });
  it('countByClass counts sifted detections and errors per (intensity, basis)', () => {
    const intensity = Uint8Array.from([0, 0, 1, 0, 2, 0, 1, 1]);
    const idx = siftIndices(aB, bB); // 0,2,4,5,7 → (0,0),(1,1),(2,0),(0,1),(1,1)
    const err = BitArray.fromBits([1, 0, 0, 1, 1]);
    const c = countByClass(intensity, aB, idx, err);
    expect(c).toEqual([
      { intensity: 0, basis: 0, sifted: 1, errors: 1, compared: 1 },
      { intensity: 0, basis: 1, sifted: 1, errors: 1, compared: 1 },
      { intensity: 1, basis: 1, sifted: 2, errors: 1, compared: 2 },
      { intensity: 2, basis: 0, sifted: 1, errors: 0, compared: 1 },
    ]);
  });
  it('countErrors, observedQber', () => {
    const a = BitArray.fromBits([1, 0, 1, 1]);
    const b = BitArray.fromBits([1, 1, 1, 0]);
    expect(countErrors(a, b)).toBe(2);
    expect(countErrors(a, b, [0, 1])).toBe(1);
    expect(observedQber(2, 4)).toBe(0.5);
    expect(Number.isNaN(observedQber(0, 0))).toBe(true);
    expect(() => countErrors(a, new BitArray(3))).toThrow(InputError);
  });
  it('sampleIndices: k distinct sorted positions, reproducible; removePositions keeps the rest', () => {
    const s = sampleIndices(1000, 100, 5);
    expect(s).toHaveLength(100);
    expect(new Set(s).size).toBe(100);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    expect(Array.from(sampleIndices(1000, 100, 5))).toEqual(Array.from(s));
    const bits = BitArray.fromBits([1, 0, 1, 1, 0, 1]);
    expect(removePositions(bits, [1, 4]).toString()).toBe('1111');
    expect(() => sampleIndices(10, 11, 1)).toThrow(InputError);
  });
  it('mismatched lengths are InputErrors', () => {
    expect(() => siftIndices(aB, bB.subarray(1))).toThrow(InputError);
  });
});
