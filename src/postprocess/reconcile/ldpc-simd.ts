/**
 * Layered sum-product decoding of up to 4 frames at once with a WebAssembly SIMD kernel
 * (ldpc-simd.wat): one f32x4 lane per frame, all frames on the same code (inter-frame parallelism,
 * Le Gal, Jego & Crenne 2015), check rule in the tanh domain with polynomial exp2/log2. Same per-frame
 * semantics as `LdpcDecoder.decode` (early termination, patience): each frame stops when its
 * syndrome is met or it stalls, and the next waiting frame takes its lane. When no frame is
 * waiting, a stalled frame's lane keeps iterating (free in SIMD) while others run; if its syndrome
 * becomes satisfied meanwhile it counts as decoded (checked exactly like any other). The state
 * (posteriors and messages) of every failed frame is written back, so a blind retry continues
 * from it; a decoded frame's state is left as it was (the caller reinitialises it).
 */
import type { WasmKernel } from '../../core/wasm/instance.js';
import { instantiate, wasmSupport } from '../../core/wasm/instance.js';
import type { LdpcCode } from './ldpc-code.js';
import { unsatisfiedChecks } from './ldpc-code.js';
import type { DecodeResult, DecoderState } from './ldpc-decoder.js';
import { wasmBytes } from './ldpc-simd.wasm.js';
import { weakMemo } from '../../core/weak-memo.js';

interface Kernel {
  iterate(m: number, rows: number, cols: number, syn: number, L: number, R: number, viol: number): void;
}

export const SIMD_LANES = 4;
const SIGN = 0x80000000 | 0;
/** LLR of a lane without a frame (all-zero word, zero syndrome: satisfied at once). */
const IDLE_LLR = 40;

/** Whether this runtime has WebAssembly SIMD (Node ≥ 16.4 does). */
export const simdAvailable: () => boolean = wasmSupport(wasmBytes);

export interface BatchFrame {
  st: DecoderState;
  syndrome: Uint8Array;
  /** Receives the decoded word (hard decisions) when the frame decodes; unspecified otherwise. */
  out: Uint8Array;
}

export class SimdLdpcDecoder {
  /** Stop a frame after this many iterations without fewer unsatisfied checks. */
  patience = 4;
  /** Kernel iterations run so far (each advances all 4 lanes): a work counter for profiling. */
  kernelIterations = 0;
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

  /**
   * Decode any number of frames (see `LdpcDecoder.decode`), 4 at a time: when a frame stops
   * (decoded, or stalled while other frames wait), the next one takes over its lane, so lanes
   * stay busy. Results in the order of `frames`.
   */
  decodeBatch(frames: BatchFrame[], maxIterations: number): DecodeResult[] {
    const { n, m, edges } = this.code;
    const buf = this.k.memory.buffer;
    const L = new Float32Array(buf, this.L, 4 * n);
    const R = new Float32Array(buf, this.R, 4 * edges);
    const syn = new Int32Array(buf, this.syn, 4 * m);
    const viol = new Int32Array(buf, this.viol, 4);
    const res: DecodeResult[] = frames.map(() => ({ ok: false, iterations: 0 }));
    const job = new Int32Array(SIMD_LANES).fill(-1);
    const iters = new Int32Array(SIMD_LANES);
    const best = new Int32Array(SIMD_LANES);
    const bestAt = new Int32Array(SIMD_LANES);
    // Bit masks of lanes whose frame is still running, and of lanes holding an undecided frame
    // (running, or stalled but still checked while other lanes run).
    let active = 0;
    let open = 0;
    let next = 0;
    const load = (l: number): void => {
      while (next < frames.length) {
        const j = next++;
        const { st, syndrome } = frames[j];
        const sl = st.llr;
        const sm = st.msg;
        for (let v = 0; v < n; v++) L[4 * v + l] = sl[v];
        for (let e = 0; e < edges; e++) R[4 * e + l] = sm[e];
        for (let c = 0; c < m; c++) syn[4 * c + l] = syndrome[c] ? SIGN : 0;
        // No exact check before the first iteration (it costs as much as one sweep's bookkeeping);
        // a frame that is already consistent is confirmed after one iteration.
        job[l] = j;
        iters[l] = 0;
        best[l] = m + 1;
        bestAt[l] = 0;
        active |= 1 << l;
        open |= 1 << l;
        return;
      }
      // Nothing left: an idle lane (all-zero word, zero syndrome) is stable under iteration.
      job[l] = -1;
      for (let v = 0; v < n; v++) L[4 * v + l] = IDLE_LLR;
      for (let e = 0; e < edges; e++) R[4 * e + l] = 0;
      for (let c = 0; c < m; c++) syn[4 * c + l] = 0;
    };
    /** Lane l's frame failed: write its state back. */
    const unload = (l: number): void => {
      const { st } = frames[job[l]];
      const sl = st.llr;
      const sm = st.msg;
      for (let v = 0; v < n; v++) sl[v] = L[4 * v + l];
      for (let e = 0; e < edges; e++) sm[e] = R[4 * e + l];
      job[l] = -1;
      active &= ~(1 << l);
      open &= ~(1 << l);
    };
    for (let l = 0; l < SIMD_LANES; l++) load(l);
    while (active) {
      this.k.exports.iterate(m, this.rows, this.cols, this.syn, this.L, this.R, this.viol);
      this.kernelIterations++;
      for (let l = 0; l < SIMD_LANES; l++) {
        const bit = 1 << l;
        if (!(open & bit)) continue;
        const j = job[l];
        const it = ++iters[l];
        const approx = viol[l];
        const u = approx <= 1 ? this.unsatisfied(L, l, frames[j].syndrome, frames[j].out) : approx;
        if (u === 0) {
          res[j].ok = true;
          res[j].iterations = it;
          active &= ~bit;
          open &= ~bit;
          job[l] = -1;
          if (next < frames.length) load(l);
        } else if (active & bit) {
          res[j].iterations = it;
          if (u < best[l]) {
            best[l] = u;
            bestAt[l] = it;
          }
          if (it - bestAt[l] >= this.patience || it >= maxIterations) {
            active &= ~bit;
            // Stalled: hand the lane to the next frame if there is one, else keep checking.
            if (next < frames.length) {
              unload(l);
              load(l);
            }
          }
        }
      }
    }
    for (let l = 0; l < SIMD_LANES; l++) if (open & (1 << l)) unload(l);
    return res;
  }

  /** Hard decisions of lane l into `out`; the number of unsatisfied checks. */
  private unsatisfied(L: Float32Array, l: number, syndrome: Uint8Array, out: Uint8Array): number {
    for (let v = 0; v < this.code.n; v++) out[v] = L[4 * v + l] < 0 ? 1 : 0;
    return unsatisfiedChecks(this.code, out, syndrome);
  }
}

/** One SIMD decoder (kernel instance holding the code) per code object. */
export const simdDecoderFor: (code: LdpcCode) => SimdLdpcDecoder = weakMemo((code: LdpcCode) => new SimdLdpcDecoder(code));
