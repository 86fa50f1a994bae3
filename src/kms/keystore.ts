/**
 * One site's key store: SQLite (better-sqlite3, WAL), one database file per site.
 *
 * A distilled key block (from the protocol layer, or from the trusted relay) is cut into: its
 * first 256 bits, the block's *ID key*, never delivered and never stored; then fixed-size keys of
 * `keySizeBits` (the remainder of a block is discarded). Each key gets a keyed name-based UUID
 * (RFC 9562 version 8: HMAC-SHA-256 under the ID key, truncated to 128 bits) of
 *   "<siteA>~<siteB>/<passId>/<blockId>/<index>/<keySizeBits>"   (sites sorted)
 * so both ends of a link derive the same key_IDs without talking to each other, a key_ID handed
 * to an application at one site can be redeemed at the other, and nobody can compute the key_IDs
 * of keys not handed to them (an SAE cannot redeem, at the slave site, a key it was never given,
 * although pass and block numbers are public). The ID key is independent of the delivered keys,
 * so key_IDs reveal nothing about them.
 *
 * Delivery semantics (ETSI GS QKD 014):
 * - Keys of a link are split by direction: key index i is "owned" by the lexicographically
 *   smaller site when i is even, by the larger site when i is odd. The owner site serves the key
 *   to a master SAE (`enc_keys`); the other site serves it to the slave SAE (`dec_keys`, by
 *   key_ID). So two masters at the two ends can never be handed the same key.
 * - Each site erases its own copy of a key (material set to NULL, SQLite `secure_delete`) in the
 *   same transaction that hands it to its application; the key is then `consumed` at that site
 *   and is never delivered again. Once both sites' applications have taken it, it is gone from
 *   both stores. The KMEs never need to tell each other: the master site learns nothing about the
 *   slave's redemption, and the slave site learns the key was taken there by `dec_keys` itself.
 * - The transaction commits before the response is sent. A crash (kill -9) therefore never
 *   delivers a key twice and never loses an undelivered key; a key whose transaction committed
 *   but whose response was never written is consumed (at-most-once delivery).
 * - `durability: 'full'` (default) also survives power loss (`synchronous=FULL`); `'normal'` only
 *   process crashes.
 * The database and its -wal/-shm files are created owner-only (0600). Key material is never
 * logged and never leaves this module except in the return values of the take* methods.
 *
 * The jobs live in their own files: key-ID derivation `key-id.ts`, cutting blocks into keys
 * `block-slicing.ts`, site names and directions `sites.ts`, the SQLite schema and set-up
 * `store-schema.ts`, delivery `delivery.ts`, relay reservations `reservations.ts`. This class
 * validates input, keeps the count cache and ties them together.
 */
import { InputError } from '../core/errors.js';
import { sliceBlock } from './block-slicing.js';
import { takeForMasterBatch, takeForSlave, type StoredKey, type TakeContext } from './delivery.js';
import { bindingOf, bindKeys, type BindingRequest } from './bindings.js';
import { deriveKeyId } from './key-id.js';
import * as reservations from './reservations.js';
import { checkSiteName, ownerSite } from './sites.js';
import { NotEnoughKeysError } from './store-errors.js';
import * as commit from './block-commit.js';
import type { BlockRef } from './block-commit.js';
import { openStoreDatabase, stateName, STATE_AVAILABLE, STATE_CONSUMED, STATE_PENDING, StoreDb, type KeyStateName } from './store-schema.js';

export { ID_KEY_BITS } from './block-slicing.js';
export type { StoredKey, TakeContext } from './delivery.js';
export { deriveKeyId, isUuid, keyedUuid, uuidV5 } from './key-id.js';
export { checkSiteName, linkId, ownerSite } from './sites.js';
export { KeyIdError, NotEnoughKeysError } from './store-errors.js';
export { KeyBindingError, type BindingRequest } from './bindings.js';
export type { BlockRef } from './block-commit.js';

