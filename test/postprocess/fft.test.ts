import { describe, it, expect } from 'vitest';
import { convScale, fftPlan, forwardReal, inverseReal, mulAccumulate, realConvolveInPlace } from '../../src/postprocess/fft.js';

const rev = (x: number, bits: number) => {
  let r = 0;
  for (let b = 0; b < bits; b++) r |= ((x >>> b) & 1) << (bits - 1 - b);
  return r;
};

/** Naive circular convolution of two real sequences. */
function naiveConv(x: Float64Array, s: Float64Array): Float64Array {
  const n = x.length;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) if (x[i] !== 0) for (let j = 0; j < n; j++) c[(i + j) % n] += x[i] * s[j];
  return c;
}

const bits = (n: number) => Float64Array.from({ length: n }, () => (Math.random() < 0.5 ? 1 : 0));

describe('float64 FFT (fft.ts)', () => {
  it('forwardReal equals the naive DFT of the packed sequence, in bit-reversed order (M = 1 … 2^9)', () => {
    for (let lg = 0; lg <= 9; lg++) {
      const m = 1 << lg;
      const a = Float64Array.from({ length: 2 * m }, () => Math.random() * 2 - 1);
      const z = a.slice();
      forwardReal(a);
      let worst = 0;
      for (let pos = 0; pos < m; pos++) {
        const k = rev(pos, lg);
        let re = 0, im = 0;
        for (let j = 0; j < m; j++) {
          const ang = (-2 * Math.PI * ((j * k) % m)) / m;
          const c = Math.cos(ang), s = Math.sin(ang);
          re += z[2 * j] * c - z[2 * j + 1] * s;
          im += z[2 * j] * s + z[2 * j + 1] * c;
        }
        worst = Math.max(worst, Math.abs(a[2 * pos] - re), Math.abs(a[2 * pos + 1] - im));
      }
      expect(worst).toBeLessThan(1e-10 * m + 1e-12);
    }
  });

  it('inverseReal(forwardReal(a)) = M·a (M = 1 … 2^14)', () => {
    for (let lg = 0; lg <= 14; lg++) {
      const m = 1 << lg;
      const a = Float64Array.from({ length: 2 * m }, () => Math.random());
      const b = a.slice();
      forwardReal(b);
      inverseReal(b);
      let worst = 0;
      for (let i = 0; i < 2 * m; i++) worst = Math.max(worst, Math.abs(b[i] / m - a[i]));
      expect(worst).toBeLessThan(1e-12 * (lg + 1));
    }
  });

  it('realConvolveInPlace equals the naive circular convolution (N = 2 … 2^12, 0/1 and real data)', () => {
    for (let lg = 1; lg <= 12; lg++) {
      const n = 1 << lg;
      for (const real of [false, true]) {
        const x = real ? Float64Array.from({ length: n }, () => Math.random()) : bits(n);
        const s = real ? Float64Array.from({ length: n }, () => Math.random()) : bits(n);
        const ref = naiveConv(x, s);
        const xa = x.slice();
        realConvolveInPlace(xa, s.slice());
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(xa[i] / convScale(n) - ref[i]));
        expect(worst).toBeLessThan(1e-9);
      }
    }
  });

  it('mulAccumulate: one inverse of summed spectra = sum of the convolutions', () => {
    for (const lg of [1, 2, 3, 5, 8, 11]) {
      const n = 1 << lg;
      const p = fftPlan(n >>> 1);
      const acc = new Float64Array(n);
      const ref = new Float64Array(n);
      for (let blk = 0; blk < 4; blk++) {
        const x = bits(n), s = bits(n);
        const c = naiveConv(x, s);
        for (let i = 0; i < n; i++) ref[i] += c[i];
        forwardReal(x, p);
        forwardReal(s, p);
        mulAccumulate(acc, x, s, blk === 0, p);
      }
      inverseReal(acc, p);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(acc[i] / convScale(n) - ref[i]));
      expect(worst).toBeLessThan(1e-9);
    }
  });

  it('N = 2^20 binary convolution: sampled outputs exact, all outputs within 10^-6 of an integer', () => {
    const n = 1 << 20;
    const x = bits(n), s = bits(n);
    const xa = x.slice();
    realConvolveInPlace(xa, s.slice());
    const inv = 1 / convScale(n);
    let dev = 0;
    for (let i = 0; i < n; i++) {
      const v = xa[i] * inv;
      dev = Math.max(dev, Math.abs(v - Math.round(v)));
    }
    expect(dev).toBeLessThan(1e-6);
    for (let t = 0; t < 40; t++) {
      const k = Math.floor(Math.random() * n);
      let c = 0;
      for (let j = 0; j < n; j++) c += x[j] * s[(k - j + n) % n];
      expect(Math.round(xa[k] * inv)).toBe(c);
    }
  });
});
