/**
 * Authentication of the classical channel: Wegman–Carter (algorithms.md §3.2).
 *
 *   tag_i = h_K(frame_i without tag) ⊕ r_i
 *
 * h_K: polynomial hash over GF(2⁶⁴) with the message bit length absorbed as a last block
 * (gf64.ts), an ε-almost-XOR-universal family with ε = (⌈8·|data|/64⌉ + 1)/2⁶⁴ per message.
 * K (64 bits) is reused; r_i is a fresh 64-bit one-time pad per message from the `KeyPool`.
 *
 * Frame layout (what `FrameTransport.sendFrame` carries, one frame per message):
 *
 *   offset 0      1 byte   sender role: 0x41 'A' = Alice (satellite), 0x42 'B' = Bob (ground)
 *   offset 1      8 bytes  pad index: the absolute position, in the sender's direction of the
 *                          pool, of the pad this frame's tag uses (u64 LE; it counts every pad of
 *                          that direction since the pre-shared secret, across runs)
 *   offset 9      n bytes  payload
 *   offset 9+n    8 bytes  tag = h_K(S ‖ bytes 0 .. 9+n−1) ⊕ pad, u64 LE
 *
 * Session start (resynchronisation). Each channel first sends a SYNC frame whose payload is a
 * fresh 16-byte nonce from node:crypto (tag without S), and receives the peer's. A SYNC may carry a
 * pad index beyond the receiver's next one — after an aborted run the sender may have used pads
 * the receiver never saw — and is then verified with the pad at that index *before* anything is
 * consumed: only an authentic SYNC makes the receiver discard the skipped pads (so a forged index
 * cannot burn the pool); a lower index is rejected (those pads are gone). Every later frame binds
 * S = nonce_Alice ‖ nonce_Bob into its tag and must carry exactly the next pad index, so a
 * reflected, replayed, reordered, dropped or truncated frame fails, and so does any frame of
 * another session — including the unseen tail of an aborted one, which a resynchronising SYNC
 * would otherwise let through; a replayed old SYNC leaves the two sides with different S, so the
 * session aborts at its first frame. The length block in h_K covers truncation and extension. Any
 * failure throws ProtocolAbort('authentication-failed') and the channel refuses all further traffic.
 *
 * Pads: the pool is split per direction (Alice→Bob, Bob→Alice). Each party keeps its own copy
 * (same pre-shared secret, same refills in the same protocol step), saved between runs with the
 * absolute pad index of each direction (`toState`). Pads are zeroed after use and never reused:
 * an empty pool throws ProtocolAbort('auth-pool-exhausted') before anything is sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InputError, ProtocolAbort } from '../core/errors.js';
import { StatsKeeper, type ChannelStats, type MessageChannel } from './channel.js';
import type { LeakageLedger } from './ledger.js';
import { Gf64Hasher } from './gf64.js';

export type Role = 'alice' | 'bob';
export type Direction = 'a2b' | 'b2a';

/** Raw frame transport (in-memory pair, TCP length-prefixed frames) wrapped by AuthenticatedChannel. */
export interface FrameTransport {
  sendFrame(bytes: Uint8Array): Promise<void>;
  receiveFrame(): Promise<Uint8Array>;
}

export const TAG_BYTES = 8;
export const PAD_BITS = 64;
const HEADER_BYTES = 9;
/** SYNC payload: a fresh nonce. */
const NONCE_BYTES = 16;
const ROLE_BYTE: Record<Role, number> = { alice: 0x41, bob: 0x42 };

/** A private copy (Buffer.slice would return a shared view). */
function copyBytes(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b.length);
  c.set(b);
  return c;
}

class PadQueue {
  private chunks: Uint8Array[] = [];
  private offset = 0;
  private availableBytes = 0;
  consumedBits = 0;

  /** @param index absolute index (in pads) of the first unconsumed pad */
  constructor(public index = 0) {}

  push(bytes: Uint8Array): void {
    if (bytes.length) {
      this.chunks.push(bytes);
      this.availableBytes += bytes.length;
    }
  }

  get availableBits(): number {
    return this.availableBytes * 8;
  }

