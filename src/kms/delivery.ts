/**
 * Key delivery from a site's store (ETSI GS QKD 014 semantics, see keystore.ts): to a master SAE,
 * the oldest available keys this site owns; to a slave SAE, the keys named by key_ID that the
 * peer owns and bound to it (bindings.ts). Each erases the material in the same transaction that
 * returns it. A master request may instead reserve its keys (`mode: 'reserve'`): the KME binds
 * them at the slave site first, then consumes or releases them (reservations.ts).
 */
import { InputError } from '../core/errors.js';
import { redeemBinding } from './bindings.js';
import { KeyIdError, NotEnoughKeysError } from './store-errors.js';
import { STATE_AVAILABLE, STATE_CONSUMED, STATE_RESERVED, type StoreDb } from './store-schema.js';

export interface StoredKey {
  keyId: string;
  key: Uint8Array;
}

export interface TakeContext {
  masterSae?: string;
  slaveSae?: string;
  /** Free-form reason, e.g. "enc_keys", "dec_keys", "relay". */
  reason?: string;
}

export interface MasterRequest {
  peerSite: string;
  number: number;
  ctx?: TakeContext;
}

interface KeyRow {
  key_id: string;
  material: Buffer | null;
  state: number;
  peer_site: string;
  owner: string;
}

type PoolRow = { seq: number; key_id: string; material: Buffer };

/**
 * Serve master requests in order, in one IMMEDIATE transaction: each gets its keys, or a
 * NotEnoughKeysError and nothing.
 */
export function takeForMasterBatch(store: StoreDb, requests: readonly MasterRequest[], mode: 'consume' | 'reserve' = 'consume'): (StoredKey[] | NotEnoughKeysError)[] {
  for (const q of requests) {
    if (!Number.isInteger(q.number) || q.number <= 0) throw new InputError(`number must be a positive integer, got ${q.number}`, { field: 'number' });
  }
  const site = store.site;
  const sel = store.st(`SELECT seq, key_id, material FROM keys WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE} ORDER BY seq LIMIT ?`);
  const cnt = store.st(`SELECT COUNT(*) AS n FROM keys WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE}`);
  // The rows a request takes are the first `number` available ones of (peer, owner) in seq order,
  // so one range UPDATE (seq <= last) marks exactly them.
  const upd = store.st(
    (mode === 'consume' ? `UPDATE keys SET state = ${STATE_CONSUMED}, material = NULL, ` : `UPDATE keys SET state = ${STATE_RESERVED}, `) +
      `master_sae = ?, slave_sae = ?, reason = ?, taken_at = ? WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE} AND seq <= ?`,
  );
  const tx = store.db.transaction((): (StoredKey[] | NotEnoughKeysError)[] => {
    const now = new Date().toISOString();
    // one SELECT per peer for the whole batch, handed out in request order
    const wanted = new Map<string, number>();
    for (const q of requests) wanted.set(q.peerSite, (wanted.get(q.peerSite) ?? 0) + q.number);
    const pools = new Map<string, { rows: PoolRow[]; next: number }>();
    for (const [peer, n] of wanted) pools.set(peer, { rows: sel.all(peer, site, n) as PoolRow[], next: 0 });
    return requests.map(({ peerSite, number, ctx = {} }) => {
      const pool = pools.get(peerSite) as { rows: PoolRow[]; next: number };
      if (pool.rows.length - pool.next < number) {
        return new NotEnoughKeysError((cnt.get(peerSite, site) as { n: number }).n, number);
      }
      const rows = pool.rows.slice(pool.next, pool.next + number);
      pool.next += number;
      const res = upd.run(ctx.masterSae ?? null, ctx.slaveSae ?? null, ctx.reason ?? 'enc_keys', now, peerSite, site, rows[rows.length - 1].seq);
      if (res.changes !== number) throw new Error('key store: concurrent modification');
      return rows.map((r) => ({ keyId: r.key_id, key: new Uint8Array(r.material) }));
    });
  });
  return tx.immediate();
}

/**
 * Hand the keys with the given key_IDs (of the link with `peerSite`, owned by the peer) to the
 * slave SAE `slaveSae` for the master SAE `masterSae`; all or nothing. KeyIdError for any
 * unknown, used, duplicated or foreign key_ID; KeyBindingError when the key is not bound to this
 * (master, slave) pair (bindings.ts). A key bound to several slave SAEs keeps its material until
 * the last of them took it.
 */
export function takeForSlave(store: StoreDb, peerSite: string, keyIds: readonly string[], ctx: TakeContext & { masterSae: string; slaveSae: string }): StoredKey[] {
  const tx = store.db.transaction((): StoredKey[] => {
    const sel = store.st('SELECT key_id, material, state, peer_site, owner FROM keys WHERE key_id = ?');
    const seen = new Set<string>();
    const rows: { row: KeyRow; last: boolean }[] = [];
    for (const id of keyIds) {
      const r = sel.get(id) as KeyRow | undefined;
      if (!r) throw new KeyIdError(id, 'unknown');
      if (r.peer_site !== peerSite) throw new KeyIdError(id, 'wrong-link');
      if (r.owner !== peerSite) throw new KeyIdError(id, 'wrong-direction');
      if (seen.has(id)) throw new KeyIdError(id, 'used');
      const { last } = redeemBinding(store, id, ctx.masterSae, ctx.slaveSae);
      if (r.state !== STATE_AVAILABLE) throw new KeyIdError(id, 'used');
      seen.add(id);
      rows.push({ row: r, last });
    }
    const upd = store.st(`UPDATE keys SET state = ${STATE_CONSUMED}, material = NULL, master_sae = ?, slave_sae = ?, reason = ?, taken_at = ? WHERE key_id = ? AND state = ${STATE_AVAILABLE}`);
    const now = new Date().toISOString();
    for (const { row, last } of rows) {
      if (last && upd.run(ctx.masterSae, ctx.slaveSae, ctx.reason ?? 'dec_keys', now, row.key_id).changes !== 1) {
        throw new KeyIdError(row.key_id, 'used');
      }
    }
    return rows.map(({ row }) => ({ keyId: row.key_id, key: new Uint8Array(row.material as Buffer) }));
  });
  return tx.immediate();
}
