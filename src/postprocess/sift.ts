/**
 * Sifting and error-estimation helpers (pure functions on typed arrays). Bases are 0/1 codes per
 * detection (0 = Z, 1 = X by convention of the caller), intensity classes small integers
 * (e.g. 0 = signal, 1 = weak decoy, 2 = vacuum).
 */
import { BitArray } from '../core/bits.js';
import { InputError } from '../core/errors.js';
import { Xoshiro128 } from './reconcile/prng.js';

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new InputError(`${what}: lengths differ (${a.length} vs ${b.length})`, { field: what });
}

/** Indices i where Alice's and Bob's bases agree (BB84 sifting). */
export function siftIndices(aliceBasis: Uint8Array, bobBasis: Uint8Array): Uint32Array {
  sameLength(aliceBasis, bobBasis, 'basis');
  let k = 0;
  for (let i = 0; i < aliceBasis.length; i++) if (aliceBasis[i] === bobBasis[i]) k++;
  const out = new Uint32Array(k);
  k = 0;
  for (let i = 0; i < aliceBasis.length; i++) if (aliceBasis[i] === bobBasis[i]) out[k++] = i;
  return out;
}

/** Basis-match bitmap (bit i set when bases agree): what Alice announces to Bob. */
export function basisMatchMask(aliceBasis: Uint8Array, bobBasis: Uint8Array): BitArray {
  sameLength(aliceBasis, bobBasis, 'basis');
  const m = new BitArray(aliceBasis.length);
  for (let i = 0; i < aliceBasis.length; i++) if (aliceBasis[i] === bobBasis[i]) m.words[i >>> 5] |= 1 << (i & 31);
  return m;
}

/** Indices of the set bits of a mask. */
export function maskIndices(mask: BitArray): Uint32Array {
  const out = new Uint32Array(mask.popcount());
  let k = 0;
  for (let w = 0; w < mask.words.length; w++) {
    let x = mask.words[w];
    while (x) {
      const t = x & -x;
      out[k++] = w * 32 + (31 - Math.clz32(t));
      x ^= t;
    }
  }
  return out;
}

/** Bits at the given indices, packed: from 0/1 bytes or a BitArray. */
export function gatherBits(bits: Uint8Array | BitArray, idx: ArrayLike<number>): BitArray {
  if (bits instanceof BitArray) return bits.select(idx);
  const out = new BitArray(idx.length);
  for (let i = 0; i < idx.length; i++) if (bits[idx[i]] & 1) out.words[i >>> 5] |= 1 << (i & 31);
  return out;
}

export interface ClassCounts {
  intensity: number;
  basis: number;
  /** Sifted detections in this class. */
  sifted: number;
  /** Errors among the compared positions of this class (undefined if not compared). */
  errors?: number;
  /** Positions compared for errors. */
  compared?: number;
}

/**
 * Per (intensity, basis) sifted counts; if `errorMask` (bit j set when sifted position j is in
 * error) and `comparedMask` (bit j set when position j was disclosed for comparison) are given,
 * also the error counts. `idx` are the sifted indices into the detection arrays.
 */
export function countByClass(
  intensity: Uint8Array,
  basis: Uint8Array,
  idx: ArrayLike<number>,
  errorMask?: BitArray,
  comparedMask?: BitArray,
): ClassCounts[] {
  sameLength(intensity, basis, 'intensity');
  const map = new Map<number, ClassCounts>();
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    const key = intensity[i] * 2 + (basis[i] & 1);
    let c = map.get(key);
    if (!c) {
      c = { intensity: intensity[i], basis: basis[i] & 1, sifted: 0 };
      if (errorMask) {
        c.errors = 0;
        c.compared = 0;
      }
      map.set(key, c);
    }
    c.sifted++;
    if (errorMask && (!comparedMask || comparedMask.get(j))) {
      c.compared = (c.compared ?? 0) + 1;
      c.errors = (c.errors ?? 0) + errorMask.get(j);
    }
  }
  return [...map.values()].sort((a, b) => a.intensity - b.intensity || a.basis - b.basis);
}

/** Number of differing bits, optionally only at `positions`. */
export function countErrors(a: BitArray, b: BitArray, positions?: ArrayLike<number>): number {
  if (a.length !== b.length) throw new InputError(`countErrors: lengths differ (${a.length} vs ${b.length})`, { field: 'key' });
  if (!positions) return a.hammingDistance(b);
  let e = 0;
  for (let i = 0; i < positions.length; i++) e += a.get(positions[i]) ^ b.get(positions[i]);
  return e;
}

/** k distinct sorted positions in [0, n) from a public seed (estimation sample both sides derive). */
export function sampleIndices(n: number, k: number, seed: number): Uint32Array {
  if (!(Number.isInteger(k) && k >= 0 && k <= n)) throw new InputError(`sample size ${k} not in [0, ${n}]`, { field: 'sampleSize' });
  const r = new Xoshiro128(seed >>> 0, 0x5a3b);
  const chosen = new Set<number>();
  // Floyd's algorithm: k draws, no O(n) memory.
  for (let j = n - k; j < n; j++) {
    const t = r.below(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Uint32Array.from([...chosen].sort((x, y) => x - y));
}

/** Bits not at the (sorted) removed positions: the key left after disclosing an estimation sample. */
export function removePositions(bits: BitArray, removedSorted: ArrayLike<number>): BitArray {
  const keep = new Uint32Array(bits.length - removedSorted.length);
  let r = 0;
  let k = 0;
  for (let i = 0; i < bits.length; i++) {
    if (r < removedSorted.length && removedSorted[r] === i) {
      r++;
      continue;
    }
    keep[k++] = i;
  }
  return bits.select(keep);
}

/** Observed error rate errors/compared (NaN when nothing was compared). */
export function observedQber(errors: number, compared: number): number {
  return compared > 0 ? errors / compared : NaN;
}
