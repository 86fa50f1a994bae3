/**
 * Sifting, party-neutral: both parties run these on what crossed the channel (the satellite's
 * basis-match bitmap and intensity classes) and their own bits, and get the same positions,
 * bases and classes. Basis codes: 0 = Z, 1 = X. Intensity classes: 0 signal, 1 decoy, 2 vacuum
 * (Lim et al., PRA 89, 022307 (2014), k order).
 */
import { BitArray } from '../core/bits.js';
import type { Protocol } from '../security/types.js';

/** Intensity classes per basis (signal, decoy, vacuum). */
export const CLASSES = 3;

/** Sifted detections of one block, in detection order. */
export interface Sifted {
  /** Index into the detection list of each sifted detection. */
  detection: Uint32Array;
  basis: Uint8Array;
  intensity: Uint8Array;
  bits: BitArray;
}

/** The basis-match bitmap the satellite announces: bit i set when its basis equals the ground's. */
export function basisMatch(aliceBasis: Uint8Array, bobBasis: BitArray): BitArray {
  const n = bobBasis.length;
  const match = new BitArray(n);
  for (let i = 0; i < n; i++) if (aliceBasis[i] === bobBasis.get(i)) match.words[i >>> 5] |= 1 << (i & 31);
  return match;
}

/** Bases as one bit per detection (what the ground announces). */
export function basisBits(basis: Uint8Array): BitArray {
  const n = basis.length;
  const out = new BitArray(n);
  for (let i = 0; i < n; i++) if (basis[i]) out.words[i >>> 5] |= 1 << (i & 31);
  return out;
}

/** Keep detections whose bases matched. */
export function sift(match: BitArray, basis: Uint8Array, intensity: Uint8Array, bits: Uint8Array): Sifted {
  const n = match.popcount();
  const detection = new Uint32Array(n);
  const b = new Uint8Array(n);
  const k = new Uint8Array(n);
  const out = new BitArray(n);
  let j = 0;
  for (let i = 0; i < match.length; i++) {
    if (!match.get(i)) continue;
    detection[j] = i;
    b[j] = basis[i];
    k[j] = intensity[i];
    if (bits[i]) out.words[j >>> 5] |= 1 << (j & 31);
    j++;
  }
  return { detection, basis: b, intensity: k, bits: out };
}

/** Counts per (basis, class): index basis * 3 + class; over all sifted bits or at `positions`. */
export function classCounts(s: Sifted, positions?: ArrayLike<number>): number[] {
  const c = new Array<number>(2 * CLASSES).fill(0);
  if (positions) for (let i = 0; i < positions.length; i++) c[s.basis[positions[i]] * CLASSES + s.intensity[positions[i]]]++;
  else for (let i = 0; i < s.basis.length; i++) c[s.basis[i] * CLASSES + s.intensity[i]]++;
  return c;
}

/** Complement of sorted positions in 0..n-1 (the key positions once the sample is removed). */
export function complement(n: number, positions: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(n - positions.length);
  let j = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (p < positions.length && positions[p] === i) p++;
    else out[j++] = i;
  }
  return out;
}

/** Bases whose bits enter privacy amplification [Z, X]: efficient BB84 keys X only. */
export function keyBasesMask(protocol: Protocol): [boolean, boolean] {
  return protocol === 'efficient' ? [false, true] : [true, true];
}

/** Positions (into `keyPositions`' order) of bits whose basis is a key basis; null = all. */
export function keyBitsSelection(s: Sifted, keyPositions: Uint32Array, protocol: Protocol): Uint32Array | null {
  const mask = keyBasesMask(protocol);
  if (mask[0] && mask[1]) return null;
  const sel: number[] = [];
  for (let i = 0; i < keyPositions.length; i++) if (mask[s.basis[keyPositions[i]]]) sel.push(i);
  return Uint32Array.from(sel);
}