  /** Copy of the unconsumed bytes, in order (nothing is taken). */
  remaining(): Uint8Array {
    const out = new Uint8Array(this.availableBytes);
    let pos = 0;
    this.chunks.forEach((c, i) => {
      const part = c.subarray(i === 0 ? this.offset : 0);
      out.set(part, pos);
      pos += part.length;
    });
    return out;
  }

  /** Copy of `n` bytes starting `skip` bytes ahead (nothing is taken); null if not there. */
  peek(skip: number, n: number): Uint8Array | null {
    if (this.availableBytes < skip + n) return null;
    const out = new Uint8Array(n);
    let pos = this.offset + skip;
    let got = 0;
    for (const c of this.chunks) {
      if (pos >= c.length) {
        pos -= c.length;
        continue;
      }
      const k = Math.min(n - got, c.length - pos);
      out.set(c.subarray(pos, pos + k), got);
      got += k;
      pos = 0;
      if (got === n) break;
    }
    return out;
  }

  /** Take `n` bytes; the pool's copy is zeroed. Returns null if not enough. */
  take(n: number): Uint8Array | null {
    if (this.availableBytes < n) return null;
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0];
      const k = Math.min(n - got, c.length - this.offset);
      out.set(c.subarray(this.offset, this.offset + k), got);
      c.fill(0, this.offset, this.offset + k);
      got += k;
      this.offset += k;
      if (this.offset === c.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.availableBytes -= n;
    this.consumedBits += n * 8;
    this.index += n / TAG_BYTES;
    return out;
  }
}

/**
 * Secret key pool for Wegman–Carter. Layout of the pre-shared secret: bytes 0..7 the hash key K;
 * the rest is split in two halves (⌊rest/16⌋·8 bytes each): the first for Alice→Bob pads, the
 * second for Bob→Alice. `refill(bytes)` splits distilled key the same way (first half a2b).
 * Both parties must refill with the same bytes at the same protocol step.
 */
const POOL_STATE_MAGIC = new TextEncoder().encode('MZPOOL03');
/** The second state format (no lineage; read with no lineage). */
const POOL_STATE_MAGIC_V2 = new TextEncoder().encode('MZPOOL02');
/** The first state format (no pad indices; read as indices 0, no lineage). */
const POOL_STATE_MAGIC_V1 = new TextEncoder().encode('MZPOOL01');
/** Bytes of the pool's lineage (LINEAGE_LABEL). */
const LINEAGE_BYTES = 16;
/** Domain separation of the lineage hash. */
const LINEAGE_LABEL = new TextEncoder().encode('mozi key-pool lineage v1\0');
/** Header bytes of each state version. */
const STATE_HEAD = { 1: 24, 2: 40, 3: 40 + LINEAGE_BYTES } as const;

function stateVersion(bytes: Uint8Array): 0 | 1 | 2 | 3 {
  if (bytes.length < 24) return 0;
  const is = (m: Uint8Array) => m.every((b, i) => bytes[i] === b);
  return is(POOL_STATE_MAGIC) ? 3 : is(POOL_STATE_MAGIC_V2) ? 2 : is(POOL_STATE_MAGIC_V1) ? 1 : 0;
}

/**
 * The lineage of a pool provisioned from a raw pre-shared secret: the first 16 bytes of
 * SHA-256(label ‖ secret). Every saved state of that pool carries it, wherever the file is copied
 * or moved, so a rollback counter keyed by it (kms/pad-ledger.ts) sees a restored earlier state of
 * the same pool, and a re-provisioned copy of the same raw secret, under any path.
 */
function lineageOf(preShared: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(LINEAGE_LABEL).update(preShared).digest().subarray(0, LINEAGE_BYTES));
}

/** Whether bytes are a saved KeyPool state rather than a raw pre-shared secret. */
export function isPoolState(bytes: Uint8Array): boolean {
  return stateVersion(bytes) !== 0;
}

/** How many applied refill names the pool state keeps (the commit protocol resolves far fewer). */
const MAX_APPLIED_REFILLS = 256;
const REFILL_TRAILER_MAGIC = new TextEncoder().encode('MZREFILL');

