/**
 * Carrying the authentication key pool from run to run (DESIGN.md, "Classical channel"): the pool
 * starts from the pre-shared secret and is refilled from distilled key. A run's sink hands the
 * first bits of the final key to the pool (the same bits on both sides) and stores the rest; the
 * caller then saves `pool.toState()`, which holds only unused pads, so no pad is ever reused.
 */
import type { KeyPool } from '../postprocess/auth.js';
import type { KeySink, StoredBlock } from './types.js';

/** Most key bits one run moves into the pool (16 KiB: ~2,000 authenticated frames). */
export const MAX_REFILL_BITS = 131_072;

/**
 * Bits of a final key of `keyBits` bits that go back into the pool: at most half the key and at
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
      if (r > 0) pool.refill(block.key.slice(0, r).toBytes());
      refilled += r;
      const rest: StoredBlock = { ...block, key: r > 0 ? block.key.slice(r) : block.key };
      if (rest.key.length > 0) await inner.store(rest);
    },
  };
}
