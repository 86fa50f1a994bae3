/**
 * How a distilled key block is cut into delivered keys: its first ID_KEY_BITS bits are the
 * block's ID key (never delivered, never stored), then whole keys of `keySizeBits`; the
 * remainder is discarded. Bits are packed MSB-first.
 */

/** Bits at the head of every block used as its ID key (see keystore.ts). */
export const ID_KEY_BITS = 256;

/** Extract `bits` bits starting at bit `start` (MSB-first) as ceil(bits/8) bytes. */
export function sliceBits(src: Uint8Array, start: number, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits / 8));
  if (start % 8 === 0) {
    out.set(src.subarray(start / 8, start / 8 + out.length));
    return out;
  }
  for (let i = 0; i < bits; i++) {
    const s = start + i;
    const bit = (src[s >> 3] >> (7 - (s & 7))) & 1;
    out[i >> 3] |= bit << (7 - (i & 7));
  }
  return out;
}

export interface SlicedBlock {
  /** The block's ID key (empty when the block is shorter than ID_KEY_BITS). Zero it after use. */
  idKey: Uint8Array;
  /** Number of whole keys of keySizeBits after the ID key. */
  keyCount: number;
  /** Bits of the block dropped because they do not fill a whole key. */
  discardedBits: number;
  /** Key `index` (0 ≤ index < keyCount) as a fresh buffer. */
  keyAt(index: number): Buffer;
}

/** Cut the first `bits` bits of `key` into an ID key and `keySizeBits`-bit keys. */
export function sliceBlock(key: Uint8Array, bits: number, keySizeBits: number): SlicedBlock {
  const keyCount = Math.max(0, Math.floor((bits - ID_KEY_BITS) / keySizeBits));
  const discardedBits = bits - (keyCount > 0 ? ID_KEY_BITS + keyCount * keySizeBits : 0);
  const idKey = bits >= ID_KEY_BITS ? sliceBits(key, 0, ID_KEY_BITS) : new Uint8Array(0);
  return {
    idKey,
    keyCount,
    discardedBits,
    keyAt: (i: number): Buffer => Buffer.from(sliceBits(key, ID_KEY_BITS + i * keySizeBits, keySizeBits)),
  };
}
