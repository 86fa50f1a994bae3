/**
 * What `mozi satellite` and `mozi ground` open before any quantum data are processed: the site's
 * key store (checked: folder exists, file is a key store of this site) and the authentication
 * pool bound to durable pad accounting (kms/pad-ledger.ts), and the sink the protocol's commit
 * protocol stores into.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { KeyStore } from '../kms/keystore.js';
import { bindPadLedger, type PadLedger } from '../kms/pad-ledger.js';
import { keyStoreSink, type KeyStoreSink } from '../kms/sink.js';
import { refillingSink } from '../protocol/pool.js';
import type { KeySink } from '../protocol/types.js';
import { log } from './output.js';
import type { KeyPool } from '../postprocess/auth.js';

/** The authentication key pool of a party and where it is kept between runs. */
export interface PskPool {
  pool: KeyPool;
  /** The --psk file the pool state is saved back to (durably, at every reservation; none for the demo secret). */
  file?: string;
}

/** Open the key store at `file` for `site`; every failure is an InputError naming the file. */
export function openPartyStore(file: string, site: string): KeyStore {
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`folder ${dir} does not exist`, { file, field: '--keys' });
  try {
    return KeyStore.open(file, { site });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot open key store: ${(e as Error).message}`, { file, field: '--keys' });
  }
}

export interface PartyStores {
  store: KeyStore;
  sink: KeySink & { refilledBits: () => number };
  keys: KeyStoreSink;
  ledger?: PadLedger;
  /** Save the pool (durably) and close the store. */
  close(): void;
}

/**
 * The store, the durable pool and the refilling commit sink of one party. `passId`: refused at
 * start when the store already holds a confirmed block of that pass (a pass is distilled once;
 * before, the run went through the whole pass and failed only at storing). Pending blocks of it
 * do not count: the session's recovery resolves them.
 */
export function openPartyStores(keysFile: string, site: string, psk: PskPool, role: 'alice' | 'bob', who: string, passId?: string): PartyStores {
  const store = openPartyStore(keysFile, site);
  try {
    const peers = passId === undefined ? [] : store.confirmedPassPeers(passId);
    if (peers.length > 0) {
      throw new InputError(`this key store already holds pass ${passId} (with ${peers.join(', ')}); a pass is distilled once — give another --keys file or another pass`, { file: keysFile, field: '--keys' });
    }
    const ledger = psk.file ? bindPadLedger(psk.pool, psk.file, store, role, process.env.MOZI_PAD_LOG) : undefined;
    const keys = keyStoreSink(store);
    const sink = refillingSink(keys, psk.pool, () => ledger?.save());
    return {
      store,
      sink,
      keys,
      ledger,
      close() {
        try {
          ledger?.save();
          if (!ledger && sink.refilledBits() > 0) log(`${who}: warning: no --psk given, the ${sink.refilledBits()} refilled pool bits are not kept`);
        } finally {
          store.close();
        }
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
