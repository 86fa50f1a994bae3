/** Compact binary message helpers: LEB128 varints, float64, packed bit lists. */

export class Writer {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initial = 64) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + extra) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  varint(v: number): this {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    if (v >>> 0 === v) {
      // fast path for uint32
      while (v >= 0x80) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return this;
    }
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`varint ${v}`);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).setFloat64(0, v, true);
    this.pos += 8;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).setUint32(0, v >>> 0, true);
    this.pos += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

export class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  u8(): number {
    if (this.pos >= this.buf.length) throw new Error('message truncated');
    return this.buf[this.pos++];
  }

  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos + 5 <= buf.length) {
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
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
  }

  f64(): number {
    if (this.pos + 8 > this.buf.length) throw new Error('message truncated');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  u32(): number {
    if (this.pos + 4 > this.buf.length) throw new Error('message truncated');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getUint32(0, true);
    this.pos += 4;
    return v;
  }

  rest(): Uint8Array {
    const r = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return r;
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

  finish(): Uint8Array {
    return this.bytes.slice(0, (this.length + 7) >>> 3);
  }
}

/** Bit i of a packed byte array (LSB-first). */
export function bitAt(bytes: Uint8Array, i: number): number {
  return (bytes[i >>> 3] >>> (i & 7)) & 1;
}
