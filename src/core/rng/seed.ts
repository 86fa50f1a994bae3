/**
 * 256-bit seeds: parsing from hex, deriving from a small integer (`--seed N`) and deriving
 * independent sub-keys with ChaCha20 (RFC 8439) so one user seed gives independent streams.
 */
import { InputError } from '../errors.js';
import { bytesToWordsLE, chacha20Block, wordsToBytesLE } from './chacha20.js';

/** A 256-bit seed as 8 little-endian uint32 words. */
export type Seed256 = Uint32Array;

/** Parse a 64-hex-digit seed (bytes in order, little-endian words). */
export function seedFromHex(hex: string, field = 'seed'): Seed256 {
  const h = hex.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{64}$/.test(h)) throw new InputError('a 256-bit seed must be 64 hex digits', { field });
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return bytesToWordsLE(bytes);
}

export function seedToHex(seed: Seed256): string {
  return Array.from(wordsToBytesLE(seed), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A 256-bit seed from a non-negative integer (`--seed N`): words 0–1 hold N, the rest zero. */
export function seedFromInteger(n: number, field = 'seed'): Seed256 {
  if (!Number.isSafeInteger(n) || n < 0) throw new InputError('seed must be a non-negative integer', { field });
  const s = new Uint32Array(8);
  s[0] = n % 4294967296;
  s[1] = Math.floor(n / 4294967296);
  return s;
}

/** ASCII label → 3 nonce words (first 12 bytes, zero-padded). */
function labelNonce(label: string): Uint32Array {
  const bytes = new Uint8Array(12);
  for (let i = 0; i < Math.min(12, label.length); i++) bytes[i] = label.charCodeAt(i) & 0xff;
  return bytesToWordsLE(bytes);
}

/**
 * Derive an independent 256-bit key from `seed` for the purpose named by `label` (≤ 12 ASCII
 * characters): the first 8 words of ChaCha20(key = seed, counter 0, nonce = label).
 */
export function deriveSeed(seed: Seed256, label: string): Seed256 {
  return chacha20Block(seed, 0, labelNonce(label)).slice(0, 8);
}

/**
 * The `index`-th independent 256-bit key of purpose `label` (≤ 12 ASCII characters): the first 8
 * words of ChaCha20(key = seed, counter = index, nonce = label). Counter-based, so the key of a
 * piece of work (a simulation segment) depends only on its index, not on who computes it or in
 * which order. Index 0 is `deriveSeed(seed, label)`.
 */
export function deriveSeedAt(seed: Seed256, label: string, index: number): Seed256 {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError(`key index must be a 32-bit unsigned integer, got ${index}`);
  return chacha20Block(seed, index, labelNonce(label)).slice(0, 8);
}
