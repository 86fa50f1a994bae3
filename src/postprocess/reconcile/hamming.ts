/**
 * Hamming-syndrome reconciliation in the style of Winnow (Buttler et al., PRA 67, 052303 (2003);
 * algorithms.md §2.2), standing in for Micius's unspecified "Hamming algorithm".
 *
 * Iteration i: both parties shuffle the key with public permutation i (identity for i = 0), cut it
 * into blocks of N_i = 2^m_i bits, and Alice discloses every block parity (1 bit each). Bob answers
 * with the bitmap of blocks whose parity differs; for those Alice discloses the m_i-bit syndrome of
 * the extended Hamming code (XOR of the in-block indices of the set bits), which locates a single
 * error. The block size starts near 1/(2·QBER) and doubles each iteration; the run stops after
 * `cleanIterations` consecutive iterations without a parity mismatch once the size cap is reached.
 * Alice's syndromes ride in the same message as the next iteration's parities: one round trip per
 * iteration.
 *
 * Leakage (counted exactly, both sides, both directions): 1 bit per disclosed block parity + m_i
 * bits per disclosed syndrome (Alice→Bob), plus Bob's mismatch bitmap, 1 bit per block
 * (Bob→Alice; Tupkary & Lütkenhaus, arXiv:2307.00576). Bob's `more` and final flags are functions
 * of his bitmaps and public values, so they add nothing. Winnow's privacy-maintenance discarding is not done; privacy amplification removes
 * the booked leakage instead.
 */
import { BitArray } from '../../core/bits.js';
import { InputError, ProtocolAbort } from '../../core/errors.js';
import type { MessageChannel } from '../channel.js';
import type { LeakageLedger } from '../ledger.js';
import { openingMessage, receiveOpening } from './opening.js';
import { cachedPermutation, freshSeed } from './prng.js';
import type { ReconcileOptions, ReconcileResult, Reconciler } from './types.js';
import { LeakBook, snapshot, statsSince } from './types.js';
import { BitPacker, ByteReader, ByteWriter, bitAt } from '../../core/codec.js';
/** Reconciliation payloads are little-endian (core/codec.ts). */
const LE = 'le';

export interface HammingParams {
  /** Stop after this many consecutive clean iterations at the largest block size (default 3). */
  cleanIterations?: number;
  /** log2 of the largest block size (default 12). */
  maxLog2Block?: number;
  /** Hard cap on iterations (default 40). */
  maxIterations?: number;
}

/**
 * log2 of the block size of iteration i: m0 = clamp(round(log2(1/(2Q)) + 0.3), 3, maxM) (empirical) for the first
 * two iterations, then +1 per iteration (sizes grow as the residual error rate falls).
 */
export function hammingBlockLog2(qber: number, iteration: number, maxM: number): number {
  // (callers pass maxM already capped at ceil(log2 n))
  const m0 = Math.max(3, Math.min(maxM, Math.round(Math.log2(1 / (2 * Math.max(qber, 1e-5))) + 0.3)));
  return Math.min(maxM, m0 + Math.max(0, iteration - 1));
}

/** Block parities and syndromes over the key viewed through a permutation. */
class View {
  readonly bits: BitArray;
  constructor(key: BitArray, seed: number, iteration: number) {
    const n = key.length;
    if (iteration === 0) {
      this.bits = key;
    } else {
      const perm = cachedPermutation(n, seed, 0x10000 + iteration).perm;
      this.bits = key.select(perm);
    }
  }

  /** Extended-Hamming syndrome of block [s, s+N): XOR of (j − s) over set bits j. */
  syndrome(s: number, N: number): number {
    const e = Math.min(this.bits.length, s + N);
    const w = this.bits.words;
    let syn = 0;
    for (let j = s; j < e; j++) if ((w[j >>> 5] >>> (j & 31)) & 1) syn ^= j - s;
    return syn;
  }
}

export class HammingReconciler implements Reconciler {
  readonly name = 'hamming';
  private readonly clean: number;
  private readonly maxM: number;
  private readonly maxIt: number;

  constructor(params: HammingParams = {}) {
    this.clean = params.cleanIterations ?? 3;
    this.maxM = params.maxLog2Block ?? 12;
    this.maxIt = params.maxIterations ?? 40;
    if (!(this.maxM >= 3 && this.maxM <= 20)) throw new InputError('maxLog2Block must be in [3, 20]', { field: 'maxLog2Block' });
  }

  private check(key: BitArray, opts: ReconcileOptions): void {
    if (key.length < 1) throw new InputError('key must not be empty', { field: 'key' });
    if (!(opts.qberEstimate >= 0 && opts.qberEstimate < 0.5)) {
      throw new InputError(`qberEstimate ${opts.qberEstimate} not in [0, 0.5)`, { field: 'qberEstimate' });
    }
  }

  /** Largest block exponent for an n-bit key: min(maxLog2Block, ceil(log2 n)), at least 3. */
  private capM(n: number): number {
    return Math.max(3, Math.min(this.maxM, Math.ceil(Math.log2(Math.max(2, n)))));
  }

