/**
 * The key sinks: kms/'s implementations of the protocol's `KeySink` port (protocol/types.ts).
 * A distilled block goes into the site's key store (kms/keystore.ts, SQLite), or into a plain file
 * for tools without a store. The protocol calls a sink only when the whole block succeeded.
 * Bits are packed MSB-first (bit 0 of the key = bit 7 of byte 0), as the key store expects, so a
 * satellite and a ground station store identical keys.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { BitArray } from '../core/bits.js';
import { InputError } from '../core/errors.js';
import type { BlockRef, CommitPort, KeySink, StoredBlock } from '../protocol/types.js';
import { siteOf } from './store-schema.js';
import { KeyStore } from './keystore.js';

/** Key bits packed MSB-first (bit 0 of the key = bit 7 of byte 0), as the key store expects. */
export function packMsbFirst(key: BitArray): Uint8Array {
  const out = new Uint8Array((key.length + 7) >>> 3);
  for (let i = 0; i < key.length; i++) if (key.get(i)) out[i >>> 3] |= 0x80 >>> (i & 7);
  return out;
}

export interface KeyStoreSink extends KeySink {
  /** What the last block gave: ETSI keys cut from it and bits left over. */
  stored: { keys: number; discardedBits: number } | null;
}

/**
 * Store blocks in a key store: an open `KeyStore` (kept open; a block of another site is refused),
 * or the path of one, opened per block for the block's site and closed right after.
 */
export function keyStoreSink(target: KeyStore | string, opts: { keySizeBits?: number } = {}): KeyStoreSink {
  const add = (store: KeyStore, b: StoredBlock) =>
    store.addBlock({
      passId: b.passId,
      blockId: b.blockId,
      peerSite: b.peerSite,
      epsSec: b.epsSec,
      epsCor: b.epsCor,
      key: packMsbFirst(b.key),
      bits: b.key.length,
    });
  const withStore = <T>(site: string | undefined, f: (store: KeyStore) => T, absent?: T): T => {
    if (typeof target !== 'string') return f(target);
    if (site === undefined && absent !== undefined && !existsSync(target)) return absent;
    const store = KeyStore.open(target, { site: site ?? siteOf(target), ...(opts.keySizeBits ? { keySizeBits: opts.keySizeBits } : {}) });
    try {
      return f(store);
    } finally {
      store.close();
    }
  };
  const commit: CommitPort = {
    storePending(b: StoredBlock, poolBytes?: Uint8Array) {
      if (typeof target !== 'string' && b.site !== target.site) {
        throw new InputError(`block of site "${b.site}" offered to the key store of "${target.site}"`, { field: 'site' });
      }
      const r = withStore(b.site, (store) =>
        store.addBlock({
          passId: b.passId, blockId: b.blockId, peerSite: b.peerSite, epsSec: b.epsSec, epsCor: b.epsCor,
          key: packMsbFirst(b.key), bits: b.key.length, pending: true, ...(poolBytes ? { poolMaterial: poolBytes } : {}),
        }),
      );
      sink.stored = { keys: r.keys, discardedBits: r.discardedBits };
    },
    confirm: (ref: BlockRef) => void withStore(undefined, (store) => store.confirmBlock(ref)),
    discard: (ref: BlockRef) => void withStore(undefined, (store) => store.discardBlock(ref)),
    pending: (peerSite: string) => withStore(undefined, (store) => store.pendingBlocks(peerSite), [] as BlockRef[]),
    holds: (ref: BlockRef) => withStore(undefined, (store) => store.holdsBlock(ref), false),
    pendingPoolBytes: (ref: BlockRef) => withStore(undefined, (store) => store.pendingPoolBytes(ref), null)?? undefined,
  };
  const sink: KeyStoreSink = {
    stored: null,
    commit,
    store(b: StoredBlock) {
      if (typeof target !== 'string') {
        if (b.site !== target.site) {
          throw new InputError(`block of site "${b.site}" offered to the key store of "${target.site}"`, { field: 'site' });
        }
        const r = add(target, b);
        sink.stored = { keys: r.keys, discardedBits: r.discardedBits };
        return;
      }
      const store = KeyStore.open(target, { site: b.site, ...(opts.keySizeBits ? { keySizeBits: opts.keySizeBits } : {}) });
      try {
        const r = add(store, b);
        sink.stored = { keys: r.keys, discardedBits: r.discardedBits };
      } finally {
        store.close();
      }
    },
  };
  return sink;
}

/** Write the key as raw bytes (MSB-first) to a file (mode 0600). */
export function fileSink(path: string): KeySink {
  return {
    store(b: StoredBlock) {
      writeFileSync(path, packMsbFirst(b.key), { mode: 0o600 });
    },
  };
}