export interface KeyStoreOptions {
  /** This site's name, e.g. "xinglong". Must match the name stored in an existing database. */
  site: string;
  /** Size of every delivered key in bits (multiple of 8). Fixed per database; default 256. */
  keySizeBits?: number;
  /** Capacity in keys (all links, both directions); `addBlock` refuses beyond it. Default 10⁶. */
  maxKeyCount?: number;
  /** 'full' (default): synchronous=FULL; 'normal': survives process crashes only. */
  durability?: 'full' | 'normal';
}

export interface AddBlockInput {
  /** Identifier of the pass (or relay run) the block comes from. */
  passId: string;
  /** Block number within the pass (integer ≥ 0). */
  blockId: number;
  /** The other end of the link (the satellite for a ground station, and vice versa). */
  peerSite: string;
  /** Secrecy failure probability of the block. */
  epsSec: number;
  /** Correctness failure probability of the block. */
  epsCor: number;
  /** Final key bits, packed MSB-first; its length in bits is key.length × 8 unless `bits` given. */
  key: Uint8Array;
  /** Number of valid key bits in `key` (default key.length × 8). */
  bits?: number;
  /**
   * Store the block pending (commit protocol, block-commit.ts): its keys are served to nobody
   * until `confirmBlock`. Default false (deliverable at once: relayed keys, local replays).
   */
  pending?: boolean;
  /** With `pending`: bytes kept with the block until it is confirmed (the auth-pool refill, block-commit.ts). */
  poolMaterial?: Uint8Array;
}

export interface AddBlockResult {
  /** false when the same block was already stored (idempotent re-add). */
  added: boolean;
  /** Number of keys of keySizeBits the block yielded. */
  keys: number;
  /** Bits of the block dropped because they do not fill a whole key. */
  discardedBits: number;
}

export interface BlockInfo {
  passId: string;
  blockId: number;
  peerSite: string;
  epsSec: number;
  epsCor: number;
  lengthBits: number;
  keys: number;
  createdAt: string;
}

export interface LinkStatus {
  site: string;
  peerSite: string;
  keySizeBits: number;
  /** Keys this site may still hand to a master SAE for this link. */
  storedKeyCount: number;
  /** Keys this site still holds for the peer's masters (redeemable with dec_keys). */
  redeemableKeyCount: number;
  maxKeyCount: number;
}

export class KeyStore {
  readonly site: string;
  readonly keySizeBits: number;
  readonly maxKeyCount: number;
  readonly path: string;
  private readonly store: StoreDb;
  private closed = false;
  /** Cached available-key counts by "peer\0owner"; valid while no other connection committed. */
  private readonly counts = new Map<string, number>();
  private countsVersion = -1;

  private constructor(path: string, store: StoreDb, keySizeBits: number, maxKeyCount: number) {
    this.path = path;
    this.store = store;
    this.site = store.site;
    this.keySizeBits = keySizeBits;
    this.maxKeyCount = maxKeyCount;
  }

  /**
   * Open (creating if needed) the key store of `site` at `path`. An existing database keeps its
   * site and key size; opening it with a different site or key size is an InputError. Several
   * processes may open the same fresh path at once.
   */
  static open(path: string, options: KeyStoreOptions): KeyStore {
    checkSiteName(options.site);
    const wantSize = options.keySizeBits;
    if (wantSize !== undefined && (!Number.isInteger(wantSize) || wantSize <= 0 || wantSize % 8 !== 0 || wantSize > 65536)) {
      throw new InputError(`key size must be a positive multiple of 8 bits up to 65536, got ${wantSize}`, { field: 'keySizeBits' });
    }
    const maxKeys = options.maxKeyCount ?? 1_000_000;
    if (!Number.isInteger(maxKeys) || maxKeys <= 0) {
      throw new InputError(`maxKeyCount must be a positive integer, got ${maxKeys}`, { field: 'maxKeyCount' });
    }
    const { db, keySizeBits } = openStoreDatabase(path, { site: options.site, keySizeBits: wantSize, durability: options.durability });
    return new KeyStore(path, new StoreDb(db, options.site), keySizeBits, maxKeys);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('key store is closed');
  }

