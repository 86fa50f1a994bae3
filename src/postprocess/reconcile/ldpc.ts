/**
 * Rate-adaptive LDPC syndrome reconciliation with a blind mode (algorithms.md §2.3; Elkouss et al.
 * 2011 for puncturing/shortening, Martinez-Mateo, Elkouss & Martin, QIC 12, 791 (2012) for blind).
 *
 * Framing: the key is cut into frames of K = N − d key bits (N code length, d = round(δN)
 * adaptable positions). A public order of the N positions (fixed per code; the per-block seed drives the interleaver) lists the d adaptable
 * positions (variables of degree ≥ 3) first, untainted ones first (no check sees two punctured
 * symbols, Elkouss et al. 2012): the first p are punctured (Alice fills them with fresh secret
 * random bits), the other s = d − p are shortened (value 0, known to both); the rest carry key
 * bits. A short last frame fills its unused key positions with shortened zeros. The code (PEG,
 * ldpc-code.ts) is one per (N, m), m chosen from the QBER estimate: the first attempt runs at
 * f ≈ 1.08 + 0.005/h(Q) with all d adaptable symbols punctured, δ ≈ 0.12·h(Q) (≥ 0.02).
 * Where the code rarely decodes there (h(Q) ≥ 0.1), the first attempt starts 1–2 reveal steps
 * further on the same code: those adaptable positions are shortened from the start (firstSkip).
 *
 * Protocol: Alice → Bob: seed, QBER estimate, and H·x for every frame. Bob decodes every frame
 * (layered sum-product on the error pattern x ⊕ y, four frames at a time in a WebAssembly SIMD
 * kernel where available, ldpc-simd.ts) and answers with the bitmap of frames whose syndrome he
 * could not match. Blind mode: Alice reveals Δ ≈ 0.03·h·K (0.015·h·K when h < 0.1) more
 * punctured values of each failed frame (they become shortened), Bob continues decoding from his
 * previous state; once a frame has no punctured symbol left, Alice reveals Δ of its key bits
 * instead (1 bit of leakage each). Up to `maxRetries` times; before giving up, Bob restarts each failed frame from its channel LLRs and everything
 * revealed (no new disclosure). The last bitmap tells Alice the final per-frame outcome; failed
 * frames are reported (ok = false), not dropped.
 *
 * Leakage, exact and booked by both sides per frame: m − rank(H restricted to the punctured
 * columns). The punctured values are uniform secret bits, so the syndrome tells about the key at
 * most m minus the dimension they mask (Elkouss et al. 2011 count m − p, which assumes full rank).
 * Each reveal adds rank(before) − rank(after); a revealed key bit adds 1 (an upper bound). The
 * number of frames and outcome bitmaps are public
 * protocol data and are not counted (as in the literature).
 */
import { availableParallelism } from 'node:os';
import { BitArray } from '../../core/bits.js';
import { binaryEntropy } from '../../core/entropy.js';
import { InputError, ProtocolAbort } from '../../core/errors.js';
import type { MessageChannel } from '../channel.js';
import type { LeakageLedger } from '../ledger.js';
import type { LdpcCode, ProfileFamily } from './ldpc-code.js';
import { cachedLdpcCode, prefixRanks, syndromeOf } from './ldpc-code.js';
import type { CheckRule, DecoderState } from './ldpc-decoder.js';
import { LdpcDecoder, newDecoderState } from './ldpc-decoder.js';
import type { DecodeResult } from './ldpc-decoder.js';
import { SIMD_LANES, simdAvailable, simdDecoderFor } from './ldpc-simd.js';
import type { QcLdpcCode } from './ldpc-qc.js';
import { cachedQcLdpcCode, qcDecoderAvailable, qcDecoderFor } from './ldpc-qc.js';
import { qcSpDecoderAvailable, qcSpDecoderFor } from './ldpc-qc-sp.js';
import { qcSp16DecoderAvailable, qcSp16DecoderFor } from './ldpc-qc-sp16.js';
import { decodeChunksOnWorkers, decodeQcOnWorkers, ldpcQcWorkersAvailable, ldpcWorkersAvailable } from './ldpc-parallel.js';
import type { QcDecodeTask, QcDecodeTaskResult } from './ldpc-parallel.js';
import { cachedPermutation, freshSeed } from './prng.js';
import type { FrameOutcome, ReconcileOptions, ReconcileResult, Reconciler } from './types.js';
import { snapshot, statsSince } from './types.js';
import { BitPacker, ByteReader, ByteWriter, bitAt } from '../../core/codec.js';
/** Reconciliation payloads are little-endian (core/codec.ts). */
const LE = 'le';

