/**
 * Durable pad accounting (DESIGN.md, "Pad accounting"): the --psk pool file is rewritten
 * durably (temporary file, fsync, rename, fsync of the folder) each time the pool reserves a
 * new batch of one-time pads (KeyPool.setDurability, doubling batches), always *before* a tag
 * using a pad of that batch leaves the process. After kill -9 the next run starts past every pad
 * that may have been used; the peer skips the gap at the authenticated SYNC, so no
 * re-provisioning is needed.
 *
 * Rollback: the key store keeps, per pool, a monotonic counter of the reserved outgoing pad
 * index (`counters` table), keyed by the pool's lineage (a hash of the raw pre-shared secret it was
 * provisioned from, carried in every saved state: KeyPool.lineage), so copying or moving the file
 * does not escape it. A pool whose next outgoing index lies below it was restored from an earlier
 * state (or is the same raw secret provisioned again) and would reuse pads: it is refused. Pool
 * states saved before lineages existed (MZPOOL01/02) are keyed by the file's absolute path.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Direction, KeyPool } from '../postprocess/auth.js';
import type { KeyStore } from './keystore.js';

/** Write `bytes` to `file` atomically and durably, owner-only. */
export function writeFileDurably(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dfd = openSync(dirname(file), 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** The store counter of a pool's outgoing pads: by its lineage, else (an old state) by the file's absolute path. */
export function padCounterName(pskFile: string, dir: Direction, lineage: Uint8Array | null = null): string {
  return lineage ? `pad-reserved:lineage:${Buffer.from(lineage).toString('hex')}:${dir}` : `pad-reserved:${resolve(pskFile)}:${dir}`;
}

export interface PadLedger {
  /** Save the pool now (durably; raises the counter). */
  save(): void;
}

/**
 * Bind a pool loaded from `pskFile` to durable accounting: refuse a rolled-back pool, then save
 * the pool durably (and raise the store's counter) at every new reservation. `padLog`: append
 * "role dir index tag" for every tag sent (fault-injection audits: a pad index must never carry
 * two different tags).
 */
export function bindPadLedger(pool: KeyPool, pskFile: string, store: KeyStore, role: 'alice' | 'bob', padLog?: string): PadLedger {
  const out: Direction = role === 'alice' ? 'a2b' : 'b2a';
  const name = padCounterName(pskFile, out, pool.lineage);
  const recorded = store.counter(name);
  const next = pool.nextIndex(out);
  if (next < recorded) {
    throw new InputError(
      `pool state rolled back: its next outgoing pad (${out}) is ${next}, but this key store recorded pads up to ${recorded} as used; a restored pool would reuse one-time pads — provision a new pre-shared secret`,
      { file: pskFile, field: '--psk' },
    );
  }
  const save = () => {
    writeFileDurably(pskFile, pool.toState());
    store.raiseCounter(name, pool.reservedIndex(out));
  };
  pool.setDurability(save, 16, padLog ? (dir, index, tag) => appendFileSync(padLog, `${role} ${dir} ${index} ${Buffer.from(tag).toString('hex')}\n`) : undefined);
  return { save };
}
