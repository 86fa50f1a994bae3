/** Shared inputs and the float64 reference for the QC sum-product kernels' tests (ldpc-qc-sp, ldpc-qc-sp16). */
import type { cachedQcLdpcCode } from '../../../src/postprocess/reconcile/ldpc-qc.js';
import { Xoshiro128 } from '../../../src/postprocess/reconcile/prng.js';

export type QcCode = ReturnType<typeof cachedQcLdpcCode>;

/** Seeded BSC error pattern: bit v is 1 with probability q. */
export function errors(n: number, q: number, seed: number): Uint8Array {
  const rng = new Xoshiro128(seed, 5);
  const e = new Uint8Array(n);
  for (let v = 0; v < n; v++) e[v] = rng.nextU32() < q * 2 ** 32 ? 1 : 0;
  return e;
}

/** Channel values with some punctured (0), some known (±40) and some arbitrary soft values. */
export function mixedLlr(e: Uint8Array, lc: number, seed: number): Float32Array {
  const rng = new Xoshiro128(seed, 9);
  const llr = new Float32Array(e.length);
  for (let v = 0; v < e.length; v++) {
    const u = rng.nextU32() / 2 ** 32;
    llr[v] = u < 0.02 ? 0 : u < 0.03 ? (e[v] ? -40 : 40) : u < 0.1 ? (u - 0.065) * 100 : e[v] ? -lc : lc;
  }
  return llr;
}

/**
 * Independent reference: layered sum-product in float64 over the expanded code in row order
 * (the 16 checks of a base row share no variable, so any order inside a row is the same layer),
 * message 2·atanh(∏ tanh(t/2)) over the other edges with Math.tanh/Math.atanh, the syndrome bit
 * flipping the sign; |t| clamped at 24 and |message| at `messageCap` (the float32 kernel's
 * ln(2^21); none for the 16-bit one, whose own clamp the comparison skips).
 */
export function floatLayeredSweep(code: QcCode, llr: Float32Array, syn: Uint8Array, iterations: number, messageCap = Infinity): Float64Array {
  const L = Float64Array.from(llr);
  const R = new Float64Array(code.edges);
  for (let it = 0; it < iterations; it++) {
    for (let c = 0; c < code.m; c++) {
      const t: number[] = [];
      for (let k = code.rowStart[c]; k < code.rowStart[c + 1]; k++) t.push(L[code.cols[k]] - R[k]);
      for (let k = code.rowStart[c], j = 0; k < code.rowStart[c + 1]; k++, j++) {
        let p = syn[c] ? -1 : 1;
        for (let i = 0; i < t.length; i++) if (i !== j) p *= Math.tanh(Math.max(-24, Math.min(24, t[i])) / 2);
        // |p| ≤ tanh(12) < 1 − 10⁻¹⁵: the clamp only guards atanh
        const msg = Math.max(-messageCap, Math.min(messageCap, 2 * Math.atanh(Math.max(-1 + 1e-15, Math.min(1 - 1e-15, p)))));
        R[k] = msg;
        L[code.cols[k]] = t[j] + msg;
      }
    }
  }
  return L;
}