export interface LdpcParams {
  /**
   * Maximum code length N; shorter keys use shorter codes, frames share the key evenly. Default
   * 'auto': 131072 (a 10⁵-bit key is one frame; finite-length loss shrinks with N: QBER 2 %,
   * 10⁵ bits, 16 frames: f 1.136 with 32768, 1.122 with 131072).
   */
  frameBits?: number | 'auto';
  /**
   * Fraction δ of adaptable (punctured or shortened) positions. Default 'auto': δ = 0.12·h (in
   * [0.02, 0.08]) for h = h(QBER), so blind reveals of punctured symbols can raise f from fStart by
   * ≈ 0.12 or more (f_max = fStart + δ/((1−δ)h)); heavier puncturing costs more than it buys.
   * QC min-sum decoder, frames ≥ 32768 bits and h ≥ 0.1: δ = 0.005 (TUNE_QC: the first attempt
   * decodes lower with less puncturing; revealed key bits continue the blind steps).
   */
  delta?: number | 'auto';
  /** Target efficiency of the first attempt (default 'auto' = 1.02 + 0.006/h(QBER) blind, 1.3 single-shot). */
  fStart?: number | 'auto';
  /**
   * Blind: efficiency added per retry. Default 'auto': 0.015 (a frame's f is set by how finely the
   * reveals step past where it decodes; QBER 2 %, 10⁵ bits: f 1.122 with 0.03 → 1.114 with 0.015),
   * with twice the retries so the reachable f is the same.
   */
  fStep?: number | 'auto';
  /**
   * Blind: reveal steps (may be fractional) skipped at the first attempt — the first syndrome goes out with `firstSkip`
   * steps of adaptable positions already shortened (value 0, known to both), on the same code,
   * so frames that would fail their first attempts anyway start where they decode. Default 'auto':
   * a per-QBER table (FIRST_SKIP, now all 0) when fStart and fStep are 'auto', else 0.
   */
  firstSkip?: number | 'auto';
  /** Blind retries (default 16, doubled when 'auto' halves fStep); 0 = single-shot rate-adaptive. */
  maxRetries?: number;
  /**
   * Decoder iterations for the first attempt and for each retry (default 60 / 50; QBER 2 %, 10⁵ bits: 100/100, patience 15: f 1.114, 0.055 Mbit/s CPU; 60/50, patience 8: 1.118, 0.107).
   * QC min-sum: 200 / 150, patience 30 (the annealed ladder converges slowly, and a failed attempt
   * costs a round trip and a restart; 10⁵ bits, 20 frames per point, QBER 1/2/3/5 %: 60/50/12 f
   * 1.216/1.144/1.174/1.193, 3.5–6.6 rt; 120/100/20 1.176/1.136/1.139/1.153; 200/150/30
   * 1.175/1.137/1.136/1.123, 1.2–2.0 rt, and faster at 3–5 % for the fewer restarts).
   */
  iterations?: number;
  retryIterations?: number;
  /**
   * Degree profile of the codes (ldpc-code.ts `ProfileFamily`): default 'auto', the
   * density-evolution-optimised λ of Elkouss et al. 2009 (Table I) for the rate nearest the code's
   * up to rate 0.875, the 2-3-12 profile above; with decoder 'qc-sp', 'auto' is 'qc-sp-high' for
   * frames of ≥ 32768 bits and 'elkouss2009-high' below.
   */
  profile?: ProfileFamily;
  /**
   * Blind retries decode from the channel LLRs and everything revealed so far instead of
   * continuing from the failed attempt's messages (default true: a decoder that stalled stays in
   * a bad state; measured at QBER 2 %, 10⁵ bits, 24 frames: f 1.169 → 1.159 with 100 iterations).
   */
  retryFromScratch?: boolean;
  /** Stop a frame's attempt after this many iterations without fewer unsatisfied checks (default 8). */
  patience?: number;
  rule?: CheckRule;
  /**
   * Sum-product decoder: 'simd' (default where WebAssembly SIMD exists) decodes 4 frames in
   * lock-step (ldpc-simd.ts), 'scalar' one at a time (ldpc-decoder.ts). Min-sum is scalar only.
   * 'qc-minsum': the codes are quasi-cyclic (Z = 16 lifts of PEG base graphs, ldpc-qc.ts) and Bob
   * decodes each frame with the 8-bit annealed min-sum kernel, 16 checks per SIMD operation: faster,
   * at a higher f (its own first-attempt target, TUNE_QC; both parties must use the same value,
   * it selects the code). Without WebAssembly SIMD the same QC codes are decoded by the scalar
   * sum-product decoder.
   * 'qc-sp': the same QC codes, decoded by the float32 layered sum-product kernel (ldpc-qc-sp.ts,
   * 4 checks per SIMD operation): slower per iteration, but it decodes at a lower f, so its first
   * attempt targets less (TUNE_QC_SP).
   * 'qc-sp16': the same codes, plan and tuning as 'qc-sp', decoded by the 16-bit fixed-point
   * sum-product kernel (ldpc-qc-sp16.ts: tabulated box-plus, 16 checks per loop step, faster).
   */
  decoder?: 'simd' | 'scalar' | 'qc-minsum' | 'qc-sp' | 'qc-sp16';
  /** Adaptable (punctured/shortened) positions only on variables of at least this degree (default 3). */
  adaptableMinDegree?: number;
  /**
   * Worker threads for Bob's first decoding pass (SIMD decoder; default min(2, available cores)):
   * keys of more than one chunk of 16 frames spread their chunks over the threads
   * (ldpc-parallel.ts), with the same result as 1 (the calling thread).
   */
  threads?: number;
}

/**
 * The public interleaver of a key: a seeded permutation applied before framing. The QBER of a pass
 * varies along the key (low at closest approach, high at its ends); interleaving gives every frame
 * the block's average error rate, which the code rate was chosen for. Frame positions reported in
 * `frames` are positions in the interleaved order.
 */
function interleaver(keyBits: number, seed: number): { perm: Uint32Array; inv: Uint32Array } {
  return cachedPermutation(keyBits, seed, 0x30000);
}

/**
 * The key in the caller's order from its interleaved bits: bit perm[i] = bits[i] (what
 * `fromBits(bits).permute(inv)` gives, without building the inverse permutation).
 */
function scatterBits(bits: Uint8Array, perm: Uint32Array): BitArray {
  const out = new BitArray(bits.length);
  const w = new Int32Array(out.words.buffer, out.words.byteOffset, out.words.length);
  for (let i = 0; i < bits.length; i++) {
    if (bits[i]) {
      const p = perm[i];
      w[p >>> 5] |= 1 << (p & 31);
    }
  }
  return out;
}

/** Everything both parties derive identically from (N, δ, qber, params); the per-block seed only drives the interleaver. */
export interface LdpcPlan {
  N: number;
  d: number;
  K: number;
  m: number;
  p0: number;
  delta: number;
  code: LdpcCode;
  /** Adaptable positions first (punctured prefix), then key positions. */
  order: Uint32Array;
  /** ranks[j] = rank of H restricted to the first j adaptable positions. */
  ranks: Int32Array;
  /** Reveal step Δ. */
  step: number;
  maxRetries: number;
}

const BIG = 40;
/** Failed min-sum attempts after which a frame's further attempts use the float sum-product decoder (QC codes). */
const QC_FALLBACK = 4;
/**
 * Tuned on n = 10⁴ keys (QBER 0.5–5 %): δ = dk·h (clamped to [dmin, 0.08]) punctured positions, so the blind
 * reveals can raise f by ≈ dk; first attempt at f0 + fc/h.
 */
const TUNE = { dk: 0.12, dmin: 0.02, f0: 1.02, fc: 0.006 };
/**
 * First attempt of the QC min-sum decoder: f0 + fc/h, by h(QBER) band. Puncturing lowers what the
 * first attempt decodes (8-bit min-sum, N = 131072, QBER 2 %, one shot, 40 frames: 2 % punctured
 * decodes 13/40 at f = 1.12, 23/40 at 1.13; sum-product on the same code 8/10 and 10/10), so where
 * the code decodes without much puncturing (h ≥ 0.1) the QC decoder takes δ = 0.005 and starts
 * lower; at QBER 1 % (h < 0.1, rate ≈ 0.89 codes) puncturing helps (δ 0.005 → f 1.19, 0.02 → 1.177).
 * Measured with the protocol, 10⁵ bits, 80 frames per point (0 failed), f / round trips:
 * QBER 2 % δ 0.02 (dk·h, the sum-product tuning), start 1.132: 1.141 / 1.47; δ 0.01, start 1.125:
 * 1.133 / 1.34; δ 0.005, start 1.12: 1.126 / 1.35; δ 0.0025, start 1.105: 1.121 / 2.04 (more
 * attempts, slower). QBER 3 %: 1.135 → 1.122 (δ 0.005, start 1.11); 5 %: 1.121 → 1.121 (start 1.11) /
 * 1.119 (1.10, 2.4 round trips). 10⁴ bits, 400 frames, δ 0.005, start 1.12: 2 % 1.170 → 1.165,
 * 3 % 1.158 → 1.156, 5 % 1.137 → 1.140. Only for frames of ≥ QC_LONG bits: short frames have too
 * few punctured symbols for their blind retries (2048-bit frames, QBER 3 %, start 1.10, 3 × 20
 * frames: δ 0.005 left 16 failed, δ 0.02 5).
 */
