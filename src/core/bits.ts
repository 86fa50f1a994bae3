/**
 * Packed bit arrays: 32 bits per Uint32 word, bit i at word i >>> 5, position i & 31 (LSB first).
 * Parities use popcount; no per-bit objects. Bits past `length` in the last word are kept zero.
 */
import { randomFillSync } from 'node:crypto';

/** Number of set bits in a 32-bit word (SWAR popcount). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export class BitArray {
  readonly length: number;
  readonly words: Uint32Array;

  constructor(length: number, words?: Uint32Array) {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`BitArray length ${length}`);
    this.length = length;
    const n = (length + 31) >>> 5;
    if (words) {
      if (words.length < n) throw new RangeError('BitArray: word buffer too short');
      this.words = words.length === n ? words : words.subarray(0, n);
      this.clearTail();
    } else {
      this.words = new Uint32Array(n);
    }
  }

  /** Zero the unused bits of the last word (keeps popcount and equality exact). */
  clearTail(): void {
    const r = this.length & 31;
    if (r !== 0) this.words[this.words.length - 1] &= (1 << r) - 1 || 0xffffffff;
  }

  static fromBits(bits: ArrayLike<number>): BitArray {
    const a = new BitArray(bits.length);
    for (let i = 0; i < bits.length; i++) if (bits[i] & 1) a.words[i >>> 5] |= 1 << (i & 31);
    return a;
  }

  /** Bytes in little-endian bit order (bit i of the array = bit (i & 7) of byte i >>> 3). */
  static fromBytes(bytes: Uint8Array, length = bytes.length * 8): BitArray {
    if (length > bytes.length * 8) throw new RangeError('BitArray.fromBytes: not enough bytes');
    const a = new BitArray(length);
    const nb = (length + 7) >>> 3;
    for (let i = 0; i < nb; i++) a.words[i >>> 2] |= bytes[i] << ((i & 3) * 8);
    a.clearTail();
    return a;
  }

  /** Uniformly random bits from node:crypto. */
  static random(length: number): BitArray {
    const a = new BitArray(length);
    randomFillSync(a.words);
    a.clearTail();
    return a;
  }

  toBytes(): Uint8Array {
    const nb = (this.length + 7) >>> 3;
    const out = new Uint8Array(nb);
    for (let i = 0; i < nb; i++) out[i] = (this.words[i >>> 2] >>> ((i & 3) * 8)) & 0xff;
    return out;
  }

  toBits(): Uint8Array {
    const out = new Uint8Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = (this.words[i >>> 5] >>> (i & 31)) & 1;
    return out;
  }

  get(i: number): number {
    return (this.words[i >>> 5] >>> (i & 31)) & 1;
  }

  set(i: number, v: number): void {
    if (v & 1) this.words[i >>> 5] |= 1 << (i & 31);
    else this.words[i >>> 5] &= ~(1 << (i & 31));
  }

  flip(i: number): void {
    this.words[i >>> 5] ^= 1 << (i & 31);
  }

  clone(): BitArray {
    return new BitArray(this.length, this.words.slice());
  }

  popcount(): number {
    let c = 0;
    const w = this.words;
    for (let i = 0; i < w.length; i++) c += popcount32(w[i]);
    return c;
  }

  /** Parity of bits [from, to). */
  parity(from = 0, to = this.length): number {
    if (from >= to) return 0;
    const w = this.words;
    const fw = from >>> 5;
    const tw = (to - 1) >>> 5;
    const fm = 0xffffffff << (from & 31);
    const tr = to & 31;
    const tm = tr === 0 ? 0xffffffff : (1 << tr) - 1;
    if (fw === tw) return popcount32(w[fw] & fm & tm) & 1;
    let x = (w[fw] & fm) ^ (w[tw] & tm);
    for (let i = fw + 1; i < tw; i++) x ^= w[i];
    return popcount32(x) & 1;
  }

  /** Number of positions where this and other differ. */
  hammingDistance(other: BitArray): number {
    if (other.length !== this.length) throw new RangeError('hammingDistance: lengths differ');
    let c = 0;
    for (let i = 0; i < this.words.length; i++) c += popcount32(this.words[i] ^ other.words[i]);
    return c;
  }

  equals(other: BitArray): boolean {
    if (other.length !== this.length) return false;
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== other.words[i]) return false;
    return true;
  }

  /** In-place XOR with other (same length). */
  xorInPlace(other: BitArray): this {
    if (other.length !== this.length) throw new RangeError('xor: lengths differ');
    for (let i = 0; i < this.words.length; i++) this.words[i] ^= other.words[i];
    return this;
  }

  /** Bits [from, to) as a new array. */
  slice(from = 0, to = this.length): BitArray {
    from = Math.max(0, from);
    to = Math.min(this.length, to);
    const n = Math.max(0, to - from);
    const out = new BitArray(n);
    const sh = from & 31;
    const base = from >>> 5;
    const w = this.words;
    for (let i = 0; i < out.words.length; i++) {
      const lo = w[base + i] >>> sh;
      const hi = sh === 0 || base + i + 1 >= w.length ? 0 : w[base + i + 1] << (32 - sh);
      out.words[i] = (lo | hi) >>> 0;
    }
    out.clearTail();
    return out;
  }

  /** Concatenate arrays. */
  static concat(parts: BitArray[]): BitArray {
    const total = parts.reduce((s, p) => s + p.length, 0);
    const out = new BitArray(total);
    let pos = 0;
    for (const p of parts) {
      if ((pos & 31) === 0) {
        out.words.set(p.words, pos >>> 5);
        pos += p.length;
        out.clearTail();
      } else {
        for (let i = 0; i < p.length; i++) if (p.get(i)) out.words[(pos + i) >>> 5] |= 1 << ((pos + i) & 31);
        pos += p.length;
      }
    }
    return out;
  }

  /** out[i] = this[perm[i]]; `perm` is a permutation of 0..length-1. */
  permute(perm: ArrayLike<number>): BitArray {
    if (perm.length !== this.length) throw new RangeError('permute: length mismatch');
    return this.select(perm);
  }

  /** Bits at the given positions, in order: out[i] = this[positions[i]]. */
  select(positions: ArrayLike<number>): BitArray {
    const out = new BitArray(positions.length);
    // signed views, one output word built in a register: a Uint32Array word ≥ 2³¹ loads as a
    // double in V8, and a read-modify-write per bit costs a store per bit (Hamming's per-iteration
    // views, ~0.4 s of the reference replay)
    const w = new Int32Array(this.words.buffer, this.words.byteOffset, this.words.length);
    const o = new Int32Array(out.words.buffer, out.words.byteOffset, out.words.length);
    const n = positions.length;
    const full = n >>> 5;
    for (let wi = 0; wi < full; wi++) {
      let v = 0;
      for (let b = 0, i = wi << 5; b < 32; b++, i++) {
        const j = positions[i];
        v |= ((w[j >>> 5] >>> (j & 31)) & 1) << b;
      }
      o[wi] = v;
    }
    if (full < o.length) {
      let v = 0;
      for (let b = 0, i = full << 5; i < n; b++, i++) {
        const j = positions[i];
        v |= ((w[j >>> 5] >>> (j & 31)) & 1) << b;
      }
      o[full] = v;
    }
    return out;
  }

  /**
   * The bits at the given positions as 0/1 bytes: out[i] = this[positions[i]] (what
   * `select(positions).toBits()` gives, in one pass without the packed intermediate; positions
   * unchecked, as in `select`).
   */
  selectBits(positions: ArrayLike<number>): Uint8Array {
    const w = new Int32Array(this.words.buffer, this.words.byteOffset, this.words.length);
    const n = positions.length;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const j = positions[i];
      out[i] = (w[j >>> 5] >>> (j & 31)) & 1;
    }
    return out;
  }

  toString(): string {
    let s = '';
    for (let i = 0; i < this.length; i++) s += this.get(i) ? '1' : '0';
    return s;
  }
}
