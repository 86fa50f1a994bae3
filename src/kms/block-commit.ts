/**
 * The key store's side of the commit protocol for final keys (protocol/commit.ts, DESIGN.md
 * "Commit protocol"): a block is first stored *pending* (its keys in state STATE_PENDING, served to
 * nobody), then either confirmed (keys become available) once the peer is known to hold the block
 * durably, or discarded (rows deleted, material erased by secure_delete) when the peer does not
 * hold it. Each step is one SQLite transaction.
 */
import { STATE_AVAILABLE, STATE_PENDING, type StoreDb } from './store-schema.js';

/** A block of a link, as the commit protocol names it. */
export interface BlockRef {
  passId: string;
  blockId: number;
  peerSite: string;
}

/** Pending blocks of the link with `peerSite`, oldest first. */
export function pendingBlocks(store: StoreDb, peerSite: string): BlockRef[] {
  const rows = store
    .st(`SELECT DISTINCT b.pass_id, b.block_id, b.created_at FROM blocks b JOIN keys k ON k.pass_id = b.pass_id AND k.block_id = b.block_id AND k.peer_site = b.peer_site
         WHERE b.peer_site = ? AND k.state = ${STATE_PENDING} ORDER BY b.created_at, b.pass_id, b.block_id`)
    .all(peerSite) as { pass_id: string; block_id: number }[];
  const empty = store
    .st("SELECT pass_id, block_id FROM blocks WHERE peer_site = ? AND pending = 1 AND n_keys = 0 ORDER BY created_at")
    .all(peerSite) as { pass_id: string; block_id: number }[];
  return [...rows, ...empty].map((r) => ({ passId: r.pass_id, blockId: r.block_id, peerSite }));
}

/** Whether the block is stored here (pending or confirmed, delivered or not). */
export function holdsBlock(store: StoreDb, ref: BlockRef): boolean {
  return store.st('SELECT 1 FROM blocks WHERE pass_id = ? AND block_id = ? AND peer_site = ?').get(ref.passId, ref.blockId, ref.peerSite) !== undefined;
}

/** Whether the block is stored here and still pending. */
export function isPending(store: StoreDb, ref: BlockRef): boolean {
  const r = store.st('SELECT pending FROM blocks WHERE pass_id = ? AND block_id = ? AND peer_site = ?').get(ref.passId, ref.blockId, ref.peerSite) as
    | { pending: number }
    | undefined;
  return r?.pending === 1;
}

/** Make a pending block's keys available; false if the block was not pending. */
export function confirmBlock(store: StoreDb, ref: BlockRef): boolean {
  return store.db.transaction(() => {
    const r = store.st('UPDATE blocks SET pending = 0 WHERE pass_id = ? AND block_id = ? AND peer_site = ? AND pending = 1').run(ref.passId, ref.blockId, ref.peerSite);
    store.st(`UPDATE keys SET state = ${STATE_AVAILABLE} WHERE pass_id = ? AND block_id = ? AND peer_site = ? AND state = ${STATE_PENDING}`).run(ref.passId, ref.blockId, ref.peerSite);
    store.st('DELETE FROM pool_refills WHERE pass_id = ? AND block_id = ? AND peer_site = ?').run(ref.passId, ref.blockId, ref.peerSite);
    return r.changes > 0;
  }).immediate();
}

/** Erase a pending block (never a confirmed one); false if it was not pending. */
export function discardBlock(store: StoreDb, ref: BlockRef): boolean {
  return store.db.transaction(() => {
    if (!isPending(store, ref)) return false;
    store.st('DELETE FROM keys WHERE pass_id = ? AND block_id = ? AND peer_site = ?').run(ref.passId, ref.blockId, ref.peerSite);
    store.st('DELETE FROM blocks WHERE pass_id = ? AND block_id = ? AND peer_site = ?').run(ref.passId, ref.blockId, ref.peerSite);
    store.st('DELETE FROM pool_refills WHERE pass_id = ? AND block_id = ? AND peer_site = ?').run(ref.passId, ref.blockId, ref.peerSite);
    return true;
  }).immediate();
}

/** Keep the authentication-pool part of a pending block with it (inside addBlock's transaction). */
export function putPoolBytes(store: StoreDb, ref: BlockRef, material: Uint8Array): void {
  store.st('INSERT OR REPLACE INTO pool_refills (pass_id, block_id, peer_site, material) VALUES (?, ?, ?, ?)').run(ref.passId, ref.blockId, ref.peerSite, Buffer.from(material));
}

/** The authentication-pool part kept with a pending block, if any. */
export function poolBytes(store: StoreDb, ref: BlockRef): Uint8Array | undefined {
  const r = store.st('SELECT material FROM pool_refills WHERE pass_id = ? AND block_id = ? AND peer_site = ?').get(ref.passId, ref.blockId, ref.peerSite) as
    | { material: Buffer }
    | undefined;
  return r ? new Uint8Array(r.material) : undefined;
}
