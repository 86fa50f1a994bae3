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
 */
import Database from 'better-sqlite3';
import { createHash, createHmac } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { InputError } from '../core/errors.js';

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

export interface StoredKey {
  keyId: string;
  key: Uint8Array;
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

export interface TakeContext {
  masterSae?: string;
  slaveSae?: string;
  /** Free-form reason, e.g. "enc_keys", "dec_keys", "relay". */
  reason?: string;
}

/** Raised when a link has fewer keys than requested (maps to HTTP 503 / 400). */
export class NotEnoughKeysError extends Error {
  constructor(readonly available: number, readonly requested: number) {
    super(`not enough keys: ${available} available, ${requested} requested`);
    this.name = 'NotEnoughKeysError';
  }
}

/** Raised by takeByIds for key_IDs that are unknown, of another link, or already used. */
export class KeyIdError extends Error {
  constructor(readonly keyId: string, readonly problem: 'unknown' | 'used' | 'wrong-link' | 'wrong-direction') {
    super(`key_ID ${keyId}: ${problem === 'unknown' ? 'unknown key_ID' : problem === 'used' ? 'key already delivered' : problem === 'wrong-link' ? 'key_ID belongs to another SAE pair' : 'key_ID is not redeemable at this site'}`);
    this.name = 'KeyIdError';
  }
}

const SITE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const STATE_AVAILABLE = 0;
const STATE_RESERVED = 1;
const STATE_CONSUMED = 2;
/** Bits at the head of every block used as its ID key (see module doc). */
export const ID_KEY_BITS = 256;

export function checkSiteName(site: string, field = 'site'): void {
  if (typeof site !== 'string' || !SITE_RE.test(site)) {
    throw new InputError(`invalid site name ${JSON.stringify(site)} (letters, digits, _ . -; at most 64)`, { field });
  }
}

/** Canonical id of the link between two sites (order-independent). */
export function linkId(siteA: string, siteB: string): string {
  return siteA < siteB ? `${siteA}~${siteB}` : `${siteB}~${siteA}`;
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** RFC 4122 §4.3 name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const h = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  return formatUuid(Buffer.from(h));
}

/** RFC 9562 version-8 UUID from HMAC-SHA-256(idKey, name), truncated to 128 bits. */
export function keyedUuid(idKey: Uint8Array, name: string): string {
  const h = createHmac('sha256', idKey).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  return formatUuid(Buffer.from(h));
}

/** The key_ID of key `index` of a block (whose ID key is `idKey`): identical at both ends of the link. */
export function deriveKeyId(idKey: Uint8Array, siteA: string, siteB: string, passId: string, blockId: number, index: number, keySizeBits: number): string {
  return keyedUuid(idKey, `${linkId(siteA, siteB)}/${passId}/${blockId}/${index}/${keySizeBits}`);
}

/** The site that serves key `index` of a link through enc_keys (see module doc). */
export function ownerSite(siteA: string, siteB: string, index: number): string {
  const [lo, hi] = siteA < siteB ? [siteA, siteB] : [siteB, siteA];
  return index % 2 === 0 ? lo : hi;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** Extract `bits` bits starting at bit `start` (MSB-first) as ceil(bits/8) bytes. */
function sliceBits(src: Uint8Array, start: number, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits / 8));
  if (start % 8 === 0) {
    out.set(src.subarray(start / 8, start / 8 + out.length));
    return out;
  }
  for (let i = 0; i < bits; i++) {
    const s = start + i;
    const bit = (src[s >> 3] >> (7 - (s & 7))) & 1;
    out[i >> 3] |= bit << (7 - (i & 7));
  }
  return out;
}

interface KeyRow {
  key_id: string;
  material: Buffer | null;
  state: number;
  peer_site: string;
  owner: string;
}

export class KeyStore {
  readonly site: string;
  readonly keySizeBits: number;
  readonly maxKeyCount: number;
  readonly path: string;
  private readonly db: Database.Database;
  private closed = false;
  private readonly stmts = new Map<string, Database.Statement>();
  /** Cached available-key counts by "peer\0owner"; valid while no other connection committed. */
  private readonly counts = new Map<string, number>();
  private countsVersion = -1;

