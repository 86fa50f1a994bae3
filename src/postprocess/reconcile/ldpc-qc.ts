/**
 * Quasi-cyclic LDPC codes lifted by Z = 16 and their 8-bit layered min-sum decoder (ldpc-qc.wat).
 *
 * Code: a base graph of n/16 variables and m/16 checks built by PEG (ldpc-code.ts) with the
 * requested degree profile, each base edge (i, j) lifted to a 16 × 16 circulant permutation with
 * a seeded shift s: check 16·i + r meets variable 16·j + ((r + s) mod 16). The lifted code has the
 * base graph's degree distribution and is returned as an ordinary `LdpcCode` (expanded CSR), so
 * syndromes, ranks, puncturing orders and the float decoders work on it unchanged; `qc` carries
 * the base structure for the SIMD kernel.
 *
 * Decoder: one frame at a time, 16 checks of a base row per i8x16 operation (a base row is one
 * layer: its 16 checks share no variable). Normalised (and optionally offset) min-sum (Chen &
 * Fossorier 2002) on int8 LLRs (channel LLR quantised to `lcQ`, saturated at ±127), with the
 * normalisation annealed over the iterations (QcDecoderOptions.ramp). Same early termination
 * and patience semantics as `LdpcDecoder.decode` (plus a divergence stop, QcDecoderOptions.rise); the kernel counts violated checks mid-sweep and
 * the exact syndrome check (unsatisfiedChecks, on the expanded code) confirms a decode. Every call
 * starts from the given LLRs with zero messages (blind retries restart from scratch anyway).
 *
 * Where it loses to sum-product (measured 2026-12-03, N = 131072, QBER 2 %, 2 % punctured, one
 * shot, 40 frames decoded at f = 1.12 / 1.13; float sum-product 8/10 and 10/10): min-sum 13/40,
 * 23/40. Not the resolution: lcQ 16 gives 13/40, 21/40, lcQ 12 4/40, 16/40, and lcQ 32 (mmax 53)
 * 0/40 (saturation). Not the check rule's two-input error either: approximate-min* (Jones, Valles,
 * Smith & Villasenor 2003: exact tabulated box-plus, ln(1 + e^−x) in 16 steps) in this kernel,
 * matching a scalar reference bit for bit, gave 13/40, 22/40 with the ladder and 13/40, 23/40 at
 * α = 1: at check degree ≈ 40 each input lowers the box-plus by less than one 8-bit unit, so the
 * rounded corrections vanish; sum-product's small check messages need 16-bit sums (φ domain).
 * Offset β = 1: 20/40, 27/40 (with the protocol, 10⁵ bits: f −0.002, within noise).
 */
import type { WasmKernel } from '../../core/wasm/instance.js';
import { instantiate, wasmSupport } from '../../core/wasm/instance.js';
import type { LdpcCode, ProfileFamily } from './ldpc-code.js';
import { buildLdpcCode, profileFor, unsatisfiedChecks } from './ldpc-code.js';
import type { DecodeResult } from './ldpc-decoder.js';
import { Xoshiro128 } from './prng.js';
import { wasmBytes } from './ldpc-qc.wasm.js';

export const QC_Z = 16;
/** |LLR| from which a variable counts as known exactly (pinned): the protocol gives known values ±40 (ldpc.ts BIG). */
const KNOWN = 30;

/** Base structure of a Z = 16 lifted code. */
export interface QcStructure {
  n0: number;
  m0: number;
  /** Base-row starts into `edges`. */
  rowStart: Int32Array;
  /** Per base edge: 16·j | s (column block j, shift s). */
  edges: Int32Array;
}

export type QcLdpcCode = LdpcCode & { qc: QcStructure };

/**
 * Lift a PEG base code of (n/16, m/16) with degree profile `profile` by random circulant shifts
 * (seeded; shifts are redrawn, up to 8 times, when they close a length-4 cycle with another base
 * row through the same two column blocks).
 */
