/**
 * Cascade (Brassard & Salvail, EUROCRYPT '93) with the block-size schedules of Martinez-Mateo et
 * al., "Demystifying the information reconciliation protocol Cascade", QIC 15 (2015), as named in
 * Rijsman's cascade-python: original, biconf, yanetal, option7, option8 (algorithms.md §2.1).
 *
 * Protocol (Bob drives, Alice answers; both sides run this module):
 * 1. Alice → Bob: public seed (u32), QBER estimate (f64), key length (varint), and the parities of every top-level block
 *    of every fixed pass. Alice's key never changes, so these are exactly the parities classic
 *    Cascade discloses pass by pass; sending them at once saves one round trip per pass.
 * 2. Bob processes passes in order. All pending BINARY steps of all odd blocks advance together:
 *    one request per round lists the (pass, start, length) ranges whose parity Bob needs; Alice
 *    replies with those parities packed one bit each.
 * 3. Sub-block reuse: every parity Alice disclosed (and every sibling parity it implies) is kept in
 *    a table; BINARY and the cascade effect descend through known sub-blocks without asking.
 * 4. BICONF (schedule `biconf`): after the two passes, random half-key subsets are compared (one
 *    disclosed parity each, BINARY + cascade on mismatch) until 10 consecutive rounds are error-free.
 *
 * Leakage, both directions (Tupkary & Lütkenhaus, arXiv:2307.00576): one bit per parity Alice
 * discloses (algorithms.md §2, cascade-python; implied sibling parities are free), plus one bit
 * per such parity for Bob's side: Bob's messages are a deterministic function of public values and
 * of his mismatch bit for each block Alice disclosed (his parity XOR hers), so they carry at most
 * that many bits, and they do show them (he asks inside odd blocks only). Both parties book the
 * same counts. The efficiency f of the literature counts Alice's bits only (`forwardBits`).
 */
import { BitArray, popcount32 } from '../../core/bits.js';
import { InputError, ProtocolAbort } from '../../core/errors.js';
import { serveSynchronously, synchronousPeer, type MessageChannel } from '../channel.js';
import type { LeakageLedger } from '../ledger.js';
import { cascadePasses, cascadeVariant, DEFAULT_CASCADE_SCHEDULE, type CascadeSchedule, type CascadeVariant, type PassSpec } from './cascade-variants.js';
import { openingMessage, receiveOpening } from './opening.js';
import { cachedPermutation, freshSeed } from './prng.js';
import type { ReconcileOptions, ReconcileResult, Reconciler } from './types.js';
import { LeakBook, snapshot, statsSince } from './types.js';
import { BitPacker, ByteReader, ByteWriter, bitAt } from '../../core/codec.js';
/** Reconciliation payloads are little-endian (core/codec.ts). */
const LE = 'le';

export { CASCADE_SCHEDULES, CASCADE_VARIANTS, cascadePasses } from './cascade-variants.js';
export type { CascadeSchedule, CascadeVariant, PassSpec } from './cascade-variants.js';

export interface CascadeParams {
  schedule?: CascadeSchedule;
  /** BICONF: consecutive error-free rounds required (default: the variant's, 10 as cascade-python). */
  biconfRounds?: number;
  /** BICONF: hard cap on rounds. */
  biconfMaxRounds?: number;
}

/** Pass p ≥ 1 uses permutation stream p; pass 0 is the identity. */
function passPerm(n: number, seed: number, p: number): { perm: Uint32Array; inv: Uint32Array } | null {
  return p === 0 ? null : cachedPermutation(n, seed, p);
}

const maskCache = new Map<string, Uint32Array>();

/**
 * Public mask of the original positions that land in [0, k) of pass p's order (cached, like the
 * permutations). Lets both sides get the parity of a half-key block by AND + popcount, without
 * materialising the shuffled key (passes with block size n/2 and BICONF subsets).
 */
function headMask(n: number, seed: number, p: number, k: number): Uint32Array {
  const key = `${n}:${seed}:${p}:${k}`;
  let m = maskCache.get(key);
  if (!m) {
    const pp = cachedPermutation(n, seed, p);
    m = new Uint32Array((n + 31) >>> 5);
    for (let i = 0; i < k; i++) {
      const j = pp.perm[i];
      m[j >>> 5] |= 1 << (j & 31);
    }
    if (maskCache.size >= 64) {
      const first = maskCache.keys().next().value;
      if (first !== undefined) maskCache.delete(first);
    }
    maskCache.set(key, m);
  }
  return m;
}