/** The trailer after the pads: "MZREFILL", u32 LE count, then per name u16 LE length + UTF-8. */
function writeRefillTrailer(names: string[]): Uint8Array {
  if (names.length === 0) return new Uint8Array(0);
  const enc = names.map((n) => new TextEncoder().encode(n));
  const out = new Uint8Array(12 + enc.reduce((a, e) => a + 2 + e.length, 0));
  const dv = new DataView(out.buffer);
  out.set(REFILL_TRAILER_MAGIC, 0);
  dv.setUint32(8, names.length, true);
  let at = 12;
  for (const e of enc) {
    dv.setUint16(at, e.length, true);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

function readRefillTrailer(b: Uint8Array): string[] {
  const bad = () => new InputError('saved key-pool state has a corrupt refill trailer', { field: 'preShared' });
  if (b.length < 12 || !REFILL_TRAILER_MAGIC.every((m, i) => b[i] === m)) throw bad();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = dv.getUint32(8, true);
  const out: string[] = [];
  let at = 12;
  for (let i = 0; i < n; i++) {
    if (at + 2 > b.length) throw bad();
    const len = dv.getUint16(at, true);
    if (at + 2 + len > b.length) throw bad();
    out.push(new TextDecoder().decode(b.subarray(at + 2, at + 2 + len)));
    at += 2 + len;
  }
  if (at !== b.length) throw bad();
  return out;
}

export class KeyPool {
  private readonly hashKey: Uint8Array;
  /** The hash key of the next run (set by `rekey`; written by `toState`, never used in this one). */
  private nextHashKey: Uint8Array | null = null;
  private readonly queues: Record<Direction, PadQueue> = { a2b: new PadQueue(), b2a: new PadQueue() };
  /**
   * Per direction, the absolute pad index up to which pads are durably reserved (`reserve`): the
   * saved state (`toState`) starts there, so a pad handed out before a crash is never offered again.
   */
  private reserved: Record<Direction, number> = { a2b: 0, b2a: 0 };
  /** Names of the refills applied (the commit protocol's blocks; the last MAX_APPLIED_REFILLS), saved with the state. */
  private applied: string[] = [];
  /** The pool's lineage (lineageOf its raw pre-shared secret); null for a state saved before lineages (MZPOOL01/02). */
  readonly lineage: Uint8Array | null;

  /**
   * From a pre-shared secret (8 bytes of hash key K, then pads split half per direction), or from a
   * saved pool state (`toState()`, recognised by its magic) so a pool can be carried across runs
   * without ever reusing a pad.
   */
  constructor(preShared: Uint8Array) {
    const version = stateVersion(preShared);
    if (version !== 0) {
      const dv = new DataView(preShared.buffer, preShared.byteOffset, preShared.byteLength);
      const head = STATE_HEAD[version];
      const nAB = preShared.length >= head ? dv.getUint32(16, true) : -1;
      const nBA = preShared.length >= head ? dv.getUint32(20, true) : -1;
      if (nAB < 0 || preShared.length < head + nAB + nBA || nAB % TAG_BYTES || nBA % TAG_BYTES) {
        throw new InputError('saved key-pool state is truncated or corrupt', { field: 'preShared' });
      }
      if (preShared.length > head + nAB + nBA) this.applied = readRefillTrailer(preShared.subarray(head + nAB + nBA));
      this.hashKey = copyBytes(preShared.subarray(8, 16));
      const lineage = version === 3 ? copyBytes(preShared.subarray(40, 40 + LINEAGE_BYTES)) : null;
      this.lineage = lineage && lineage.some((b) => b !== 0) ? lineage : null;
      if (version >= 2) {
        this.queues.a2b.index = dv.getUint32(24, true) + dv.getUint32(28, true) * 2 ** 32;
        this.queues.b2a.index = dv.getUint32(32, true) + dv.getUint32(36, true) * 2 ** 32;
      }
      this.queues.a2b.push(copyBytes(preShared.subarray(head, head + nAB)));
      this.queues.b2a.push(copyBytes(preShared.subarray(head + nAB, head + nAB + nBA)));
      this.reserved = { a2b: this.queues.a2b.index, b2a: this.queues.b2a.index };
      return;
    }
    if (preShared.length < 8 + 16) {
      throw new InputError(`needs ≥ 24 bytes (8 for K + one pad per direction), got ${preShared.length}`, { field: 'preShared' });
    }
    this.hashKey = copyBytes(preShared.subarray(0, 8));
    this.lineage = lineageOf(preShared);
    this.addSplit(preShared.subarray(8));
  }

  /**
   * The pool's state: magic "MZPOOL03", K (8 bytes), the byte counts of the a→b and b→a pads
   * (u32 LE each), the absolute index of the first unused pad of each direction (u64 LE each),
   * the pool's lineage (16 bytes; zero when it has none), then the unused pads of each direction
   * and the refill trailer. Consumed pads are not in it. (States of the earlier formats are read:
   * "MZPOOL02" without a lineage, "MZPOOL01" also without indices, read as 0.)
   */
  toState(): Uint8Array {
    const skip = (d: Direction) => Math.min(this.queues[d].availableBits / 8, Math.max(0, this.reserved[d] - this.queues[d].index) * TAG_BYTES);
    const ab = this.queues.a2b.remaining().subarray(skip('a2b'));
    const ba = this.queues.b2a.remaining().subarray(skip('b2a'));
    const trailer = writeRefillTrailer(this.applied);
    const head = STATE_HEAD[3];
    const out = new Uint8Array(head + ab.length + ba.length + trailer.length);
    out.set(POOL_STATE_MAGIC, 0);
    out.set(this.nextHashKey ?? this.hashKey, 8);
    const dv = new DataView(out.buffer);
    dv.setUint32(16, ab.length, true);
    dv.setUint32(20, ba.length, true);
    const put64 = (at: number, v: number) => {
      dv.setUint32(at, v >>> 0, true);
      dv.setUint32(at + 4, Math.floor(v / 2 ** 32), true);
    };
    put64(24, this.queues.a2b.index + skip('a2b') / TAG_BYTES);
    put64(32, this.queues.b2a.index + skip('b2a') / TAG_BYTES);
    if (this.lineage) out.set(this.lineage, 40);
    out.set(ab, head);
    out.set(ba, head + ab.length);
    out.set(trailer, head + ab.length + ba.length);
    return out;
  }

  /**
   * Make pad use durable: from now on, before a pad of a direction at or beyond the reserved limit
   * is used to tag a frame (`beforeSend`), the limit moves ahead by a batch that doubles each time
   * (first `firstBatch` pads) and `persist` — which must write `toState()` durably (fsync) — runs
   * first. A crash then loses at most the unused part of a batch, never reuses a pad. `onPadUse`
   * sees every (direction, index, tag) this side sends (fault-injection audits).
   */
  setDurability(persist: () => void, firstBatch = 16, onPadUse?: (dir: Direction, index: number, tag: Uint8Array) => void): void {
    this.durable = { persist, batch: firstBatch, onPadUse };
  }

  private durable: { persist: () => void; batch: number; onPadUse?: (dir: Direction, index: number, tag: Uint8Array) => void } | null = null;

  /** Called by the channel before the pad at `index` of `dir` tags an outgoing frame. */
  beforeSend(dir: Direction, index: number): void {
    const d = this.durable;
    if (!d || index < this.reserved[dir]) return;
    this.reserved[dir] = index + d.batch;
    d.batch = Math.min(2 * d.batch, 1 << 16);
    d.persist();
  }

  /** Called by the channel with every tag it sends. */
  padUsed(dir: Direction, index: number, tag: Uint8Array): void {
    this.durable?.onPadUse?.(dir, index, tag);
  }

  /** Absolute pad index up to which `dir` is durably reserved. */
  reservedIndex(dir: Direction): number {
    return Math.max(this.reserved[dir], this.queues[dir].index);
  }

  /** Whether the refill named `name` was applied to this pool (commit protocol). */
  hasRefill(name: string): boolean {
    return this.applied.includes(name);
  }

  /**
   * Apply a refill under a name (idempotent by name): the first 8 bytes are dropped, the rest are
   * pads. No rekey here: the two sides may confirm a block in different sessions (commit protocol),
   * and a hash key switched on one side only would split the pair; with one-time-padded tags a kept
   * K stays secure as long as no pad is reused.
   */
  applyRefill(name: string, bytes: Uint8Array): boolean {
    if (this.hasRefill(name)) return false;
    this.refill(bytes.subarray(8));
    this.applied = [...this.applied, name].slice(-MAX_APPLIED_REFILLS);
    return true;
  }

  private addSplit(bytes: Uint8Array): void {
    const half = Math.floor(bytes.length / 16) * 8;
    this.queues.a2b.push(copyBytes(bytes.subarray(0, half)));
    this.queues.b2a.push(copyBytes(bytes.subarray(half, 2 * half)));
  }

  /**
   * Replace the hash key K for the next run with 8 bytes of distilled key (same bytes on both
   * sides). The running channel keeps its K; the saved state (`toState`) carries the new one, so a
   * fixed K is not reused indefinitely (Abidin & Larsson, arXiv:1109.5168).
   */
  rekey(bytes: Uint8Array): void {
    if (bytes.length !== 8) throw new InputError(`a hash key has 8 bytes, got ${bytes.length}`, { field: 'rekey' });
    this.nextHashKey = copyBytes(bytes);
  }

  /** Add distilled key (same bytes on both sides). Bytes beyond a multiple of 16 are dropped. */
  refill(bytes: Uint8Array): void {
    this.addSplit(bytes);
  }

  /** Hasher for the (reused) hash key K. */
  hasher(): Gf64Hasher {
    return Gf64Hasher.fromKeyBytes(this.hashKey);
  }

  availableBits(dir: Direction): number {
    return this.queues[dir].availableBits;
  }

  consumedBits(dir?: Direction): number {
    return dir ? this.queues[dir].consumedBits : this.queues.a2b.consumedBits + this.queues.b2a.consumedBits;
  }

  /** Absolute index of the next unused pad of a direction (counted since the pre-shared secret). */
  nextIndex(dir: Direction): number {
    return this.queues[dir].index;
  }

  /** Copy of the pad `ahead` pads after the next one (nothing is consumed); null if the pool is shorter. */
  peekPad(dir: Direction, ahead: number): Uint8Array | null {
    return this.queues[dir].peek(ahead * TAG_BYTES, TAG_BYTES);
  }

  /** Next 64-bit pad of a direction; throws ProtocolAbort('auth-pool-exhausted') if none is left. */
  takePad(dir: Direction): Uint8Array {
    const p = this.queues[dir].take(TAG_BYTES);
    if (!p) throw new ProtocolAbort('auth-pool-exhausted', `authentication key pool (${dir}) is exhausted; refill it with distilled key`);
    return p;
  }
}

/** Per-block authentication figures (since the last `attachLedger`). */
export interface AuthBlockReport {
  messagesSent: number;
  messagesReceived: number;
  /** Pad bits taken from the pool (both directions), = 64 × (sent + received). */
  padBitsConsumed: number;
  /** Union bound on a successful forgery among the frames accepted: Σ (⌈|data|/64⌉ + 1)/2⁶⁴. */
  forgeryBound: number;
}

/** Per-message forgery probability of the polynomial MAC with length block (§3.2). */
export function forgeryBoundPerMessage(dataBytes: number): number {
  return (Math.ceil((dataBytes * 8) / 64) + 1) / 2 ** 64;
}

export class AuthenticatedChannel implements MessageChannel {
  private readonly keeper = new StatsKeeper();
  private readonly hasher: Gf64Hasher;
  private failure: ProtocolAbort | null = null;
  private ledger: LeakageLedger | null = null;
  private report: AuthBlockReport = { messagesSent: 0, messagesReceived: 0, padBitsConsumed: 0, forgeryBound: 0 };
  private readonly outDir: Direction;
  private readonly inDir: Direction;
  /** The session start (SYNC out, SYNC in), run once before the first message either way. */
  private syncing: Promise<void> | null = null;
  private readonly nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  /** S = nonce_Alice ‖ nonce_Bob, bound into every tag after the SYNC frames. */
  private session: Uint8Array | null = null;

  constructor(
    private readonly transport: FrameTransport,
    private readonly pool: KeyPool,
    readonly role: Role,
  ) {
    this.hasher = pool.hasher();
    this.outDir = role === 'alice' ? 'a2b' : 'b2a';
    this.inDir = role === 'alice' ? 'b2a' : 'a2b';
  }

  get stats(): ChannelStats {
    return this.keeper.stats;
  }

  /** Start a new key block: pad consumption is booked in `ledger` (ledger.consume) and the report reset. */
  attachLedger(ledger: LeakageLedger | null): void {
    this.ledger = ledger;
    this.report = { messagesSent: 0, messagesReceived: 0, padBitsConsumed: 0, forgeryBound: 0 };
  }

  blockReport(): AuthBlockReport {
    return { ...this.report };
  }

  private fail(reason: 'authentication-failed' | 'auth-pool-exhausted' | 'peer-lost', msg: string): never {
    this.failure = new ProtocolAbort(reason, msg);
    throw this.failure;
  }

  private takePad(dir: Direction): Uint8Array {
    if (this.pool.availableBits(dir) < PAD_BITS) {
      this.fail('auth-pool-exhausted', `authentication key pool (${dir}) is exhausted; refill it with distilled key`);
    }
    const pad = this.pool.takePad(dir);
    this.report.padBitsConsumed += PAD_BITS;
    this.ledger?.consume(PAD_BITS, `authentication pads (${dir})`);
    return pad;
  }

  /** tag = h_K(S ‖ data) ⊕ pad (S empty for SYNC frames); the pad copy is zeroed. */
  private computeTag(data: Uint8Array, pad: Uint8Array, out: Uint8Array): void {
    let msg = data;
    if (this.session) {
      msg = new Uint8Array(this.session.length + data.length);
      msg.set(this.session);
      msg.set(data, this.session.length);
    }
    const h = this.hasher.hashBytes(msg);
    for (let i = 0; i < 4; i++) {
      out[i] = ((h[0] >>> (8 * i)) & 0xff) ^ pad[i];
      out[4 + i] = ((h[1] >>> (8 * i)) & 0xff) ^ pad[4 + i];
    }
    pad.fill(0);
  }

  private boundedBytes(dataLen: number): number {
    return dataLen + (this.session ? this.session.length : 0);
  }

  private async sendFrame(payload: Uint8Array): Promise<void> {
    const index = this.pool.nextIndex(this.outDir);
    if (this.pool.availableBits(this.outDir) >= PAD_BITS) this.pool.beforeSend(this.outDir, index);
    const pad = this.takePad(this.outDir);
    const frame = new Uint8Array(HEADER_BYTES + payload.length + TAG_BYTES);
    const dv = new DataView(frame.buffer);
    frame[0] = ROLE_BYTE[this.role];
    dv.setUint32(1, index >>> 0, true);
    dv.setUint32(5, Math.floor(index / 4294967296), true);
    frame.set(payload, HEADER_BYTES);
    const dataLen = HEADER_BYTES + payload.length;
    this.computeTag(frame.subarray(0, dataLen), pad, frame.subarray(dataLen));
    this.pool.padUsed(this.outDir, index, frame.subarray(dataLen));
    try {
      await this.transport.sendFrame(frame);
    } catch (e) {
      if (e instanceof ProtocolAbort) {
        this.failure = e;
        throw e;
      }
      this.fail('peer-lost', `transport failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async receiveFrame(): Promise<Uint8Array> {
    try {
      return await this.transport.receiveFrame();
    } catch (e) {
      if (e instanceof ProtocolAbort) {
        this.failure = e;
        throw e;
      }
      return this.fail('peer-lost', `transport failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Check a received frame's role byte, pad index and tag; consume its pad. `sync`: the peer's
   * SYNC, whose index may lie ahead of ours (the skipped pads are discarded once it verifies).
   */
  private acceptFrame(frame: Uint8Array, sync: boolean): Uint8Array {
    if (frame.length < HEADER_BYTES + TAG_BYTES) {
      this.fail('authentication-failed', `frame of ${frame.length} bytes is shorter than header + tag`);
    }
    const peerRole: Role = this.role === 'alice' ? 'bob' : 'alice';
    if (frame[0] !== ROLE_BYTE[peerRole] && frame[0] !== ROLE_BYTE[this.role]) {
      // e.g. the peer's unauthenticated abort notice after its own authentication failed
      this.fail('authentication-failed', `received a frame without an authentication header (first byte 0x${frame[0].toString(16).padStart(2, '0')}): the peer's unauthenticated abort notice, or a forgery`);
    }
    const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const index = dv.getUint32(1, true) + dv.getUint32(5, true) * 4294967296;
    const next = this.pool.nextIndex(this.inDir);
    const ahead = index - next;
    if (ahead < 0 || (!sync && ahead !== 0)) {
      this.fail('authentication-failed', `pad index ${index}, expected ${sync ? '≥ ' : ''}${next} (${this.inDir})`);
    }
    const dataLen = frame.length - TAG_BYTES;
    // verify with a copy of the pad before consuming anything
    const pad = this.pool.peekPad(this.inDir, ahead);
    if (!pad) {
      this.fail('authentication-failed', `pad index ${index} lies beyond this side's key pool (${this.inDir}): a forged frame, or the pools diverged (refills missed) and need a new pre-shared secret`);
    }
    const expected = new Uint8Array(TAG_BYTES);
    this.computeTag(frame.subarray(0, dataLen), pad, expected);
    let diff = 0;
    for (let i = 0; i < TAG_BYTES; i++) diff |= expected[i] ^ frame[dataLen + i];
    if (diff !== 0) this.fail('authentication-failed', `tag mismatch on frame with pad index ${index} (${this.inDir})`);
    if (frame[0] !== ROLE_BYTE[peerRole]) this.fail('authentication-failed', 'frame carries our own role byte (reflected)');
    // the pads the peer used in a run we did not see, then this frame's: all booked as consumed
    for (let k = 0; k <= ahead; k++) this.takePad(this.inDir).fill(0);
    this.report.forgeryBound += forgeryBoundPerMessage(this.boundedBytes(dataLen));
    return frame.slice(HEADER_BYTES, dataLen);
  }

  /** The session start: send our SYNC, receive and check the peer's, fix S. */
  private sync(): Promise<void> {
    this.syncing ??= (async () => {
      await this.sendFrame(this.nonce);
      const peer = this.acceptFrame(await this.receiveFrame(), true);
      if (peer.length !== NONCE_BYTES) this.fail('authentication-failed', `the peer's first frame is not a session start (${peer.length}-byte payload)`);
      this.session = new Uint8Array(2 * NONCE_BYTES);
      this.session.set(this.role === 'alice' ? this.nonce : peer, 0);
      this.session.set(this.role === 'alice' ? peer : this.nonce, NONCE_BYTES);
    })().catch((e: unknown) => {
      if (e instanceof ProtocolAbort) this.failure ??= e;
      throw e;
    });
    return this.syncing;
  }

  async send(payload: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    await this.sync();
    if (this.failure) throw this.failure;
    await this.sendFrame(payload);
    this.report.messagesSent++;
    this.keeper.onSend(payload.length);
  }

  async receive(): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    await this.sync();
    if (this.failure) throw this.failure;
    const payload = this.acceptFrame(await this.receiveFrame(), false);
    this.report.messagesReceived++;
    this.keeper.onReceive(payload.length);
    return payload;
  }
}

/**
 * Two connected in-memory frame transports (tests, benchmarks); frames are copied. `tamper`, if
 * given, sees every frame in flight and returns the frames to deliver instead (an adversary:
 * [] drops, [f, f] replays, a held frame released later reorders, a modified copy forges).
 */
export function memoryFrameTransportPair(
  tamper?: (frame: Uint8Array, dir: Direction) => Uint8Array[],
): [FrameTransport, FrameTransport] {
  const mk = () => ({ q: [] as Uint8Array[], w: [] as ((f: Uint8Array) => void)[] });
  const ab = mk();
  const ba = mk();
  const deliver = (box: ReturnType<typeof mk>, dir: Direction, frame: Uint8Array) => {
    for (const f of tamper ? tamper(frame.slice(), dir) : [frame.slice()]) {
      const r = box.w.shift();
      if (r) r(f);
      else box.q.push(f);
    }
  };
  const take = (box: ReturnType<typeof mk>) =>
    new Promise<Uint8Array>((resolve) => {
      const f = box.q.shift();
      if (f) resolve(f);
      else box.w.push(resolve);
    });
  return [
    { sendFrame: async (f) => deliver(ab, 'a2b', f), receiveFrame: () => take(ba) },
    { sendFrame: async (f) => deliver(ba, 'b2a', f), receiveFrame: () => take(ab) },
  ];
}
