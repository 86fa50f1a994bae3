/**
 * Trusted-relay reservations in a site's store: keys of a link set aside (served to nobody)
 * while the relay combines them, then consumed (erased, optionally with the relayed block added
 * in the same transaction) or released.
 */
import { KeyIdError } from './store-errors.js';
import type { StoredKey, TakeContext } from './delivery.js';
import { STATE_AVAILABLE, STATE_CONSUMED, STATE_RESERVED, type StoreDb } from './store-schema.js';

/** Reserve available keys of a link (either direction) not bound to a slave SAE (bindings.ts); returns the ids actually reserved, in order. */
export function reserve(store: StoreDb, peerSite: string, keyIds: readonly string[]): string[] {
  return store.db.transaction((): string[] => {
    const upd = store.st(`UPDATE keys SET state = ${STATE_RESERVED} WHERE key_id = ? AND peer_site = ? AND state = ${STATE_AVAILABLE} AND key_id NOT IN (SELECT key_id FROM bindings)`);
    return keyIds.filter((id) => upd.run(id, peerSite).changes === 1);
  }).immediate();
}

/** Ids of up to `limit` available, unbound keys of a link (either direction), oldest first. */
export function availableIds(store: StoreDb, peerSite: string, limit: number): string[] {
  return (store.st(`SELECT key_id FROM keys WHERE peer_site = ? AND state = ${STATE_AVAILABLE} AND key_id NOT IN (SELECT key_id FROM bindings) ORDER BY seq LIMIT ?`).all(peerSite, limit) as { key_id: string }[]).map((r) => r.key_id);
}

/** Reserved keys (in the given order), not consumed. */
export function readReserved(store: StoreDb, keyIds: readonly string[]): StoredKey[] {
  const sel = store.st(`SELECT material FROM keys WHERE key_id = ? AND state = ${STATE_RESERVED}`);
  return keyIds.map((id) => {
    const r = sel.get(id) as { material: Buffer } | undefined;
    if (!r) throw new KeyIdError(id, 'unknown');
    return { keyId: id, key: new Uint8Array(r.material) };
  });
}

/**
 * Erase reserved keys, run `then` (e.g. add the relayed block) and release the reserved keys in
 * `release`, all in one IMMEDIATE transaction.
 */
export function consumeReserved<T>(store: StoreDb, keyIds: readonly string[], ctx: TakeContext, release: readonly string[], then: () => T): T {
  return store.db.transaction((): T => {
    const upd = store.st(`UPDATE keys SET state = ${STATE_CONSUMED}, material = NULL, reason = ?, taken_at = ? WHERE key_id = ? AND state = ${STATE_RESERVED}`);
    const now = new Date().toISOString();
    for (const id of keyIds) if (upd.run(ctx.reason ?? 'relay', now, id).changes !== 1) throw new KeyIdError(id, 'used');
    const rel = store.st(`UPDATE keys SET state = ${STATE_AVAILABLE} WHERE key_id = ? AND state = ${STATE_RESERVED}`);
    for (const id of release) rel.run(id);
    return then();
  }).immediate();
}

/** Put reserved keys back into the available pool. */
export function releaseReserved(store: StoreDb, keyIds: readonly string[]): void {
  const rel = store.st(`UPDATE keys SET state = ${STATE_AVAILABLE} WHERE key_id = ? AND state = ${STATE_RESERVED}`);
  store.db.transaction(() => {
    for (const id of keyIds) rel.run(id);
  }).immediate();
}

/** Release every reservation (at start-up: a relay interrupted by a crash delivered nothing). */
export function releaseAllReservations(store: StoreDb): number {
  return store.st(`UPDATE keys SET state = ${STATE_AVAILABLE} WHERE state = ${STATE_RESERVED}`).run().changes;
}
