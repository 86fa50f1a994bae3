/**
 * Polynomial hashing over GF(2⁶⁴) for error verification and Wegman–Carter authentication.
 *
 * Field: GF(2)[z] / (z⁶⁴ + z⁴ + z³ + z + 1) (a standard irreducible pentanomial). Elements are
 * (hi, lo) pairs of 32-bit halves; bit j of lo is the coefficient of z^j, bit j of hi of z^(32+j).
 *
 * Multiplication by the (fixed) hash key k uses Shoup's table method: for each of the 8 bytes of
 * x, a 256-entry table holds byte·z^(8i)·k already reduced, so x·k is 8 table lookups and XORs.
 * No BigInt anywhere; a hasher is built once per key (16 KiB of tables).
 *
 * Hash (Horner): h = 0; for each 64-bit block m_i: h = (h ⊕ m_i)·k, i.e. h = Σ m_i·k^(N−i+1);
 * collision probability for distinct equal-length inputs ≤ N/2⁶⁴ (algorithms.md §3.1).
 */

/** Low 32 bits of the reduction polynomial z⁶⁴ mod P = z⁴ + z³ + z + 1. */
const POLY_LO = 0x1b;

/** A multiply-by-k engine for one fixed key k ∈ GF(2⁶⁴). */
export class Gf64Hasher {
  /** 8 tables × 256 entries × (lo, hi). Entry (i, v) = v·z^(8i)·k mod P. */
  private readonly table: Uint32Array;
  readonly keyLo: number;
  readonly keyHi: number;

  constructor(keyLo: number, keyHi: number) {
    this.keyLo = keyLo >>> 0;
    this.keyHi = keyHi >>> 0;
    // basis[b] = z^b · k for b = 0..63, by repeated multiplication by z.
    const basis = new Uint32Array(128);
    let lo = this.keyLo;
    let hi = this.keyHi;
    for (let b = 0; b < 64; b++) {
      basis[2 * b] = lo;
      basis[2 * b + 1] = hi;
      const carry = hi >>> 31;
      hi = ((hi << 1) | (lo >>> 31)) >>> 0;
      lo = ((lo << 1) ^ (carry ? POLY_LO : 0)) >>> 0;
    }
    const t = new Uint32Array(8 * 256 * 2);
    for (let i = 0; i < 8; i++) {
      const base = i * 512;
      for (let v = 1; v < 256; v++) {
        const low = v & -v; // lowest set bit
        const bit = 31 - Math.clz32(low);
        const prev = base + 2 * (v ^ low);
        const bb = 2 * (8 * i + bit);
        t[base + 2 * v] = t[prev] ^ basis[bb];
        t[base + 2 * v + 1] = t[prev + 1] ^ basis[bb + 1];
      }
    }
    this.table = t;
  }