const TUNE_QC = { low: { f0: 1.09, fc: 0.006 }, high: { f0: 1.09, fc: 0.0042, delta: 0.005 } };
const QC_LONG = 32768;
/**
 * The same for the QC sum-product decoder ('qc-sp'): first attempt f0 + fc/h, 0.03 below min-sum
 * (10⁵ bits, 2 %, 8 frames: start 1.095 → f 1.103, 1.105 → 1.107 with 1.0 round trips; default
 * 1.090 → 1.101); long frames at h < 0.1 (QBER ≲ 1.3 %) 0.02 lower again (`longLow`: 10⁵ bits,
 * 1 %, 16 frames: start 1.134 → f 1.143, 1.38 round trips; 1.114 → 1.137, 2.25; 1.10 → 1.133, 3.06).
 * With the 'qc-sp-high' codes above rate 0.87 (ldpc-profiles.ts HIGH_RATE_TABLE) long frames at
 * h < 0.1 puncture δ = 0.005 instead of 0.02 and continue the blind steps with revealed key bits:
 * those codes lose with puncturing (10⁵ bits, 1 %, one shot at f = 1.12, 30 frames decoded:
 * δ 0.02 4/30, δ 0.005 17/30; the rate-0.85 row: 17/30 and 8/30), and start at 1.10
 * (f0 = 1.026: 1.026 + 0.006/h(0.01) = 1.100; 30 frames, fine steps: start 1.114 → f 1.127,
 * 2.2 round trips; 1.10 → 1.120, 3.4; 60 frames: start 1.09 → 1.121, 4.5). δ, 60–120 frames:
 * 0 → f 1.211 (5 of 60 failed), 0.001 → 1.147 (1 failed), 0.0025 → 1.118 / 1.122, 0.0035 →
 * 1.118, 0.005 → 1.121 (300 frames: 1.119), 0.01 → 1.127. Below ≈ 0.0025 the frames outrun the
 * punctured symbols and the protocol reveals key bits, which cost 1 bit each but lower the
 * uncertainty of the error pattern by only h(Q) ≈ 0.08 bit (a revealed punctured value: 1 bit),
 * so a higher-rate mother code adapted by blind shortening loses at QBER 1 %.
 */
const TUNE_QC_SP = { low: { f0: 1.06, fc: 0.006 }, longLow: { f0: 1.026, fc: 0.006, delta: 0.005 }, high: { f0: 1.06, fc: 0.0042, delta: 0.005 } };

/**
 * Blind reveal step (in f) of the QC sum-product decoder for frames ≥ QC_LONG (at h ≥ 0.1, and
 * since the 'qc-sp-high' codes also at h < 0.1: 10⁵ bits, 1 %, 40 frames, 0.015 → 0.0075 with
 * the rate-0.85 row: f 1.1339 → 1.1313), with 3× the retries: a frame's f is set by how finely the reveals step past where it decodes. 10⁵ bits,
 * 100 frames per point, same seeds, 0.015 → 0.0075: QBER 2 % f 1.0999 → 1.0976 (round trips 1.58 →
 * 1.85, CPU 1.00 → 0.80 Mbit/s), 3 % 1.0958 → 1.0927 (1.84 → 2.24, 0.84 → 0.56 Mbit/s).
 */
const SP_FINE_STEP = 0.0075;

/** Whether a decoder choice uses the quasi-cyclic codes (ldpc-qc.ts). */
export function isQcDecoder(decoder: LdpcParams['decoder']): boolean {
  return decoder === 'qc-minsum' || decoder === 'qc-sp' || decoder === 'qc-sp16';
}

/** Whether a decoder choice is a QC sum-product kernel ('qc-sp' float32, 'qc-sp16' 16-bit): the same codes, plan and tuning (TUNE_QC_SP). */
export function isQcSumProduct(decoder: LdpcParams['decoder']): boolean {
  return decoder === 'qc-sp' || decoder === 'qc-sp16';
}

/** Whether the QC decoder's low-puncturing tuning (TUNE_QC.high) applies: h ≥ 0.1 and frames of ≥ QC_LONG bits. */
function qcHigh(qc: boolean, h: number, frameLength: number): boolean {
  return qc && h >= 0.1 && frameLength >= QC_LONG;
}

/**
 * Efficiency targeted by the first attempt: fixed, or 'auto' = f0 + fc/h (short high-rate codes
 * need more); QC decoder: TUNE_QC by h and frame length.
 */
export function startEfficiency(fStart: number | 'auto', h: number, qc = false, frameLength = 0, sp = false): number {
  if (fStart !== 'auto') return fStart;
  const tq = sp ? TUNE_QC_SP : TUNE_QC;
  const low = sp && frameLength >= QC_LONG ? TUNE_QC_SP.longLow : tq.low;
  const t = qc ? (qcHigh(qc, h, frameLength) ? tq.high : low) : TUNE;
  return t.f0 + t.fc / h;
}

/**
 * Adaptable fraction δ for 'auto': dk·h in [dmin, 0.08]; the QC decoder's own δ for long frames
 * where h ≥ 0.1 (TUNE_QC), and the sum-product QC decoder's for long frames where h < 0.1 (TUNE_QC_SP.longLow).
 */