/** Parity of key ∧ mask. */
function maskedParity(key: BitArray, mask: Uint32Array): number {
  const w = key.words;
  let x = 0;
  for (let i = 0; i < w.length; i++) x ^= w[i] & mask[i];
  return popcount32(x) & 1;
}

/**
 * Parities of the disclosed top-level blocks of pass p, from the key in natural order; uses the
 * masks when the pass has at most two blocks, else the materialised view.
 */
function topParities(key: BitArray, seed: number, p: number, spec: PassSpec, view: () => BitArray, out: (bit: number) => void): void {
  const n = key.length;
  const nb = Math.ceil(n / spec.k);
  if (p > 0 && nb <= 2) {
    const b0 = maskedParity(key, headMask(n, seed, p, spec.k));
    out(b0);
    if (spec.disclosed > 1) out(b0 ^ (key.popcount() & 1));
    return;
  }
  const v = view();
  for (let b = 0; b < spec.disclosed; b++) out(v.parity(b * spec.k, Math.min(n, b * spec.k + spec.k)));
}

/**
 * out[i] = src[perm[i]] for packed arrays (every word of out is overwritten). The 32 bits of an
 * output word are one unrolled expression: the per-bit loop with its loop-carried shift count ran
 * at about half this speed (n = 10⁴: ~9 µs against ~20 µs per gather, V8 12, issue 19).
 */
function gather(src: BitArray, perm: Uint32Array, out: BitArray): void {
  // signed views: V8 keeps int32 loads in registers (a Uint32Array word ≥ 2³¹ becomes a double)
  const w = new Int32Array(src.words.buffer, src.words.byteOffset, src.words.length);
  const o = new Int32Array(out.words.buffer, out.words.byteOffset, out.words.length);
  const n = perm.length;
  const full = n >>> 5;
  let j = 0;
  for (let wi = 0, i = 0; wi < full; wi++, i += 32) {
    let v: number;
    v = (((w[(j = perm[i + 0]) >>> 5] >>> j) & 1) << 0) |
      (((w[(j = perm[i + 1]) >>> 5] >>> j) & 1) << 1) |
      (((w[(j = perm[i + 2]) >>> 5] >>> j) & 1) << 2) |
      (((w[(j = perm[i + 3]) >>> 5] >>> j) & 1) << 3) |
      (((w[(j = perm[i + 4]) >>> 5] >>> j) & 1) << 4) |
      (((w[(j = perm[i + 5]) >>> 5] >>> j) & 1) << 5) |
      (((w[(j = perm[i + 6]) >>> 5] >>> j) & 1) << 6) |
      (((w[(j = perm[i + 7]) >>> 5] >>> j) & 1) << 7);
    v |= (((w[(j = perm[i + 8]) >>> 5] >>> j) & 1) << 8) |
      (((w[(j = perm[i + 9]) >>> 5] >>> j) & 1) << 9) |
      (((w[(j = perm[i + 10]) >>> 5] >>> j) & 1) << 10) |
      (((w[(j = perm[i + 11]) >>> 5] >>> j) & 1) << 11) |
      (((w[(j = perm[i + 12]) >>> 5] >>> j) & 1) << 12) |
      (((w[(j = perm[i + 13]) >>> 5] >>> j) & 1) << 13) |
      (((w[(j = perm[i + 14]) >>> 5] >>> j) & 1) << 14) |
      (((w[(j = perm[i + 15]) >>> 5] >>> j) & 1) << 15);
    v |= (((w[(j = perm[i + 16]) >>> 5] >>> j) & 1) << 16) |
      (((w[(j = perm[i + 17]) >>> 5] >>> j) & 1) << 17) |
      (((w[(j = perm[i + 18]) >>> 5] >>> j) & 1) << 18) |
      (((w[(j = perm[i + 19]) >>> 5] >>> j) & 1) << 19) |
      (((w[(j = perm[i + 20]) >>> 5] >>> j) & 1) << 20) |
      (((w[(j = perm[i + 21]) >>> 5] >>> j) & 1) << 21) |
      (((w[(j = perm[i + 22]) >>> 5] >>> j) & 1) << 22) |
      (((w[(j = perm[i + 23]) >>> 5] >>> j) & 1) << 23);
    v |= (((w[(j = perm[i + 24]) >>> 5] >>> j) & 1) << 24) |
      (((w[(j = perm[i + 25]) >>> 5] >>> j) & 1) << 25) |
      (((w[(j = perm[i + 26]) >>> 5] >>> j) & 1) << 26) |
      (((w[(j = perm[i + 27]) >>> 5] >>> j) & 1) << 27) |
      (((w[(j = perm[i + 28]) >>> 5] >>> j) & 1) << 28) |
      (((w[(j = perm[i + 29]) >>> 5] >>> j) & 1) << 29) |
      (((w[(j = perm[i + 30]) >>> 5] >>> j) & 1) << 30) |
      (((w[(j = perm[i + 31]) >>> 5] >>> j) & 1) << 31);
    o[wi] = v;
  }
  if (full < o.length) {
    let v = 0;
    // (shift counts are taken mod 32)
    for (let b = 0, i = full << 5; i < n; b++, i++) {
      j = perm[i];
      v |= ((w[j >>> 5] >>> j) & 1) << b;
    }
    o[full] = v;
  }
}

