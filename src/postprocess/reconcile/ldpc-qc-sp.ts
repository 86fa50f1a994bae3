/**
 * Float32 layered sum-product decoder for the quasi-cyclic codes of ldpc-qc.ts, one frame at a
 * time, 4 checks of a base row per f32x4 operation (ldpc-qc-sp.wat: the tanh rule of
 * ldpc-simd.wat, Gallager 1963; Richardson & Urbanke, Modern Coding Theory §2.5). Where the 8-bit
 * min-sum kernel (ldpc-qc.ts) fails at high rate for want of the small check messages of
 * sum-product (see its notes), this one decodes like the float CSR decoders (ldpc-decoder.ts,
 * ldpc-simd.ts) but without their 4-frame batching: a single frame uses all four lanes.
 *
 * Same interface and early-termination semantics as `QcLdpcDecoder.decode`: plain sum-product
 * (no normalisation ladder), stop on a met syndrome (exact check on the expanded code) or after
 * `patience` iterations without fewer unsatisfied checks. Every call starts from the given LLRs
 * with zero messages.
 */
import type { WasmKernel } from '../../core/wasm/instance.js';
import { instantiate, wasmSupport } from '../../core/wasm/instance.js';
import { unsatisfiedChecks } from './ldpc-code.js';
import type { DecodeResult } from './ldpc-decoder.js';
import type { QcLdpcCode } from './ldpc-qc.js';
import { wasmBytes } from './ldpc-qc-sp.wasm.js';
import { weakMemo } from '../../core/weak-memo.js';
import { QC_SP_BLOCK, qcSpHardDecisions, qcSpPosteriors, qcSpSlot } from './ldpc-qc-sp-layout.js';

interface Kernel {
  iterate(m0: number, rows: number, edges: number, syn: number, L: number, R: number, tmp: number, viol: number): void;
}


/** Whether this runtime has WebAssembly SIMD for the kernel. */
export const qcSpDecoderAvailable: () => boolean = wasmSupport(wasmBytes);

export class QcSpDecoder {
  /** Stop after this many iterations without fewer unsatisfied checks. */
  patience = 8;
  /** Kernel iterations run so far (a work counter for profiling). */
  kernelIterations = 0;
  private readonly k: WasmKernel<Kernel>;
  private readonly a: { rows: number; edges: number; syn: number; L: number; R: number; tmp: number; viol: number };

  constructor(readonly code: QcLdpcCode) {
    const { qc } = code;
    const { n0, m0, rowStart, edges } = qc;
    const al = (x: number): number => (x + 15) & ~15;
    let dmax = 0;
    for (let i = 0; i < m0; i++) dmax = Math.max(dmax, rowStart[i + 1] - rowStart[i]);
    const rows = 0;
    const ed = al(4 * (m0 + 1));
    const syn = ed + al(4 * edges.length);
    // 64 bytes below block 0: its P − 16 stores spill there
    const L = syn + 64 * m0 + 64;
    const R = L + 4 * QC_SP_BLOCK * n0;
    const tmp = R + 64 * edges.length;
    const viol = tmp + 32 * dmax;
    this.a = { rows, edges: ed, syn, L, R, tmp, viol };
    this.k = instantiate<Kernel>(wasmBytes);
    this.k.ensure(viol + 16);
    const buf = this.k.memory.buffer;
    new Int32Array(buf, rows, m0 + 1).set(rowStart);
    // per base edge (column block j, shift s, packed 16·j + s) the byte offset of its rotated window
    new Int32Array(buf, ed, edges.length).set(edges.map((r) => 4 * qcSpSlot(r)));
  }

  /**
   * Decode one frame: float LLRs `llr` (positive = bit 0), syndrome bits; `lc` is unused (the
   * float kernel needs no quantisation scale; kept for the min-sum decoder's signature). `out`
   * receives the hard decisions; ok when H·out = syndrome.
   */
  decode(llr: Float32Array, _lc: number, syndrome: Uint8Array, out: Uint8Array, maxIterations: number): DecodeResult {
    this.load(llr, syndrome);
    const { m, qc } = this.code;
    const a = this.a;
    const viol = new Int32Array(this.k.memory.buffer, a.viol, 4);
    let best = m + 1;
    let bestAt = 0;
    let it = 1;
    for (; it <= maxIterations; it++) {
      this.k.exports.iterate(qc.m0, a.rows, a.edges, a.syn, a.L, a.R, a.tmp, a.viol);
      this.kernelIterations++;
      const approx = viol[0] + viol[1] + viol[2] + viol[3];
      const u = approx <= 1 ? this.unsatisfied(syndrome, out) : approx;
      if (u === 0) return { ok: true, iterations: it };
      if (u < best) {
        best = u;
        bestAt = it;
      } else if (it - bestAt >= this.patience) break;
    }
    this.unsatisfied(syndrome, out);
    return { ok: false, iterations: Math.min(it, maxIterations) };
  }

  /** `iterations` kernel iterations from `llr`: the posteriors afterwards, in natural order (for tests). */
  sweep(llr: Float32Array, syndrome: Uint8Array, iterations: number): Float32Array {
    this.load(llr, syndrome);
    const { qc } = this.code;
    const a = this.a;
    for (let it = 0; it < iterations; it++) this.k.exports.iterate(qc.m0, a.rows, a.edges, a.syn, a.L, a.R, a.tmp, a.viol);
    return this.posteriors();
  }

  /** Current posteriors in natural variable order (copy). */
  posteriors(): Float32Array {
    const n = this.code.n;
    return qcSpPosteriors(new Float32Array(this.k.memory.buffer, this.a.L, (QC_SP_BLOCK * n) / 16), n, 1);
  }

  /** LLRs into the tripled layout, syndrome into lane sign masks, messages cleared. */
  private load(llr: Float32Array, syndrome: Uint8Array): void {
    const { n, m } = this.code;
    const buf = this.k.memory.buffer;
    const Lb = new Float32Array(buf, this.a.L, (QC_SP_BLOCK * n) / 16);
    for (let v = 0; v < n; v++) {
      const p = qcSpSlot(v);
      Lb[p] = Lb[p + 16] = llr[v];
    }
    const syn = new Uint32Array(buf, this.a.syn, m);
    for (let c = 0; c < m; c++) syn[c] = syndrome[c] ? 0x80000000 : 0;
    new Float32Array(buf, this.a.R, 16 * this.code.qc.edges.length).fill(0);
  }

  private unsatisfied(syndrome: Uint8Array, out: Uint8Array): number {
    const n = this.code.n;
    qcSpHardDecisions(new Float32Array(this.k.memory.buffer, this.a.L, (QC_SP_BLOCK * n) / 16), n, out);
    return unsatisfiedChecks(this.code, out, syndrome);
  }
}

/** One decoder (kernel instance holding the code) per code object. */
export const qcSpDecoderFor: (code: QcLdpcCode) => QcSpDecoder = weakMemo((code: QcLdpcCode) => new QcSpDecoder(code));