export function adaptableFraction(h: number, qc = false, frameLength = 0, sp = false): number {
  if (qcHigh(qc, h, frameLength)) return TUNE_QC.high.delta;
  if (sp && frameLength >= QC_LONG) return TUNE_QC_SP.longLow.delta;
  return Math.min(0.08, Math.max(TUNE.dmin, TUNE.dk * h));
}
/** Reveal steps skipped at the first attempt, by h(QBER) (measured, 10⁵ bits; see LdpcParams.firstSkip). */
export function firstSkip(h: number): number {
  return h < 0.1 ? FIRST_SKIP.low : h < 0.2 ? FIRST_SKIP.mid : FIRST_SKIP.high;
}
/**
 * Measured at 10⁵ bits, 120 frames (tanh-domain SIMD kernel): QBER 1 % (h < 0.1) skip 0: f 1.1903,
 * skip 2: 1.2002; QBER 2 % skip 0 → 1: f 1.1706 → 1.1756, 0.316 → 0.433 Mbit/s; QBER 3 % skip 1:
 * 1.1684, skip 2: 1.1769; QBER 5 % skip 0 → 2: f 1.1925 → 1.1903, 0.370 → 0.403 Mbit/s, skip 3: 1.1983.
 * Mid band 1 → 1.5 (a trade: f up ≈ 0.007 for ≈ 15 % throughput): QBER 2 %, 10⁶ bits, 4 interleaved
 * runs each: f 1.1759 → 1.1826, median 0.90 → 1.06 Mbit/s; 10⁵ bits, 300 frames: f 1.1819; QBER 3 %:
 * f 1.1729. Set 1 to take the efficiency back.
 * Now all 0: with the 2009 profiles, 10⁵-bit frames and retries from scratch the first attempt starts
 * low (f0 = 1.02) and no step is skipped (QBER 2 %, 10⁵ bits, 12–16 frames: f 1.12).
 */
const FIRST_SKIP = { low: 0, mid: 0, high: 0 };
const orderCache = new Map<string, Uint32Array>();

/**
 * Seed of the position order. The order is fixed per code, not drawn per block: the interleaver
 * (seeded per block) already places the key bits at random, and a fixed order lets the GF(2)
 * ranks of the punctured prefixes be computed once per code instead of once per block (measured
 * with a fresh seed per block, 10⁵ bits at 2 %: adaptableOrder + prefixRanks took ≈ 17 % of the time).
 */
const ORDER_SEED = 0x0bde4;

/**
 * Public position order: a fixed permutation, stably partitioned so that the d adaptable
 * (punctured/shortened) positions are variables of degree ≥ 3 — puncturing degree-2 variables
 * creates unrecoverable check pairs (cf. untainted puncturing, Elkouss et al. 2012).
 */
function adaptableOrder(code: LdpcCode, d: number, minDeg: number, family: ProfileFamily, qc: boolean): Uint32Array {
  const key = `${code.n}:${code.m}:${d}:${minDeg}:${family}:${qc}`;
  let o = orderCache.get(key);
  if (o) return o;
  const deg = new Int32Array(code.n);
  for (let e = 0; e < code.edges; e++) deg[code.cols[e]]++;
  const varChecks: number[][] = Array.from({ length: code.n }, () => []);
  for (let c = 0; c < code.m; c++) for (let e = code.rowStart[c]; e < code.rowStart[c + 1]; e++) varChecks[code.cols[e]].push(c);
  const perm = cachedPermutation(code.n, ORDER_SEED, 0x20000).perm;
  o = new Uint32Array(code.n);
  let k = 0;
  const chosen = new Uint8Array(code.n);
  // Untainted first (Elkouss et al. 2012): in seeded order, lowest degree first, take a variable
  // only if none of its checks already has a punctured neighbour, so every punctured symbol has
  // checks whose other neighbours are all unpunctured (recoverable in one step).
  const tainted = new Uint8Array(code.m);
  const cand = Array.from(perm).filter((v) => deg[v] >= minDeg);
  cand.sort((a, b) => deg[a] - deg[b]);
  for (const v of cand) {
    if (k >= d) break;
    if (varChecks[v].some((c) => tainted[c])) continue;
    for (const c of varChecks[v]) tainted[c] = 1;
    chosen[v] = 1;
    o[k++] = v;
  }
  for (let i = 0; i < cand.length && k < d; i++) {
    if (!chosen[cand[i]]) {
      chosen[cand[i]] = 1;
      o[k++] = cand[i];
    }
  }
  for (let i = 0; i < perm.length; i++) if (!chosen[perm[i]]) o[k++] = perm[i];
  if (orderCache.size > 32) orderCache.clear();
  orderCache.set(key, o);
  return o;
}
const rankCache = new Map<string, Int32Array>();

/**
 * Frame plan for a key of `keyBits` bits: as many frames as a `frameBits` code needs, then the
 * code length shrunk (to a multiple of 64) so the frames share the key evenly — a short key is not
 * padded into an oversized frame.
 */
export function planLdpc(
  params: Required<Omit<LdpcParams, 'rule' | 'decoder' | 'firstSkip' | 'threads' | 'patience' | 'profile' | 'retryFromScratch'>> & Pick<LdpcParams, 'firstSkip' | 'profile' | 'decoder'>,
  qber: number,
  keyBits: number,
): LdpcPlan {
  const qc = isQcDecoder(params.decoder);
  const h = binaryEntropy(Math.min(0.49, Math.max(qber, 1e-3)));
  const frameBits = params.frameBits === 'auto' ? 131072 : params.frameBits;
  const lengthFor = (delta: number): number => {
    const kMax = frameBits - Math.round(delta * frameBits);
    const frames = Math.max(1, Math.ceil(keyBits / kMax));
    const kEven = Math.ceil(keyBits / frames);
    return Math.min(frameBits, Math.max(64, Math.ceil(kEven / (1 - delta) / 64) * 64));
  };
  // the frame length with the standard δ decides whether the QC tuning applies (then δ and N again)
  const N0 = lengthFor(adaptableFraction(h));
  const sp = isQcSumProduct(params.decoder);
  const delta = params.delta === 'auto' ? adaptableFraction(h, qc, N0, sp) : params.delta;
  const N = lengthFor(delta);
  const d = Math.round(delta * N);
  const K = N - d;
  const leak0 = Math.round(startEfficiency(params.fStart, h, qc, N0, sp) * h * K);
  // Quantise m (codes are cached per (N, m)); puncture so that m − p0 ≈ leak0.
  const m = Math.min(N - 1, Math.max(16, Math.ceil((leak0 + d) / 32) * 32));
  const fine = params.fStep === 'auto';
  // QC sum-product on long frames: half the step (SP_FINE_STEP), three times the retries
  const spFine = fine && sp && N0 >= QC_LONG;
  const fStep = params.fStep === 'auto' ? (spFine ? SP_FINE_STEP : 0.015) : params.fStep;
  const step = Math.max(1, Math.ceil(fStep * h * K));
  const fs = params.firstSkip ?? 'auto';
  const skip = fs !== 'auto' ? fs : params.fStart === 'auto' && params.fStep === 'auto' && params.maxRetries > 0 ? firstSkip(h) : 0;
  const p0 = Math.max(0, Math.min(d, m - leak0) - Math.round(skip * step));
  // the sum-product QC decoder takes the rate-0.85 λ above rate 0.85 ('elkouss2009-high'); long
  // frames take ldpc-profiles.ts HIGH_RATE_TABLE above rate 0.87 ('qc-sp-high'). Short frames keep
  // the rate-0.85 row: 10⁴ bits, 1 %, 200 frames: f 1.198 with it, 1.205 with the high-rate row
  // (δ 0.02; with δ 0.005 1.204 and 7 of 200 frames failed)
  const family = (params.profile ?? 'auto') === 'auto' && sp ? (N0 >= QC_LONG ? 'qc-sp-high' : 'elkouss2009-high') : (params.profile ?? 'auto');
  const code = qc ? cachedQcLdpcCode(N, m, undefined, family) : cachedLdpcCode(N, m, undefined, family);
  const order = adaptableOrder(code, d, params.adaptableMinDegree, family, qc);
  const rk = `${N}:${m}:${d}:${params.adaptableMinDegree}:${family}:${qc}`;
  let ranks = rankCache.get(rk);
  if (!ranks) {
    ranks = prefixRanks(code, order.subarray(0, d));
    if (rankCache.size > 32) rankCache.clear();
    rankCache.set(rk, ranks);
  }
  return { N, d, K, m, p0, delta, code, order, ranks, step, maxRetries: spFine ? 3 * params.maxRetries : fine ? 2 * params.maxRetries : params.maxRetries };
}

