import { describe, expect, it } from 'vitest';
import { cachedQcLdpcCode } from '../../../src/postprocess/reconcile/ldpc-qc.js';
import { QcSpDecoder, qcSpDecoderAvailable } from '../../../src/postprocess/reconcile/ldpc-qc-sp.js';
import { profileFor, syndromeOf } from '../../../src/postprocess/reconcile/ldpc-code.js';
import { ELKOUSS_2009_TABLE } from '../../../src/postprocess/reconcile/ldpc-profiles.js';
import { Xoshiro128 } from '../../../src/postprocess/reconcile/prng.js';

const N = 4096;
const M = 1024;

function errors(n: number, q: number, seed: number): Uint8Array {
  const rng = new Xoshiro128(seed, 5);
  const e = new Uint8Array(n);
  for (let v = 0; v < n; v++) e[v] = rng.nextU32() < q * 2 ** 32 ? 1 : 0;
  return e;
}

/**
 * Independent reference: layered sum-product in float64 over the expanded code in row order
 * (the 16 checks of a base row share no variable, so any order inside a row is the same layer),
 * message 2·atanh(∏ tanh(t/2)) over the other edges with Math.tanh/Math.atanh, the syndrome bit
 * flipping the sign; |t| clamped at 24 and |message| at ln(2^21) as the kernel does.
 */
function referenceSweep(code: ReturnType<typeof cachedQcLdpcCode>, llr: Float32Array, syn: Uint8Array, iterations: number): Float64Array {
  const L = Float64Array.from(llr);
  const R = new Float64Array(code.edges);
  const cap = Math.log(2 ** 21);
  for (let it = 0; it < iterations; it++) {
    for (let c = 0; c < code.m; c++) {
      const t: number[] = [];
      for (let k = code.rowStart[c]; k < code.rowStart[c + 1]; k++) t.push(L[code.cols[k]] - R[k]);
      for (let k = code.rowStart[c], j = 0; k < code.rowStart[c + 1]; k++, j++) {
        let p = syn[c] ? -1 : 1;
        for (let i = 0; i < t.length; i++) if (i !== j) p *= Math.tanh(Math.max(-24, Math.min(24, t[i])) / 2);
        const msg = Math.max(-cap, Math.min(cap, 2 * Math.atanh(p)));
        R[k] = msg;
        L[code.cols[k]] = t[j] + msg;
      }
    }
  }
  return L;
}

describe.runIf(qcSpDecoderAvailable())('float32 QC sum-product kernel', () => {
  const code = cachedQcLdpcCode(N, M, 0x1dc0de);
  const q = 0.03;
  const lc = Math.log((1 - q) / q);
  it('matches an independent float64 layered 2·atanh(∏ tanh(x/2)) decoder (punctured and known inputs)', () => {
    for (const seed of [4242, 17]) {
      const e = errors(N, q, seed);
      const syn = syndromeOf(code, e);
      const rng = new Xoshiro128(seed, 9);
      const llr = new Float32Array(N);
      // channel values with some punctured (0), some known (±40), some arbitrary soft values
      for (let v = 0; v < N; v++) {
        const u = rng.nextU32() / 2 ** 32;
        llr[v] = u < 0.02 ? 0 : u < 0.03 ? (e[v] ? -40 : 40) : u < 0.1 ? (u - 0.065) * 100 : e[v] ? -lc : lc;
      }
      const dec = new QcSpDecoder(code);
      for (const its of [1, 3]) {
        const got = dec.sweep(llr, syn, its);
        const want = referenceSweep(code, llr, syn, its);
        let maxDiff = 0;
        let signs = 0;
        for (let v = 0; v < N; v++) {
          maxDiff = Math.max(maxDiff, Math.abs(got[v] - want[v]));
          if (got[v] < 0 !== want[v] < 0 && Math.abs(want[v]) > 0.1) signs++;
        }
        // the kernel's exp2/log2 polynomials: relative error ≈ 2e−3 per message (measured max 0.011 after 1 iteration, 0.034 after 3)
        expect(maxDiff, `seed ${seed}, ${its} iterations`).toBeLessThan(its === 1 ? 0.03 : 0.08);
        expect(signs, `seed ${seed}, ${its} iterations`).toBe(0);
        // and the sweep moved the posteriors (a no-op kernel would fail the comparison above unless …)
        let moved = 0;
        for (let v = 0; v < N; v++) if (Math.abs(got[v] - llr[v]) > 0.5) moved++;
        expect(moved).toBeGreaterThan(N / 4);
      }
    }
  });
  it('decodes to the true error pattern (H·out = s and out = e) at rate 0.75, QBER 3 %', () => {
    const dec = new QcSpDecoder(code);
    dec.patience = 30;
    const llr = new Float32Array(N).fill(lc);
    const out = new Uint8Array(N);
    for (const seed of [1, 2, 3, 4]) {
      const e = errors(N, q, seed);
      const r = dec.decode(llr, lc, syndromeOf(code, e), out, 100);
      expect(r.ok, `seed ${seed}`).toBe(true);
      expect(out.every((b, v) => b === e[v]), `seed ${seed}`).toBe(true);
    }
  });
  it('reports failure (not a wrong word) far beyond the code’s capacity', () => {
    const dec = new QcSpDecoder(code);
    const q2 = 0.2;
    const e = errors(N, q2, 99);
    const out = new Uint8Array(N);
    const r = dec.decode(new Float32Array(N).fill(Math.log((1 - q2) / q2)), 0, syndromeOf(code, e), out, 40);
    expect(r.ok).toBe(false);
  });
});

describe("'elkouss2009-high' degree profile", () => {
  // node fractions λ_i/i / Σ λ_j/j of a Table I row, computed here from the published edge-perspective λ
  const row = (rate: number): [number, number][] => {
    const lam = ELKOUSS_2009_TABLE.find((r) => r.rate === rate)?.lambda ?? {};
    const tot = Object.entries(lam).reduce((a, [d, l]) => a + l / Number(d), 0);
    return Object.entries(lam).map(([d, l]) => [Number(d), l / Number(d) / tot]);
  };
  it('is the rate-0.85 row above rate 0.85 and the nearest row below', () => {
    for (const [m, rate] of [[1600, 0.85], [2000, 0.85], [4800, 0.7], [4000, 0.75], [8000, 0.5]] as const) {
      const got = profileFor('elkouss2009-high', 16000, m);
      const want = row(rate);
      expect(got.length, `m ${m}`).toBe(want.length);
      got.forEach(([d, f], i) => {
        expect(d).toBe(want[i][0]);
        expect(f).toBeCloseTo(want[i][1], 12);
      });
    }
    // above 0.875 'auto' is the 2-3-12 profile, not Table I
    expect(profileFor('auto', 16000, 1600).map(([d]) => d)).toEqual([2, 3, 12]);
  });
});
