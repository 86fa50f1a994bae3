/**
 * 16-bit fixed-point layered sum-product decoder for the quasi-cyclic codes of ldpc-qc.ts, one
 * frame at a time, 16 checks of a base row per loop step as two i16x8 halves (ldpc-qc-sp16.wat).
 * The check rule is the exact box-plus in the log domain with the correction c(x) = ln(1 + e^−x)
 * tabulated (Hu, Eleftheriou, Arnold & Dholakia, GLOBECOM 2001; the "min*" of Jones,
 * Valles, Smith & Villasenor 2003; tables: `correctionTables`), every edge's extrinsic message by the forward-backward
 * recursion over the check, so the only departures from float sum-product are the table and
 * the LLR resolution of 1/256. Twice the lanes of the float32 kernel (ldpc-qc-sp.ts) and no
 * exp/log/division per edge.
 *
 * Measured side by side (`MOZI_LDPC_QBERS=0.02 MOZI_LDPC_BITS=100000 MOZI_LDPC_FRAMES_SCALE=1 npm
 * run bench -- reconcile-ldpc-qc reconcile-ldpc-qcsp reconcile-ldpc-qcsp16`, 2026-12-04, machine load
 * 5.9–6.9 on 2 cores, so wall figures are depressed): QBER 2 %, 10⁵ bits, 300 frames, 0 failed:
 * f 1.0986 (float32 'qc-sp' 1.0981, min-sum 1.1257), 1.77 Mbit/s CPU (0.76, 4.64); 10⁶ bits on 2
 * threads (80 frames, 0 failed): f 1.1018 (1.1006, 1.1287), 1.50 Mbit/s CPU (0.64, 4.02). The same
 * f as the float kernel at 2.2–2.3× its speed (also 1 % and 5 %: f 1.1328 / 1.0864 vs 1.1330 /
 * 1.0861, 60 frames, CPU 1.59 / 1.18 vs 0.71 / 0.53 Mbit/s), 2.7× slower than min-sum per CPU.
 * A kernel iteration costs ≈ 3 table box-pluses (14 operations each) per edge and half-row;
 * approximate-min* (Jones et al.: one chain for all edges, one without the weakest, no backward
 * pass) was not faster here and decoded 5 instead of 6 of 12 frames at the first attempt's rate.
 *
 * Same interface and early-termination semantics as `QcSpDecoder.decode` (stop on a met syndrome,
 * exact check on the expanded code, or after `patience` iterations without fewer unsatisfied
 * checks, where only a fall by `gain` counts as fewer), plus an optional divergence stop like
 * the min-sum decoder's (`rise`). Every call starts from the given LLRs with zero messages.
 */
import type { WasmKernel } from '../../core/wasm/instance.js';
import { instantiate, wasmSupport } from '../../core/wasm/instance.js';
import { unsatisfiedChecks } from './ldpc-code.js';
import type { DecodeResult } from './ldpc-decoder.js';
import type { QcLdpcCode } from './ldpc-qc.js';
import { wasmBytes } from './ldpc-qc-sp16.wasm.js';
import { weakMemo } from '../../core/weak-memo.js';
import { QC_SP_BLOCK, qcSpHardDecisions, qcSpPosteriors, qcSpSlot } from './ldpc-qc-sp-layout.js';

interface Kernel {
  iterate(m0: number, rows: number, edges: number, syn: number, L: number, R: number, tmp: number, tab: number, viol: number): void;
}

/** Fixed-point scale: LLR × 256. */
export const SP16_SCALE = 256;

/** Whether this runtime has WebAssembly SIMD for the kernel. */
export const qcSp16DecoderAvailable: () => boolean = wasmSupport(wasmBytes);

export interface Sp16Options {
  /**
   * Divergence stop: end the attempt once the unsatisfied checks exceed `rise` × the fewest seen
   * (besides `patience`); Infinity disables it.
   */
  rise: number;
  /**
   * Progress for `patience`: the unsatisfied checks fall below (1 − gain) × the count at the last
   * progress. A failing sum-product attempt sits on a plateau of ≈ 30 % unsatisfied checks with
   * tiny new minima (N = 125,632, QBER 2 %: 6,120 at iteration 7, 6,087 near 40), which reset
   * plain patience; a decoding one falls by ≥ 1 % every few iterations (or sits ≤ 15 iterations
   * on its plateau first). Measured with the protocol (reconciler patience 30), same seeds, gain
   * 0 → 0.01: 10⁶ bits, 6 blocks: kernel iterations per block 985 → 900, f 1.1005 → 1.1008;
   * 10⁵ bits, 40 blocks: 105 → 96, f 1.0978 → 1.0977. Patience 15 with gain 0.01 (706 and 77
   * iterations, f 1.1014 and 1.0988) left one more of 20 short (2048-bit) frames undecoded in the
   * worker test, so the reconciler keeps 30.
   */
  gain: number;
}

