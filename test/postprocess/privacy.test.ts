import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BitArray } from '../../src/core/bits.js';
import { naiveToeplitz as naive } from './toeplitz-naive.js';
import { ProtocolAbort } from '../../src/core/errors.js';
import { memoryChannelPair } from '../../src/postprocess/channel.js';
import { LeakageLedger } from '../../src/postprocess/ledger.js';
import {
  toeplitzHash, toeplitzReferenceBits, amplifyAsAlice, amplifyAsBob, modifiedToeplitzHash, modifiedToeplitzReferenceBits,
  amplifyWithSeed, decodeSeedPart, encodeSeedPart, seedParts,
} from '../../src/postprocess/privacy.js';
import { seededFloat } from '../support/seed.js';

const random = seededFloat('postprocess/privacy');


const allRows = (m: number) => Array.from({ length: m }, (_, i) => i);

describe('Toeplitz hashing by FFT convolution', { timeout: 60_000 }, () => {
  it('equals the naive matrix product (small sizes, property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const m = Math.max(1, Math.round(n * r));
        const x = BitArray.random(n);
        const s = BitArray.random(n + m - 1);
        expect(toeplitzHash(x, s, m).equals(naive(x, s, m))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('equals the window-parity reference on every row up to 10^4 bits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 10_000 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (n, r) => {
        const m = Math.max(1, Math.round(n * r));
        const x = BitArray.random(n);
        const s = BitArray.random(n + m - 1);
        const y = toeplitzHash(x, s, m);
        expect(Array.from(y.toBits())).toEqual(toeplitzReferenceBits(x, s, m, allRows(m)));
      }),
      { numRuns: 15 },
    );
  });

  it('window-parity reference agrees with the naive product', () => {
    const x = BitArray.random(300);
    const s = BitArray.random(300 + 120 - 1);
    expect(toeplitzReferenceBits(x, s, 120, allRows(120))).toEqual(Array.from(naive(x, s, 120).toBits()));
  });

  it('blockwise processing (small maxConvLength) gives the same result', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 3, max: 11 }), (n, r, lg) => {
          const m = Math.max(1, Math.round(n * r));
          const x = BitArray.random(n);
          const s = BitArray.random(n + m - 1);
          expect(toeplitzHash(x, s, m, { maxConvLength: 2 ** lg }).equals(toeplitzHash(x, s, m))).toBe(true);
        }),
      { numRuns: 40 },
    );
  });

  it('10^6-bit inputs: sampled rows equal the slow reference (ratios 0.125 / 0.375, and blockwise)', () => {
    const n = 1_000_000;
    for (const [ratio, maxConv] of [[0.125, undefined], [0.375, undefined], [0.25, 1 << 20]] as const) {
      const m = Math.round(n * ratio);
      const x = BitArray.random(n);
      const s = BitArray.random(n + m - 1);
      const y = toeplitzHash(x, s, m, maxConv ? { maxConvLength: maxConv } : {});
      const rows = [0, 1, 2, m - 1, m - 2, ...Array.from({ length: 200 }, () => Math.floor(random() * m))];
      const ref = toeplitzReferenceBits(x, s, m, rows);
      expect(rows.map((i) => y.get(i))).toEqual(ref);
    }
  });

  it('multi-block plans (several column blocks summed in the frequency domain, short last block) equal the reference on every row', () => {
    for (const [n, m, maxConv] of [[1 << 15, 1 << 12, undefined], [40_000, 15_000, 1 << 14], [70_001, 26_250, 1 << 15], [5000, 37, 64]] as const) {
      const x = BitArray.random(n);
      const s = BitArray.random(n + m - 1);
      const y = toeplitzHash(x, s, m, maxConv ? { maxConvLength: maxConv } : {});
      expect(Array.from(y.toBits())).toEqual(toeplitzReferenceBits(x, s, m, allRows(m)));
    }
  });

  it('rejects a seed of the wrong length, and transform limits outside 8 … 2^26', () => {
    expect(() => toeplitzHash(BitArray.random(10), BitArray.random(10), 4)).toThrow(/seed/);
    expect(() => toeplitzHash(BitArray.random(10), BitArray.random(13), 4, { maxConvLength: 1 << 27 })).toThrow(/maxConvLength|2\^26/);
    expect(() => toeplitzHash(BitArray.random(10), BitArray.random(13), 4, { maxConvLength: 4 })).toThrow(/maxConvLength|2\^26/);
  });
});