export function buildQcLdpcCode(n: number, m: number, seed: number, profile: [number, number][]): QcLdpcCode {
  if (n % QC_Z || m % QC_Z) throw new RangeError(`QC LDPC: n=${n} and m=${m} must be multiples of ${QC_Z}`);
  const n0 = n / QC_Z;
  const m0 = m / QC_Z;
  const base = buildLdpcCode(n0, m0, seed, profile);
  const rng = new Xoshiro128(seed, 0x9c16 + n0 * 31 + m0);
  const E0 = base.edges;
  const shift = new Int32Array(E0);
  // 4-cycle test s(i,j1) − s(i,j2) + s(i2,j2) − s(i2,j1) ≢ 0 (mod 16): for the new edge (i, j1), every
  // earlier row i2 through j1 and every column j2 of i2 already shifted in row i (marked)
  const colEdges: number[][] = Array.from({ length: n0 }, () => []);
  const rowOf = new Int32Array(E0);
  for (let i = 0; i < m0; i++) for (let e = base.rowStart[i]; e < base.rowStart[i + 1]; e++) rowOf[e] = i;
  const mark = new Int32Array(n0).fill(-1);
  const closesCycle = (e: number, j1: number, s: number): boolean => {
    for (const g of colEdges[j1]) {
      const i2 = rowOf[g];
      for (let h = base.rowStart[i2]; h < base.rowStart[i2 + 1]; h++) {
        const f = mark[base.cols[h]];
        if (f >= 0 && f !== e && (s - shift[f] + shift[h] - shift[g]) % QC_Z === 0) return true;
      }
    }
    return false;
  };
  for (let i = 0; i < m0; i++) {
    const e0 = base.rowStart[i];
    const e1 = base.rowStart[i + 1];
    for (let e = e0; e < e1; e++) {
      const j1 = base.cols[e];
      let s = rng.below(QC_Z);
      for (let tries = 0; tries < 8 && closesCycle(e, j1, s); tries++) s = rng.below(QC_Z);
      shift[e] = s;
      mark[j1] = e;
    }
    for (let e = e0; e < e1; e++) {
      mark[base.cols[e]] = -1;
      colEdges[base.cols[e]].push(e);
    }
  }
  const edges = new Int32Array(E0);
  for (let e = 0; e < E0; e++) edges[e] = (base.cols[e] << 4) | shift[e];
  return liftQc({ n0, m0, rowStart: base.rowStart, edges });
}

/** The lifted code of a base structure: expanded CSR, row 16·i + r, base edges of row i in order, variable 16·j + ((r + s) & 15). */
export function liftQc(qc: QcStructure): QcLdpcCode {
  const { n0, m0, rowStart: baseStart, edges } = qc;
  const m = m0 * QC_Z;
  const rowStart = new Int32Array(m + 1);
  const cols = new Int32Array(edges.length * QC_Z);
  let k = 0;
  for (let i = 0; i < m0; i++) {
    for (let r = 0; r < QC_Z; r++) {
      for (let e = baseStart[i]; e < baseStart[i + 1]; e++) cols[k++] = (edges[e] >> 4) * QC_Z + ((r + (edges[e] & 15)) & 15);
      rowStart[i * QC_Z + r + 1] = k;
    }
  }
  return { n: n0 * QC_Z, m, rowStart, cols, edges: k, qc };
}

interface Kernel {
  iterate(m0: number, rows: number, edges: number, rot: number, syn: number, L: number, pin: number, R: number, tmp: number, viol: number, beta: number, shift: number, shift2: number, mmax: number, Q: number, scms: number): void;
}

/** Whether this runtime has WebAssembly SIMD for the QC kernel. */
export const qcDecoderAvailable: () => boolean = wasmSupport(wasmBytes);

/** Normalisation factors the kernel offers, α = 1 − 2^−k1 − 2^−k2 (k = 7: no term on int8 magnitudes). */
export const ALPHAS: readonly (readonly [number, number, number])[] = [
  [0.25, 1, 2],
  [0.375, 1, 3],
  [0.5, 1, 7],
  [0.625, 2, 3],
  [0.75, 2, 7],
  [0.875, 3, 7],
  [1, 7, 7],
];

