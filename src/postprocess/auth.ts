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
 *   offset 1      8 bytes  sequence number in the sender's direction, u64 LE (0, 1, 2, …)
 *   offset 9      n bytes  payload
 *   offset 9+n    8 bytes  tag = h_K(bytes 0 .. 9+n−1) ⊕ pad, u64 LE
 *
 * The role byte and sequence number are inside the authenticated data, so reflected, replayed,
 * reordered, dropped or truncated frames fail verification; the length block in h_K covers
 * truncation and extension. Any failure throws ProtocolAbort('authentication-failed') and the
 * channel refuses all further traffic.
 *
 * Pads without coordination: the pool is split per direction (Alice→Bob, Bob→Alice); frame i of
 * a direction uses that direction's i-th pad. Each party keeps its own copy of the pool (same
 * pre-shared secret, same refills in the same protocol step). Pads are zeroed after use and never
 * reused: an empty pool throws ProtocolAbort('auth-pool-exhausted') before anything is sent.
 */
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
    return out;
  }
}

/**
 * Secret key pool for Wegman–Carter. Layout of the pre-shared secret: bytes 0..7 the hash key K;
 * the rest is split in two halves (⌊rest/16⌋·8 bytes each): the first for Alice→Bob pads, the
 * second for Bob→Alice. `refill(bytes)` splits distilled key the same way (first half a2b).
 * Both parties must refill with the same bytes at the same protocol step.
 */
const POOL_STATE_MAGIC = new TextEncoder().encode('MZPOOL01');

/** Whether bytes are a saved KeyPool state rather than a raw pre-shared secret. */
export function isPoolState(bytes: Uint8Array): boolean {
  if (bytes.length < 24) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== POOL_STATE_MAGIC[i]) return false;
  return true;
}

export class KeyPool {
  private readonly hashKey: Uint8Array;
  /** The hash key of the next run (set by `rekey`; written by `toState`, never used in this one). */
  private nextHashKey: Uint8Array | null = null;
  private readonly queues: Record<Direction, PadQueue> = { a2b: new PadQueue(), b2a: new PadQueue() };

  /**
   * From a pre-shared secret (8 bytes of hash key K, then pads split half per direction), or from a
   * saved pool state (`toState()`, recognised by its magic) so a pool can be carried across runs
   * without ever reusing a pad.
   */
  constructor(preShared: Uint8Array) {
    if (isPoolState(preShared)) {
      const dv = new DataView(preShared.buffer, preShared.byteOffset, preShared.byteLength);
      const nAB = dv.getUint32(16, true);
      const nBA = dv.getUint32(20, true);
      if (preShared.length !== 24 + nAB + nBA) throw new InputError('saved key-pool state is truncated or corrupt', { field: 'preShared' });
      this.hashKey = copyBytes(preShared.subarray(8, 16));
      this.queues.a2b.push(copyBytes(preShared.subarray(24, 24 + nAB)));
      this.queues.b2a.push(copyBytes(preShared.subarray(24 + nAB)));
      return;
    }
    if (preShared.length < 8 + 16) {
      throw new InputError(`needs ≥ 24 bytes (8 for K + one pad per direction), got ${preShared.length}`, { field: 'preShared' });
    }
    this.hashKey = copyBytes(preShared.subarray(0, 8));
    this.addSplit(preShared.subarray(8));
  }

  /**
   * The pool's state: magic "MZPOOL01", K (8 bytes), the byte counts of the a→b and b→a pads
   * (u32 LE each), then the unused pads of each direction. Consumed pads are not in it.
   */
  toState(): Uint8Array {
    const ab = this.queues.a2b.remaining();
    const ba = this.queues.b2a.remaining();
    const out = new Uint8Array(24 + ab.length + ba.length);
    out.set(POOL_STATE_MAGIC, 0);
    out.set(this.nextHashKey ?? this.hashKey, 8);
    const dv = new DataView(out.buffer);
    dv.setUint32(16, ab.length, true);
    dv.setUint32(20, ba.length, true);
    out.set(ab, 24);
    out.set(ba, 24 + ab.length);
    return out;
  }