/**
 * Sub-blocks of a pass are the nodes of one binary tree per top-level block: node (s, e) splits
 * at mid = s + ⌈(e − s)/2⌉. Nodes are numbered in preorder, block b's root at b·(2k − 1), so the
 * left child of node i is i + 1 and its right child is i + 2·⌈(e − s)/2⌉ (the left subtree of
 * L leaves holds 2L − 1 nodes). Bob's searches carry the node number, never hashing a range.
 */
function rootNode(b: number, k: number): number {
  return b * (2 * k - 1);
}

/**
 * Known sub-block mismatch bits (pass, node) → 0/1, 2 = asked, -1 = unknown. Passes with more
 * than two blocks (the small-block passes, where nearly every node is visited) keep a dense
 * preorder array (stored value + 1, so a fresh zeroed array means "unknown"); half-key passes and
 * BICONF subsets, where only a few paths are visited, share an open-addressing hash table.
 */
const EMPTY_KEYS = new Float64Array(0);
const EMPTY_VALS = new Int8Array(0);

class NodeStore {
  /**
   * Buffers of finished runs, reused (zeroed) by later ones: a 10⁴-bit run needs ~8n bytes of
   * trees, and allocating them afresh costs more than the search. They hold only mismatch bits of
   * disclosed parities (public), never key bits.
   */
  private static readonly pool: Int8Array[] = [];
  private readonly taken: Int8Array[] = [];
  private readonly dense: (Int8Array | null)[] = [];
  // the hash part is made on first use, small: only a few paths of the half-key passes are visited
  private keys = EMPTY_KEYS;
  private vals = EMPTY_VALS;
  private mask = 0;
  private count = 0;
  /** Node numbers are below 3n (nb·(2k − 1) ≤ 2n + k). */
  private readonly stride: number;

  constructor(n: number) {
    this.stride = 3 * n + 3;
  }

  /** Declare pass p with nb blocks of size k (dense storage if it has more than two blocks). */
  addPass(p: number, nb: number, k: number, n: number): void {
    if (nb <= 2) {
      this.dense[p] = null;
      return;
    }
    const size = (nb - 1) * (2 * k - 1) + 2 * (n - (nb - 1) * k) - 1;
    const pool = NodeStore.pool;
    let buf: Int8Array | undefined;
    for (let j = 0; j < pool.length; j++) {
      if (pool[j].length >= size && pool[j].length <= 4 * size) {
        buf = pool[j];
        pool[j] = pool[pool.length - 1];
        pool.pop();
        break;
      }
    }
    if (buf) buf.fill(0, 0, size);
    else buf = new Int8Array(size);
    this.taken.push(buf);
    this.dense[p] = buf;
  }

  /** Hand the dense buffers back for reuse (the store must not be used afterwards). */
  release(): void {
    const pool = NodeStore.pool;
    for (const b of this.taken) if (pool.length < 16) pool.push(b);
    this.taken.length = 0;
  }

