import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BitArray, popcount32 } from '../../src/core/bits.js';

const naiveParity = (bits: number[], from: number, to: number) => bits.slice(from, to).reduce((a, b) => a ^ b, 0);

describe('BitArray', () => {
  it('popcount32 matches bit counting', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => {
        expect(popcount32(x)).toBe(x.toString(2).split('').filter((c) => c === '1').length);
      }),
    );
  });

  it('parity of any range equals the naive XOR', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 300 }), fc.nat(), fc.nat(), (bits, a, b) => {
        const x = BitArray.fromBits(bits);
        const from = a % bits.length;
        const to = from + (b % (bits.length - from + 1));
        expect(x.parity(from, to)).toBe(naiveParity(bits, from, to));
      }),
    );
  });

  it('slice, concat, permute and bytes round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 200 }), fc.nat(), (bits, s) => {
        const x = BitArray.fromBits(bits);
        const cut = s % (bits.length + 1);
        const y = BitArray.concat([x.slice(0, cut), x.slice(cut)]);
        expect(y.equals(x)).toBe(true);
        expect(Array.from(x.slice(cut).toBits())).toEqual(bits.slice(cut));
        expect(BitArray.fromBytes(x.toBytes(), x.length).equals(x)).toBe(true);
        const perm = bits.map((_, i) => bits.length - 1 - i);
        expect(Array.from(x.permute(perm).toBits())).toEqual([...bits].reverse());
        expect(x.popcount()).toBe(bits.filter((v) => v).length);
      }),
    );
  });

  it('hamming distance counts differing positions', () => {
    const a = BitArray.fromBits([1, 0, 1, 1, 0, 0, 1]);
    const b = BitArray.fromBits([1, 1, 1, 0, 0, 0, 0]);
    expect(a.hammingDistance(b)).toBe(3);
    expect(a.clone().xorInPlace(b).toString()).toBe('0101001');
  });
});

describe('BitArray.select', () => {
  it('equals a bit-by-bit gather (lengths around word boundaries, sources on a sub-array)', () => {
    const seed = 0x5e1ec7;
    let s = seed;
    const rnd = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s;
    };
    for (const n of [1, 31, 32, 33, 64, 95, 1000]) {
      const backing = new Uint32Array(((n + 31) >>> 5) + 3);
      for (let i = 0; i < backing.length; i++) backing[i] = rnd();
      const src = new BitArray(n, backing.subarray(2, 2 + ((n + 31) >>> 5)));
      const m = (rnd() % (2 * n)) + 1;
      const pos = Array.from({ length: m }, () => rnd() % n);
      const out = src.select(pos);
      expect(out.length, `seed ${seed}, n ${n}`).toBe(m);
      for (let i = 0; i < m; i++) expect(out.get(i), `seed ${seed}, n ${n}, i ${i}`).toBe(src.get(pos[i]));
      // bits past the end stay zero
      if (m % 32) expect(out.words[out.words.length - 1] >>> (m % 32), `seed ${seed}, n ${n}`).toBe(0);
      // selectBits: the same gather as 0/1 bytes, checked bit by bit against get()
      const bytes = src.selectBits(pos);
      expect(bytes.length, `seed ${seed}, n ${n}`).toBe(m);
      for (let i = 0; i < m; i++) expect(bytes[i], `seed ${seed}, n ${n}, i ${i}`).toBe(src.get(pos[i]));
    }
  });
});