  private addSplit(bytes: Uint8Array): void {
    const half = Math.floor(bytes.length / 16) * 8;
    this.queues.a2b.push(copyBytes(bytes.subarray(0, half)));
    this.queues.b2a.push(copyBytes(bytes.subarray(half, 2 * half)));
  }

  /** Add distilled key (same bytes on both sides). Bytes beyond a multiple of 16 are dropped. */
  /**
   * Replace the hash key K for the next run with 8 bytes of distilled key (same bytes on both
   * sides). The running channel keeps its K; the saved state (`toState`) carries the new one, so a
   * fixed K is not reused indefinitely (Abidin & Larsson, arXiv:1109.5168).
   */
  rekey(bytes: Uint8Array): void {
    if (bytes.length !== 8) throw new InputError(`a hash key has 8 bytes, got ${bytes.length}`, { field: 'rekey' });
    this.nextHashKey = copyBytes(bytes);
  }

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
  private sendSeq = 0;
  private recvSeq = 0;
  private failure: ProtocolAbort | null = null;
  private ledger: LeakageLedger | null = null;
  private report: AuthBlockReport = { messagesSent: 0, messagesReceived: 0, padBitsConsumed: 0, forgeryBound: 0 };
  private readonly outDir: Direction;
  private readonly inDir: Direction;

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

  private computeTag(data: Uint8Array, pad: Uint8Array, out: Uint8Array): void {
    const h = this.hasher.hashBytes(data);
    for (let i = 0; i < 4; i++) {
      out[i] = ((h[0] >>> (8 * i)) & 0xff) ^ pad[i];
      out[4 + i] = ((h[1] >>> (8 * i)) & 0xff) ^ pad[4 + i];
    }
    pad.fill(0);
  }

  async send(payload: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const pad = this.takePad(this.outDir);
    const frame = new Uint8Array(HEADER_BYTES + payload.length + TAG_BYTES);
    const dv = new DataView(frame.buffer);
    frame[0] = ROLE_BYTE[this.role];
    dv.setUint32(1, this.sendSeq >>> 0, true);
    dv.setUint32(5, Math.floor(this.sendSeq / 4294967296), true);
    frame.set(payload, HEADER_BYTES);
    const dataLen = HEADER_BYTES + payload.length;
    this.computeTag(frame.subarray(0, dataLen), pad, frame.subarray(dataLen));
    this.sendSeq++;
    this.report.messagesSent++;
    this.keeper.onSend(payload.length);
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

  async receive(): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    let frame: Uint8Array;
    try {
      frame = await this.transport.receiveFrame();
    } catch (e) {
      if (e instanceof ProtocolAbort) {
        this.failure = e;
        throw e;
      }
      return this.fail('peer-lost', `transport failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (frame.length < HEADER_BYTES + TAG_BYTES) {
      this.fail('authentication-failed', `frame of ${frame.length} bytes is shorter than header + tag`);
    }
    const pad = this.takePad(this.inDir);
    const dataLen = frame.length - TAG_BYTES;
    const expected = new Uint8Array(TAG_BYTES);
    this.computeTag(frame.subarray(0, dataLen), pad, expected);
    let diff = 0;
    for (let i = 0; i < TAG_BYTES; i++) diff |= expected[i] ^ frame[dataLen + i];
    if (diff !== 0) this.fail('authentication-failed', `tag mismatch on frame ${this.recvSeq} (${this.inDir})`);
    const peerRole: Role = this.role === 'alice' ? 'bob' : 'alice';
    if (frame[0] !== ROLE_BYTE[peerRole]) this.fail('authentication-failed', 'frame carries our own role byte (reflected)');
    const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const seq = dv.getUint32(1, true) + dv.getUint32(5, true) * 4294967296;
    if (seq !== this.recvSeq) this.fail('authentication-failed', `sequence number ${seq}, expected ${this.recvSeq}`);
    this.recvSeq++;
    this.report.messagesReceived++;
    this.report.forgeryBound += forgeryBoundPerMessage(dataLen);
    const payload = frame.slice(HEADER_BYTES, dataLen);
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