  private constructor(path: string, db: Database.Database, site: string, keySizeBits: number, maxKeyCount: number) {
    this.path = path;
    this.db = db;
    this.site = site;
    this.keySizeBits = keySizeBits;
    this.maxKeyCount = maxKeyCount;
  }

  /**
   * Open (creating if needed) the key store of `site` at `path`. An existing database keeps its
   * site and key size; opening it with a different site or key size is an InputError.
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
    const memory = path === ':memory:';
    if (!memory) {
      // Create the file owner-only before SQLite opens it; SQLite gives -wal/-shm the same mode.
      if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (err) {
      throw new InputError(`cannot open key store: ${(err as Error).message}`, { file: path });
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
      db.pragma('secure_delete = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS blocks (
          pass_id TEXT NOT NULL, block_id INTEGER NOT NULL, peer_site TEXT NOT NULL,
          eps_sec REAL NOT NULL, eps_cor REAL NOT NULL, length_bits INTEGER NOT NULL,
          n_keys INTEGER NOT NULL, created_at TEXT NOT NULL,
          PRIMARY KEY (pass_id, block_id, peer_site));
        CREATE TABLE IF NOT EXISTS keys (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          key_id TEXT NOT NULL UNIQUE,
          pass_id TEXT NOT NULL, block_id INTEGER NOT NULL, peer_site TEXT NOT NULL, idx INTEGER NOT NULL,
          owner TEXT NOT NULL,
          material BLOB,
          state INTEGER NOT NULL DEFAULT 0,
          master_sae TEXT, slave_sae TEXT, reason TEXT, taken_at TEXT);
        CREATE INDEX IF NOT EXISTS keys_avail ON keys (peer_site, owner, state, seq);
      `);
      const get = db.prepare('SELECT v FROM meta WHERE k = ?');
      const put = db.prepare('INSERT INTO meta (k, v) VALUES (?, ?)');
      const storedSite = (get.get('site') as { v: string } | undefined)?.v;
      const storedSize = (get.get('key_size_bits') as { v: string } | undefined)?.v;
      if (storedSite === undefined) {
        db.transaction(() => {
          put.run('site', options.site);
          put.run('key_size_bits', String(wantSize ?? 256));
          put.run('schema', '1');
        })();
      } else if (storedSite !== options.site) {
        throw new InputError(`key store belongs to site "${storedSite}", not "${options.site}"`, { file: path, field: 'site' });
      }
      const size = storedSize !== undefined ? Number(storedSize) : (wantSize ?? 256);
      if (wantSize !== undefined && size !== wantSize) {
        throw new InputError(`key store uses ${size}-bit keys, not ${wantSize}`, { file: path, field: 'keySizeBits' });
      }
      if (!memory) {
        for (const f of [path + '-wal', path + '-shm']) if (existsSync(f)) chmodSync(f, 0o600);
      }
      return new KeyStore(path, db, options.site, size, maxKeys);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Prepared statement, cached by its SQL text. */
  private st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('key store is closed');
  }

  /** Number of keys held (any link, any direction) that are not yet consumed at this site. */
  totalHeldKeys(): number {
    this.ensureOpen();
    return (this.st(`SELECT COUNT(*) AS n FROM keys WHERE state != ${STATE_CONSUMED}`).get() as { n: number }).n;
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
    const nKeys = Math.max(0, Math.floor((bits - ID_KEY_BITS) / size));
    const discardedBits = bits - (nKeys > 0 ? ID_KEY_BITS + nKeys * size : 0);
    const idKey = bits >= ID_KEY_BITS ? sliceBits(key, 0, ID_KEY_BITS) : new Uint8Array(0);
    const keyAt = (i: number): Buffer => Buffer.from(sliceBits(key, ID_KEY_BITS + i * size, size));
    const db = this.db;
    const tx = db.transaction((): AddBlockResult => {
      const existing = this
        .st('SELECT eps_sec, eps_cor, length_bits, n_keys FROM blocks WHERE pass_id = ? AND block_id = ? AND peer_site = ?')
        .get(passId, blockId, peerSite) as { eps_sec: number; eps_cor: number; length_bits: number; n_keys: number } | undefined;
      if (existing) {
        if (existing.length_bits !== bits || existing.eps_sec !== epsSec || existing.eps_cor !== epsCor) {
          throw new InputError(`block ${passId}/${blockId} with ${peerSite} already stored with different length or ε`, { field: 'blockId' });
        }
        const rows = this
          .st('SELECT idx, key_id, material FROM keys WHERE pass_id = ? AND block_id = ? AND peer_site = ?')
          .all(passId, blockId, peerSite) as { idx: number; key_id: string; material: Buffer | null }[];
        for (const r of rows) {
          const same = r.key_id === deriveKeyId(idKey, this.site, peerSite, passId, blockId, r.idx, size) && (r.material === null || keyAt(r.idx).equals(r.material));
          if (!same) {
            throw new InputError(`block ${passId}/${blockId} with ${peerSite} already stored with different key material`, { field: 'key' });
          }
        }
        return { added: false, keys: existing.n_keys, discardedBits };
      }
      const held = (this.st(`SELECT COUNT(*) AS n FROM keys WHERE state != ${STATE_CONSUMED}`).get() as { n: number }).n;
      if (held + nKeys > this.maxKeyCount) {
        throw new InputError(`key store full: holds ${held} keys, block adds ${nKeys}, capacity ${this.maxKeyCount}`, { field: 'maxKeyCount' });
      }
      this.st('INSERT INTO blocks (pass_id, block_id, peer_site, eps_sec, eps_cor, length_bits, n_keys, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        passId, blockId, peerSite, epsSec, epsCor, bits, nKeys, new Date().toISOString(),
      );
      const ins = this.st('INSERT INTO keys (key_id, pass_id, block_id, peer_site, idx, owner, material, state) VALUES (?, ?, ?, ?, ?, ?, ?, 0)');
      for (let i = 0; i < nKeys; i++) {
        const id = deriveKeyId(idKey, this.site, peerSite, passId, blockId, i, size);
        ins.run(id, passId, blockId, peerSite, i, ownerSite(this.site, peerSite, i), keyAt(i));
      }
      idKey.fill(0);
      return { added: true, keys: nKeys, discardedBits };
    });
    return tx.immediate();
  }

  /** Blocks recorded in this store (origin bookkeeping; no key material). */
  blocks(): BlockInfo[] {
    this.ensureOpen();
    const rows = this.st('SELECT * FROM blocks ORDER BY created_at, pass_id, block_id').all() as {
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
    return (this.st('SELECT DISTINCT peer_site FROM blocks ORDER BY peer_site').all() as { peer_site: string }[]).map((r) => r.peer_site);
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
    const v = this.st('PRAGMA data_version').pluck().get() as number;
    if (v !== this.countsVersion) {
      this.counts.clear();
      this.countsVersion = v;
    }
    const k = `${peerSite}\0${owner}`;
    let n = this.counts.get(k);
    if (n === undefined) {
      n = (this.st(`SELECT COUNT(*) AS n FROM keys WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE}`).get(peerSite, owner) as { n: number }).n;
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
   */
  takeForMasterBatch(requests: readonly { peerSite: string; number: number; ctx?: TakeContext }[]): (StoredKey[] | NotEnoughKeysError)[] {
    this.ensureOpen();
    for (const q of requests) {
      if (!Number.isInteger(q.number) || q.number <= 0) throw new InputError(`number must be a positive integer, got ${q.number}`, { field: 'number' });
    }
    const sel = this.st(`SELECT seq, key_id, material FROM keys WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE} ORDER BY seq LIMIT ?`);
    const cnt = this.st(`SELECT COUNT(*) AS n FROM keys WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE}`);
    // The rows a request takes are the first `number` available ones of (peer, owner) in seq order,
    // so one range UPDATE (seq <= last) marks exactly them.
    const upd = this.st(
      `UPDATE keys SET state = ${STATE_CONSUMED}, material = NULL, master_sae = ?, slave_sae = ?, reason = ?, taken_at = ? ` +
        `WHERE peer_site = ? AND owner = ? AND state = ${STATE_AVAILABLE} AND seq <= ?`,
    );
    const tx = this.db.transaction((): (StoredKey[] | NotEnoughKeysError)[] => {
      const now = new Date().toISOString();
      // one SELECT per peer for the whole batch, handed out in request order
      const wanted = new Map<string, number>();
      for (const q of requests) wanted.set(q.peerSite, (wanted.get(q.peerSite) ?? 0) + q.number);
      const pools = new Map<string, { rows: { seq: number; key_id: string; material: Buffer }[]; next: number }>();
      for (const [peer, n] of wanted) pools.set(peer, { rows: sel.all(peer, this.site, n) as { seq: number; key_id: string; material: Buffer }[], next: 0 });
      return requests.map(({ peerSite, number, ctx = {} }) => {
        const pool = pools.get(peerSite) as { rows: { seq: number; key_id: string; material: Buffer }[]; next: number };
        if (pool.rows.length - pool.next < number) {
          return new NotEnoughKeysError((cnt.get(peerSite, this.site) as { n: number }).n, number);
        }
        const rows = pool.rows.slice(pool.next, pool.next + number);
        pool.next += number;
        const res = upd.run(ctx.masterSae ?? null, ctx.slaveSae ?? null, ctx.reason ?? 'enc_keys', now, peerSite, this.site, rows[rows.length - 1].seq);
        if (res.changes !== number) throw new Error('key store: concurrent modification');
        return rows.map((r) => ({ keyId: r.key_id, key: new Uint8Array(r.material) }));
      });
    });
    const out = tx.immediate();
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
   * nothing: any unknown, used, duplicated or foreign key_ID throws KeyIdError and takes nothing.
   */
  takeForSlave(peerSite: string, keyIds: readonly string[], ctx: TakeContext = {}): StoredKey[] {
    this.ensureOpen();
    this.counts.clear();
    const db = this.db;
    const tx = db.transaction((): StoredKey[] => {
      const sel = this.st('SELECT key_id, material, state, peer_site, owner FROM keys WHERE key_id = ?');
      const seen = new Set<string>();
      const rows: KeyRow[] = [];
      for (const id of keyIds) {
        const r = sel.get(id) as KeyRow | undefined;
        if (!r) throw new KeyIdError(id, 'unknown');
        if (r.peer_site !== peerSite) throw new KeyIdError(id, 'wrong-link');
        if (r.owner !== peerSite) throw new KeyIdError(id, 'wrong-direction');
        if (r.state !== STATE_AVAILABLE || seen.has(id)) throw new KeyIdError(id, 'used');
        seen.add(id);
        rows.push(r);
      }
      const upd = this.st(`UPDATE keys SET state = ${STATE_CONSUMED}, material = NULL, master_sae = ?, slave_sae = ?, reason = ?, taken_at = ? WHERE key_id = ? AND state = ${STATE_AVAILABLE}`);
      const now = new Date().toISOString();
      for (const r of rows) {
        if (upd.run(ctx.masterSae ?? null, ctx.slaveSae ?? null, ctx.reason ?? 'dec_keys', now, r.key_id).changes !== 1) {
          throw new KeyIdError(r.key_id, 'used');
        }
      }
      return rows.map((r) => ({ keyId: r.key_id, key: new Uint8Array(r.material as Buffer) }));
    });
    return tx.immediate();
  }

  /**
   * Trusted relay support: mark available keys of a link (either direction) as reserved and return
   * the ids actually reserved, in the given order. Reserved keys are served to nobody until
   * `consumeReserved` (returns and erases them) or `releaseReserved`.
   */
  reserve(peerSite: string, keyIds: readonly string[]): string[] {
    this.ensureOpen();
    this.counts.clear();
    const db = this.db;
    return db.transaction((): string[] => {
      const upd = this.st(`UPDATE keys SET state = ${STATE_RESERVED} WHERE key_id = ? AND peer_site = ? AND state = ${STATE_AVAILABLE}`);
      return keyIds.filter((id) => upd.run(id, peerSite).changes === 1);
    }).immediate();
  }

  /** Ids of up to `limit` available keys of a link (either direction), oldest first. */
  availableIds(peerSite: string, limit: number): string[] {
    this.ensureOpen();
    return (this.st(`SELECT key_id FROM keys WHERE peer_site = ? AND state = ${STATE_AVAILABLE} ORDER BY seq LIMIT ?`).all(peerSite, limit) as { key_id: string }[]).map((r) => r.key_id);
  }

  /** Read reserved keys (in the given order) without consuming them. */
  readReserved(keyIds: readonly string[]): StoredKey[] {
    this.ensureOpen();
    const sel = this.st(`SELECT material FROM keys WHERE key_id = ? AND state = ${STATE_RESERVED}`);
    return keyIds.map((id) => {
      const r = sel.get(id) as { material: Buffer } | undefined;
      if (!r) throw new KeyIdError(id, 'unknown');
      return { keyId: id, key: new Uint8Array(r.material) };
    });
  }

  /**
   * Erase reserved keys (consumed by the relay), optionally adding a block in the same
   * transaction (the relayed key), and release every other reserved key in `release`.
   */
  consumeReserved(keyIds: readonly string[], ctx: TakeContext = {}, addAfter?: AddBlockInput, release: readonly string[] = []): AddBlockResult | undefined {
    this.ensureOpen();
    this.counts.clear();
    const db = this.db;
    return db.transaction((): AddBlockResult | undefined => {
      const upd = this.st(`UPDATE keys SET state = ${STATE_CONSUMED}, material = NULL, reason = ?, taken_at = ? WHERE key_id = ? AND state = ${STATE_RESERVED}`);
      const now = new Date().toISOString();
      for (const id of keyIds) if (upd.run(ctx.reason ?? 'relay', now, id).changes !== 1) throw new KeyIdError(id, 'used');
      const rel = this.st(`UPDATE keys SET state = ${STATE_AVAILABLE} WHERE key_id = ? AND state = ${STATE_RESERVED}`);
      for (const id of release) rel.run(id);
      return addAfter ? this.addBlock(addAfter) : undefined;
    }).immediate();
  }

  /** Put reserved keys back into the available pool. */
  releaseReserved(keyIds: readonly string[]): void {
    this.ensureOpen();
    this.counts.clear();
    const rel = this.st(`UPDATE keys SET state = ${STATE_AVAILABLE} WHERE key_id = ? AND state = ${STATE_RESERVED}`);
    this.db.transaction(() => {
      for (const id of keyIds) rel.run(id);
    }).immediate();
  }

  /** Release every reservation (call at start-up: a relay interrupted by a crash delivered nothing). */
  releaseAllReservations(): number {
    this.ensureOpen();
    this.counts.clear();
    return this.st(`UPDATE keys SET state = ${STATE_AVAILABLE} WHERE state = ${STATE_RESERVED}`).run().changes;
  }

  /** Delivery record of a key (no material): for audits and tests. */
  keyState(keyId: string): { state: 'available' | 'reserved' | 'consumed'; peerSite: string; owner: string; hasMaterial: boolean; masterSae: string | null; slaveSae: string | null; reason: string | null } | undefined {
    this.ensureOpen();
    const r = this.st('SELECT state, peer_site, owner, material IS NOT NULL AS has, master_sae, slave_sae, reason FROM keys WHERE key_id = ?').get(keyId) as
      | { state: number; peer_site: string; owner: string; has: number; master_sae: string | null; slave_sae: string | null; reason: string | null }
      | undefined;
    if (!r) return undefined;
    return {
      state: r.state === STATE_AVAILABLE ? 'available' : r.state === STATE_RESERVED ? 'reserved' : 'consumed',
      peerSite: r.peer_site, owner: r.owner, hasMaterial: r.has === 1, masterSae: r.master_sae, slaveSae: r.slave_sae, reason: r.reason,
    };
  }

  /** All key_IDs with their state (no material): for audits and tests. */
  listKeys(peerSite?: string): { keyId: string; owner: string; state: 'available' | 'reserved' | 'consumed' }[] {
    this.ensureOpen();
    const rows = (peerSite === undefined
      ? this.st('SELECT key_id, owner, state FROM keys ORDER BY seq').all()
      : this.st('SELECT key_id, owner, state FROM keys WHERE peer_site = ? ORDER BY seq').all(peerSite)) as { key_id: string; owner: string; state: number }[];
    return rows.map((r) => ({ keyId: r.key_id, owner: r.owner, state: r.state === STATE_AVAILABLE ? 'available' : r.state === STATE_RESERVED ? 'reserved' : 'consumed' }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