export class LdpcReconciler implements Reconciler {
  readonly name: string;
  private readonly params: Required<Omit<LdpcParams, 'rule' | 'decoder' | 'threads'>>;
  private readonly threads: number;
  private readonly rule: CheckRule;
  private readonly simd: boolean;
  private readonly decoder: LdpcParams['decoder'];

  constructor(params: LdpcParams = {}) {
    const maxRetries = params.maxRetries ?? 16;
    const qc = isQcDecoder(params.decoder);
    this.params = {
      frameBits: params.frameBits ?? 'auto',
      delta: params.delta ?? 'auto',
      fStart: params.fStart ?? (maxRetries > 0 ? 'auto' : 1.3),
      fStep: params.fStep ?? 'auto',
      maxRetries,
      iterations: params.iterations ?? (qc ? 200 : 60),
      retryIterations: params.retryIterations ?? (qc ? 150 : 50),
      patience: params.patience ?? (qc ? 30 : 8),
      profile: params.profile ?? 'auto',
      retryFromScratch: params.retryFromScratch ?? true,
      adaptableMinDegree: params.adaptableMinDegree ?? 3,
      firstSkip: params.firstSkip ?? 'auto',
    };
    this.rule = params.rule ?? 'sum-product';
    this.threads = params.threads ?? Math.min(2, availableParallelism());
    if (!(Number.isInteger(this.threads) && this.threads >= 1)) throw new InputError(`threads ${this.threads} not an integer ≥ 1`, { field: 'threads' });
    this.decoder = params.decoder;
    this.simd = this.rule === 'sum-product' && params.decoder !== 'scalar' && !qc && simdAvailable();
    const p = this.params;
    if (p.frameBits !== 'auto' && !(Number.isInteger(p.frameBits) && p.frameBits >= 256 && p.frameBits <= 1 << 20)) {
      throw new InputError(`frameBits ${p.frameBits} not an integer in [256, 2^20]`, { field: 'frameBits' });
    }
    if (p.delta !== 'auto' && !(p.delta >= 0 && p.delta <= 0.5)) throw new InputError(`delta ${p.delta} not in [0, 0.5]`, { field: 'delta' });
    if (p.fStart !== 'auto' && !(p.fStart >= 1 && p.fStart < 10)) throw new InputError(`fStart ${p.fStart} not in [1, 10)`, { field: 'fStart' });
    if (p.firstSkip !== 'auto' && !(p.firstSkip >= 0 && p.firstSkip <= 1000)) {
      throw new InputError('firstSkip must be in [0, 1000]', { field: 'firstSkip' });
    }
    if (!(Number.isInteger(p.patience) && p.patience >= 1)) throw new InputError('patience must be an integer ≥ 1', { field: 'patience' });
    if (!(Number.isInteger(p.maxRetries) && p.maxRetries >= 0)) throw new InputError('maxRetries must be a non-negative integer', { field: 'maxRetries' });
    this.name = (p.maxRetries > 0 ? 'ldpc/blind' : 'ldpc/rate-adaptive') + (params.decoder === 'qc-minsum' ? '-qc' : params.decoder === 'qc-sp' ? '-qcsp' : params.decoder === 'qc-sp16' ? '-qcsp16' : '');
  }

  private check(key: BitArray, opts: ReconcileOptions): void {
    if (key.length < 1) throw new InputError('key must not be empty', { field: 'key' });
    if (!(opts.qberEstimate >= 0 && opts.qberEstimate < 0.5)) {
      throw new InputError(`qberEstimate ${opts.qberEstimate} not in [0, 0.5)`, { field: 'qberEstimate' });
    }
  }

