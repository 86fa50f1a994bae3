/**
 * Layered belief-propagation decoding for Slepian–Wolf syndrome decoding (algorithms.md §2.3): find
 * x with H·x = s closest to Bob's word; each check's message sign is flipped by its syndrome bit.
 * Check rule: sum-product via a tabulated Φ(x) = −ln tanh(x/2) (Gallager 1963), or normalised
 * min-sum (Chen & Fossorier 2002). Float32 messages in typed arrays, no allocation per iteration.
 * The decoder state (posteriors and check messages) can be kept between attempts, so a blind
 * retry continues from where the failed attempt stopped.
 */
import type { LdpcCode } from './ldpc-code.js';

const PHI_SCALE = 128;
const PHI = ((): Float32Array => {
  const t = new Float32Array(24 * PHI_SCALE + 2);
  for (let i = 0; i < t.length; i++) {
    const x = Math.max(i, 0.5) / PHI_SCALE;
    t[i] = -Math.log(Math.tanh(x / 2));
  }
  return t;
})();
const PHI_LAST = PHI.length - 1;

export type CheckRule = 'sum-product' | 'min-sum';

/** Posterior LLRs (positive = bit 0) and check-to-variable messages of one frame. */
export interface DecoderState {
  llr: Float32Array;
  msg: Float32Array;
}

export function newDecoderState(code: LdpcCode): DecoderState {
  return { llr: new Float32Array(code.n), msg: new Float32Array(code.edges) };
}

export interface DecodeResult {
  ok: boolean;
  iterations: number;
}

export class LdpcDecoder {
  private readonly t: Float32Array;
  private readonly u: Float32Array;

  constructor(
    readonly code: LdpcCode,
    readonly rule: CheckRule = 'sum-product',
    readonly alpha = 0.8,
  ) {
    let maxRow = 0;
    for (let c = 0; c < code.m; c++) maxRow = Math.max(maxRow, code.rowStart[c + 1] - code.rowStart[c]);
    this.t = new Float32Array(maxRow);
    this.u = new Float32Array(maxRow);
  }

  /**
   * Run up to `maxIterations` layered iterations on `st` (channel LLRs in st.llr and zero msg on a
   * fresh start). `out` receives hard decisions; ok when H·out = syndrome.
   */
  decode(st: DecoderState, syndrome: Uint8Array, out: Uint8Array, maxIterations: number): DecodeResult {
    let best = this.unsatisfied(st.llr, syndrome, out);
    if (best === 0) return { ok: true, iterations: 0 };
    let bestAt = 0;
    for (let it = 1; it <= maxIterations; it++) {
      if (this.rule === 'sum-product') this.iterateSumProduct(st, syndrome);
      else this.iterateMinSum(st, syndrome);
      const u = this.unsatisfied(st.llr, syndrome, out);
      if (u === 0) return { ok: true, iterations: it };
      if (u < best) {
        best = u;
        bestAt = it;
      } else if (it - bestAt >= this.patience) {
        // Stalled: no progress for `patience` iterations. Give up this attempt (a blind retry
        // continues from this state with more information).
        return { ok: false, iterations: it };
      }
    }
    return { ok: false, iterations: maxIterations };
  }

  /** Stop an attempt after this many iterations without fewer unsatisfied checks. */
  patience = 8;

  /** Hard decisions into `out`; returns the number of unsatisfied checks. */
  private unsatisfied(L: Float32Array, syndrome: Uint8Array, out: Uint8Array): number {
    const { rowStart, cols, m, n } = this.code;
    for (let v = 0; v < n; v++) out[v] = L[v] < 0 ? 1 : 0;
    let u = 0;
    for (let c = 0; c < m; c++) {
      let s = syndrome[c];
      for (let e = rowStart[c]; e < rowStart[c + 1]; e++) s ^= out[cols[e]];
      u += s;
    }
    return u;
  }

  private iterateSumProduct(st: DecoderState, syndrome: Uint8Array): void {
    const { rowStart, cols, m } = this.code;
    const L = st.llr;
    const R = st.msg;
    const T = this.t;
    const U = this.u;
    for (let c = 0; c < m; c++) {
      const e0 = rowStart[c];
      const e1 = rowStart[c + 1];
      let sum = 0;
      let sgn = syndrome[c];
      for (let e = e0; e < e1; e++) {
        const t = L[cols[e]] - R[e];
        T[e - e0] = t;
        let a = t;
        if (t < 0) {
          sgn ^= 1;
          a = -t;
        }
        const i = (a * PHI_SCALE + 0.5) | 0;
        const f = PHI[i > PHI_LAST ? PHI_LAST : i];
        U[e - e0] = f;
        sum += f;
      }
      for (let e = e0; e < e1; e++) {
        const t = T[e - e0];
        const d = sum - U[e - e0];
        const i = d > 0 ? (d * PHI_SCALE + 0.5) | 0 : 0;
        const mag = PHI[i > PHI_LAST ? PHI_LAST : i];
        const msg = sgn ^ (t < 0 ? 1 : 0) ? -mag : mag;
        R[e] = msg;
        L[cols[e]] = t + msg;
      }
    }
  }

  private iterateMinSum(st: DecoderState, syndrome: Uint8Array): void {
    const { rowStart, cols, m } = this.code;
    const L = st.llr;
    const R = st.msg;
    const T = this.t;
    const alpha = this.alpha;
    for (let c = 0; c < m; c++) {
      const e0 = rowStart[c];
      const e1 = rowStart[c + 1];
      let min1 = 1e30;
      let min2 = 1e30;
      let minIdx = -1;
      let sgn = syndrome[c];
      for (let e = e0; e < e1; e++) {
        const t = L[cols[e]] - R[e];
        T[e - e0] = t;
        let a = t;
        if (t < 0) {
          sgn ^= 1;
          a = -t;
        }
        if (a < min1) {
          min2 = min1;
          min1 = a;
          minIdx = e;
        } else if (a < min2) min2 = a;
      }
      const m1 = alpha * min1;
      const m2 = alpha * min2;
      for (let e = e0; e < e1; e++) {
        const t = T[e - e0];
        const mag = e === minIdx ? m2 : m1;
        const msg = sgn ^ (t < 0 ? 1 : 0) ? -mag : mag;
        R[e] = msg;
        L[cols[e]] = t + msg;
      }
    }
  }
}