  /** Random key from node:crypto-derived words. */
  static fromKeyBytes(bytes: Uint8Array, offset = 0): Gf64Hasher {
    const lo = (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
    const hi = (bytes[offset + 4] | (bytes[offset + 5] << 8) | (bytes[offset + 6] << 16) | (bytes[offset + 7] << 24)) >>> 0;
    return new Gf64Hasher(lo, hi);
  }

  /** x·k; returns [lo, hi] in `out`. */
  mul(xLo: number, xHi: number, out: Uint32Array = new Uint32Array(2)): Uint32Array {
    const t = this.table;
    let rl = 0;
    let rh = 0;
    let e = 2 * (xLo & 0xff);
    rl ^= t[e]; rh ^= t[e + 1];
    e = 512 + 2 * ((xLo >>> 8) & 0xff);
    rl ^= t[e]; rh ^= t[e + 1];
    e = 1024 + 2 * ((xLo >>> 16) & 0xff);
    rl ^= t[e]; rh ^= t[e + 1];
    e = 1536 + 2 * (xLo >>> 24);
    rl ^= t[e]; rh ^= t[e + 1];
    e = 2048 + 2 * (xHi & 0xff);
    rl ^= t[e]; rh ^= t[e + 1];
    e = 2560 + 2 * ((xHi >>> 8) & 0xff);
    rl ^= t[e]; rh ^= t[e + 1];
    e = 3072 + 2 * ((xHi >>> 16) & 0xff);
    rl ^= t[e]; rh ^= t[e + 1];
    e = 3584 + 2 * (xHi >>> 24);
    rl ^= t[e]; rh ^= t[e + 1];
    out[0] = rl;
    out[1] = rh;
    return out;
  }

  /**
   * Horner evaluation over 32-bit words taken pairwise as 64-bit blocks (word 2i = low half).
   * An odd trailing word is zero-extended. If `lengthBlock` is given, one more block holding it
   * is absorbed last (makes the family AXU over messages of different lengths).
   * Returns [lo, hi].
   */
  hashWords(words: Uint32Array, lengthBlock?: number): Uint32Array {
    const t = this.table;
    let hl = 0;
    let hh = 0;
    const nw = words.length;
    const nBlocks = (nw + 1) >>> 1;
    for (let b = 0; b < nBlocks + (lengthBlock === undefined ? 0 : 1); b++) {
      let xl: number;
      let xh: number;
      if (b < nBlocks) {
        xl = hl ^ words[2 * b];
        xh = hh ^ (2 * b + 1 < nw ? words[2 * b + 1] : 0);
      } else {
        const len = lengthBlock as number;
        xl = hl ^ (len >>> 0);
        xh = hh ^ Math.floor(len / 4294967296);
      }
      let e = 2 * (xl & 0xff);
      let rl = t[e];
      let rh = t[e + 1];
      e = 512 + 2 * ((xl >>> 8) & 0xff);
      rl ^= t[e]; rh ^= t[e + 1];
      e = 1024 + 2 * ((xl >>> 16) & 0xff);
      rl ^= t[e]; rh ^= t[e + 1];
      e = 1536 + 2 * (xl >>> 24);
      rl ^= t[e]; rh ^= t[e + 1];
      e = 2048 + 2 * (xh & 0xff);
      rl ^= t[e]; rh ^= t[e + 1];
      e = 2560 + 2 * ((xh >>> 8) & 0xff);
      rl ^= t[e]; rh ^= t[e + 1];
      e = 3072 + 2 * ((xh >>> 16) & 0xff);
      rl ^= t[e]; rh ^= t[e + 1];
      e = 3584 + 2 * (xh >>> 24);
      rl ^= t[e]; rh ^= t[e + 1];
      hl = rl;
      hh = rh;
    }
    const out = new Uint32Array(2);
    out[0] = hl;
    out[1] = hh;
    return out;
  }

  /** Hash of a byte string (8 bytes per block, little-endian), with its bit length absorbed last. */
  hashBytes(bytes: Uint8Array): Uint32Array {
    const nw = (bytes.length + 3) >>> 2;
    const words = new Uint32Array(nw);
    const full = bytes.length >>> 2;
    for (let i = 0; i < full; i++) {
      const o = 4 * i;
      words[i] = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
    }
    for (let o = full * 4; o < bytes.length; o++) words[full] |= bytes[o] << ((o & 3) * 8);
    return this.hashWords(words, bytes.length * 8);
  }
}

/**
 * Slow bit-serial reference multiplication in GF(2⁶⁴) with BigInt (tests only; same field).
 */
export function gf64MulReference(a: bigint, b: bigint): bigint {
  const mask = (1n << 64n) - 1n;
  let r = 0n;
  let x = a & mask;
  for (let i = 0n; i < 64n; i++) {
    if ((b >> i) & 1n) r ^= x;
    const carry = (x >> 63n) & 1n;
    x = (x << 1n) & mask;
    if (carry) x ^= BigInt(POLY_LO);
  }
  return r;
}