  /** key is the stored (+1) key. */
  private slot(p: number, i: number, key: number): number {
    if (this.mask === 0) {
      this.keys = new Float64Array(1 << 10);
      this.vals = new Int8Array(1 << 10);
      this.mask = (1 << 10) - 1;
    }
    let h = Math.imul(Math.imul(i, 0x45d9f3b) ^ Math.imul(p, 0x27d4eb2d), 0x9e3779b1);
    h = (h ^ (h >>> 15)) & this.mask;
    const keys = this.keys;
    while (keys[h] !== key && keys[h] !== 0) h = (h + 1) & this.mask;
    return h;
  }

  get(p: number, i: number): number {
    const d = this.dense[p];
    if (d) return d[i] - 1;
    const key = p * this.stride + i + 1;
    const h = this.slot(p, i, key);
    return this.keys[h] === key ? this.vals[h] : -1;
  }

  set(p: number, i: number, v: number): void {
    const d = this.dense[p];
    if (d) {
      d[i] = v + 1;
      return;
    }
    const key = p * this.stride + i + 1;
    const h = this.slot(p, i, key);
    if (this.keys[h] !== key) {
      this.keys[h] = key;
      this.count++;
      this.vals[h] = v;
      if (this.count * 2 > this.keys.length) this.grow();
      return;
    }
    this.vals[h] = v;
  }

  /** Toggle a known (0/1) entry; returns the new value, or -1 if unknown or pending. */
  toggle(p: number, i: number): number {
    const d = this.dense[p];
    if (d) {
      const v = d[i] - 1;
      if (v < 0 || v > 1) return -1;
      d[i] = (v ^ 1) + 1;
      return v ^ 1;
    }
    const key = p * this.stride + i + 1;
    const h = this.slot(p, i, key);
    if (this.keys[h] !== key) return -1;
    const v = this.vals[h];
    if (v > 1) return -1;
    this.vals[h] = v ^ 1;
    return v ^ 1;
  }

  private grow(): void {
    const ok = this.keys;
    const ov = this.vals;
    const cap = ok.length * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int8Array(cap);
    this.mask = cap - 1;
    const st = this.stride;
    for (let j = 0; j < ok.length; j++) {
      const key = ok[j];
      if (key === 0) continue;
      const i = (key - 1) % st;
      const p = (key - 1 - i) / st;
      const h = this.slot(p, i, key);
      this.keys[h] = key;
      this.vals[h] = ov[j];
    }
  }
}

/** Growable queue of (pass, start, end, node) searches. */
class SearchQueue {
  data = new Int32Array(4 * 16);
  len = 0;

  push(p: number, s: number, e: number, i: number): void {
    if (this.len * 4 + 4 > this.data.length) {
      const nd = new Int32Array(this.data.length * 2);
      nd.set(this.data);
      this.data = nd;
    }
    const o = this.len * 4;
    this.data[o] = p;
    this.data[o + 1] = s;
    this.data[o + 2] = e;
    this.data[o + 3] = i;
    this.len++;
  }
}

/** Resumes Bob's generator the first time (the value is ignored). */
const EMPTY_REPLY = new Uint8Array(0);

const MSG_REQUEST = 1;
const MSG_DONE = 2;

function checkKey(key: BitArray, opts: ReconcileOptions): void {
  if (key.length < 1) throw new InputError('key must not be empty', { field: 'key' });
  if (key.length > 50_000_000) throw new InputError(`key of ${key.length} bits exceeds 5e7; split it`, { field: 'key' });
  if (!(opts.qberEstimate >= 0 && opts.qberEstimate < 0.5)) {
    throw new InputError(`qberEstimate ${opts.qberEstimate} not in [0, 0.5)`, { field: 'qberEstimate' });
  }
}

/** Alice's per-pass view: her key in pass order (lazy). */
class AliceSide {
  private readonly shuf: (BitArray | null)[] = [];
  constructor(
    private readonly key: BitArray,
    private readonly seed: number,
  ) {}

  view(p: number): BitArray {
    if (p === 0) return this.key;
    let v = this.shuf[p];
    if (!v) {
      const pp = passPerm(this.key.length, this.seed, p);
      v = new BitArray(this.key.length);
      if (pp) gather(this.key, pp.perm, v);
      this.shuf[p] = v;
    }
    return v;
  }
}

export class CascadeReconciler implements Reconciler {
  readonly name: string;
  readonly schedule: CascadeSchedule;
  private readonly biconfRounds: number;
  private readonly biconfMaxRounds: number;

  private readonly variant: CascadeVariant;