  async alice(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    this.check(key, opts);
    const before = snapshot(ch.stats);
    const seed = (opts.seed ?? freshSeed()) >>> 0;
    const plan = planLdpc({ ...this.params, decoder: this.decoder }, opts.qberEstimate, key.length);
    const { N, d, K, m, p0, order, ranks, code } = plan;
    const nFrames = Math.ceil(key.length / K);
    const x = new Uint8Array(N);
    const syn = new Uint8Array(m);
    const fillers: Uint8Array[] = [];
    const w = new ByteWriter(16 + ((nFrames * m) >>> 3), LE).u32(seed).f64(opts.qberEstimate).varint(key.length).varint(nFrames);
    const bp = new BitPacker(nFrames * m);
    // interleave: frames take bits from all over the key, so each sees the block's average QBER
    const inter = interleaver(key.length, seed);
    const keyBits = key.selectBits(inter.perm);
    for (let f = 0; f < nFrames; f++) {
      x.fill(0);
      const filler = (opts.secretBits ? BitArray.fromBytes(opts.secretBits.bytes((p0 + 7) >>> 3), p0) : BitArray.random(p0)).toBits();
      fillers.push(filler);
      for (let j = 0; j < p0; j++) x[order[j]] = filler[j];
      const from = f * K;
      const cnt = Math.min(K, key.length - from);
      for (let j = 0; j < cnt; j++) x[order[d + j]] = keyBits[from + j];
      syndromeOf(code, x, syn);
      for (let c = 0; c < m; c++) bp.push(syn[c]);
    }
    await ch.send(w.raw(bp.finish()).finish());
    const leak = new Float64Array(nFrames).fill(m - ranks[p0]);
    const punct = new Int32Array(nFrames).fill(p0);
    const keyRevealed = new Int32Array(nFrames);
    let leaked = nFrames * (m - ranks[p0]);
    ledger.add('reconciliation', leaked, `${this.name} syndromes`);
    let failedMap: Uint8Array;
    // Bob's feedback (Bob→Alice): each bitmap tells, per frame not yet known decoded, whether it
    // decoded (one bit each); the final flag is a function of the bitmap and public values.
    let feedback = 0;
    let undecided = nFrames;
    for (;;) {
      const r = new ByteReader(await ch.receive(), LE);
      const final = r.u8();
      failedMap = r.rest();
      if (failedMap.length * 8 < nFrames) throw new ProtocolAbort('protocol-violation', 'ldpc: short bitmap');
      ledger.add('reconciliation', undecided, `${this.name} decoding feedback (Bob→Alice)`);
      feedback += undecided;
      undecided = 0;
      for (let f = 0; f < nFrames; f++) undecided += bitAt(failedMap, f);
      if (final) break;
      const out = new BitPacker(256);
      let add = 0;
      for (let f = 0; f < nFrames; f++) {
        if (!bitAt(failedMap, f)) continue;
        const p = punct[f];
        if (p > 0) {
          const np = Math.max(0, p - plan.step);
          for (let j = np; j < p; j++) out.push(fillers[f][j]);
          const extra = ranks[p] - ranks[np];
          leak[f] += extra;
          add += extra;
          punct[f] = np;
        } else {
          // Punctured symbols exhausted: reveal key bits (shortening), from the frame's end.
          const from = f * K;
          const cnt = Math.min(K, key.length - from);
          const r0 = keyRevealed[f];
          const r1 = Math.min(cnt, r0 + plan.step);
          for (let j = r0; j < r1; j++) out.push(keyBits[from + cnt - 1 - j]);
          leak[f] += r1 - r0;
          add += r1 - r0;
          keyRevealed[f] = r1;
        }
      }
      await ch.send(out.finish());
      if (add) ledger.add('reconciliation', add, `${this.name} revealed punctured bits`);
      leaked += add;
    }
    const frames: FrameOutcome[] = [];
    for (let f = 0; f < nFrames; f++) {
      const to = Math.min(key.length, (f + 1) * K);
      frames.push({ from: f * K, to, positions: inter.perm.subarray(f * K, to), ok: !bitAt(failedMap, f), leakedBits: leak[f] });
    }
    return {
      key,
      ok: frames.every((fr) => fr.ok),
      leakedBits: leaked + feedback,
      forwardBits: leaked,
      backwardBits: feedback,
      correctedErrors: 0,
      stats: statsSince(before, ch.stats),
      frames,
    };
  }