export interface QcDecoderOptions {
  /** Quantised channel LLR magnitude (the float LLR lc maps to lcQ; others scale with it). */
  lcQ: number;
  /** Offset β subtracted from min-sum magnitudes before normalisation (int8 units). */
  beta: number;
  /**
   * Syndrome-guided normalisation: α starts at 0.25 and steps up the ladder 0.25, 0.375, 0.5,
   * 0.625, 0.75, 0.875 once the fraction of unsatisfied checks falls below levels[k] (never
   * down), or by one step when the count has not dropped by 3 % for `stall` iterations. Min-sum
   * overestimates check messages most while the inputs are weak (check degree ≈ 30 at rate 0.85);
   * a fixed α decodes nothing where this decodes (N = 131072, QBER 2 %, no puncturing: fixed
   * α = 0.75 or 0.25 fail at f = 1.15; a fixed 8,4,4,2 iteration ramp decodes 4/4 at 1.16 and 3/4
   * at 1.13 but blows up with 2 % punctured symbols, which the guided ladder decodes at f = 1.134).
   */
  levels: readonly number[];
  stall: number;
  /** Largest message magnitude (int8 units, ≤ 127). */
  mmax: number;
  /** Self-corrected min-sum (Savin, ISIT 2008): erase variable-to-check messages whose sign flipped. */
  scms: boolean;
  /** Start (and floor) of the normalisation ladder, an index into ALPHAS. */
  alpha0: number;
  /**
   * Divergence stop: end the attempt once the unsatisfied checks exceed `rise` × the fewest seen
   * so far (besides `patience`). A failing min-sum attempt at QBER 2 % falls to ≈ 5,500–6,000
   * unsatisfied checks by iteration ≈ 12, then climbs back (to ≈ 8,500 by iteration 40, where
   * patience 30 ended it); decoding attempts rose at most ≈ 5 % above their best before falling
   * (N = 125,632, traced 2026-12-04). 1.15 ends a failing attempt at ≈ 25 iterations instead of
   * ≈ 42: 10⁶ bits, 2 %, kernel iterations per block 642 → 572, f 1.1277 → 1.1281 (40 frames);
   * 10⁵ bits, 100 frames, same seeds: 79 → 72 per block, f 1.1261 → 1.1264.
   */
  rise: number;
}

export const QC_DECODER_DEFAULTS: QcDecoderOptions = { lcQ: 24, beta: 0, levels: [0.3, 0.15, 0.08, 0.03, 0.01], stall: 6, mmax: 40, scms: true, alpha0: 0, rise: 1.15 };

export class QcLdpcDecoder {
  /** Stop after this many iterations without fewer unsatisfied checks. */
  patience = 8;
  /** Kernel iterations run so far (a work counter for profiling). */
  kernelIterations = 0;
  private readonly k: WasmKernel<Kernel>;
  private readonly a: { rows: number; edges: number; rot: number; syn: number; L: number; pin: number; R: number; Q: number; tmp: number; viol: number };
  private readonly opts: QcDecoderOptions;

  constructor(
    readonly code: QcLdpcCode,
    opts: Partial<QcDecoderOptions> = {},
  ) {
    this.opts = { ...QC_DECODER_DEFAULTS, ...opts };
    const { n, qc } = code;
    const { m0, rowStart, edges } = qc;
    const al = (x: number): number => (x + 15) & ~15;
    let dmax = 0;
    for (let i = 0; i < m0; i++) dmax = Math.max(dmax, rowStart[i + 1] - rowStart[i]);
    const rows = 0;
    const ed = al(4 * (m0 + 1));
    const rot = ed + al(4 * edges.length);
    const syn = rot + 512;
    const L = syn + 16 * m0;
    const pin = L + al(n);
    const R = pin + al(n);
    const Q = R + 16 * edges.length;
    const tmp = Q + 16 * edges.length;
    const viol = tmp + 16 * dmax;
    this.a = { rows, edges: ed, rot, syn, L, pin, R, Q, tmp, viol };
    this.k = instantiate<Kernel>(wasmBytes);
    this.k.ensure(viol + 16);
    const buf = this.k.memory.buffer;
    new Int32Array(buf, rows, m0 + 1).set(rowStart);
    new Int32Array(buf, ed, edges.length).set(edges);
    const rt = new Uint8Array(buf, rot, 512);
    for (let s = 0; s < 16; s++)
      for (let r = 0; r < 16; r++) {
        rt[16 * s + r] = (r + s) & 15;
        rt[256 + 16 * s + r] = (r - s) & 15;
      }
  }

