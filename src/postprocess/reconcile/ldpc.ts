/**
 * Rate-adaptive LDPC syndrome reconciliation with a blind mode (algorithms.md §2.3; Elkouss et al.
 * 2011 for puncturing/shortening, Martinez-Mateo, Elkouss & Martin, QIC 12, 791 (2012) for blind).
 *
 * Framing: the key is cut into frames of K = N − d key bits (N code length, d = round(δN)
 * adaptable positions). A public permutation of the N positions (from the seed) lists the d
 * adaptable positions (variables of degree ≥ 3) first: the first p are punctured (Alice fills them with fresh secret random
 * bits), the other s = d − p are shortened (value 0, known to both); the rest carry key bits. A
 * short last frame fills its unused key positions with shortened zeros.
 *
 * Protocol: Alice → Bob: seed, QBER estimate, and H·x for every frame. Bob decodes every frame
 * (layered sum-product) and answers with the bitmap of frames whose syndrome he could not match.
 * Blind mode: Alice reveals Δ more punctured values of each failed frame (they become shortened),
 * Bob continues decoding from his previous state; up to `maxRetries` times. The last bitmap tells
 * Alice the final per-frame outcome; failed frames are reported (ok = false), not dropped.
 *
 * Leakage, exact and booked by both sides per frame: m − rank(H restricted to the punctured
 * columns). The punctured values are uniform secret bits, so the syndrome tells about the key at
 * most m minus the dimension they mask (Elkouss et al. 2011 count m − p, which assumes full rank).
 * Each reveal adds rank(before) − rank(after). The number of frames and outcome bitmaps are public
 * protocol data and are not counted (as in the literature).
 */
import { BitArray } from '../../core/bits.js';
import { binaryEntropy } from '../../core/entropy.js';
import { InputError, ProtocolAbort } from '../../core/errors.js';
import type { MessageChannel } from '../channel.js';
import type { LeakageLedger } from '../ledger.js';
import type { LdpcCode } from './ldpc-code.js';
import { cachedLdpcCode, prefixRanks, syndromeOf } from './ldpc-code.js';
import type { CheckRule, DecoderState } from './ldpc-decoder.js';
import { LdpcDecoder, newDecoderState } from './ldpc-decoder.js';
import { cachedPermutation, freshSeed } from './prng.js';
import type { FrameOutcome, ReconcileOptions, ReconcileResult, Reconciler } from './types.js';
import { snapshot, statsSince } from './types.js';
import { BitPacker, Reader, Writer, bitAt } from './wire.js';

export interface LdpcParams {
  /** Code length N (default 16384). */
  frameBits?: number;
  /**
   * Fraction δ of adaptable (punctured or shortened) positions. Default 'auto': δ = 0.4h/(1 + 0.4h)
   * for h = h(QBER), so blind reveals can raise f from fStart by up to ≈ 0.4 (f_max = fStart +
   * δ/((1−δ)h)), while low-QBER frames puncture little.
   */
  delta?: number | 'auto';
  /** Target efficiency of the first attempt (default 1.1 blind, 1.3 single-shot). */
  fStart?: number;
  /** Blind: efficiency added per retry (default 0.04). */
  fStep?: number;
  /** Blind retries (default 12); 0 = single-shot rate-adaptive. */
  maxRetries?: number;
  /** Decoder iterations for the first attempt and for each retry (default 40 / 20). */
  iterations?: number;
  retryIterations?: number;
  rule?: CheckRule;
  /** Adaptable (punctured/shortened) positions only on variables of at least this degree (default 3). */
  adaptableMinDegree?: number;
}

/** Everything both parties derive identically from (N, δ, qber, params, seed). */
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
const orderCache = new Map<string, Uint32Array>();

/**
 * Public position order: a seeded permutation, stably partitioned so that the d adaptable
 * (punctured/shortened) positions are variables of degree ≥ 3 — puncturing degree-2 variables
 * creates unrecoverable check pairs (cf. untainted puncturing, Elkouss et al. 2012).
 */