  async bob(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    this.check(key, opts);
    const before = snapshot(ch.stats);
    const r0 = new ByteReader(await ch.receive(), LE);
    const seed = r0.u32();
    const qber = r0.f64();
    const aliceN = r0.varint();
    if (aliceN !== key.length) throw new ProtocolAbort('protocol-violation', `ldpc: Alice's key has ${aliceN} bits, Bob's ${key.length}`);
    const nFrames = r0.varint();
    const plan = planLdpc({ ...this.params, decoder: this.decoder }, qber, key.length);
    const { N, d, K, m, p0, order, ranks, code } = plan;
    if (nFrames !== Math.ceil(key.length / K)) throw new ProtocolAbort('protocol-violation', `ldpc: ${nFrames} frames for ${key.length} bits`);
    const synAll = r0.rest();
    if (synAll.length * 8 < nFrames * m) throw new ProtocolAbort('protocol-violation', 'ldpc: short syndrome message');
    const decoder = new LdpcDecoder(code, this.rule);
    const simd = this.simd ? simdDecoderFor(code) : null;
    const qcSp = isQcSumProduct(this.decoder);
    const qcRule: QcDecodeTask['rule'] = this.decoder === 'qc-sp16' ? 'sum-product-16' : qcSp ? 'sum-product' : 'min-sum';
    const qcDec =
      this.decoder === 'qc-minsum' && 'qc' in code && qcDecoderAvailable()
        ? qcDecoderFor(code as QcLdpcCode)
        : this.decoder === 'qc-sp' && 'qc' in code && qcSpDecoderAvailable()
          ? qcSpDecoderFor(code as QcLdpcCode)
          : this.decoder === 'qc-sp16' && 'qc' in code && qcSp16DecoderAvailable()
            ? qcSp16DecoderFor(code as QcLdpcCode)
            : null;
    // (min-sum frames that failed QC_FALLBACK times go to float sum-product; the SP kernel keeps them)
    const fallbackAfter = qcSp ? Infinity : QC_FALLBACK;
    // QC frames go to worker threads, one frame per task, whenever a call has more than one frame
    const qcThreads = qcDec && this.threads > 1 && ldpcQcWorkersAvailable() ? this.threads : 1;
    // Frames decoded per call of the first pass (the SIMD decoder refills its lanes within one).
    const chunk = simd ? 4 * SIMD_LANES : qcThreads > 1 ? 8 * qcThreads : 1;
    const lc = Math.log((1 - Math.max(qber, 1e-4)) / Math.max(qber, 1e-4));
    const inter = interleaver(key.length, seed);
    const keyBits = key.selectBits(inter.perm);
    const outBits = keyBits.slice();
    const outs: Uint8Array[] = [];
    const outFor = (k: number): Uint8Array => (outs[k] ??= new Uint8Array(N));
    const leak = new Float64Array(nFrames).fill(m - ranks[p0]);
    const punct = new Int32Array(nFrames).fill(p0);
    const keyRevealed = new Int32Array(nFrames);
    const frameCount = (f: number): number => Math.min(K, key.length - f * K);
    let leaked = nFrames * (m - ranks[p0]);
    ledger.add('reconciliation', leaked, `${this.name} syndromes`);
    let corrected = 0;
    // Bob decodes the error pattern e = x ⊕ z against his reference word z (his key bits at the key
    // positions, 0 at adaptable and unused positions), syndrome s ⊕ H·z: channel LLRs are +lc (0 when
    // punctured), so nearly all signs are positive and the decoder's sign branches predictable.
    const accept = (f: number, hard: Uint8Array): void => {
      const from = f * K;
      const cnt = Math.min(K, key.length - from);
      for (let j = 0; j < cnt; j++) {
        const b = hard[order[d + j]] ^ keyBits[from + j];
        if (b !== keyBits[from + j]) corrected++;
        outBits[from + j] = b;
      }
    };
    // States of decoded frames are reused for the next ones.
    const pool: DecoderState[] = [];
    // (the QC decoder keeps its messages in its kernel: a state needs only the LLRs)
    const newState = (): DecoderState => (qcDec ? { llr: new Float32Array(N), msg: new Float32Array(0) } : newDecoderState(code));
    // the key positions' channel LLRs of a full frame (lc everywhere, adaptable positions BIG),
    // copied into each full frame instead of scattered through `order` again (keys of > 1 frame)
    let fullFrame: Float32Array | null = null;
    /** Fresh decoder input for frame f: channel LLRs, p still punctured, revealed values `rev`. */
    const initFrame = (st: DecoderState, f: number, p: number, e: PendingFrame | null): void => {
      st.msg.fill(0);
      const L = st.llr;
      const from = f * K;
      const cnt = Math.min(K, key.length - from);
      if (cnt === K && nFrames > 1) {
        if (!fullFrame) {
          fullFrame = new Float32Array(N).fill(BIG);
          for (let j = 0; j < K; j++) fullFrame[order[d + j]] = lc;
        }
        L.set(fullFrame);
      } else for (let j = 0; j < K; j++) L[order[d + j]] = j < cnt ? lc : BIG;
      for (let j = 0; j < d; j++) L[order[j]] = j < p ? 0 : j < p0 && e ? (e.rev[j] ? -BIG : BIG) : BIG;
      if (e) for (let j = 0; j < keyRevealed[f]; j++) L[order[d + cnt - 1 - j]] = e.keyRev[j] ^ keyBits[from + cnt - 1 - j] ? -BIG : BIG;
    };
    interface PendingFrame {
      st: DecoderState;
      syn: Uint8Array;
      /** Revealed punctured values (index into the adaptable order) and revealed key bits. */
      rev: Uint8Array;
      keyRev: Uint8Array;
    }
    const pending = new Map<number, PendingFrame>();
    let feedback = 0;
    let undecided = nFrames;
    /**
     * Decode frames (all in one SIMD call, else one by one); accept those whose
     * syndrome is met. Returns the ones that failed. Every frame is decoded on its own state, so
     * batching does not change what a frame's decoder sees, only the check-rule arithmetic.
     */
    interface Job {
      f: number;
      st: DecoderState;
      syn: Uint8Array;
    }
    const decodeJobs = async (all: Job[], maxIterations: number, patience: number): Promise<Job[]> => {
      const failed: Job[] = [];
      let res: DecodeResult[];
      let jobs = all;
      if (qcDec) {
        // a frame min-sum failed QC_FALLBACK times goes to the float sum-product decoder (on the same
        // QC code): measured at 10⁴ bits, 2 %, 200 frames: 4 frames min-sum never decoded, stuck with
        // ≈ 300 unsatisfied checks after 33 reveals, where sum-product came down to 3
        const bp = all.filter((j) => qcFailures[j.f] >= fallbackAfter);
        jobs = all.filter((j) => qcFailures[j.f] < fallbackAfter);
        if (bp.length) {
          for (const j of bp) if (j.st.msg.length !== code.edges) j.st.msg = new Float32Array(code.edges);
          for (const j of bp) j.st.msg.fill(0);
          const fb = simdAvailable() ? simdDecoderFor(code) : null;
          if (fb) fb.patience = patience;
          else decoder.patience = patience;
          const r = fb ? fb.decodeBatch(bp.map((j, k) => ({ st: j.st, syndrome: j.syn, out: outFor(k) })), maxIterations) : bp.map((j, k) => decoder.decode(j.st, j.syn, outFor(k), maxIterations));
          bp.forEach((j, k) => {
            if (r[k].ok) accept(j.f, outFor(k));
            else failed.push(j);
          });
        }
      }
      const qcFailed = (j: Job): void => {
        qcFailures[j.f]++;
        failed.push(j);
      };
      if (qcDec && qcThreads > 1 && jobs.length > 1) {
        const r = await decodeQcOnWorkers(code as QcLdpcCode, jobs.map((j) => ({ llr: j.st.llr, syndrome: j.syn })), lc, maxIterations, patience, qcThreads, qcRule);
        jobs.forEach((j, k) => {
          const out = r[k].out;
          if (r[k].ok && out) accept(j.f, out);
          else qcFailed(j);
        });
        return failed;
      }
      if (qcDec) {
        qcDec.patience = patience;
        res = jobs.map((j, k) => qcDec.decode(j.st.llr, lc, j.syn, outFor(k), maxIterations));
      } else if (simd) {
        // Even one frame alone goes to the SIMD kernel (tanh rule): faster than the scalar decoder, and
        // f slightly lower (10⁵ bits, 120 frames, 2 runs each: QBER 1 % f 1.191 → 1.189,
        // 0.165–0.183 → 0.202–0.225 Mbit/s; 5 % f 1.1905 → 1.1900, 0.43 → 0.58 Mbit/s).
        simd.patience = patience;
        res = simd.decodeBatch(
          jobs.map((j, k) => ({ st: j.st, syndrome: j.syn, out: outFor(k) })),
          maxIterations,
        );
      } else {
        decoder.patience = patience;
        res = jobs.map((j, k) => decoder.decode(j.st, j.syn, outFor(k), maxIterations));
      }
      jobs.forEach((j, k) => {
        if (res[k].ok) accept(j.f, outFor(k));
        else if (qcDec) qcFailed(j);
        else failed.push(j);
      });
      return failed;
    };
    const patience0 = this.params.patience;
    const qcFailures = new Int32Array(nFrames);
    const z = new Uint8Array(N);
    const zSyn = new Uint8Array(m);
    /** Frame f's first-attempt job on state st: channel LLRs, syndrome s ⊕ H·z. */
    const firstJob = (f: number, st: DecoderState): Job => {
      initFrame(st, f, p0, null);
      const fs = new Uint8Array(m);
      const from = f * K;
      const cnt = frameCount(f);
      for (let j = 0; j < cnt; j++) z[order[d + j]] = keyBits[from + j];
      syndromeOf(code, z, zSyn);
      z.fill(0);
      for (let c = 0; c < m; c++) fs[c] = bitAt(synAll, f * m + c) ^ zSyn[c];
      return { f, st, syn: fs };
    };
    const pendingFirst = (j: Job): void => {
      pending.set(j.f, { st: j.st, syn: j.syn, rev: new Uint8Array(p0), keyRev: new Uint8Array(0) });
    };
    if (simd && this.threads > 1 && nFrames > chunk && ldpcWorkersAvailable()) {
      // Chunks on worker threads (ldpc-parallel.ts): the same chunks, each decoded as below.
      const scratchMsg = new Float32Array(code.edges);
      const chunks: Job[][] = [];
      for (let f0 = 0; f0 < nFrames; f0 += chunk) {
        const jobs: Job[] = [];
        for (let f = f0; f < Math.min(nFrames, f0 + chunk); f++) jobs.push(firstJob(f, { llr: new Float32Array(N), msg: scratchMsg }));
        chunks.push(jobs);
      }
      const results = await decodeChunksOnWorkers(
        code,
        chunks.map((jobs) => ({ llr: jobs.map((j) => j.st.llr), syndromes: jobs.map((j) => j.syn) })),
        this.params.iterations,
        patience0,
        this.threads,
      );
      results.forEach((r, ci) =>
        chunks[ci].forEach((j, k) => {
          const out = r.out[k];
          const llr = r.llr[k];
          const msg = r.msg[k];
          if (r.ok[k] && out) accept(j.f, out);
          else if (llr && msg) pendingFirst({ f: j.f, st: { llr, msg }, syn: j.syn });
          else throw new Error('ldpc worker: a failed frame came back without its decoder state');
        }),
      );
    } else if (qcDec && qcThreads > 1 && nFrames > 1) {
      // each frame goes to a worker as soon as its job is ready (Bob's preparation of the next
      // frames overlaps the decoding); outcomes as decodeJobs books them
      const jobs: Job[] = [];
      const runs: Promise<QcDecodeTaskResult[]>[] = [];
      for (let f = 0; f < nFrames; f++) {
        const j = firstJob(f, newState());
        jobs.push(j);
        runs.push(decodeQcOnWorkers(code as QcLdpcCode, [{ llr: j.st.llr, syndrome: j.syn }], lc, this.params.iterations, patience0, qcThreads, qcRule));
      }
      const results = await Promise.all(runs);
      jobs.forEach((j, k) => {
        const r = results[k][0];
        if (r.ok && r.out) accept(j.f, r.out);
        else {
          qcFailures[j.f]++;
          pendingFirst(j);
        }
      });
    } else {
      for (let f0 = 0; f0 < nFrames; f0 += chunk) {
        const jobs: Job[] = [];
        for (let f = f0; f < Math.min(nFrames, f0 + chunk); f++) jobs.push(firstJob(f, pool.pop() ?? newState()));
        const failed = new Set(await decodeJobs(jobs, this.params.iterations, patience0));
        for (const j of jobs) {
          if (failed.has(j)) pendingFirst(j);
          else pool.push(j.st);
        }
      }
    }
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < plan.maxRetries && [...pending.keys()].some((f) => punct[f] > 0 || keyRevealed[f] < frameCount(f));
      if (!canRetry && pending.size > 0) {
        // Last chance, no new disclosure: restart each failed frame from its channel LLRs and all
        // revealed values with a longer budget (a continued decoder can stay stuck in a bad state).
        const jobs: Job[] = [];
        for (const [f, entry] of [...pending].sort((a, b) => a[0] - b[0])) {
          initFrame(entry.st, f, punct[f], entry);
          jobs.push({ f, st: entry.st, syn: entry.syn });
        }
        const failed = new Set((await decodeJobs(jobs, 3 * this.params.iterations, 20)).map((j) => j.f));
        for (const j of jobs) if (!failed.has(j.f)) pending.delete(j.f);
      }
      const final = pending.size === 0 || !canRetry;
      const bm = new BitPacker(nFrames);
      for (let f = 0; f < nFrames; f++) bm.push(pending.has(f) ? 1 : 0);
      ledger.add('reconciliation', undecided, `${this.name} decoding feedback (Bob→Alice)`);
      feedback += undecided;
      undecided = pending.size;
      await ch.send(new ByteWriter(2 + (nFrames >>> 3), LE).u8(final ? 1 : 0).raw(bm.finish()).finish());
      if (final) break;
      const reveal = await ch.receive();
      let pos = 0;
      let add = 0;
      const failedNow = [...pending.keys()].sort((a, b) => a - b);
      const jobs: Job[] = [];
      for (const f of failedNow) {
        const entry = pending.get(f);
        if (!entry) continue;
        const L = entry.st.llr;
        const p = punct[f];
        if (p > 0) {
          const np = Math.max(0, p - plan.step);
          if (reveal.length << 3 < pos + (p - np)) throw new ProtocolAbort('protocol-violation', 'ldpc: short reveal');
          for (let j = np; j < p; j++) {
            const b = bitAt(reveal, pos++);
            entry.rev[j] = b;
            L[order[j]] += b ? -BIG : BIG;
          }
          const extra = ranks[p] - ranks[np];
          leak[f] += extra;
          add += extra;
          punct[f] = np;
        } else {
          const cnt = frameCount(f);
          const r0 = keyRevealed[f];
          const r1 = Math.min(cnt, r0 + plan.step);
          if (reveal.length << 3 < pos + (r1 - r0)) throw new ProtocolAbort('protocol-violation', 'ldpc: short reveal');
          if (entry.keyRev.length < cnt) {
            const kr = new Uint8Array(cnt);
            kr.set(entry.keyRev);
            entry.keyRev = kr;
          }
          for (let j = r0; j < r1; j++) {
            const b = bitAt(reveal, pos++);
            entry.keyRev[j] = b;
            // A revealed key bit is known exactly: clamp the posterior of its error to b ⊕ z.
            const v = order[d + cnt - 1 - j];
            L[v] = (b ^ keyBits[f * K + cnt - 1 - j] ? -BIG : BIG) + (L[v] - lc);
          }
          leak[f] += r1 - r0;
          add += r1 - r0;
          keyRevealed[f] = r1;
        }
        if (this.params.retryFromScratch) initFrame(entry.st, f, punct[f], entry);
        jobs.push({ f, st: entry.st, syn: entry.syn });
      }
      const failed = new Set((await decodeJobs(jobs, this.params.retryIterations, patience0)).map((j) => j.f));
      for (const j of jobs) if (!failed.has(j.f)) pending.delete(j.f);
      if (add) ledger.add('reconciliation', add, `${this.name} revealed punctured bits`);
      leaked += add;
    }
    const frames: FrameOutcome[] = [];
    for (let f = 0; f < nFrames; f++) {
      const to = Math.min(key.length, (f + 1) * K);
      frames.push({ from: f * K, to, positions: inter.perm.subarray(f * K, to), ok: !pending.has(f), leakedBits: leak[f] });
    }
    return {
      key: scatterBits(outBits, inter.perm),
      ok: pending.size === 0,
      leakedBits: leaked + feedback,
      forwardBits: leaked,
      backwardBits: feedback,
      correctedErrors: corrected,
      stats: statsSince(before, ch.stats),
      frames,
    };
  }
}