  /** Number of keys held (any link, any direction) that are not yet consumed at this site. */
  totalHeldKeys(): number {
    this.ensureOpen();
    return (this.store.st(`SELECT COUNT(*) AS n FROM keys WHERE state != ${STATE_CONSUMED}`).get() as { n: number }).n;
  }

  /**
   * Store a distilled key block, cut into keys. Idempotent: adding the same (passId, blockId,
   * peerSite) again with the same parameters and material is a no-op (`added: false`); with a
   * different length, ε or material it is an InputError.
   */
  addBlock(input: AddBlockInput): AddBlockResult {
    this.ensureOpen();
    this.counts.clear();
    const { passId, blockId, peerSite, epsSec, epsCor, key } = input;
    if (typeof passId !== 'string' || passId.length === 0 || passId.length > 200) {
      throw new InputError('passId must be a non-empty string (≤ 200 characters)', { field: 'passId' });
    }
    if (!Number.isInteger(blockId) || blockId < 0) throw new InputError(`blockId must be an integer ≥ 0, got ${blockId}`, { field: 'blockId' });
    checkSiteName(peerSite, 'peerSite');
    if (peerSite === this.site) throw new InputError('peerSite must differ from this site', { field: 'peerSite' });
    for (const [name, v] of [['epsSec', epsSec], ['epsCor', epsCor]] as const) {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new InputError(`${name} must be in [0, 1], got ${v}`, { field: name });
    }
    if (!(key instanceof Uint8Array)) throw new InputError('key must be a Uint8Array', { field: 'key' });
    const bits = input.bits ?? key.length * 8;
    if (!Number.isInteger(bits) || bits < 0 || bits > key.length * 8) {
      throw new InputError(`bits must be an integer in [0, ${key.length * 8}], got ${bits}`, { field: 'bits' });
    }
    const size = this.keySizeBits;
    const { idKey, keyCount: nKeys, discardedBits, keyAt } = sliceBlock(key, bits, size);
    const st = this.store.st.bind(this.store);
    const tx = this.store.db.transaction((): AddBlockResult => {
      const existing = st('SELECT eps_sec, eps_cor, length_bits, n_keys FROM blocks WHERE pass_id = ? AND block_id = ? AND peer_site = ?')
        .get(passId, blockId, peerSite) as { eps_sec: number; eps_cor: number; length_bits: number; n_keys: number } | undefined;
      if (existing) {
        if (existing.length_bits !== bits || existing.eps_sec !== epsSec || existing.eps_cor !== epsCor) {
          throw new InputError(`block ${passId}/${blockId} with ${peerSite} already stored with different length or ε`, { field: 'blockId' });
        }
        const rows = st('SELECT idx, key_id, material FROM keys WHERE pass_id = ? AND block_id = ? AND peer_site = ?')
          .all(passId, blockId, peerSite) as { idx: number; key_id: string; material: Buffer | null }[];
        for (const r of rows) {
          const same = r.key_id === deriveKeyId(idKey, this.site, peerSite, passId, blockId, r.idx, size) && (r.material === null || keyAt(r.idx).equals(r.material));
          if (!same) {
            throw new InputError(`block ${passId}/${blockId} with ${peerSite} already stored with different key material`, { field: 'key' });
          }
        }
        return { added: false, keys: existing.n_keys, discardedBits };
      }
      const held = (st(`SELECT COUNT(*) AS n FROM keys WHERE state != ${STATE_CONSUMED}`).get() as { n: number }).n;
      if (held + nKeys > this.maxKeyCount) {
        throw new InputError(`key store full: holds ${held} keys, block adds ${nKeys}, capacity ${this.maxKeyCount}`, { field: 'maxKeyCount' });
      }
      const pending = input.pending === true;
      st('INSERT INTO blocks (pass_id, block_id, peer_site, eps_sec, eps_cor, length_bits, n_keys, created_at, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        passId, blockId, peerSite, epsSec, epsCor, bits, nKeys, new Date().toISOString(), pending ? 1 : 0,
      );
      const ins = st('INSERT INTO keys (key_id, pass_id, block_id, peer_site, idx, owner, material, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (let i = 0; i < nKeys; i++) {
        const id = deriveKeyId(idKey, this.site, peerSite, passId, blockId, i, size);
        ins.run(id, passId, blockId, peerSite, i, ownerSite(this.site, peerSite, i), keyAt(i), pending ? STATE_PENDING : STATE_AVAILABLE);
      }
      if (pending && input.poolMaterial) commit.putPoolBytes(this.store, { passId, blockId, peerSite }, input.poolMaterial);
      idKey.fill(0);
      return { added: true, keys: nKeys, discardedBits };
    });
    return tx.immediate();
  }

