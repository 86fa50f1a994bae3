/**
 * ETSI GS QKD 014 slave binding at the slave site's store: which slave SAE(s) may redeem a key
 * with `dec_keys`, and for which master SAE. The master site's KME hands a key to a master SAE
 * only after the slave site's KME stored the binding (server/kme-link.ts), so the binding is
 * in this store, durably (same SQLite transaction discipline as the keys), before the master SAE
 * can pass the key_ID on.
 *
 * Rules (GS QKD 014 V1.1.1 §5.2–5.4: the Key request names `slave_SAE_ID` in the path and
 * optionally `additional_slave_SAE_IDs`; Get key with key IDs is called by a slave SAE with the
 * master's `master_SAE_ID` in the path; an unauthorised caller gets 401):
 * - a key may be bound only by the KME of the site that owns it (served it to a master), while
 *   it is not yet redeemed here; a new binding of the same key replaces the old one (a master
 *   KME that crashed between binding and handing out releases the key and binds it again);
 * - `dec_keys` of a bound key succeeds only for a bound slave SAE and the bound master; each bound
 *   slave SAE redeems it once; the material is erased when the last bound slave SAE took it;
 * - a key with no binding was never handed to any master: nobody may redeem it (401).
 */
import { KeyIdError } from './store-errors.js';
import { STATE_AVAILABLE, STATE_PENDING, type StoreDb } from './store-schema.js';

/** A dec_keys caller not allowed by the key's binding (maps to HTTP 401). */
export class KeyBindingError extends Error {
  constructor(readonly keyId: string, readonly problem: 'unbound' | 'wrong-slave' | 'wrong-master') {
    super(
      `key_ID ${keyId}: ${problem === 'unbound' ? 'not issued to any master SAE' : problem === 'wrong-slave' ? 'the calling SAE is not a slave SAE of this key' : 'master_SAE_ID is not the master SAE of this key'}`,
    );
    this.name = 'KeyBindingError';
  }
}

export interface BindingRequest {
  /** The site whose KME binds (it owns the keys and served them to its master SAE). */
  peerSite: string;
  masterSae: string;
  /** slave_SAE_ID first, then additional_slave_SAE_IDs. */
  slaveSaes: readonly string[];
  keyIds: readonly string[];
}

interface KeyRow {
  peer_site: string;
  owner: string;
  state: number;
}

/** Store the binding of every key (all or nothing; KeyIdError for an unknown, foreign or redeemed key). */
export function bindKeys(store: StoreDb, req: BindingRequest): void {
  store.db.transaction(() => {
    const sel = store.st('SELECT peer_site, owner, state FROM keys WHERE key_id = ?');
    const redeemed = store.st('SELECT COUNT(*) AS n FROM bindings WHERE key_id = ? AND redeemed_at IS NOT NULL');
    const del = store.st('DELETE FROM bindings WHERE key_id = ?');
    const ins = store.st('INSERT INTO bindings (key_id, slave_sae, master_sae, bound_at) VALUES (?, ?, ?, ?)');
    const now = new Date().toISOString();
    for (const id of req.keyIds) {
      const r = sel.get(id) as KeyRow | undefined;
      if (!r) throw new KeyIdError(id, 'unknown');
      if (r.peer_site !== req.peerSite) throw new KeyIdError(id, 'wrong-link');
      if (r.owner !== req.peerSite) throw new KeyIdError(id, 'wrong-direction');
      if ((r.state !== STATE_AVAILABLE && r.state !== STATE_PENDING) || (redeemed.get(id) as { n: number }).n > 0) throw new KeyIdError(id, 'used');
      del.run(id);
      for (const sae of new Set(req.slaveSaes)) ins.run(id, sae, req.masterSae, now);
    }
  }).immediate();
}

export interface BindingCheck {
  /** Whether this redemption is the last bound slave SAE's (then the material is erased). */
  last: boolean;
}

/**
 * Inside the caller's transaction: check that `slaveSae` may redeem `keyId` for `masterSae` and
 * record the redemption. Throws KeyBindingError (401) or KeyIdError 'used' (400, this slave
 * SAE already redeemed it).
 */
export function redeemBinding(store: StoreDb, keyId: string, masterSae: string, slaveSae: string): BindingCheck {
  const rows = store.st('SELECT slave_sae, master_sae, redeemed_at FROM bindings WHERE key_id = ?').all(keyId) as { slave_sae: string; master_sae: string; redeemed_at: string | null }[];
  if (rows.length === 0) throw new KeyBindingError(keyId, 'unbound');
  const mine = rows.find((r) => r.slave_sae === slaveSae);
  if (!mine) throw new KeyBindingError(keyId, 'wrong-slave');
  if (mine.master_sae !== masterSae) throw new KeyBindingError(keyId, 'wrong-master');
  if (mine.redeemed_at !== null) throw new KeyIdError(keyId, 'used');
  store.st('UPDATE bindings SET redeemed_at = ? WHERE key_id = ? AND slave_sae = ?').run(new Date().toISOString(), keyId, slaveSae);
  return { last: rows.every((r) => r.slave_sae === slaveSae || r.redeemed_at !== null) };
}

/** The binding of a key (for audits and tests): master and slave SAEs with their redemption times. */
export function bindingOf(store: StoreDb, keyId: string): { masterSae: string; slaves: { sae: string; redeemedAt: string | null }[] } | undefined {
  const rows = store.st('SELECT slave_sae, master_sae, redeemed_at FROM bindings WHERE key_id = ? ORDER BY slave_sae').all(keyId) as { slave_sae: string; master_sae: string; redeemed_at: string | null }[];
  if (rows.length === 0) return undefined;
  return { masterSae: rows[0].master_sae, slaves: rows.map((r) => ({ sae: r.slave_sae, redeemedAt: r.redeemed_at })) };
}
