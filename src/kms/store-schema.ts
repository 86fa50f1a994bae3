/**
 * The key store's SQLite database: file mode, connection settings, schema (versioned
 * migrations) and the site/key-size metadata, set up atomically so that several processes may
 * open a fresh database at once.
 *
 * Tables: `meta` (k → v: site, key_size_bits, schema), `blocks` (one row per stored key block,
 * no material), `keys` (one row per key: key_ID, origin, owner site, material until delivered,
 * state, delivery record), `bindings` (ETSI 014: the slave SAEs allowed to redeem a key and the
 * master it was handed to, as told by the peer site's KME).
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** Values of keys.state. */
export const STATE_AVAILABLE = 0;
export const STATE_RESERVED = 1;
export const STATE_CONSUMED = 2;
/**
 * Stored durably but not yet confirmed by the peer (protocol/commit.ts): served to nobody, counted
 * nowhere, until `confirmBlock` makes the block's keys available or `discardBlock` erases them.
 */
export const STATE_PENDING = 3;

export type KeyStateName = 'available' | 'reserved' | 'consumed' | 'pending';

export function stateName(state: number): KeyStateName {
  return state === STATE_AVAILABLE ? 'available' : state === STATE_RESERVED ? 'reserved' : state === STATE_PENDING ? 'pending' : 'consumed';
}

/** Schema migrations, in order; `meta.schema` holds the version reached. Each must be idempotent. */
const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
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
      CREATE INDEX IF NOT EXISTS keys_avail ON keys (peer_site, owner, state, seq);`,
  },
  {
    // the commit protocol's pending blocks (block-commit.ts) and monotonic counters (pad-ledger.ts)
    version: 2,
    sql: `
      ALTER TABLE blocks ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS pool_refills (
        pass_id TEXT NOT NULL, block_id INTEGER NOT NULL, peer_site TEXT NOT NULL, material BLOB NOT NULL,
        PRIMARY KEY (pass_id, block_id, peer_site));`,
  },
  {
    // ETSI 014 slave binding (bindings.ts): which slave SAE(s) may redeem a key, for which master
    version: 3,
    sql: `
      CREATE TABLE IF NOT EXISTS bindings (
        key_id TEXT NOT NULL, slave_sae TEXT NOT NULL, master_sae TEXT NOT NULL,
        bound_at TEXT NOT NULL, redeemed_at TEXT,
        PRIMARY KEY (key_id, slave_sae));`,
  },
];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export interface OpenDatabaseOptions {
  site: string;
  /** Wanted key size; undefined: the stored one (or 256 for a new store). */
  keySizeBits?: number;
  durability?: 'full' | 'normal';
}

/** An open key-store connection with a cache of prepared statements. */
export class StoreDb {
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database, readonly site: string) {}

  /** Prepared statement, cached by its SQL text. */
  st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Switch to WAL. SQLite returns SQLITE_BUSY at once, without calling the busy handler, when
 * another connection holds the fresh file's lock during its own switch; retry for up to
 * BUSY_TIMEOUT_MS like the busy handler would.
 */
function enableWal(db: Database.Database): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let wait = 1; ; wait = Math.min(2 * wait, 50)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, wait); // synchronous sleep: opening a store is synchronous
    }
  }
}

/**
 * Open (creating if needed) the database at `path` for `site`: owner-only files, WAL, the
 * durability asked for, secure_delete; schema and metadata created or checked in one IMMEDIATE
 * transaction (a second process opening the same fresh file waits for it, then sees its rows).
 * Returns the connection and the store's key size.
 */
export function openStoreDatabase(path: string, options: OpenDatabaseOptions): { db: Database.Database; keySizeBits: number } {
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
    // busy_timeout first: every later statement may meet another process's lock.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    enableWal(db);
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    const wantSize = options.keySizeBits;
    const size = db.transaction((): number => {
      db.exec('CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
      const get = db.prepare('SELECT v FROM meta WHERE k = ?');
      const put = db.prepare('INSERT INTO meta (k, v) VALUES (?, ?)');
      const storedSite = (get.get('site') as { v: string } | undefined)?.v;
      const storedSize = (get.get('key_size_bits') as { v: string } | undefined)?.v;
      const storedSchema = Number((get.get('schema') as { v: string } | undefined)?.v ?? 0);
      if (storedSchema > SCHEMA_VERSION) {
        throw new InputError(`key store has schema version ${storedSchema}; this Mozi knows up to ${SCHEMA_VERSION}`, { file: path, field: 'schema' });
      }
      if (storedSite !== undefined && storedSite !== options.site) {
        throw new InputError(`key store belongs to site "${storedSite}", not "${options.site}"`, { file: path, field: 'site' });
      }
      for (const m of MIGRATIONS) if (m.version > storedSchema || storedSite === undefined) db.exec(m.sql);
      if (storedSite === undefined) {
        put.run('site', options.site);
        put.run('key_size_bits', String(wantSize ?? 256));
        put.run('schema', String(SCHEMA_VERSION));
      } else if (storedSchema < SCHEMA_VERSION) {
        db.prepare("UPDATE meta SET v = ? WHERE k = 'schema'").run(String(SCHEMA_VERSION));
      }
      return storedSize !== undefined ? Number(storedSize) : (wantSize ?? 256);
    }).immediate();
    if (wantSize !== undefined && size !== wantSize) {
      throw new InputError(`key store uses ${size}-bit keys, not ${wantSize}`, { file: path, field: 'keySizeBits' });
    }
    if (!memory) {
      for (const f of [path + '-wal', path + '-shm']) if (existsSync(f)) chmodSync(f, 0o600);
    }
    return { db, keySizeBits: size };
  } catch (err) {
    db.close();
    if (err instanceof Database.SqliteError) throw new InputError(`cannot open key store: ${err.message}`, { file: path });
    throw err;
  }
}

/** The site an existing store belongs to (its meta row); an InputError if the file is not a key store. */
export function siteOf(path: string): string {
  if (path === ':memory:' || !existsSync(path)) throw new InputError('no key store here yet', { file: path });
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const r = db.prepare("SELECT v FROM meta WHERE k = 'site'").get() as { v: string } | undefined;
    if (!r) throw new InputError('not a key store (no site recorded)', { file: path });
    return r.v;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read key store: ${(e as Error).message}`, { file: path });
  } finally {
    db?.close();
  }
}
