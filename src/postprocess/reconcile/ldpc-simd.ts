/**
 * Layered sum-product decoding of up to 4 frames at once with a WebAssembly SIMD kernel
 * (ldpc-simd.wat): one f32x4 lane per frame, all frames on the same code (inter-frame parallelism,
 * Le Gal, Jego & Crenne 2015), Φ evaluated with polynomials instead of a table. Same interface
 * and per-frame semantics as `LdpcDecoder.decode` (early termination, patience): each frame
 * stops when its syndrome is met or it stalls. Lanes keep iterating (free in SIMD) until every
 * frame in the batch has stopped; a stalled frame whose syndrome becomes satisfied meanwhile
 * counts as decoded (its decisions are checked exactly like any other). Then the state
 * (posteriors and messages) of every failed frame is written back, so a blind retry continues
 * from it; a decoded frame's state is left as it was (the caller reinitialises it).
 */
import type { WasmKernel } from '../../core/wasm/instance.js';
import { instantiate } from '../../core/wasm/instance.js';
import type { LdpcCode } from './ldpc-code.js';
import type { DecodeResult, DecoderState } from './ldpc-decoder.js';
import { wasmBytes } from './ldpc-simd.wasm.js';

interface Kernel {
  iterate(m: number, rows: number, cols: number, syn: number, L: number, R: number, viol: number): void;
}

export const SIMD_LANES = 4;
const SIGN = 0x80000000 | 0;
/** LLR of a lane without a frame (all-zero word, zero syndrome: satisfied at once). */
const IDLE_LLR = 40;

let simdOk: boolean | undefined;
/** Whether this runtime has WebAssembly SIMD (Node ≥ 16.4 does). */
export function simdAvailable(): boolean {
  if (simdOk === undefined) {
    try {
      simdOk = typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes);
    } catch {
      simdOk = false;
    }
  }
  return simdOk;
}

export interface BatchFrame {
  st: DecoderState;
  syndrome: Uint8Array;
  out: Uint8Array;
}

export class SimdLdpcDecoder {
  /** Stop a frame after this many iterations without fewer unsatisfied checks. */
  patience = 4;
  private readonly k: WasmKernel<Kernel>;
  private readonly rows: number;
  private readonly cols: number;
  private readonly syn: number;
  private readonly L: number;
  private readonly R: number;
  private readonly viol: number;

  constructor(readonly code: LdpcCode) {
    const { n, m, edges } = code;
    const al = (x: number): number => (x + 15) & ~15;
    this.rows = 0;
    this.cols = al(4 * (m + 1));
    this.syn = this.cols + al(4 * edges);
    this.L = this.syn + 16 * m;
    this.R = this.L + 16 * n;
    this.viol = this.R + 16 * edges;
    this.k = instantiate<Kernel>(wasmBytes);
    this.k.ensure(this.viol + 16);
    const buf = this.k.memory.buffer;
    new Int32Array(buf, this.rows, m + 1).set(code.rowStart);
    const cols = new Int32Array(buf, this.cols, edges);
    for (let e = 0; e < edges; e++) cols[e] = code.cols[e] << 4;
  }

  /** Decode up to 4 frames (see `LdpcDecoder.decode`); results in the order of `frames`. */
  decodeBatch(frames: BatchFrame[], maxIterations: number): DecodeResult[] {
    const { n, m, edges } = this.code;
    const lanes = frames.length;
    if (lanes < 1 || lanes > SIMD_LANES) throw new RangeError(`SIMD decoder: ${lanes} frames (1..${SIMD_LANES})`);
    const buf = this.k.memory.buffer;
    const L = new Float32Array(buf, this.L, 4 * n);
    const R = new Float32Array(buf, this.R, 4 * edges);
    const syn = new Int32Array(buf, this.syn, 4 * m);
    const viol = new Int32Array(buf, this.viol, 4);
    for (let l = 0; l < SIMD_LANES; l++) {
      if (l < lanes) {
        const { st, syndrome } = frames[l];
        const sl = st.llr;
        const sm = st.msg;
        for (let v = 0; v < n; v++) L[4 * v + l] = sl[v];
        for (let e = 0; e < edges; e++) R[4 * e + l] = sm[e];
        for (let c = 0; c < m; c++) syn[4 * c + l] = syndrome[c] ? SIGN : 0;
      } else {
        for (let v = 0; v < n; v++) L[4 * v + l] = IDLE_LLR;
        for (let e = 0; e < edges; e++) R[4 * e + l] = 0;
        for (let c = 0; c < m; c++) syn[4 * c + l] = 0;
      }
    }
    const res: DecodeResult[] = [];
    const best = new Int32Array(lanes);
    const bestAt = new Int32Array(lanes);
    // Bit masks of lanes still running, and of lanes not yet decoded (running or stalled).
    let active = 0;
    for (let l = 0; l < lanes; l++) {
      best[l] = this.unsatisfied(L, l, frames[l].syndrome, frames[l].out);
      const done = best[l] === 0;
      res.push({ ok: done, iterations: 0 });
      if (!done) active |= 1 << l;
    }
    let open = active;
    for (let it = 1; it <= maxIterations && active; it++) {
      this.k.exports.iterate(m, this.rows, this.cols, this.syn, this.L, this.R, this.viol);
      for (let l = 0; l < lanes; l++) {
        if (!(open & (1 << l))) continue;
        const approx = viol[l];
        const u = approx <= 1 ? this.unsatisfied(L, l, frames[l].syndrome, frames[l].out) : approx;
        if (u === 0) {
          res[l].ok = true;
          res[l].iterations = it;
          active &= ~(1 << l);
          open &= ~(1 << l);
        } else if (active & (1 << l)) {
          res[l].iterations = it;
          if (u < best[l]) {
            best[l] = u;
            bestAt[l] = it;
          } else if (it - bestAt[l] >= this.patience) active &= ~(1 << l);
        }
      }
    }
    for (let l = 0; l < lanes; l++) {
      const { st, out, syndrome } = frames[l];
      if (res[l].ok) continue;
      this.unsatisfied(L, l, syndrome, out);
      const sl = st.llr;
      const sm = st.msg;
      for (let v = 0; v < n; v++) sl[v] = L[4 * v + l];
      for (let e = 0; e < edges; e++) sm[e] = R[4 * e + l];
    }
    return res;
  }

  /** Hard decisions of lane l into `out`; the number of unsatisfied checks. */
  private unsatisfied(L: Float32Array, l: number, syndrome: Uint8Array, out: Uint8Array): number {
    const { rowStart, cols, m, n } = this.code;
    for (let v = 0; v < n; v++) out[v] = L[4 * v + l] < 0 ? 1 : 0;
    let u = 0;
    for (let c = 0; c < m; c++) {
      let s = syndrome[c];
      const e1 = rowStart[c + 1];
      for (let e = rowStart[c]; e < e1; e++) s ^= out[cols[e]];
      u += s;
    }
    return u;
  }
}

const cache = new WeakMap<LdpcCode, SimdLdpcDecoder>();
/** One SIMD decoder (kernel instance holding the code) per code object. */
export function simdDecoderFor(code: LdpcCode): SimdLdpcDecoder {
  let d = cache.get(code);
  if (!d) {
    d = new SimdLdpcDecoder(code);
    cache.set(code, d);
  }
  return d;
}
