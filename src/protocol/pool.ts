/**
 * Carrying the authentication key pool from run to run (DESIGN.md, "Classical channel"): the pool
 * starts from the pre-shared secret and is refilled from distilled key. A run's sink hands the
 * first bits of the final key to the pool (the same bits on both sides: a fresh hash key for the next
 * run, then pads) and stores the rest; the
 * caller then saves `pool.toState()`, which holds only unused pads, so no pad is ever reused.
 */
import type { KeyPool } from '../postprocess/auth.js';
import type { BlockRef, CommitPort, KeySink, StoredBlock } from './types.js';

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

/** The name a block's refill is applied under (KeyPool.applyRefill), the same on both sides. */
export function refillName(ref: BlockRef): string {
  return `${ref.passId}/${ref.blockId}`;
}

/**
 * A sink that first refills the pool from the block's key, then stores the rest. With a commit
 * port underneath (protocol/commit.ts) the refill part is stored with the pending block and
 * applied to the pool only on confirmation — live or in the next session's recovery — once per
 * block (by name), then `onPoolChanged` saves the pool durably before the block is confirmed in
 * the store; so both pools take the same refills whatever crashes in between.
 */
export function refillingSink(inner: KeySink, pool: KeyPool, onPoolChanged: () => void = () => undefined): KeySink & { refilledBits: () => number } {
  let refilled = 0;
  const split = (block: StoredBlock) => {
    const r = refillBits(block.key.length);
    // the first 64 bits become the next run's hash key, the next r bits pads
    const taken = r > 0 ? 64 + r : 0;
    return { r, pool: taken > 0 ? block.key.slice(0, taken).toBytes() : undefined, rest: { ...block, key: taken > 0 ? block.key.slice(taken) : block.key } };
  };
  const port = inner.commit;
  const commit: CommitPort | undefined = port && {
    storePending: (block) => {
      const { pool: bytes, rest } = split(block);
      return port.storePending(rest, bytes);
    },
    async confirm(ref) {
      const bytes = port.pendingPoolBytes(ref);
      if (bytes && pool.applyRefill(refillName(ref), bytes)) {
        refilled += (bytes.length - 8) * 8;
        onPoolChanged();
      }
      await port.confirm(ref);
    },
    discard: (ref) => port.discard(ref),
    pending: (peer) => port.pending(peer),
    holds: (ref) => port.holds(ref),
    pendingPoolBytes: (ref) => port.pendingPoolBytes(ref),
  };
  return {
    refilledBits: () => refilled,
    ...(commit ? { commit } : {}),
    async store(block: StoredBlock) {
      const { r, pool: bytes, rest } = split(block);
      if (bytes) pool.applyRefill(refillName(block), bytes);
      refilled += r;
      if (rest.key.length > 0) await inner.store(rest);
    },
  };
}