  constructor(params: CascadeParams = {}) {
    this.schedule = params.schedule ?? DEFAULT_CASCADE_SCHEDULE;
    this.variant = cascadeVariant(this.schedule);
    this.biconfRounds = params.biconfRounds ?? this.variant.biconf?.errorFreeRounds ?? 10;
    this.biconfMaxRounds = params.biconfMaxRounds ?? 200;
    this.name = `cascade/${this.schedule}`;
  }

  /** Spec of BICONF round pass p (p ≥ number of fixed passes): one random half-key subset. */
  private biconfSpec(n: number): PassSpec {
    const k = Math.max(1, Math.ceil(n / 2));
    return { k, disclosed: 1 };
  }

  async alice(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    checkKey(key, opts);
    const before = snapshot(ch.stats);
    const n = key.length;
    const seed = (opts.seed ?? freshSeed()) >>> 0;
    const passes = cascadePasses(this.schedule, n, opts.qberEstimate);
    const side = new AliceSide(key, seed);
    const leak = new LeakBook(ledger, this.name);
    // Every parity Alice discloses is compared by Bob, and what he asks next (or that he is done)
    // shows the comparison: one bit of Bob's parity (the error pattern's) per parity of Alice's.
    const book = (bits: number): void => {
      leak.alice(bits, 'parities');
      leak.bob(bits, 'mismatches shown by the requests');
    };
    // Message 1: header + every fixed pass's top-level parities.
    const bp = new BitPacker(passes.reduce((s, p) => s + p.disclosed, 0));
    for (let p = 0; p < passes.length; p++) topParities(key, seed, p, passes[p], () => side.view(p), (b) => bp.push(b));
    const opening = openingMessage(seed, opts.qberEstimate, n, bp.finish());
    book(bp.length);
    /** One request of Bob's → the reply (the requested parities), or null for his DONE. */
    const answer = (msg: Uint8Array): Uint8Array | null => {
      const r = new ByteReader(msg, LE);
      const type = r.u8();
      if (type === MSG_DONE) return null;
      if (type !== MSG_REQUEST) throw new ProtocolAbort('protocol-violation', `cascade: unexpected message type ${type}`);
      const nPass = r.varint();
      const passBits: number[] = [];
      for (let i = 0; i < nPass; i++) {
        const p = r.varint();
        if (p < passes.length || p > passes.length + this.biconfMaxRounds) {
          throw new ProtocolAbort('protocol-violation', `cascade: request for pass ${p}`);
        }
        topParities(key, seed, p, this.biconfSpec(n), () => side.view(p), (b) => passBits.push(b));
      }
      const nAsk = r.varint();
      if (nAsk * 3 > r.remaining) throw new ProtocolAbort('protocol-violation', `cascade: ${nAsk} ranges do not fit the request`);
      // exact size: small replies stay on V8's fast on-heap typed-array path, and finish() copies nothing
      const out = new BitPacker(passBits.length + nAsk);
      for (const b of passBits) out.push(b);
      for (let i = 0; i < nAsk; i++) {
        const p = r.varint();
        const s = r.varint();
        const len = r.varint();
        if (p > passes.length + this.biconfMaxRounds || s + len > n || len < 1) {
          throw new ProtocolAbort('protocol-violation', `cascade: bad range request (${p}, ${s}, ${len})`);
        }
        out.push(side.view(p).parity(s, s + len));
      }
      book(out.length);
      return out.finish();
    };
    // In process (a memory channel pair), Bob's requests are answered inside his call; otherwise
    // (a real transport) by the receive/send loop. Same messages, counters and ledger entries.
    const served = serveSynchronously(ch, answer);
    await ch.send(opening);
    if (served) await served;
    else {
      for (;;) {
        const reply = answer(await ch.receive());
        if (reply === null) break;
        await ch.send(reply);
      }
    }
    return { key, ok: true, ...leak.result(), correctedErrors: 0, stats: statsSince(before, ch.stats) };
  }