  /**
   * Decode one frame: float LLRs `llr` (positive = bit 0, |llr| ≥ 40 taken as known), syndrome
   * bits, channel LLR `lc` of the unknown key positions (sets the quantisation). `out` receives the
   * hard decisions; ok when H·out = syndrome.
   */
  decode(llr: Float32Array, lc: number, syndrome: Uint8Array, out: Uint8Array, maxIterations: number): DecodeResult {
    const { n, m } = this.code;
    const buf = this.k.memory.buffer;
    const L = new Int8Array(buf, this.a.L, n);
    const pin = new Int8Array(buf, this.a.pin, n);
    const syn = new Uint8Array(buf, this.a.syn, m);
    for (let c = 0; c < m; c++) syn[c] = syndrome[c] ? 0x80 : 0;
    const scale = this.opts.lcQ / lc;
    this.load(llr, scale, L, pin, null);
    let r = this.run(L, syndrome, out, maxIterations);
    if (r.ok) return { ok: true, iterations: r.iterations };
    let used = r.iterations;
    // Stalled with a few unsatisfied checks (a trapping set): pair them along degree-2 chains; else
    // restart once with the channel values of every unknown variable of those checks erased.
    if (this.unsatisfied(L, syndrome, out) <= 8) {
      const { rowStart, cols } = this.code;
      const erase: number[] = [];
      for (let c = 0; c < m; c++) {
        let s = syndrome[c];
        for (let e = rowStart[c]; e < rowStart[c + 1]; e++) s ^= out[cols[e]];
        if (s) for (let e = rowStart[c]; e < rowStart[c + 1]; e++) if (pin[cols[e]] === 0) erase.push(cols[e]);
      }
      if (this.repairChains(L, pin, syndrome, out) === 0) return { ok: true, iterations: used };
      this.load(llr, scale, L, pin, erase);
      r = this.run(L, syndrome, out, Math.max(20, maxIterations - used));
      used += r.iterations;
      if (r.ok) return { ok: true, iterations: used };
      if (this.unsatisfied(L, syndrome, out) <= 8 && this.repairChains(L, pin, syndrome, out) === 0) return { ok: true, iterations: used };
    }
    return { ok: false, iterations: used };
  }

  /**
   * `iterations` plain kernel iterations at normalisation α = ALPHAS[alpha] from `llr`: the int8
   * posteriors afterwards (a copy), for checking the kernel against an independent implementation.
   */
  sweep(llr: Float32Array, lc: number, syndrome: Uint8Array, iterations: number, alpha: number): Int8Array {
    const { n, m, qc } = this.code;
    const buf = this.k.memory.buffer;
    const a = this.a;
    const L = new Int8Array(buf, a.L, n);
    const syn = new Uint8Array(buf, a.syn, m);
    for (let c = 0; c < m; c++) syn[c] = syndrome[c] ? 0x80 : 0;
    this.load(llr, this.opts.lcQ / lc, L, new Int8Array(buf, a.pin, n), null);
    const al = ALPHAS[alpha];
    for (let it = 0; it < iterations; it++) this.k.exports.iterate(qc.m0, a.rows, a.edges, a.rot, a.syn, a.L, a.pin, a.R, a.tmp, a.viol, this.opts.beta, al[1], al[2], this.opts.mmax, a.Q, this.opts.scms ? 1 : 0);
    return L.slice();
  }

  /** Quantised LLRs into L (known values pinned), `erase` variables at 0; messages cleared. */
  private load(llr: Float32Array, scale: number, L: Int8Array, pin: Int8Array, erase: number[] | null): void {
    const n = this.code.n;
    for (let v = 0; v < n; v++) {
      const y = llr[v];
      if (y >= KNOWN || y <= -KNOWN) {
        L[v] = pin[v] = y > 0 ? 127 : -127;
        continue;
      }
      const x = Math.round(y * scale);
      L[v] = x > 127 ? 127 : x < -127 ? -127 : x;
      pin[v] = 0;
    }
    if (erase) for (const v of erase) L[v] = 0;
    new Uint8Array(this.k.memory.buffer, this.a.R, 32 * this.code.qc.edges.length).fill(0);
  }