/** Textbook (I_m | T)·x with T[i][j] = s[i − j + n − m − 1], T of size m × (n − m) (Hayashi–Tsurumaru 2016). */
function naiveModified(x: BitArray, s: BitArray, m: number): BitArray {
  const n = x.length;
  const y = new BitArray(m);
  for (let i = 0; i < m; i++) {
    let p = x.get(i);
    for (let j = 0; j < n - m; j++) p ^= s.get(i - j + n - m - 1) & x.get(m + j);
    y.set(i, p);
  }
  return y;
}

describe('modified Toeplitz hashing (I | T)', { timeout: 60_000 }, () => {
  it('equals the naive (I|T)·x product (small sizes, property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const m = Math.round(n * r);
        const x = BitArray.random(n);
        const s = BitArray.random(n - 1);
        expect(modifiedToeplitzHash(x, s, m).equals(naiveModified(x, s, m))).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('equals the naive (I|T)·x product on every row up to 10^4 bits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 10_000 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (n, r) => {
        const m = Math.max(1, Math.round(n * r));
        const x = BitArray.random(n);
        const s = BitArray.random(n - 1);
        const y = modifiedToeplitzHash(x, s, m);
        expect(y.equals(naiveModified(x, s, m))).toBe(true);
        expect(Array.from(y.toBits())).toEqual(modifiedToeplitzReferenceBits(x, s, m, allRows(m)));
      }),
      { numRuns: 8 },
    );
  });

  it('10^6-bit inputs: sampled rows equal the naive product (ratios 0.125 / 0.25 / 0.375, and blockwise)', () => {
    const n = 1_000_000;
    for (const [ratio, maxConv] of [[0.125, undefined], [0.25, undefined], [0.375, undefined], [0.25, 1 << 18]] as const) {
      const m = Math.round(n * ratio);
      const x = BitArray.random(n);
      const s = BitArray.random(n - 1);
      const y = modifiedToeplitzHash(x, s, m, maxConv ? { maxConvLength: maxConv } : {});
      const rows = [0, 1, 2, m - 1, m - 2, ...Array.from({ length: 100 }, () => Math.floor(random() * m))];
      // naive row: x_i ⊕ ⊕_j s[i − j + n − m − 1]·x[m + j], bit by bit
      const naiveRow = (i: number) => {
        let p = x.get(i);
        for (let j = 0; j < n - m; j++) p ^= s.get(i - j + n - m - 1) & x.get(m + j);
        return p;
      };
      expect(rows.map((i) => y.get(i))).toEqual(rows.map(naiveRow));
      expect(rows.map((i) => y.get(i))).toEqual(modifiedToeplitzReferenceBits(x, s, m, rows));
    }
  });

  it('rejects a seed of the wrong length and an output longer than the input', () => {
    expect(() => modifiedToeplitzHash(BitArray.random(10), BitArray.random(10), 4)).toThrow(/seed/);
    expect(() => modifiedToeplitzHash(BitArray.random(10), BitArray.random(9), 11)).toThrow(/outBits|0\.\.10/);
  });

  it('m = n is the identity; m = 0 is empty', () => {
    const x = BitArray.random(77);
    expect(modifiedToeplitzHash(x, BitArray.random(76), 77).equals(x)).toBe(true);
    expect(modifiedToeplitzHash(x, BitArray.random(76), 0).length).toBe(0);
  });
});

