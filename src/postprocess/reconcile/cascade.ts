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
import { ByteReader, ByteWriter, bitAt } from '../../core/codec.js';
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

/** A party's key in the order of pass p (materialised on first use). */
interface PassViews {
  view(p: number): BitArray;
}

/**
 * Parities of the disclosed top-level blocks of pass p, from the key in natural order, into
 * out[0 ..): uses the masks when the pass has at most two blocks, else the materialised view.
 * Returns the number of parities (spec.disclosed).
 */
function topParities(key: BitArray, seed: number, p: number, spec: PassSpec, views: PassViews, out: Uint8Array): number {
  const n = key.length;
  const nb = Math.ceil(n / spec.k);
  if (p > 0 && nb <= 2) {
    const b0 = maskedParity(key, headMask(n, seed, p, spec.k));
    out[0] = b0;
    if (spec.disclosed > 1) out[1] = b0 ^ (key.popcount() & 1);
    return spec.disclosed;
  }
  blockParities(views.view(p), spec.k, spec.disclosed, out);
  return spec.disclosed;
}

/**
 * out[b] = parity of bits [b·k, min(n, b·k + k)) of v for b < count, in one sweep: the parity of
 * a block is the XOR of the prefix parities at its ends, and the prefix parity at x is that of
 * (XOR of the words below x's word) with x's word masked below x. O(n/32 + count), where one
 * `parity` call per block costs a call and the partial-word masks each (k ≈ 15 at 5 %).
 */