  /** Pending blocks of the link with `peerSite` (commit protocol). */
  pendingBlocks(peerSite: string): BlockRef[] {
    this.ensureOpen();
    return commit.pendingBlocks(this.store, peerSite);
  }

  /** The pool bytes kept with a pending block (undefined when none or confirmed). */
  pendingPoolBytes(ref: BlockRef): Uint8Array | undefined {
    this.ensureOpen();
    return commit.poolBytes(this.store, ref);
  }

  /** Whether the block is stored here in any state. */
  holdsBlock(ref: BlockRef): boolean {
    this.ensureOpen();
    return commit.holdsBlock(this.store, ref);
  }

  /** The peer sites this store holds a confirmed (not pending) block of pass `passId` with. */
  confirmedPassPeers(passId: string): string[] {
    this.ensureOpen();
    return (this.store.st('SELECT DISTINCT peer_site FROM blocks WHERE pass_id = ? AND pending = 0 ORDER BY peer_site').all(passId) as { peer_site: string }[]).map((r) => r.peer_site);
  }

  /** Make a pending block deliverable; false if it was not pending. */
  confirmBlock(ref: BlockRef): boolean {
    this.ensureOpen();
    this.counts.clear();
    return commit.confirmBlock(this.store, ref);
  }

  /** Erase a pending block; false if it was not pending (a confirmed block is never erased here). */
  discardBlock(ref: BlockRef): boolean {
    this.ensureOpen();
    this.counts.clear();
    return commit.discardBlock(this.store, ref);
  }

  /** A monotonic counter kept in the store (0 if never set). */
  counter(name: string): number {
    this.ensureOpen();
    const r = this.store.st('SELECT value FROM counters WHERE name = ?').get(name) as { value: number } | undefined;
    return r?.value ?? 0;
  }

  /** Raise a monotonic counter to `value` (never lowers it); returns the value now stored. */
  raiseCounter(name: string, value: number): number {
    this.ensureOpen();
    this.store.st('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)').run(name, value);
    return this.counter(name);
  }

  /**
   * Keys with their state and material digest input, in key-ID order (no material leaves: the
   * caller hashes). State `pending` for unconfirmed blocks; `delivered` once consumed here.
   */
  keyRows(): { keyId: string; peerSite: string; passId: string; blockId: number; state: KeyStateName; material: Buffer | null }[] {
    this.ensureOpen();
    const rows = this.store.st('SELECT key_id, peer_site, pass_id, block_id, state, material FROM keys ORDER BY key_id').all() as {
      key_id: string; peer_site: string; pass_id: string; block_id: number; state: number; material: Buffer | null;
    }[];
    return rows.map((r) => ({ keyId: r.key_id, peerSite: r.peer_site, passId: r.pass_id, blockId: r.block_id, state: stateName(r.state), material: r.material }));
  }