export const SP16_DEFAULTS: Sp16Options = { rise: Infinity, gain: 0.01 };

/** Steps per correction table. */
export const SP16_TABLE_STEPS = 16;
/** Table step widths in LLR: 0.25 for the difference argument (index x >> 6), 0.5 for the sum (x >> 7). */
export const SP16_STEP_DIFF = 64 / SP16_SCALE;
export const SP16_STEP_SUM = 128 / SP16_SCALE;
/** Magnitude clamp of the kernel (28 LLR) and the identity of its ⊞ (cap + 4 LLR: both table arguments past the tables). */
export const SP16_CAP = 7168;
export const SP16_INF = 8192;

/**
 * One correction table: T[q] = mean of 256·ln(1 + e^−x) over x ∈ [q, q + 1)·step, rounded (the
 * bucket mean, so that arguments spread evenly over a step are unbiased).
 */
export function correctionTable(step: number): Uint8Array {
  const t = new Uint8Array(SP16_TABLE_STEPS);
  const sub = 64;
  for (let q = 0; q < SP16_TABLE_STEPS; q++) {
    let s = 0;
    for (let k = 0; k < sub; k++) s += Math.log1p(Math.exp(-(q + (k + 0.5) / sub) * step));
    t[q] = Math.round((SP16_SCALE * s) / sub);
  }
  return t;
}

/**
 * The kernel's two tables (32 bytes): c(|x − y|) in steps of 0.25 to 4 LLR, c(x + y) in steps of
 * 0.5 to 8. The difference term needs the fine steps near 0; the sum term needs the reach: in
 * the forward-backward chain of a high-rate check, x ⊞ a lowers x by c(a − x) − c(a + x) ≈
 * 2·e^−a·sinh(x), so a c(a + x) ≈ e^−(a+x) cut at 4 would overstate that drop by ~70 % (a ≈ 3.9,
 * x ≈ 0.4 at QBER 2 %). Scalar model vs float64 sum-product, N = 4096, rate 0.75, QBER 3 %,
 * posteriors after 1 / 3 iterations, bias and mean |error| in LLR: one 0.25-step table to 4 for
 * both −0.094 / −0.061 and 0.107 / 0.065; these two +0.057 / +0.044 and 0.071 / 0.048 (the same
 * operations); 32 steps of 0.25 for both +0.020 / −0.007 and 0.045 / 0.031 (three more
 * operations per ⊞).
 */
export function correctionTables(): Uint8Array {
  const t = new Uint8Array(2 * SP16_TABLE_STEPS);
  t.set(correctionTable(SP16_STEP_DIFF), 0);
  t.set(correctionTable(SP16_STEP_SUM), SP16_TABLE_STEPS);
  return t;
}

export class QcSp16Decoder {
  /** Stop after this many iterations without fewer unsatisfied checks. */
  patience = 8;
  /** Kernel iterations run so far (a work counter for profiling). */
  kernelIterations = 0;
  readonly opts: Sp16Options;
  private readonly k: WasmKernel<Kernel>;
  private readonly a: { rows: number; edges: number; syn: number; L: number; R: number; tmp: number; tab: number; viol: number };

  constructor(
    readonly code: QcLdpcCode,
    opts: Partial<Sp16Options> = {},
  ) {
    this.opts = { ...SP16_DEFAULTS, ...opts };
    const { qc } = code;
    const { n0, m0, rowStart, edges } = qc;
    const al = (x: number): number => (x + 15) & ~15;
    let dmax = 0;
    for (let i = 0; i < m0; i++) dmax = Math.max(dmax, rowStart[i + 1] - rowStart[i]);
    const rows = 0;
    const ed = al(4 * (m0 + 1));
    const syn = ed + al(4 * edges.length);
    const tab = syn + 32 * m0;
    // 64 bytes below block 0: its P − 16 stores spill there (and the kernel forms L − 64)
    const L = tab + 32 + 64;
    const R = L + 2 * QC_SP_BLOCK * n0;
    const tmp = R + 32 * edges.length;
    const viol = tmp + 64 * dmax;
    this.a = { rows, edges: ed, syn, L, R, tmp, tab, viol };
    this.k = instantiate<Kernel>(wasmBytes);
    this.k.ensure(viol + 16);
    const buf = this.k.memory.buffer;
    new Int32Array(buf, rows, m0 + 1).set(rowStart);
    // per base edge (column block j, shift s, packed 16·j + s) the byte offset of its rotated window
    new Int32Array(buf, ed, edges.length).set(edges.map((r) => 2 * qcSpSlot(r)));
    new Uint8Array(buf, tab, 2 * SP16_TABLE_STEPS).set(correctionTables());
  }

