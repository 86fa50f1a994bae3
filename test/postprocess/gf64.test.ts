import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Gf64Hasher, gf64MulReference } from '../../src/postprocess/gf64.js';

const toBig = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

describe('GF(2^64) table multiplication', () => {
  it('matches the bit-serial BigInt reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (kl, kh, xl, xh) => {
          const r = new Gf64Hasher(kl, kh).mul(xl, xh);
          expect(toBig(r[0], r[1])).toBe(gf64MulReference(toBig(xl, xh), toBig(kl, kh)));
        }),
      { numRuns: 300 },
    );
  });

  it('z^63 · z = z^4 + z^3 + z + 1 (reduction polynomial)', () => {
    const r = new Gf64Hasher(2, 0).mul(0, 0x80000000);
    expect([r[0], r[1]]).toEqual([0x1b, 0]);
  });

  it('Horner hash equals Σ m_i k^(N−i+1), with optional length block', () => {
    fc.assert(
      fc.property(fc.uint32Array({ minLength: 0, maxLength: 9 }), fc.integer({ min: 1, max: 0xffffffff }), (words, kl) => {
        const h = new Gf64Hasher(kl, 0x12345678);
        const k = toBig(kl, 0x12345678);
        let acc = 0n;
        for (let b = 0; b < Math.ceil(words.length / 2); b++) {
          const m = toBig(words[2 * b], 2 * b + 1 < words.length ? words[2 * b + 1] : 0);
          acc = gf64MulReference(acc ^ m, k);
        }
        const r = h.hashWords(words);
        expect(toBig(r[0], r[1])).toBe(acc);
        const r2 = h.hashWords(words, 77);
        expect(toBig(r2[0], r2[1])).toBe(gf64MulReference(acc ^ 77n, k));
      }),
      { numRuns: 100 },
    );
  });

  it('hashBytes distinguishes a message from its zero-extended version (length block)', () => {
    const h = new Gf64Hasher(0xdeadbeef, 0xcafebabe);
    const a = h.hashBytes(Uint8Array.of(1, 2, 3));
    const b = h.hashBytes(Uint8Array.of(1, 2, 3, 0));
    expect([a[0], a[1]]).not.toEqual([b[0], b[1]]);
  });
});