  /** Blocks recorded in this store (origin bookkeeping; no key material). */
  blocks(): BlockInfo[] {
    this.ensureOpen();
    const rows = this.store.st('SELECT * FROM blocks ORDER BY created_at, pass_id, block_id').all() as {
      pass_id: string; block_id: number; peer_site: string; eps_sec: number; eps_cor: number; length_bits: number; n_keys: number; created_at: string;
    }[];
    return rows.map((r) => ({
      passId: r.pass_id, blockId: r.block_id, peerSite: r.peer_site, epsSec: r.eps_sec, epsCor: r.eps_cor,
      lengthBits: r.length_bits, keys: r.n_keys, createdAt: r.created_at,
    }));
  }

  /** Peer sites this store holds keys with. */
  peers(): string[] {
    this.ensureOpen();
    return (this.store.st('SELECT DISTINCT peer_site FROM blocks ORDER BY peer_site').all() as { peer_site: string }[]).map((r) => r.peer_site);
  }

  status(peerSite: string): LinkStatus {
    this.ensureOpen();
    const count = (owner: string): number => this.availableCount(peerSite, owner);
    return {
      site: this.site,
      peerSite,
      keySizeBits: this.keySizeBits,
      storedKeyCount: Math.min(count(this.site), this.maxKeyCount),
      redeemableKeyCount: count(peerSite),
      maxKeyCount: this.maxKeyCount,
    };
  }

  /** Available keys of (peer, owner); cached, recounted after another process wrote the file. */
  private availableCount(peerSite: string, owner: string): number {
    const v = this.store.st('PRAGMA data_version').pluck().get() as number;
    if (v !== this.countsVersion) {
      this.counts.clear();
      this.countsVersion = v;
    }
    const k = `${peerSite}\0${owner}`;
    let n = this.counts.get(k);
    if (n === undefined) {
      n = (this.store.st(`SELECT COUNT(*) AS n FROM keys WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE}`).get(peerSite, owner) as { n: number }).n;
      this.counts.set(k, n);
    }
    return n;
  }

  /**
   * Hand `number` keys of the link with `peerSite` to a master SAE at this site: picks the oldest
   * available keys this site owns, erases them here and returns them, in one transaction.
   * Throws NotEnoughKeysError (nothing taken) when fewer are available.
   */
  takeForMaster(peerSite: string, number: number, ctx: TakeContext = {}): StoredKey[] {
    const [r] = this.takeForMasterBatch([{ peerSite, number, ctx }]);
    if (r instanceof Error) throw r;
    return r;
  }

  /**
   * Several master requests in one transaction (one commit, one fsync: group commit). Each
   * request gets its keys, or a NotEnoughKeysError and nothing; requests are served in order.
   * `mode: 'reserve'`: the keys are reserved (served to nobody, material kept) instead of erased,
   * for the KME to bind them at the slave site before `consumeReserved` or `releaseReserved`.
   */
  takeForMasterBatch(requests: readonly { peerSite: string; number: number; ctx?: TakeContext }[], mode: 'consume' | 'reserve' = 'consume'): (StoredKey[] | NotEnoughKeysError)[] {
    this.ensureOpen();
    const out = takeForMasterBatch(this.store, requests, mode);
    // committed: keep the cached counts exact without recounting
    out.forEach((r, i) => {
      if (r instanceof NotEnoughKeysError) return;
      const k = `${requests[i].peerSite}\0${this.site}`;
      const n = this.counts.get(k);
      if (n !== undefined) this.counts.set(k, n - r.length);
    });
    return out;
  }

  /**
   * Hand the keys with the given key_IDs (all of the link with `peerSite`, all owned by the peer,
   * i.e. delivered to the peer's master) to a slave SAE at this site; erases them here. All or
   * nothing: any unknown, used, duplicated or foreign key_ID throws KeyIdError, a key not bound to
   * (ctx.masterSae, ctx.slaveSae) KeyBindingError, and nothing is taken.
   */
  takeForSlave(peerSite: string, keyIds: readonly string[], ctx: TakeContext & { masterSae: string; slaveSae: string }): StoredKey[] {
    this.ensureOpen();
    this.counts.clear();
    return takeForSlave(this.store, peerSite, keyIds, ctx);
  }