  async bob(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    checkKey(key, opts);
    const before = snapshot(ch.stats);
    const n = key.length;
    const { seed, qber, payload: topBits } = await receiveOpening(ch, n, 'cascade');
    const passes = cascadePasses(this.schedule, n, qber);
    const totalTop = passes.reduce((s, p) => s + p.disclosed, 0);
    if (topBits.length * 8 < totalTop) throw new ProtocolAbort('protocol-violation', 'cascade: short parity message');
    const leak = new LeakBook(ledger, this.name);
    const run = this.bobSteps(key, leak, seed, passes, topBits);
    const done = new ByteWriter(1, LE).u8(MSG_DONE).finish();
    // In process, Alice answers inside the call (a plain loop, no promise per message); otherwise
    // each request goes out and its reply comes back over the channel.
    const call = synchronousPeer(ch);
    let step = run.next(EMPTY_REPLY);
    if (call) {
      while (!step.done) {
        const reply = call(step.value);
        if (reply === null) throw new ProtocolAbort('protocol-violation', 'cascade: no reply');
        step = run.next(reply);
      }
      call(done);
    } else {
      while (!step.done) {
        await ch.send(step.value);
        step = run.next(await ch.receive());
      }
      await ch.send(done);
    }
    const { work, corrected } = step.value;
    return { key: work, ok: true, ...leak.result(), correctedErrors: corrected, stats: statsSince(before, ch.stats) };
  }