describe('privacy amplification between the parties', () => {
  it('both sides obtain the same key; ledger is closed afterwards', async () => {
    const [a, b] = memoryChannelPair();
    const key = BitArray.random(50_000);
    const la = new LeakageLedger('x');
    const lb = new LeakageLedger('x');
    const [ra, rb] = await Promise.all([amplifyAsAlice(key, 12_345, a, la), amplifyAsBob(key.clone(), 12_345, b, lb)]);
    expect(ra.key.length).toBe(12_345);
    expect(ra.key.equals(rb.key)).toBe(true);
    expect(ra.seedBits).toBe(50_000 - 1);
    expect(la.isClosed && lb.isClosed).toBe(true);
    expect(() => la.add('other', 1, 'late')).toThrow();
  });

  it('a size disagreement is a protocol violation', async () => {
    const [a, b] = memoryChannelPair();
    const key = BitArray.random(1000);
    const [, rb] = await Promise.allSettled([
      amplifyAsAlice(key, 100, a, new LeakageLedger('x')),
      amplifyAsBob(key, 101, b, new LeakageLedger('x')),
    ]);
    expect(rb.status).toBe('rejected');
    if (rb.status === 'rejected') expect((rb.reason as ProtocolAbort).reason).toBe('protocol-violation');
  });
});

describe('a streamed pass\'s seed in two parts (seedParts, encodeSeedPart, amplifyWithSeed)', () => {
  it('splits L = nMax − 1 bits into Alice\'s ⌈L/2⌉ and Bob\'s rest', () => {
    expect(seedParts(1)).toEqual({ alice: 0, bob: 0 });
    expect(seedParts(2)).toEqual({ alice: 1, bob: 0 });
    expect(seedParts(1_000_001)).toEqual({ alice: 500_000, bob: 500_000 });
    expect(seedParts(1_000_002)).toEqual({ alice: 500_001, bob: 500_000 });
  });

  it('a part round-trips; any other nMax, offset or length, or a truncated part, is a protocol violation', () => {
    const part = BitArray.fromBits(Array.from({ length: 77 }, () => (random() < 0.5 ? 1 : 0)));
    const msg = encodeSeedPart(200, 123, part);
    expect(msg.length).toBe(13 + 10);
    expect(decodeSeedPart(msg, { n: 200, offset: 123, bits: 77 }).equals(part)).toBe(true);
    for (const bad of [{ n: 201, offset: 123, bits: 77 }, { n: 200, offset: 0, bits: 77 }, { n: 200, offset: 123, bits: 76 }]) {
      expect(() => decodeSeedPart(msg, bad)).toThrow(ProtocolAbort);
    }
    expect(() => decodeSeedPart(msg.subarray(0, msg.length - 1), { n: 200, offset: 123, bits: 77 })).toThrow(ProtocolAbort);
    const other = msg.slice();
    other[0] = 0x50;
    expect(() => decodeSeedPart(other, { n: 200, offset: 123, bits: 77 })).toThrow(ProtocolAbort);
  });

  it('hashes with the n − 1 seed bits: the textbook modified Toeplitz product; a seed of another length is refused', async () => {
    const n = 301;
    const m = 97;
    const x = BitArray.fromBits(Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)));
    const seed = BitArray.fromBits(Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)));
    const ledger = new LeakageLedger('x');
    const got = (await amplifyWithSeed(x, m, seed.slice(0, n - 1), ledger)).key;
    // (I | T)·x bit by bit
    expect(got.equals(naiveModified(x, seed.slice(0, n - 1), m))).toBe(true);
    expect(ledger.isClosed).toBe(true);
    await expect(amplifyWithSeed(x, m, seed.slice(0, n - 2), new LeakageLedger('x'))).rejects.toThrow(ProtocolAbort);
    await expect(amplifyWithSeed(x, m, seed, new LeakageLedger('x'))).rejects.toThrow(ProtocolAbort);
  });
});