  /** Up to maxIterations guided iterations; ok when the syndrome is met (out holds the word then). */
  private run(L: Int8Array, syndrome: Uint8Array, out: Uint8Array, maxIterations: number): { ok: boolean; iterations: number } {
    const { m, qc } = this.code;
    const a = this.a;
    const viol = new Uint16Array(this.k.memory.buffer, a.viol, 8);
    let best = m + 1;
    let bestAt = 0;
    const T = this.opts.levels;
    const top = ALPHAS.length - 2;
    let level = this.opts.alpha0;
    let lastGood = 0;
    let lastU = m + 1;
    let it = 1;
    const rise = this.opts.rise;
    for (; it <= maxIterations; it++) {
      const al = ALPHAS[level];
      this.k.exports.iterate(qc.m0, a.rows, a.edges, a.rot, a.syn, a.L, a.pin, a.R, a.tmp, a.viol, this.opts.beta, al[1], al[2], this.opts.mmax, a.Q, this.opts.scms ? 1 : 0);
      this.kernelIterations++;
      let approx = 0;
      for (let l = 0; l < 8; l++) approx += viol[l];
      const u = approx <= 1 ? this.unsatisfied(L, syndrome, out) : approx;
      if (u === 0) return { ok: true, iterations: it };
      let lv = 0;
      while (lv < T.length && u < T[lv] * m) lv++;
      if (lv > level) level = Math.min(lv, top);
      if (u < lastU * 0.97) lastGood = it;
      else if (it - lastGood >= this.opts.stall && level < top) {
        level++;
        lastGood = it;
      }
      lastU = Math.min(lastU, u);
      if (u < best) {
        best = u;
        bestAt = it;
      } else if (it - bestAt >= this.patience || u > rise * best) break;
    }
    return { ok: false, iterations: Math.min(it, maxIterations) };
  }

  /** Degree-2 subgraph: for check c, its degree-2 variables at d2[d2Start[c] .. d2Start[c+1]); other check of each. */
  private d2?: { start: Int32Array; vars: Int32Array; other: Int32Array };

  private degree2(): { start: Int32Array; vars: Int32Array; other: Int32Array } {
    if (this.d2) return this.d2;
    const { n, m, rowStart, cols } = this.code;
    const deg = new Int32Array(n);
    const first = new Int32Array(n).fill(-1);
    const second = new Int32Array(n).fill(-1);
    for (let c = 0; c < m; c++)
      for (let e = rowStart[c]; e < rowStart[c + 1]; e++) {
        const v = cols[e];
        if (deg[v] === 0) first[v] = c;
        else if (deg[v] === 1) second[v] = c;
        deg[v]++;
      }
    const start = new Int32Array(m + 1);
    for (let v = 0; v < n; v++) {
      if (deg[v] !== 2) continue;
      start[first[v] + 1]++;
      start[second[v] + 1]++;
    }
    for (let c = 0; c < m; c++) start[c + 1] += start[c];
    const fill = start.slice(0, m);
    const vars = new Int32Array(start[m]);
    const other = new Int32Array(start[m]);
    for (let v = 0; v < n; v++) {
      if (deg[v] !== 2) continue;
      vars[fill[first[v]]] = v;
      other[fill[first[v]]++] = second[v];
      vars[fill[second[v]]] = v;
      other[fill[second[v]]++] = first[v];
    }
    return (this.d2 = { start, vars, other });
  }