  /**
   * Bob's side of the protocol after the opening, as a generator: yields each request, is resumed
   * with Alice's reply, and returns the corrected key (the caller sends DONE).
   */
  private *bobSteps(
    key: BitArray,
    leak: LeakBook,
    seed: number,
    passes: PassSpec[],
    topBits: Uint8Array,
  ): Generator<Uint8Array, { work: BitArray; corrected: number }, Uint8Array> {
    const n = key.length;
    const totalTop = passes.reduce((s, p) => s + p.disclosed, 0);
    // Every parity Alice discloses is compared by Bob, and what he asks next (or that he is done)
    // shows the comparison: one bit of Bob's parity (the error pattern's) per parity of Alice's.
    const book = (bits: number): void => {
      leak.alice(bits, 'parities');
      leak.bob(bits, 'mismatches shown by the requests');
    };
    book(totalTop);

    const work = key.clone();
    const specs: PassSpec[] = [];
    const views: (BitArray | null)[] = [];
    const viewOf = (p: number): BitArray => {
      let v = views[p];
      if (!v) {
        const perm = perms[p];
        v = new BitArray(n);
        if (perm) gather(work, perm, v);
        views[p] = v;
      }
      return v;
    };
    const perms: (Uint32Array | null)[] = [];
    const invs: (Uint32Array | null)[] = [];
    const topMis: Uint8Array[] = [];
    const table = new NodeStore(n);
    let started = 0;
    let corrected = 0;
    let cur = new SearchQueue();
    let next = new SearchQueue();
    const askP: number[] = [];
    const askI: number[] = [];
    const askS: number[] = [];
    const askM: number[] = [];
    const askE: number[] = [];

    /** Mismatch bit of node i = (s, e) of pass p (top-level blocks from topMis). */
    const misOf = (p: number, s: number, e: number, i: number): number => {
      const k = specs[p].k;
      if (s % k === 0 && e === Math.min(s + k, n)) return topMis[p][s / k];
      return table.get(p, i);
    };

    const walk = (q: number, pos: number): void => {
      const k = specs[q].k;
      const b = Math.floor(pos / k);
      let s = b * k;
      let e = Math.min(s + k, n);
      const tm = topMis[q];
      if (tm[b] > 1) return;
      tm[b] ^= 1;
      let i = rootNode(b, k);
      let ds = tm[b] === 1 ? s : -1;
      let de = e;
      let di = i;
      while (e - s > 1) {
        const half = (e - s + 1) >>> 1;
        if (pos < s + half) {
          e = s + half;
          i += 1;
        } else {
          s += half;
          i += 2 * half;
        }
        const v = table.toggle(q, i);
        if (v < 0) break;
        if (v === 1) {
          ds = s;
          de = e;
          di = i;
        }
      }
      if (ds >= 0) cur.push(q, ds, de, di);
    };

    const flip = (p: number, pos: number): void => {
      const perm = perms[p];
      const i = perm ? perm[pos] : pos;
      corrected++;
      work.flip(i);
      for (let q = 0; q < started; q++) {
        const inv = invs[q];
        const pq = inv ? inv[i] : i;
        const vq = views[q];
        if (q !== 0 && vq) vq.flip(pq);
        walk(q, pq);
      }
    };

    const startPass = (p: number, spec: PassSpec, alice: Uint8Array, bitOffset: number): void => {
      specs[p] = spec;
      const pp = passPerm(n, seed, p);
      perms[p] = pp ? pp.perm : null;
      invs[p] = pp ? pp.inv : null;
      views[p] = pp ? null : work;
      const nb = Math.ceil(n / spec.k);
      const tm = new Uint8Array(nb).fill(2);
      topMis[p] = tm;
      table.addPass(p, nb, spec.k, n);
      started = p + 1;
      let b = 0;
      topParities(work, seed, p, spec, () => viewOf(p), (bit) => {
        tm[b] = bitAt(alice, bitOffset + b) ^ bit;
        if (tm[b] === 1) cur.push(p, b * spec.k, Math.min(n, b * spec.k + spec.k), rootNode(b, spec.k));
        b++;
      });
    };

    /** Advance every queued search as far as known parities allow; collect asks. */
    const advance = (): void => {
      const d = (): Int32Array => cur.data;
      for (let idx = 0; idx < cur.len; idx++) {
        const o = idx * 4;
        const p = d()[o];
        let s = d()[o + 1];
        let e = d()[o + 2];
        let i = d()[o + 3];
        for (;;) {
          if (misOf(p, s, e, i) !== 1) break;
          if (e - s === 1) {
            flip(p, s);
            break;
          }
          const half = (e - s + 1) >>> 1;
          const mid = s + half;
          const ml = table.get(p, i + 1);
          if (ml === 2) {
            next.push(p, s, e, i);
            break;
          }
          if (ml === 1) {
            e = mid;
            i += 1;
            continue;
          }
          if (ml === 0) {
            s = mid;
            i += 2 * half;
            continue;
          }
          table.set(p, i + 1, 2);
          askP.push(p);
          askI.push(i);
          askS.push(s);
          askM.push(mid);
          askE.push(e);
          break;
        }
      }
      cur.len = 0;
    };

    // one request buffer for all rounds (finish() copies out each message)
    const request = new ByteWriter(256, LE);
    const runRounds = function* (): Generator<Uint8Array, void, Uint8Array> {
      for (;;) {
        advance();
        if (askP.length === 0) {
          if (next.len === 0) return;
          [cur, next] = [next, cur];
          continue;
        }
        const w = request.reset().u8(MSG_REQUEST).varint(0).varint(askP.length);
        for (let i = 0; i < askP.length; i++) w.varint(askP[i]).varint(askS[i]).varint(askM[i] - askS[i]);
        const reply = yield w.finish();
        if (reply.length * 8 < askP.length) throw new ProtocolAbort('protocol-violation', 'cascade: short reply');
        book(askP.length);
        for (let i = 0; i < askP.length; i++) {
          const p = askP[i];
          const s = askS[i];
          const mid = askM[i];
          const e = askE[i];
          const node = askI[i];
          const right = node + 2 * (mid - s);
          const ml = bitAt(reply, i) ^ viewOf(p).parity(s, mid);
          table.set(p, node + 1, ml);
          const mx = misOf(p, s, e, node);
          if (mx === 0 || mx === 1) table.set(p, right, mx ^ ml);
          // Continue in the odd half; if X went even meanwhile, a flip's walk has queued what is odd.
          if (mx === 1) {
            if (ml === 1) next.push(p, s, mid, node + 1);
            else next.push(p, mid, e, right);
          }
        }
        askP.length = askS.length = askM.length = askE.length = askI.length = 0;
        [cur, next] = [next, cur];
      }
    };

    let off = 0;
    for (let p = 0; p < passes.length; p++) {
      startPass(p, passes[p], topBits, off);
      off += passes[p].disclosed;
      yield* runRounds();
    }
    if (this.variant.biconf) {
      let streak = 0;
      for (let r = 0; r < this.biconfMaxRounds && streak < this.biconfRounds; r++) {
        const p = passes.length + r;
        const reply = yield new ByteWriter(8, LE).u8(MSG_REQUEST).varint(1).varint(p).varint(0).finish();
        if (reply.length < 1) throw new ProtocolAbort('protocol-violation', 'cascade: short reply');
        book(1);
        const c0 = corrected;
        startPass(p, this.biconfSpec(n), reply, 0);
        yield* runRounds();
        streak = corrected === c0 ? streak + 1 : 0;
      }
    }
    table.release();
    return { work, corrected };
  }
}
