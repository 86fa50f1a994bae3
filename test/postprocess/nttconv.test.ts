import { afterAll, describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { NTT_CACHE_BLOCK, NTT_PRIME, NTT_ROOT, mulMod, nttPlan, powMod } from '../../src/postprocess/nttconv.js';
import { convPlan, convScale } from '../../src/postprocess/fftconv.js';
import { modifiedToeplitzHash, modifiedToeplitzReferenceBits, toeplitzHash } from '../../src/postprocess/toeplitz.js';
import { closeToeplitzWorkers, modifiedToeplitzHashParallel } from '../../src/postprocess/toeplitz-parallel.js';
import { seededBytes, seededFloat } from '../support/seed.js';
import { pack, runPairs } from './conv-pairs.js';

const random = seededFloat('postprocess/nttconv');
const randomBytes = seededBytes('postprocess/nttconv');
const bits = (n: number) => randomBytes(n).map((b) => b & 1);
const randomBits = (n: number) => BitArray.fromBytes(randomBytes((n + 7) >>> 3), n);

afterAll(() => closeToeplitzWorkers());

/** Direct circular convolution at one output k. */
function directAt(x: Uint8Array, s: Uint8Array, k: number): number {
  const n = x.length;
  let c = 0;
  for (let j = 0; j < n; j++) c += x[j] & s[(k - j + n) % n];
  return c;
}

/** The NTT kernel's circular convolution of the sum of the pairs. */
function nttConv(pairs: [Uint8Array, Uint8Array][], fused = true): Uint32Array {
  const p = nttPlan(pairs[0][0].length, pairs.length > 1);
  runPairs(p, pairs, fused);
  return p.result().slice();
}

describe('WebAssembly SIMD NTT convolution mod 15·2²⁷ + 1 (nttconv.ts)', { timeout: 120_000 }, () => {
  it('modular arithmetic: mulMod against BigInt, 31 has order p − 1', () => {
    const P = BigInt(NTT_PRIME);
    for (let t = 0; t < 2000; t++) {
      const a = Math.floor(random() * NTT_PRIME), b = t < 2 ? NTT_PRIME - 1 : Math.floor(random() * NTT_PRIME);
      expect(mulMod(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % P));
    }
    // primitive: 31^((p−1)/q) ≠ 1 for the prime factors q ∈ {2, 3, 5} of p − 1 = 2²⁷·3·5
    for (const q of [2, 3, 5]) expect(powMod(NTT_ROOT, (NTT_PRIME - 1) / q)).not.toBe(1);
    expect(powMod(NTT_ROOT, NTT_PRIME - 1)).toBe(1);
  });

  it('equals the direct O(N²) circular convolution exactly (N = 32 … 2^12, fused and stepwise)', () => {
    for (let lg = 5; lg <= 12; lg++) {
      const n = 1 << lg;
      for (let rep = 0; rep < (lg < 8 ? 4 : 1); rep++) {
        const x = bits(n), s = bits(n);
        const ref = Array.from({ length: n }, (_, k) => directAt(x, s, k));
        for (const fused of [true, false]) expect(Array.from(nttConv([[x, s]], fused)), `N = ${n}`).toEqual(ref);
      }
    }
  });

  it('accumulated products, one inverse = sum of the direct convolutions (N = 32 … 2^11)', () => {
    for (const lg of [5, 6, 9, 11]) {
      const n = 1 << lg;
      const pairs = Array.from({ length: 5 }, () => [bits(n), bits(n)] as [Uint8Array, Uint8Array]);
      const ref = new Array<number>(n).fill(0);
      for (const [x, s] of pairs) for (let k = 0; k < n; k++) ref[k] += directAt(x, s, k);
      expect(Array.from(nttConv(pairs)), `N = ${n}`).toEqual(ref);
    }
  });

  it('all-ones inputs reach the largest sums (N at every position) exactly', () => {
    for (const n of [32, 4096, 4 * NTT_CACHE_BLOCK]) {
      const one = new Uint8Array(n).fill(1);
      expect(nttConv([[one, one]]).every((v) => v === n), `N = ${n}`).toBe(true);
    }
  });

  it('lengths beyond the cache block (passes over memory): every output equals the FFT kernel’s, sampled ones the direct sums', () => {
    for (const n of [2 * NTT_CACHE_BLOCK, 8 * NTT_CACHE_BLOCK, 1 << 20]) {
      const x = bits(n), s = bits(n);
      const got = nttConv([[x, s]]);
      const f = convPlan(n, false);
      pack(f.xBits(), x);
      pack(f.sBits(), s);
      f.convolve();
      const fr = f.result();
      let diff = 0;
      for (let i = 0; i < n; i++) if (Math.round(fr[i] / convScale(n)) !== got[i]) diff++;
      expect(diff, `N = ${n}`).toBe(0);
      for (let t = 0; t < 12; t++) {
        const k = t < 2 ? t * (n - 1) : Math.floor(random() * n);
        expect(got[k], `N = ${n}, output ${k}`).toBe(directAt(x, s, k));
      }
    }
  });

  it('extractParities packs the parities and flags values above the bound', () => {
    const n = 1 << 10;
    const x = bits(n), s = bits(n);
    const p = nttPlan(n, false);
    pack(p.xBits(), x);
    pack(p.sBits(), s);
    p.convolve();
    const ref = Array.from(p.result());
    for (const [start, count] of [[0, n], [5, 100], [n - 33, 33], [1000, 1]]) {
      const { words, worst } = p.extractParities(start, count, n);
      expect(worst).toBe(0);
      for (let i = 0; i < count; i++) expect((words[i >>> 5] >>> (i & 31)) & 1).toBe(ref[start + i] & 1);
    }
    const max = Math.max(...ref);
    expect(p.extractParities(0, n, max).worst).toBe(0);
    expect(p.extractParities(0, n, max - 1).worst).toBe(Infinity);
    expect(() => p.extractParities(n - 1, 2)).toThrow(RangeError);
    expect(() => nttPlan(16, false)).toThrow(RangeError);
    expect(() => nttPlan(48, false)).toThrow(RangeError);
    expect(() => nttPlan(1 << 27, false)).toThrow(RangeError);
  });
});

describe('Toeplitz hash with the NTT kernel', { timeout: 120_000 }, () => {
  it('the same bits as the FFT kernel and the reference, single and blockwise plans', () => {
    const cases: [number, number, number | undefined][] = [
      [1, 1, undefined], [40, 7, undefined], [1000, 333, undefined], [5000, 1234, 64], [70_001, 9_999, 1024], [300_000, 37_500, 1 << 14],
    ];
    for (const [n, m, maxConvLength] of cases) {
      const x = randomBits(n), s = randomBits(n + m - 1);
      const fft = toeplitzHash(x, s, m, { maxConvLength: maxConvLength ?? 1 << 24 });
      const ntt = toeplitzHash(x, s, m, { maxConvLength: maxConvLength ?? 1 << 24, kernel: 'ntt' });
      expect(ntt.equals(fft), `n ${n} m ${m} maxConv ${maxConvLength}`).toBe(true);
    }
    for (const [n, m] of [[2048, 256], [100_003, 12_500]]) {
      const x = randomBits(n), s = randomBits(n - 1);
      const y = modifiedToeplitzHash(x, s, m, { kernel: 'ntt' });
      const rows = Array.from({ length: 40 }, (_, t) => (t < 2 ? t * (m - 1) : Math.floor(random() * m)));
      const ref = modifiedToeplitzReferenceBits(x, s, m, rows);
      rows.forEach((i, t) => expect(y.get(i), `n ${n} row ${i}`).toBe(ref[t]));
      expect(y.equals(modifiedToeplitzHash(x, s, m)), `n ${n}`).toBe(true);
    }
  });

  it('2^22 bits, ratio 0.125, on two worker threads: identical to the one-thread FFT hash', async () => {
    const n = 1 << 22, m = n / 8;
    const x = randomBits(n), s = randomBits(n - 1);
    const fft = modifiedToeplitzHash(x, s, m);
    const ntt = await modifiedToeplitzHashParallel(x, s, m, { threads: 2, kernel: 'ntt', maxConvLength: 1 << 21 });
    expect(ntt.equals(fft)).toBe(true);
  });

  it('rejects an unknown kernel and NTT lengths below 32', () => {
    const x = randomBits(100), s = randomBits(99);
    expect(() => modifiedToeplitzHash(x, s, 10, { kernel: 'dft' as 'fft' })).toThrow(/fft' or 'ntt/);
    expect(() => modifiedToeplitzHash(x, s, 10, { kernel: 'ntt', maxConvLength: 16 })).toThrow(/32\.\.2\^26/);
  });
});