function adaptableOrder(code: LdpcCode, seed: number, d: number, minDeg: number): Uint32Array {
  const key = `${code.n}:${code.m}:${seed}:${d}:${minDeg}`;
  let o = orderCache.get(key);
  if (o) return o;
  const deg = new Int32Array(code.n);
  for (let e = 0; e < code.edges; e++) deg[code.cols[e]]++;
  const perm = cachedPermutation(code.n, seed, 0x20000).perm;
  o = new Uint32Array(code.n);
  let k = 0;
  for (let i = 0; i < perm.length && k < d; i++) if (deg[perm[i]] >= minDeg) o[k++] = perm[i];
  const chosen = new Uint8Array(code.n);
  for (let i = 0; i < k; i++) chosen[o[i]] = 1;
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
export function planLdpc(params: Required<Omit<LdpcParams, 'rule'>>, qber: number, seed: number, keyBits: number): LdpcPlan {
  const h = binaryEntropy(Math.min(0.49, Math.max(qber, 1e-3)));
  const delta = params.delta === 'auto' ? Math.min(0.2, Math.max(0.02, (0.4 * h) / (1 + 0.4 * h))) : params.delta;
  const kMax = params.frameBits - Math.round(delta * params.frameBits);
  const frames = Math.max(1, Math.ceil(keyBits / kMax));
  const kEven = Math.ceil(keyBits / frames);
  const N = Math.min(params.frameBits, Math.max(64, Math.ceil(kEven / (1 - delta) / 64) * 64));
  const d = Math.round(delta * N);
  const K = N - d;
  const leak0 = Math.round(params.fStart * h * K);
  // Quantise m (codes are cached per (N, m)); puncture so that m − p0 ≈ leak0.
  const m = Math.min(N - 1, Math.max(16, Math.ceil((leak0 + d) / 32) * 32));
  const p0 = Math.max(0, Math.min(d, m - leak0));
  const code = cachedLdpcCode(N, m);
  const order = adaptableOrder(code, seed, d, params.adaptableMinDegree);
  const rk = `${N}:${m}:${seed}:${d}:${params.adaptableMinDegree}`;
  let ranks = rankCache.get(rk);
  if (!ranks) {
    ranks = prefixRanks(code, order.subarray(0, d));
    if (rankCache.size > 32) rankCache.clear();
    rankCache.set(rk, ranks);
  }
  const step = Math.max(1, Math.ceil(params.fStep * h * K));
  return { N, d, K, m, p0, delta, code, order, ranks, step, maxRetries: params.maxRetries };
}

export class LdpcReconciler implements Reconciler {
  readonly name: string;
  private readonly params: Required<Omit<LdpcParams, 'rule'>>;
  private readonly rule: CheckRule;

  constructor(params: LdpcParams = {}) {
    const maxRetries = params.maxRetries ?? 12;
    this.params = {
      frameBits: params.frameBits ?? 16384,
      delta: params.delta ?? 'auto',
      fStart: params.fStart ?? (maxRetries > 0 ? 1.1 : 1.3),
      fStep: params.fStep ?? 0.04,
      maxRetries,
      iterations: params.iterations ?? 40,
      retryIterations: params.retryIterations ?? 20,
      adaptableMinDegree: params.adaptableMinDegree ?? 3,
    };
    this.rule = params.rule ?? 'sum-product';
    const p = this.params;
    if (!(Number.isInteger(p.frameBits) && p.frameBits >= 256 && p.frameBits <= 1 << 20)) {
      throw new InputError(`frameBits ${p.frameBits} not an integer in [256, 2^20]`, { field: 'frameBits' });
    }
    if (p.delta !== 'auto' && !(p.delta >= 0 && p.delta <= 0.5)) throw new InputError(`delta ${p.delta} not in [0, 0.5]`, { field: 'delta' });
    if (!(p.fStart >= 1 && p.fStart < 10)) throw new InputError(`fStart ${p.fStart} not in [1, 10)`, { field: 'fStart' });
    if (!(Number.isInteger(p.maxRetries) && p.maxRetries >= 0)) throw new InputError('maxRetries must be a non-negative integer', { field: 'maxRetries' });
    this.name = p.maxRetries > 0 ? 'ldpc/blind' : 'ldpc/rate-adaptive';
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
    const plan = planLdpc(this.params, opts.qberEstimate, seed, key.length);
    const { N, d, K, m, p0, order, ranks, code } = plan;
    const nFrames = Math.ceil(key.length / K);
    const x = new Uint8Array(N);
    const syn = new Uint8Array(m);
    const fillers: Uint8Array[] = [];
    const w = new Writer(16 + ((nFrames * m) >>> 3)).u32(seed).f64(opts.qberEstimate).varint(key.length).varint(nFrames);
    const bp = new BitPacker(nFrames * m);
    const keyBits = key.toBits();
    for (let f = 0; f < nFrames; f++) {
      x.fill(0);
      const filler = BitArray.random(p0).toBits();
      fillers.push(filler);
      for (let j = 0; j < p0; j++) x[order[j]] = filler[j];
      const from = f * K;
      const cnt = Math.min(K, key.length - from);
      for (let j = 0; j < cnt; j++) x[order[d + j]] = keyBits[from + j];
      syndromeOf(code, x, syn);
      for (let c = 0; c < m; c++) bp.push(syn[c]);
    }
    await ch.send(w.bytes(bp.finish()).finish());
    const leak = new Float64Array(nFrames).fill(m - ranks[p0]);
    const punct = new Int32Array(nFrames).fill(p0);
    let leaked = nFrames * (m - ranks[p0]);
    ledger.add('reconciliation', leaked, `${this.name} syndromes`);
    let failedMap: Uint8Array;
    for (;;) {
      const r = new Reader(await ch.receive());
      const final = r.u8();
      failedMap = r.rest();
      if (failedMap.length * 8 < nFrames) throw new ProtocolAbort('protocol-violation', 'ldpc: short bitmap');
      if (final) break;
      const out = new BitPacker(256);
      let add = 0;
      for (let f = 0; f < nFrames; f++) {
        if (!bitAt(failedMap, f)) continue;
        const p = punct[f];
        const np = Math.max(0, p - plan.step);
        for (let j = np; j < p; j++) out.push(fillers[f][j]);
        const extra = ranks[p] - ranks[np];
        leak[f] += extra;
        add += extra;
        punct[f] = np;
      }
      await ch.send(out.finish());
      if (add) ledger.add('reconciliation', add, `${this.name} revealed punctured bits`);
      leaked += add;
    }
    const frames: FrameOutcome[] = [];
    for (let f = 0; f < nFrames; f++) {
      frames.push({ from: f * K, to: Math.min(key.length, (f + 1) * K), ok: !bitAt(failedMap, f), leakedBits: leak[f] });
    }
    return {
      key,
      ok: frames.every((fr) => fr.ok),
      leakedBits: leaked,
      correctedErrors: 0,
      stats: statsSince(before, ch.stats),
      frames,
    };
  }

  async bob(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    this.check(key, opts);
    const before = snapshot(ch.stats);
    const r0 = new Reader(await ch.receive());
    const seed = r0.u32();
    const qber = r0.f64();
    const aliceN = r0.varint();
    if (aliceN !== key.length) throw new ProtocolAbort('protocol-violation', `ldpc: Alice's key has ${aliceN} bits, Bob's ${key.length}`);
    const nFrames = r0.varint();
    const plan = planLdpc(this.params, qber, seed, key.length);
    const { N, d, K, m, p0, order, ranks, code } = plan;
    if (nFrames !== Math.ceil(key.length / K)) throw new ProtocolAbort('protocol-violation', `ldpc: ${nFrames} frames for ${key.length} bits`);
    const synAll = r0.rest();
    if (synAll.length * 8 < nFrames * m) throw new ProtocolAbort('protocol-violation', 'ldpc: short syndrome message');
    const decoder = new LdpcDecoder(code, this.rule);
    const lc = Math.log((1 - Math.max(qber, 1e-4)) / Math.max(qber, 1e-4));
    const keyBits = key.toBits();
    const outBits = keyBits.slice();
    const hard = new Uint8Array(N);
    const leak = new Float64Array(nFrames).fill(m - ranks[p0]);
    const punct = new Int32Array(nFrames).fill(p0);
    let leaked = nFrames * (m - ranks[p0]);
    ledger.add('reconciliation', leaked, `${this.name} syndromes`);
    const pending = new Map<number, { st: DecoderState; syn: Uint8Array }>();
    let corrected = 0;
    const accept = (f: number): void => {
      const from = f * K;
      const cnt = Math.min(K, key.length - from);
      for (let j = 0; j < cnt; j++) {
        const b = hard[order[d + j]];
        if (b !== keyBits[from + j]) corrected++;
        outBits[from + j] = b;
      }
    };
    let shared: DecoderState | null = null;
    for (let f = 0; f < nFrames; f++) {
      const st: DecoderState = shared ?? newDecoderState(code);
      shared = null;
      st.msg.fill(0);
      const L = st.llr;
      for (let j = 0; j < d; j++) L[order[j]] = j < p0 ? 0 : BIG;
      const from = f * K;
      const cnt = Math.min(K, key.length - from);
      for (let j = 0; j < K; j++) L[order[d + j]] = j < cnt ? (keyBits[from + j] ? -lc : lc) : BIG;
      const fs = new Uint8Array(m);
      for (let c = 0; c < m; c++) fs[c] = bitAt(synAll, f * m + c);
      const res = decoder.decode(st, fs, hard, this.params.iterations);
      if (res.ok) {
        accept(f);
        shared = st;
      } else pending.set(f, { st, syn: fs });
    }
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < plan.maxRetries && [...pending.keys()].some((f) => punct[f] > 0);
      const final = pending.size === 0 || !canRetry;
      const bm = new BitPacker(nFrames);
      for (let f = 0; f < nFrames; f++) bm.push(pending.has(f) ? 1 : 0);
      await ch.send(new Writer(2 + (nFrames >>> 3)).u8(final ? 1 : 0).bytes(bm.finish()).finish());
      if (final) break;
      const reveal = await ch.receive();
      let pos = 0;
      let add = 0;
      const failedNow = [...pending.keys()].sort((a, b) => a - b);
      for (const f of failedNow) {
        const p = punct[f];
        const np = Math.max(0, p - plan.step);
        if ((reveal.length << 3) < pos + (p - np)) throw new ProtocolAbort('protocol-violation', 'ldpc: short reveal');
        const entry = pending.get(f);
        if (!entry) continue;
        const L = entry.st.llr;
        for (let j = np; j < p; j++) L[order[j]] += bitAt(reveal, pos++) ? -BIG : BIG;
        const extra = ranks[p] - ranks[np];
        leak[f] += extra;
        add += extra;
        punct[f] = np;
        const res = decoder.decode(entry.st, entry.syn, hard, this.params.retryIterations);
        if (res.ok) {
          accept(f);
          pending.delete(f);
        }
      }
      if (add) ledger.add('reconciliation', add, `${this.name} revealed punctured bits`);
      leaked += add;
    }
    const frames: FrameOutcome[] = [];
    for (let f = 0; f < nFrames; f++) {
      frames.push({ from: f * K, to: Math.min(key.length, (f + 1) * K), ok: !pending.has(f), leakedBits: leak[f] });
    }
    return {
      key: BitArray.fromBits(outBits),
      ok: pending.size === 0,
      leakedBits: leaked,
      correctedErrors: corrected,
      stats: statsSince(before, ch.stats),
      frames,
    };
  }
}
