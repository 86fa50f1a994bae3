/**
 * The one byte codec of the classical channel: a growable writer and a bounds-checked reader with
 * LEB128 varints (up to 2^53), u8/u32/float64 in either byte order, raw and length-prefixed byte
 * strings, UTF-8 strings and packed bit arrays; plus the bit packer, the delta-coded increasing
 * sequences and the 2-bit packing the messages use.
 *
 * Byte order is a per-codec choice fixed by each wire format: the protocol messages
 * (protocol/messages.ts) are big-endian, the reconciliation payloads (postprocess/reconcile/) are
 * little-endian. Both formats are unchanged from before the codecs were merged.
 *
 * Bytes come from the peer, so malformed input throws `ProtocolAbort('protocol-violation')`.
 */
import { BitArray } from './bits.js';
import { ProtocolAbort } from './errors.js';

export type ByteOrder = 'be' | 'le';

const TEXT_ENCODER = new TextEncoder();
const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });

export class ByteWriter {
  private buf: Uint8Array;
  /** Made on first u32/f64 (most messages are varints and bytes only). */
  private dv: DataView | null = null;
  private pos = 0;
  private readonly le: boolean;

  constructor(initial = 256, order: ByteOrder = 'be') {
    this.buf = new Uint8Array(Math.max(16, initial));
    this.le = order === 'le';
  }

  private get view(): DataView {
    return (this.dv ??= new DataView(this.buf.buffer));
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
    this.dv = null;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, this.le);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, this.le);
    this.pos += 8;
    return this;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(v: number): this {
    this.ensure(8);
    if (v >>> 0 === v) {
      // fast path for uint32
      while (v >= 0x80) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return this;
    }
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint: ${v} is not a non-negative safe integer`);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Bytes as they are (no length prefix). */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Length-prefixed bytes. */
  bytes(b: Uint8Array): this {
    this.varint(b.length);
    return this.raw(b);
  }

  string(s: string): this {
    return this.bytes(TEXT_ENCODER.encode(s));
  }

  /** Bit count, then the bits packed LSB-first. */
  bits(a: BitArray): this {
    this.varint(a.length);
    return this.raw(a.toBytes());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Start a new message in the same buffer (finish() copies, so earlier messages stay intact). */
  reset(): this {
    this.pos = 0;
    return this;
  }
}

export class ByteReader {
  private pos = 0;
  /** Made on first u32/f64. */
  private dv: DataView | null = null;
  private readonly le: boolean;

  constructor(
    private readonly buf: Uint8Array,
    order: ByteOrder = 'be',
  ) {
    this.le = order === 'le';
  }

  private get view(): DataView {
    return (this.dv ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new ProtocolAbort('protocol-violation', `truncated message reading ${what} at byte ${this.pos}`);
    }
  }

  u8(): number {
    this.need(1, 'u8');
    return this.buf[this.pos++];
  }

  u32(): number {
    this.need(4, 'u32');
    const v = this.view.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8, 'f64');
    const v = this.view.getFloat64(this.pos, this.le);
    this.pos += 8;
    return v;
  }

  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos + 4 <= buf.length) {
      // fast path: values < 2^28 in at most 4 bytes
      let b = buf[pos++];
      let v = b & 0x7f;
      if (b < 0x80) {
        this.pos = pos;
        return v;
      }
      b = buf[pos++];
      v |= (b & 0x7f) << 7;
      if (b < 0x80) {
        this.pos = pos;
        return v;
      }
      b = buf[pos++];
      v |= (b & 0x7f) << 14;
      if (b < 0x80) {
        this.pos = pos;
        return v;
      }
      b = buf[pos++];
      v |= (b & 0x7f) << 21;
      if (b < 0x80) {
        this.pos = pos;
        return v;
      }
    }
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      this.need(1, 'varint');
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(v)) break;
        return v;
      }
      mul *= 0x80;
    }
    throw new ProtocolAbort('protocol-violation', `bad varint at byte ${this.pos}`);
  }

  raw(n: number): Uint8Array {
    this.need(n, 'bytes');
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Everything not read yet (a view, not a copy). */
  rest(): Uint8Array {
    const r = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return r;
  }

  bytes(): Uint8Array {
    return this.raw(this.varint());
  }

  string(): string {
    try {
      return TEXT_DECODER.decode(this.bytes());
    } catch (e) {
      if (e instanceof ProtocolAbort) throw e;
      throw new ProtocolAbort('protocol-violation', 'string is not valid UTF-8');
    }
  }

  bits(): BitArray {
    const n = this.varint();
    return BitArray.fromBytes(this.raw((n + 7) >>> 3), n);
  }

  /** Throw unless every byte was consumed. */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new ProtocolAbort('protocol-violation', `${this.remaining} trailing bytes after ${what}`);
    }
  }
}

/** Packs bits (0/1 values) LSB-first into bytes. */
export class BitPacker {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacityBits = 256) {
    this.bytes = new Uint8Array((capacityBits + 7) >>> 3);
  }

  push(bit: number): void {
    if (this.length >>> 3 >= this.bytes.length) {
      const nb = new Uint8Array(this.bytes.length * 2 + 1);
      nb.set(this.bytes);
      this.bytes = nb;
    }
    if (bit & 1) this.bytes[this.length >>> 3] |= 1 << (this.length & 7);
    this.length++;
  }

  /** The packed bytes; the packer's own buffer when the capacity was exact (no copy). */
  finish(): Uint8Array {
    const nb = (this.length + 7) >>> 3;
    return nb === this.bytes.length ? this.bytes : this.bytes.slice(0, nb);
  }
}

/** Bit i of a packed byte array (LSB-first). */
export function bitAt(bytes: Uint8Array, i: number): number {
  return (bytes[i >>> 3] >>> (i & 7)) & 1;
}

/**
 * Delta-encoded varints of a strictly increasing sequence of non-negative integers (pulse
 * indices): first value, then successive differences. ~2–3 bytes per detection at Micius rates.
 */
export function writeIncreasing(w: ByteWriter, values: ArrayLike<number>): void {
  w.varint(values.length);
  let prev = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > prev)) throw new RangeError(`writeIncreasing: value ${v} at ${i} is not above ${prev}`);
    w.varint(v - prev - 1);
    prev = v;
  }
}

export function readIncreasing(r: ByteReader, maxCount = Number.MAX_SAFE_INTEGER): Float64Array {
  const n = r.varint();
  if (n > maxCount || n > r.remaining) {
    throw new ProtocolAbort('protocol-violation', `sequence of ${n} values does not fit the message`);
  }
  const out = new Float64Array(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    prev = prev + 1 + r.varint();
    if (!Number.isSafeInteger(prev)) throw new ProtocolAbort('protocol-violation', 'pulse index overflow');
    out[i] = prev;
  }
  return out;
}

/** Pack values in [0, 3] two bits each (intensity classes). */
export function pack2(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array((values.length + 3) >>> 2);
  for (let i = 0; i < values.length; i++) out[i >>> 2] |= (values[i] & 3) << ((i & 3) * 2);
  return out;
}

export function unpack2(bytes: Uint8Array, n: number): Uint8Array {
  if (bytes.length < (n + 3) >>> 2) throw new ProtocolAbort('protocol-violation', 'packed 2-bit array too short');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (bytes[i >>> 2] >>> ((i & 3) * 2)) & 3;
  return out;
}
