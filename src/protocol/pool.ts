/**
 * Carrying the authentication key pool from run to run (DESIGN.md, "Classical channel"): the pool
 * starts from the pre-shared secret and is refilled from distilled key. A run's sink hands the
 * first bits of the final key to the pool (the same bits on both sides: a fresh hash key for the next
 * run, then pads) and stores the rest; the
 * caller then saves `pool.toState()`, which holds only unused pads, so no pad is ever reused.
 */
import type { KeyPool } from '../postprocess/auth.js';
import type { KeySink, StoredBlock } from './types.js';

/** Most key bits one run moves into the pool (16 KiB: ~2,000 authenticated frames). */
export const MAX_REFILL_BITS = 131_072;

/**
 * Pad bits a final key of `keyBits` bits gives back to the pool (plus 64 bits for the next hash
 * key when positive): at most half the key and at
 * most MAX_REFILL_BITS, in whole 128-bit units (one 64-bit pad per direction). A function of the
 * key length only, so both parties cut the same bits and a rerun with the same seed stores the
 * same key.
 */
export function refillBits(keyBits: number): number {
  return Math.max(0, Math.min(MAX_REFILL_BITS, Math.floor(keyBits / 2 / 128) * 128));
}

/** A sink that first refills the pool from the block's key, then stores the rest. */
export function refillingSink(inner: KeySink, pool: KeyPool): KeySink & { refilledBits: () => number } {
  let refilled = 0;
  return {
    refilledBits: () => refilled,
    async store(block: StoredBlock) {
      const r = refillBits(block.key.length);
      // the first 64 bits become the next run's hash key, the next r bits pads
      const taken = r > 0 ? 64 + r : 0;
      if (r > 0) {
        pool.rekey(block.key.slice(0, 64).toBytes());
        pool.refill(block.key.slice(64, taken).toBytes());
      }
      refilled += r;
      const rest: StoredBlock = { ...block, key: taken > 0 ? block.key.slice(taken) : block.key };
      if (rest.key.length > 0) await inner.store(rest);
    },
  };
}