function blockParities(v: BitArray, k: number, count: number, out: Uint8Array): void {
  const w = v.words;
  const n = v.length;
  let acc = 0; // XOR of the words [0, wi)
  let wi = 0;
  let prev = 0; // prefix parity at the block's start
  for (let b = 0, e = k; b < count; b++, e += k) {
    const end = e < n ? e : n;
    const ew = end >>> 5;
    while (wi < ew) acc ^= w[wi++];
    const r = end & 31;
    const pe = popcount32(r !== 0 ? acc ^ (w[ew] & ((1 << r) - 1)) : acc) & 1;
    out[b] = pe ^ prev;
    prev = pe;
  }
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
    // a full pool drops its oldest buffer: runs of another length must not keep this one's out
    for (const b of this.taken) {
      if (pool.length >= 16) pool.shift();
      pool.push(b);
    }
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

/**
 * Bob's asks of one round: (pass, node, start, mid, end) per sub-block whose left-half parity he
 * requests. One growable buffer reused by every round (JS arrays emptied with length = 0 drop
 * their storage and regrow every round).
 */
class AskList {
  data = new Int32Array(5 * 64);
  len = 0;

  push(p: number, i: number, s: number, mid: number, e: number): void {
    if (this.len * 5 + 5 > this.data.length) {
      const nd = new Int32Array(this.data.length * 2);
      nd.set(this.data);
      this.data = nd;
    }
    const o = this.len * 5;
    const d = this.data;
    d[o] = p;
    d[o + 1] = i;
    d[o + 2] = s;
    d[o + 3] = mid;
    d[o + 4] = e;
    this.len++;
  }
}

/** Unsigned LEB128 of v (0 ≤ v < 2³²) at buf[pos ..] (as ByteWriter.varint); returns the end. */
function putVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
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

/**
 * Word buffers of finished runs' pass views, reused by later runs of the same length: a view above
 * V8's on-heap typed-array limit costs an off-heap allocation and external-memory bookkeeping,
 * about as much as filling it. Views hold permuted key bits, so they are zeroed when handed back;
 * `gather` overwrites every word of a reused one.
 */
const viewPool: Uint32Array[] = [];
const VIEW_POOL_LIMIT = 16;

function takeView(n: number): BitArray {
  const nw = (n + 31) >>> 5;
  for (let j = viewPool.length - 1; j >= 0; j--) {
    const w = viewPool[j];
    if (w.length === nw) {
      viewPool[j] = viewPool[viewPool.length - 1];
      viewPool.pop();
      return new BitArray(n, w);
    }
  }
  return new BitArray(n);
}

/** Zero and pool the views of passes ≥ 1 (pass 0's view is the key itself). */
function releaseViews(views: (BitArray | null)[]): void {
  for (let p = 1; p < views.length; p++) {
    const v = views[p];
    if (!v) continue;
    v.words.fill(0);
    // a full pool drops its oldest buffer (runs of another length must not keep these out)
    if (viewPool.length >= VIEW_POOL_LIMIT) viewPool.shift();
    viewPool.push(v.words);
    views[p] = null;
  }
}

/**
 * Every parity Alice discloses is compared by Bob, and what he asks next (or that he is done)
 * shows the comparison: one bit of Bob's parity (the error pattern's) per parity of Alice's. Both
 * parties book the same counts.
 */
function bookParities(leak: LeakBook, bits: number): void {
  leak.alice(bits, 'parities');
  leak.bob(bits, 'mismatches shown by the requests');
}

/** Spec of BICONF round pass p (p ≥ number of fixed passes): one random half-key subset. */
function biconfSpec(n: number): PassSpec {
  return { k: Math.max(1, Math.ceil(n / 2)), disclosed: 1 };
}

/** Alice's side of one reconciliation: her key in pass order (lazy) and her answers to Bob. */
class AliceRun implements PassViews {
  private readonly shuf: (BitArray | null)[] = [];
  private readonly n: number;
  /** Scratch for top-level parities (BICONF subsets: one per pass). */
  private readonly bits = new Uint8Array(2);

  constructor(
    private readonly key: BitArray,
    private readonly seed: number,
    private readonly passes: PassSpec[],
    private readonly maxPass: number,
    private readonly leak: LeakBook,
  ) {
    this.n = key.length;
  }

  view(p: number): BitArray {
    if (p === 0) return this.key;
    let v = this.shuf[p];
    if (!v) {
      const pp = passPerm(this.n, this.seed, p);
      v = takeView(this.n);
      if (pp) gather(this.key, pp.perm, v);
      this.shuf[p] = v;
    }
    return v;
  }

  /** Hand the views back for reuse (the run must not be used afterwards). */
  release(): void {
    releaseViews(this.shuf);
  }

  /** Message 1's payload: every fixed pass's top-level parities (booked). */
  opening(): Uint8Array {
    const passes = this.passes;
    const total = passes.reduce((s, p) => s + p.disclosed, 0);
    const bits = new Uint8Array(total);
    for (let p = 0, off = 0; p < passes.length; p++) off += topParities(this.key, this.seed, p, passes[p], this, bits.subarray(off));
    // packed LSB-first (as BitPacker)
    const out = new Uint8Array((total + 7) >>> 3);
    for (let i = 0; i < total; i++) out[i >>> 3] |= bits[i] << (i & 7);
    bookParities(this.leak, total);
    return out;
  }

  /** One request of Bob's → the reply (the requested parities, booked), or null for his DONE. */
  answer(msg: Uint8Array): Uint8Array | null {
    const n = this.n;
    const r = new ByteReader(msg, LE);
    const type = r.u8();
    if (type === MSG_DONE) return null;
    if (type !== MSG_REQUEST) throw new ProtocolAbort('protocol-violation', `cascade: unexpected message type ${type}`);
    const nPass = r.varint();
    if (nPass > r.remaining) throw new ProtocolAbort('protocol-violation', `cascade: ${nPass} passes do not fit the request`);
    // BICONF requests name their pass first; range requests have none (nPass = 0)
    let passBits = 0;
    for (let i = 0; i < nPass; i++) {
      const p = r.varint();
      if (p < this.passes.length || p > this.maxPass) throw new ProtocolAbort('protocol-violation', `cascade: request for pass ${p}`);
      if (i >= 31) throw new ProtocolAbort('protocol-violation', `cascade: ${nPass} passes in one request`);
      topParities(this.key, this.seed, p, biconfSpec(n), this, this.bits);
      passBits |= this.bits[0] << i;
    }
    const nAsk = r.varint();
    if (nAsk * 3 > r.remaining) throw new ProtocolAbort('protocol-violation', `cascade: ${nAsk} ranges do not fit the request`);
    // the reply packed LSB-first (as BitPacker), written directly: one allocation per reply
    const bitsOut = nPass + nAsk;
    const out = new Uint8Array((bitsOut + 7) >>> 3);
    for (let i = 0; i < nPass; i++) out[i >>> 3] |= ((passBits >>> i) & 1) << (i & 7);
    for (let i = 0, j = nPass; i < nAsk; i++, j++) {
      const p = r.varint();
      const s = r.varint();
      const len = r.varint();
      if (p > this.maxPass || s + len > n || len < 1) {
        throw new ProtocolAbort('protocol-violation', `cascade: bad range request (${p}, ${s}, ${len})`);
      }
      out[j >>> 3] |= this.view(p).parity(s, s + len) << (j & 7);
    }
    bookParities(this.leak, bitsOut);
    return out;
  }
}

/**
 * Bob's side of one reconciliation: his key (corrected in place), its per-pass views, the
 * known sub-block mismatches and the pending searches. `steps` is the protocol after the opening.
 */
class BobRun implements PassViews {
  readonly n: number;
  readonly work: BitArray;
  corrected = 0;
  private started = 0;
  private readonly specs: PassSpec[] = [];
  private readonly views: (BitArray | null)[] = [];
  private readonly perms: (Uint32Array | null)[] = [];
  private readonly invs: (Uint32Array | null)[] = [];
  private readonly topMis: Uint8Array[] = [];
  private readonly table: NodeStore;
  private cur = new SearchQueue();
  private next = new SearchQueue();
  private readonly asks = new AskList();
  /** One request buffer for all rounds (each message is copied out of it). */
  private request = new Uint8Array(256);
  /** Scratch for a pass's top-level parities. */
  private bits = new Uint8Array(0);

  constructor(
    key: BitArray,
    private readonly seed: number,
    private readonly leak: LeakBook,
  ) {
    this.n = key.length;
    this.work = key.clone();
    this.table = new NodeStore(this.n);
  }

  view(p: number): BitArray {
    let v = this.views[p];
    if (!v) {
      const perm = this.perms[p];
      v = takeView(this.n);
      if (perm) gather(this.work, perm, v);
      this.views[p] = v;
    }
    return v;
  }

  /** Mismatch bit of node i = (s, e) of pass p (top-level blocks from topMis). */
  private misOf(p: number, s: number, e: number, i: number): number {
    const k = this.specs[p].k;
    if (s % k === 0 && e === Math.min(s + k, this.n)) return this.topMis[p][s / k];
    return this.table.get(p, i);
  }

  /** A flip at position pos of pass q's order toggles the known mismatches on its path; queue the deepest odd one. */
  private walk(q: number, pos: number): void {
    const k = this.specs[q].k;
    const b = Math.floor(pos / k);
    let s = b * k;
    let e = Math.min(s + k, this.n);
    const tm = this.topMis[q];
    if (tm[b] > 1) return;
    tm[b] ^= 1;
    let i = rootNode(b, k);
    let ds = tm[b] === 1 ? s : -1;
    let de = e;
    let di = i;
    const table = this.table;
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
    if (ds >= 0) this.cur.push(q, ds, de, di);
  }

  /** Correct the bit at position pos of pass p's order (cascade effect into every started pass). */
  private flip(p: number, pos: number): void {
    const perm = this.perms[p];
    const i = perm ? perm[pos] : pos;
    this.corrected++;
    this.work.flip(i);
    for (let q = 0; q < this.started; q++) {
      const inv = this.invs[q];
      const pq = inv ? inv[i] : i;
      const vq = this.views[q];
      if (q !== 0 && vq) vq.flip(pq);
      this.walk(q, pq);
    }
  }

  private startPass(p: number, spec: PassSpec, alice: Uint8Array, bitOffset: number): void {
    const n = this.n;
    this.specs[p] = spec;
    const pp = passPerm(n, this.seed, p);
    this.perms[p] = pp ? pp.perm : null;
    this.invs[p] = pp ? pp.inv : null;
    this.views[p] = pp ? null : this.work;
    const nb = Math.ceil(n / spec.k);
    const tm = new Uint8Array(nb).fill(2);
    this.topMis[p] = tm;
    this.table.addPass(p, nb, spec.k, n);
    this.started = p + 1;
    if (this.bits.length < spec.disclosed) this.bits = new Uint8Array(Math.max(spec.disclosed, 2));
    const bits = this.bits;
    const count = topParities(this.work, this.seed, p, spec, this, bits);
    const k = spec.k;
    for (let b = 0; b < count; b++) {
      tm[b] = bitAt(alice, bitOffset + b) ^ bits[b];
      if (tm[b] === 1) this.cur.push(p, b * k, Math.min(n, b * k + k), rootNode(b, k));
    }
  }

  /** Advance every queued search as far as known parities allow; collect asks. */
  private advance(): void {
    const table = this.table;
    for (let idx = 0; idx < this.cur.len; idx++) {
      // (a flip's walk may push to cur and reallocate its data)
      const o = idx * 4;
      const p = this.cur.data[o];
      let s = this.cur.data[o + 1];
      let e = this.cur.data[o + 2];
      let i = this.cur.data[o + 3];
      for (;;) {
        if (this.misOf(p, s, e, i) !== 1) break;
        if (e - s === 1) {
          this.flip(p, s);
          break;
        }
        const half = (e - s + 1) >>> 1;
        const mid = s + half;
        const ml = table.get(p, i + 1);
        if (ml === 2) {
          this.next.push(p, s, e, i);
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
        this.asks.push(p, i, s, mid, e);
        break;
      }
    }
    this.cur.len = 0;
  }

  /** BINARY rounds until no search is pending: yields each request, resumed with its reply. */
  private *rounds(): Generator<Uint8Array, void, Uint8Array> {
    const { asks, table } = this;
    for (;;) {
      this.advance();
      const nAsk = asks.len;
      if (nAsk === 0) {
        if (this.next.len === 0) return;
        [this.cur, this.next] = [this.next, this.cur];
        continue;
      }
      let a = asks.data;
      // type, no BICONF pass, the ranges (pass, start, length): LEB128 varints as ByteWriter's,
      // written on local state (at most 5 bytes per value below 2³²)
      if (this.request.length < 11 + 15 * nAsk) this.request = new Uint8Array(2 * (11 + 15 * nAsk));
      const buf = this.request;
      buf[0] = MSG_REQUEST;
      buf[1] = 0;
      let pos = putVarint(buf, 2, nAsk);
      for (let o = 0; o < 5 * nAsk; o += 5) {
        pos = putVarint(buf, pos, a[o]);
        pos = putVarint(buf, pos, a[o + 2]);
        pos = putVarint(buf, pos, a[o + 3] - a[o + 2]);
      }
      const reply = yield buf.slice(0, pos);
      if (reply.length * 8 < nAsk) throw new ProtocolAbort('protocol-violation', 'cascade: short reply');
      bookParities(this.leak, nAsk);
      a = asks.data;
      for (let i = 0, o = 0; i < nAsk; i++, o += 5) {
        const p = a[o];
        const node = a[o + 1];
        const s = a[o + 2];
        const mid = a[o + 3];
        const e = a[o + 4];
        const right = node + 2 * (mid - s);
        const ml = bitAt(reply, i) ^ this.view(p).parity(s, mid);
        table.set(p, node + 1, ml);
        const mx = this.misOf(p, s, e, node);
        if (mx === 0 || mx === 1) table.set(p, right, mx ^ ml);
        // Continue in the odd half; if X went even meanwhile, a flip's walk has queued what is odd.
        if (mx === 1) {
          if (ml === 1) this.next.push(p, s, mid, node + 1);
          else this.next.push(p, mid, e, right);
        }
      }
      asks.len = 0;
      [this.cur, this.next] = [this.next, this.cur];
    }
  }

  /**
   * The protocol after the opening: the fixed passes, then (biconf) BICONF rounds until
   * `biconfRounds` consecutive ones correct nothing or `biconfMaxRounds` ran. Yields each request,
   * is resumed with Alice's reply; the caller sends DONE.
   */
  *steps(passes: PassSpec[], topBits: Uint8Array, biconf: { rounds: number; maxRounds: number } | null): Generator<Uint8Array, void, Uint8Array> {
    bookParities(this.leak, passes.reduce((s, p) => s + p.disclosed, 0));
    let off = 0;
    for (let p = 0; p < passes.length; p++) {
      this.startPass(p, passes[p], topBits, off);
      off += passes[p].disclosed;
      yield* this.rounds();
    }
    if (biconf) {
      let streak = 0;
      for (let r = 0; r < biconf.maxRounds && streak < biconf.rounds; r++) {
        const p = passes.length + r;
        const reply = yield new ByteWriter(8, LE).u8(MSG_REQUEST).varint(1).varint(p).varint(0).finish();
        if (reply.length < 1) throw new ProtocolAbort('protocol-violation', 'cascade: short reply');
        bookParities(this.leak, 1);
        const c0 = this.corrected;
        this.startPass(p, biconfSpec(this.n), reply, 0);
        yield* this.rounds();
        streak = this.corrected === c0 ? streak + 1 : 0;
      }
    }
    this.table.release();
    releaseViews(this.views);
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

  async alice(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult> {
    checkKey(key, opts);
    const before = snapshot(ch.stats);
    const n = key.length;
    const seed = (opts.seed ?? freshSeed()) >>> 0;
    const passes = cascadePasses(this.schedule, n, opts.qberEstimate);
    const leak = new LeakBook(ledger, this.name);
    const run = new AliceRun(key, seed, passes, passes.length + this.biconfMaxRounds, leak);
    // Message 1: header + every fixed pass's top-level parities.
    const opening = openingMessage(seed, opts.qberEstimate, n, run.opening());
    // In process (a memory channel pair), Bob's requests are answered inside his call; otherwise
    // (a real transport) by the receive/send loop. Same messages, counters and ledger entries.
    const served = serveSynchronously(ch, (m) => run.answer(m));
    await ch.send(opening);
    if (served) await served;
    else {
      for (;;) {
        const reply = run.answer(await ch.receive());
        if (reply === null) break;
        await ch.send(reply);
      }
    }
    run.release();
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
    const run = new BobRun(key, seed, leak);
    const steps = run.steps(passes, topBits, this.variant.biconf ? { rounds: this.biconfRounds, maxRounds: this.biconfMaxRounds } : null);
    const done = new ByteWriter(1, LE).u8(MSG_DONE).finish();
    // In process, Alice answers inside the call (a plain loop, no promise per message); otherwise
    // each request goes out and its reply comes back over the channel.
    const call = synchronousPeer(ch);
    let step = steps.next(EMPTY_REPLY);
    if (call) {
      while (!step.done) {
        const reply = call(step.value);
        if (reply === null) throw new ProtocolAbort('protocol-violation', 'cascade: no reply');
        step = steps.next(reply);
      }
      call(done);
    } else {
      while (!step.done) {
        await ch.send(step.value);
        step = steps.next(await ch.receive());
      }
      await ch.send(done);
    }
    return { key: run.work, ok: true, ...leak.result(), correctedErrors: run.corrected, stats: statsSince(before, ch.stats) };
  }
}
