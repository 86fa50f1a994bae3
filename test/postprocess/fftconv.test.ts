import { describe, it, expect } from 'vitest';
import { CACHE_BLOCK, convPlan, convScale } from '../../src/postprocess/fftconv.js';
import { seededBytes, seededFloat } from '../support/seed.js';
import { pack, runPairs } from './conv-pairs.js';

const random = seededFloat('postprocess/fftconv');
const randomBytes = seededBytes('postprocess/fftconv');
const bits = (n: number) => randomBytes(n).map((b) => b & 1);

/** Direct O(N²) circular convolution of two 0/1 sequences. */
function naiveConv(x: Uint8Array, s: Uint8Array): Float64Array {
  const n = x.length;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) if (x[i]) for (let j = 0; j < n; j++) c[(i + j) % n] += s[j];
  return c;
}

/** Circular convolution by the WebAssembly kernel (sum of the products of the pairs), as floats. */
function wasmConv(pairs: [Uint8Array, Uint8Array][], stepwise = false): Float64Array {
  const n = pairs[0][0].length;
  const p = convPlan(n, pairs.length > 1);
  runPairs(p, pairs, !stepwise);
  return Float64Array.from(p.result(), (v) => v / convScale(n));
}

describe('WebAssembly SIMD FFT convolution (fftconv.ts)', { timeout: 60_000 }, () => {
  it('equals the direct O(N²) circular convolution on random 0/1 inputs (N = 8 … 2^13)', () => {
    for (let lg = 3; lg <= 13; lg++) {
      const n = 1 << lg;
      for (let rep = 0; rep < (lg < 8 ? 5 : 1); rep++) {
        const x = bits(n), s = bits(n);
        const ref = naiveConv(x, s);
        for (const stepwise of [false, true]) {
          const got = wasmConv([[x, s]], stepwise);
          let worst = 0;
          for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
          expect(worst, `N = ${n}`).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('summed spectra, one inverse = sum of the direct convolutions (N = 8 … 2^11)', () => {
    for (const lg of [3, 4, 5, 8, 11]) {
      const n = 1 << lg;
      const pairs = Array.from({ length: 4 }, () => [bits(n), bits(n)] as [Uint8Array, Uint8Array]);
      const ref = new Float64Array(n);
      for (const [x, s] of pairs) naiveConv(x, s).forEach((v, i) => (ref[i] += v));
      const got = wasmConv(pairs);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
      expect(worst, `N = ${n}`).toBeLessThan(1e-9);
    }
  });

  it('transforms larger than the cache block (passes over memory, fused convolve): sampled outputs equal the direct sums', () => {
    for (const [n, stepwise] of [[4 * CACHE_BLOCK, false], [8 * CACHE_BLOCK, false], [16 * CACHE_BLOCK, false], [1 << 21, false], [1 << 21, true], [1 << 22, false]] as const) {
      const x = bits(n), s = bits(n);
      const got = wasmConv([[x, s]], stepwise);
      let dev = 0;
      for (let i = 0; i < n; i++) dev = Math.max(dev, Math.abs(got[i] - Math.round(got[i])));
      expect(dev).toBeLessThan(1e-6);
      for (let t = 0; t < 30; t++) {
        const k = t < 2 ? t * (n - 1) : Math.floor(random() * n);
        let c = 0;
        for (let j = 0; j < n; j++) c += x[j] & s[(k - j + n) % n];
        expect(Math.round(got[k]), `N = ${n}, output ${k}`).toBe(c);
      }
    }
  });

  it('extractParities returns the parities of the rounded outputs and their largest rounding error', () => {
    const n = 1 << 12;
    const x = bits(n), s = bits(n);
    const ref = naiveConv(x, s);
    const p = convPlan(n, false);
    pack(p.xBits(), x);
    pack(p.sBits(), s);
    p.forward('x');
    p.forward('s');
    p.mulAccumulate(true);
    p.inverse();
    for (const [start, count] of [[0, n], [5, 100], [n - 33, 33], [1000, 1]]) {
      const { words, worst } = p.extractParities(start, count);
      expect(worst).toBeLessThan(1e-9);
      for (let i = 0; i < count; i++) expect((words[i >>> 5] >>> (i & 31)) & 1).toBe(ref[start + i] & 1);
    }
    expect(() => p.extractParities(n - 1, 2)).toThrow(RangeError);
  });

  it('rejects lengths that are not powers of two in 8 … 2^26', () => {
    expect(() => convPlan(4, false)).toThrow(RangeError);
    expect(() => convPlan(24, false)).toThrow(RangeError);
    expect(() => convPlan(1 << 27, false)).toThrow(RangeError);
  });
});