  private parities(v: View, N: number, bp: BitPacker): void {
    const n = v.bits.length;
    for (let s = 0; s < n; s += N) bp.push(v.bits.parity(s, Math.min(n, s + N)));
  }

  async alice(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    this.check(key, opts);
    const before = snapshot(ch.stats);
    const n = key.length;
    const seed = (opts.seed ?? freshSeed()) >>> 0;
    const q = opts.qberEstimate;
    const leak = new LeakBook(ledger, 'hamming');
    const book = (bits: number, what: string): void => leak.alice(bits, what);
    let it = 0;
    let view = new View(key, seed, 0);
    let m = hammingBlockLog2(q, 0, this.capM(n));
    const first = new BitPacker(n >>> m);
    this.parities(view, 2 ** m, first);
    await ch.send(openingMessage(seed, q, n, first.finish()));
    book(first.length, 'block parities');
    for (;;) {
      const r = new ByteReader(await ch.receive(), LE);
      const more = r.u8();
      const bitmap = r.rest();
      const N = 1 << m;
      const nb = Math.ceil(n / N);
      if (bitmap.length * 8 < nb) throw new ProtocolAbort('protocol-violation', 'hamming: short bitmap');
      leak.bob(nb, 'mismatch bitmaps');
      const out = new BitPacker(256);
      let synBits = 0;
      for (let b = 0; b < nb; b++) {
        if (!bitAt(bitmap, b)) continue;
        const syn = view.syndrome(b * N, N);
        for (let t = 0; t < m; t++) out.push((syn >>> t) & 1);
        synBits += m;
      }
      let parBits = 0;
      if (more) {
        it++;
        view = new View(key, seed, it);
        m = hammingBlockLog2(q, it, this.capM(n));
        const before2 = out.length;
        const size = 2 ** m;
        this.parities(view, size, out);
        parBits = out.length - before2;
      }
      await ch.send(out.finish());
      if (synBits) book(synBits, 'syndromes');
      if (parBits) book(parBits, 'block parities');
      if (!more) break;
    }
    const fin = await ch.receive();
    return { key, ok: fin[0] === 1, ...leak.result(), correctedErrors: 0, stats: statsSince(before, ch.stats) };
  }

  async bob(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    this.check(key, opts);
    const before = snapshot(ch.stats);
    const n = key.length;
    const opening = await receiveOpening(ch, n, 'hamming');
    const { seed, qber: q } = opening;
    let alicePar = opening.payload;
    let parOff = 0;
    const leak = new LeakBook(ledger, 'hamming');
    const book = (bits: number, what: string): void => leak.alice(bits, what);
    const work = key.clone();
    let corrected = 0;
    let streak = 0;
    let converged = false;
    for (let it = 0; ; it++) {
      const m = hammingBlockLog2(q, it, this.capM(n));
      const N = 1 << m;
      const nb = Math.ceil(n / N);
      if ((alicePar.length - (parOff >>> 3)) * 8 < nb) throw new ProtocolAbort('protocol-violation', 'hamming: short parities');
      book(nb, 'block parities');
      const perm = it === 0 ? null : cachedPermutation(n, seed, 0x10000 + it).perm;
      const view = new View(work, seed, it);
      const bm = new BitPacker(nb);
      const bad: number[] = [];
      for (let b = 0; b < nb; b++) {
        const d = bitAt(alicePar, parOff + b) ^ view.bits.parity(b * N, Math.min(n, b * N + N));
        bm.push(d);
        if (d) bad.push(b);
      }
      streak = bad.length === 0 && m === this.capM(n) ? streak + 1 : bad.length === 0 ? streak : 0;
      const more = streak < this.clean && it + 1 < this.maxIt ? 1 : 0;
      if (!more) converged = streak >= this.clean;
      leak.bob(nb, 'mismatch bitmaps');
      await ch.send(new ByteWriter(nb / 8 + 2, LE).u8(more).raw(bm.finish()).finish());
      const reply = await ch.receive();
      if (reply.length * 8 < bad.length * m) throw new ProtocolAbort('protocol-violation', 'hamming: short syndromes');
      if (bad.length) book(bad.length * m, 'syndromes');
      let o = 0;
      for (const b of bad) {
        let synA = 0;
        for (let t = 0; t < m; t++) synA |= bitAt(reply, o++) << t;
        const pos = (synA ^ view.syndrome(b * N, N)) + b * N;
        if (pos >= n) continue; // error "located" in the virtual zero padding: cannot correct here
        const orig = perm ? perm[pos] : pos;
        work.flip(orig);
        corrected++;
      }
      if (!more) break;
      alicePar = reply;
      parOff = o;
    }
    // Tell Alice whether the run ended with clean iterations (not key-dependent beyond what the
    // bitmaps already showed).
    await ch.send(new Uint8Array([converged ? 1 : 0]));
    return { key: work, ok: converged, ...leak.result(), correctedErrors: corrected, stats: statsSince(before, ch.stats) };
  }
}