  /**
   * ETSI 014 slave binding (bindings.ts), told by the KME of `req.peerSite`: which slave SAEs may
   * redeem these keys (owned by the peer) and for which master. Durable when this returns.
   */
  bindKeys(req: BindingRequest): void {
    this.ensureOpen();
    bindKeys(this.store, req);
  }

  /** The binding of a key, if any (audits and tests). */
  bindingOf(keyId: string): ReturnType<typeof bindingOf> {
    this.ensureOpen();
    return bindingOf(this.store, keyId);
  }

  /**
   * Trusted relay support: mark available keys of a link (either direction) as reserved and return
   * the ids actually reserved, in the given order. Reserved keys are served to nobody until
   * `consumeReserved` (returns and erases them) or `releaseReserved`.
   */
  reserve(peerSite: string, keyIds: readonly string[]): string[] {
    this.ensureOpen();
    this.counts.clear();
    return reservations.reserve(this.store, peerSite, keyIds);
  }

  /** Ids of up to `limit` available keys of a link (either direction), oldest first. */
  availableIds(peerSite: string, limit: number): string[] {
    this.ensureOpen();
    return reservations.availableIds(this.store, peerSite, limit);
  }

  /** Read reserved keys (in the given order) without consuming them. */
  readReserved(keyIds: readonly string[]): StoredKey[] {
    this.ensureOpen();
    return reservations.readReserved(this.store, keyIds);
  }

  /**
   * Erase reserved keys (consumed by the relay), optionally adding a block in the same
   * transaction (the relayed key), and release every other reserved key in `release`.
   */
  consumeReserved(keyIds: readonly string[], ctx: TakeContext = {}, addAfter?: AddBlockInput, release: readonly string[] = []): AddBlockResult | undefined {
    this.ensureOpen();
    this.counts.clear();
    return reservations.consumeReserved(this.store, keyIds, ctx, release, () => (addAfter ? this.addBlock(addAfter) : undefined));
  }

  /** Put reserved keys back into the available pool. */
  releaseReserved(keyIds: readonly string[]): void {
    this.ensureOpen();
    this.counts.clear();
    reservations.releaseReserved(this.store, keyIds);
  }

  /** Release every reservation (call at start-up: a relay interrupted by a crash delivered nothing). */
  releaseAllReservations(): number {
    this.ensureOpen();
    this.counts.clear();
    return reservations.releaseAllReservations(this.store);
  }

  /** Delivery record of a key (no material): for audits and tests. */
  keyState(keyId: string): { state: KeyStateName; peerSite: string; owner: string; hasMaterial: boolean; masterSae: string | null; slaveSae: string | null; reason: string | null } | undefined {
    this.ensureOpen();
    const r = this.store.st('SELECT state, peer_site, owner, material IS NOT NULL AS has, master_sae, slave_sae, reason FROM keys WHERE key_id = ?').get(keyId) as
      | { state: number; peer_site: string; owner: string; has: number; master_sae: string | null; slave_sae: string | null; reason: string | null }
      | undefined;
    if (!r) return undefined;
    return {
      state: stateName(r.state),
      peerSite: r.peer_site, owner: r.owner, hasMaterial: r.has === 1, masterSae: r.master_sae, slaveSae: r.slave_sae, reason: r.reason,
    };
  }

  /** All key_IDs with their state (no material): for audits and tests. */
  listKeys(peerSite?: string): { keyId: string; owner: string; state: KeyStateName }[] {
    this.ensureOpen();
    const rows = (peerSite === undefined
      ? this.store.st('SELECT key_id, owner, state FROM keys ORDER BY seq').all()
      : this.store.st('SELECT key_id, owner, state FROM keys WHERE peer_site = ? ORDER BY seq').all(peerSite)) as { key_id: string; owner: string; state: number }[];
    return rows.map((r) => ({ keyId: r.key_id, owner: r.owner, state: stateName(r.state) }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.store.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.store.db.close();
    }
  }
}