  /**
   * Decode one frame: float LLRs `llr` (positive = bit 0), syndrome bits; `lc` is unused (the
   * fixed scale 256 needs no channel value; kept for the min-sum decoder's signature). `out`
   * receives the hard decisions; ok when H·out = syndrome.
   */
  decode(llr: Float32Array, _lc: number, syndrome: Uint8Array, out: Uint8Array, maxIterations: number): DecodeResult {
    this.load(llr, syndrome);
    const { m } = this.code;
    const viol = new Uint16Array(this.k.memory.buffer, this.a.viol, 8);
    const rise = this.opts.rise;
    const keep = 1 - this.opts.gain;
    let best = m + 1;
    let bestAt = 0;
    let it = 1;
    for (; it <= maxIterations; it++) {
      this.iterate();
      let approx = 0;
      for (let l = 0; l < 8; l++) approx += viol[l];
      const u = approx <= 1 ? this.unsatisfied(syndrome, out) : approx;
      if (u === 0) return { ok: true, iterations: it };
      if (u < best * keep) {
        best = u;
        bestAt = it;
      } else if (it - bestAt >= this.patience || u > rise * best) break;
    }
    this.unsatisfied(syndrome, out);
    return { ok: false, iterations: Math.min(it, maxIterations) };
  }

  /** `iterations` kernel iterations from `llr`: the posteriors afterwards (LLR units), in natural order (for tests). */
  sweep(llr: Float32Array, syndrome: Uint8Array, iterations: number): Float32Array {
    this.load(llr, syndrome);
    for (let it = 0; it < iterations; it++) this.iterate();
    return this.posteriors();
  }

  /** Current posteriors in natural variable order (LLR units, copy). */
  posteriors(): Float32Array {
    const n = this.code.n;
    return qcSpPosteriors(new Int16Array(this.k.memory.buffer, this.a.L, (QC_SP_BLOCK * n) / 16), n, SP16_SCALE);
  }

  private iterate(): void {
    const a = this.a;
    this.k.exports.iterate(this.code.qc.m0, a.rows, a.edges, a.syn, a.L, a.R, a.tmp, a.tab, a.viol);
    this.kernelIterations++;
  }

  /** LLRs × 256 (rounded, saturated) into the doubled layout, syndrome into lane sign masks, messages cleared. */
  private load(llr: Float32Array, syndrome: Uint8Array): void {
    const { n, m } = this.code;
    const buf = this.k.memory.buffer;
    const Lb = new Int16Array(buf, this.a.L, (QC_SP_BLOCK * n) / 16);
    for (let v = 0; v < n; v++) {
      const p = qcSpSlot(v);
      const x = Math.round(llr[v] * SP16_SCALE);
      Lb[p] = Lb[p + 16] = x > 32767 ? 32767 : x < -32767 ? -32767 : x;
    }
    const syn = new Uint16Array(buf, this.a.syn, m);
    for (let c = 0; c < m; c++) syn[c] = syndrome[c] ? 0x8000 : 0;
    new Int16Array(buf, this.a.R, 16 * this.code.qc.edges.length).fill(0);
  }

  private unsatisfied(syndrome: Uint8Array, out: Uint8Array): number {
    const n = this.code.n;
    qcSpHardDecisions(new Int16Array(this.k.memory.buffer, this.a.L, (QC_SP_BLOCK * n) / 16), n, out);
    return unsatisfiedChecks(this.code, out, syndrome);
  }
}

/** One decoder (kernel instance holding the code) per code object. */
export const qcSp16DecoderFor: (code: QcLdpcCode) => QcSp16Decoder = weakMemo((code: QcLdpcCode) => new QcSp16Decoder(code));