  /**
   * Residual errors on chains of degree-2 variables (a path whose inner checks each see two
   * wrong bits and whose two end checks are unsatisfied: min-sum leaves these, they are the
   * code's smallest trapping sets): pair the unsatisfied checks through the shortest path of
   * unknown degree-2 variables (≤ 16 checks) and flip it. The caller confirms the syndrome.
   */
  private repairChains(L: Int8Array, pin: Int8Array, syndrome: Uint8Array, out: Uint8Array): number {
    const { m, rowStart, cols } = this.code;
    const { start, vars, other } = this.degree2();
    const unsat: number[] = [];
    for (let c = 0; c < m; c++) {
      let s = syndrome[c];
      for (let e = rowStart[c]; e < rowStart[c + 1]; e++) s ^= out[cols[e]];
      if (s) unsat.push(c);
    }
    if (unsat.length > 8) return unsat.length;
    const open = new Set(unsat);
    const prevCheck = new Map<number, number>();
    const viaVar = new Map<number, number>();
    for (const u of unsat) {
      if (!open.has(u)) continue;
      open.delete(u);
      prevCheck.clear();
      viaVar.clear();
      prevCheck.set(u, -1);
      let frontier = [u];
      let hit = -1;
      for (let depth = 0; depth < 16 && hit < 0 && frontier.length; depth++) {
        const next: number[] = [];
        for (const c of frontier) {
          for (let k = start[c]; k < start[c + 1] && hit < 0; k++) {
            const v = vars[k];
            if (pin[v] !== 0) continue;
            const c2 = other[k];
            if (prevCheck.has(c2)) continue;
            prevCheck.set(c2, c);
            viaVar.set(c2, v);
            if (open.has(c2)) hit = c2;
            else next.push(c2);
          }
          if (hit >= 0) break;
        }
        frontier = next;
      }
      if (hit < 0) return unsat.length;
      open.delete(hit);
      for (let c = hit; c !== u; c = prevCheck.get(c) ?? u) {
        const v = viaVar.get(c) ?? -1;
        out[v] ^= 1;
        L[v] = out[v] ? -1 : 1;
      }
    }
    return unsatisfiedChecks(this.code, out, syndrome);
  }

  private unsatisfied(L: Int8Array, syndrome: Uint8Array, out: Uint8Array): number {
    for (let v = 0; v < this.code.n; v++) out[v] = L[v] < 0 ? 1 : 0;
    return unsatisfiedChecks(this.code, out, syndrome);
  }
}

const cache = new WeakMap<LdpcCode, Map<string, QcLdpcDecoder>>();
/** One QC decoder (kernel instance holding the code) per code object and options. */
export function qcDecoderFor(code: QcLdpcCode, opts: Partial<QcDecoderOptions> = {}): QcLdpcDecoder {
  let m = cache.get(code);
  if (!m) cache.set(code, (m = new Map()));
  const key = JSON.stringify(opts);
  let d = m.get(key);
  if (!d) m.set(key, (d = new QcLdpcDecoder(code, opts)));
  return d;
}

/**
 * At most m/16 − 1 base variables of degree 2 (the excess becomes degree 3): PEG places them first,
 * each joining two trees, so their subgraph is a forest, and so is its lift. Then no codeword lives
 * on degree-2 variables alone, and a residual error chain between two unsatisfied checks is the
 * unique path between them (the decoder's chain repair). Elkouss et al.'s λ at rate 0.8 has 28 % of
 * the nodes at degree 2 for m/n = 0.2, which forces cycles (and low-weight codewords).
 */
export function capDegree2(profile: [number, number][], n: number, m: number): [number, number][] {
  const cap = Math.max(0, (m / QC_Z - 1) / (n / QC_Z));
  const f2 = profile.find(([d]) => d === 2)?.[1] ?? 0;
  if (f2 <= cap) return profile;
  const out = profile.map(([d, f]): [number, number] => [d, d === 2 ? cap : f]);
  const i3 = out.findIndex(([d]) => d === 3);
  if (i3 >= 0) out[i3][1] += f2 - cap;
  else out.splice(1, 0, [3, f2 - cap]);
  return out;
}

const codeCache = new Map<string, QcLdpcCode>();
/** Memoised QC code construction (public; both parties build the same code from (n, m, seed, family)). */
export function cachedQcLdpcCode(n: number, m: number, seed = 0x1dc0de, family: ProfileFamily = 'auto'): QcLdpcCode {
  const k = `${n}:${m}:${seed}:${family}`;
  let c = codeCache.get(k);
  if (!c) {
    c = buildQcLdpcCode(n, m, seed, capDegree2(profileFor(family, n, m), n, m));
    if (codeCache.size >= 16) {
      const first = codeCache.keys().next().value;
      if (first !== undefined) codeCache.delete(first);
    }
    codeCache.set(k, c);
  }
  return c;
}
