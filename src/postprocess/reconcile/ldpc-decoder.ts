/**
 * Layered belief-propagation decoding for Slepian–Wolf syndrome decoding (algorithms.md §2.3): find
 * x with H·x = s closest to Bob's word; each check's message sign is flipped by its syndrome bit.
 * Check rule: sum-product via a tabulated Φ(x) = −ln tanh(x/2) (Gallager 1963), or normalised
 * min-sum (Chen & Fossorier 2002). Float32 messages in a flat CSR edge layout (edge e of check c
 * in rowStart[c] .. rowStart[c+1]−1, variable cols[e]), no allocation per iteration.
 *
 * Early termination: while processing check c the decoder already reads the posteriors of its
 * variables, so it counts the checks whose hard decisions (as seen at that moment) violate the
 * syndrome for free; only when that count reaches zero is the exact syndrome check run.
 * The decoder state (posteriors and check messages) can be kept between attempts, so a blind
 * retry continues from where the failed attempt stopped.
 */
import type { LdpcCode } from './ldpc-code.js';
import { unsatisfiedChecks } from './ldpc-code.js';

const PHI_SCALE = 64;
const PHI_MAX = 24;
const PHI = ((): Float32Array => {
  const t = new Float32Array(PHI_MAX * PHI_SCALE + 2);
  for (let i = 0; i < t.length; i++) {
    const x = Math.max(i, 0.5) / PHI_SCALE;
    t[i] = -Math.log(Math.tanh(x / 2));
  }
  return t;
})();
const PHI_LAST_X = (PHI.length - 1) / PHI_SCALE;

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
  /** Stop an attempt after this many iterations without fewer unsatisfied checks. */
  patience = 4;

  constructor(
    readonly code: LdpcCode,
    readonly rule: CheckRule = 'sum-product',
    readonly alpha = 0.8,
  ) {}

  /**
   * Run up to `maxIterations` layered iterations on `st` (channel LLRs in st.llr and zero msg on a
   * fresh start). `out` receives hard decisions; ok when H·out = syndrome.
   */
  decode(st: DecoderState, syndrome: Uint8Array, out: Uint8Array, maxIterations: number): DecodeResult {
    let best = this.unsatisfied(st.llr, syndrome, out);
    if (best === 0) return { ok: true, iterations: 0 };
    let bestAt = 0;
    for (let it = 1; it <= maxIterations; it++) {
      const approx = this.rule === 'sum-product' ? this.iterateSumProduct(st, syndrome) : this.iterateMinSum(st, syndrome);
      // `approx` counts violated checks seen mid-sweep; confirm exactly only when it is small.
      const u = approx <= 1 ? this.unsatisfied(st.llr, syndrome, out) : approx;
      if (u === 0) return { ok: true, iterations: it };
      if (u < best) {
        best = u;
        bestAt = it;
      } else if (it - bestAt >= this.patience) {
        // Stalled: no progress for `patience` iterations. Give up this attempt (a blind retry
        // continues from this state with more information).
        this.unsatisfied(st.llr, syndrome, out);
        return { ok: false, iterations: it };
      }
    }
    this.unsatisfied(st.llr, syndrome, out);
    return { ok: false, iterations: maxIterations };
  }

  /** Hard decisions into `out`; returns the number of unsatisfied checks. */
  unsatisfied(L: Float32Array, syndrome: Uint8Array, out: Uint8Array): number {
    for (let v = 0; v < this.code.n; v++) out[v] = L[v] < 0 ? 1 : 0;
    return unsatisfiedChecks(this.code, out, syndrome);
  }

  // Both rules work in place: the first pass replaces L[v] by the extrinsic value t = L[v] − R[e]
  // and R[e] by a per-edge scratch value; the second pass writes the new message and L[v] = t + msg.
  // (A variable occurs at most once per check, so this is exact.)
  private iterateSumProduct(st: DecoderState, syndrome: Uint8Array): number {
    const { rowStart, cols, m } = this.code;
    const L = st.llr;
    const R = st.msg;
    let viol = 0;
    for (let c = 0; c < m; c++) {
      const e0 = rowStart[c];
      const e1 = rowStart[c + 1];
      let sum = 0;
      let sgn = syndrome[c];
      let hard = sgn;
      for (let e = e0; e < e1; e++) {
        const v = cols[e];
        const lv = L[v];
        const t = lv - R[e];
        L[v] = t;
        let a = t;
        if (t < 0) {
          sgn ^= 1;
          a = -t;
        }
        if (lv < 0) hard ^= 1;
        if (a > PHI_LAST_X) a = PHI_LAST_X;
        const f = PHI[(a * PHI_SCALE + 0.5) | 0];
        R[e] = f;
        sum += f;
      }
      viol += hard;
      for (let e = e0; e < e1; e++) {
        const v = cols[e];
        const t = L[v];
        let d = sum - R[e];
        if (d > PHI_LAST_X) d = PHI_LAST_X;
        const mag = PHI[(d * PHI_SCALE + 0.5) | 0];
        const msg = sgn ^ (t < 0 ? 1 : 0) ? -mag : mag;
        R[e] = msg;
        L[v] = t + msg;
      }
    }
    return viol;
  }

  private iterateMinSum(st: DecoderState, syndrome: Uint8Array): number {
    const { rowStart, cols, m } = this.code;
    const L = st.llr;
    const R = st.msg;
    const alpha = this.alpha;
    let viol = 0;
    for (let c = 0; c < m; c++) {
      const e0 = rowStart[c];
      const e1 = rowStart[c + 1];
      let min1 = 1e30;
      let min2 = 1e30;
      let minIdx = -1;
      let sgn = syndrome[c];
      let hard = sgn;
      for (let e = e0; e < e1; e++) {
        const v = cols[e];
        const lv = L[v];
        if (lv < 0) hard ^= 1;
        const t = lv - R[e];
        L[v] = t;
        let a = t;
        if (t < 0) {
          sgn ^= 1;
          a = -t;
        }
        if (a < min2) {
          if (a < min1) {
            min2 = min1;
            min1 = a;
            minIdx = e;
          } else min2 = a;
        }
      }
      viol += hard;
      const m1 = alpha * min1;
      const m2 = alpha * min2;
      for (let e = e0; e < e1; e++) {
        const v = cols[e];
        const t = L[v];
        const mag = e === minIdx ? m2 : m1;
        const msg = sgn ^ (t < 0 ? 1 : 0) ? -mag : mag;
        R[e] = msg;
        L[v] = t + msg;
      }
    }
    return viol;
  }
}
