/**
 * Where a party's final key goes: the site's key store (kms/keystore.ts, SQLite), or a plain
 * file for tools without a store. Nothing is written unless the whole block succeeded.
 */
import { writeFileSync } from 'node:fs';
import type { BitArray } from '../core/bits.js';
import { KeyStore } from '../kms/keystore.js';
import type { KeySink, StoredBlock } from './types.js';

/** Key bits packed MSB-first (bit 0 of the key = bit 7 of byte 0), as the key store expects. */
export function packMsbFirst(key: BitArray): Uint8Array {
  const out = new Uint8Array((key.length + 7) >>> 3);
  for (let i = 0; i < key.length; i++) if (key.get(i)) out[i >>> 3] |= 0x80 >>> (i & 7);
  return out;
}

/** Store blocks in the key store at `path` (opened per block, closed right after). */
export function keyStoreSink(path: string, opts: { keySizeBits?: number } = {}): KeySink & { stored: { keys: number; discardedBits: number } | null } {
  const sink = {
    stored: null as { keys: number; discardedBits: number } | null,
    store(b: StoredBlock) {
      const store = KeyStore.open(path, { site: b.site, ...(opts.keySizeBits ? { keySizeBits: opts.keySizeBits } : {}) });
      try {
        const r = store.addBlock({
          passId: b.passId,
          blockId: b.blockId,
          peerSite: b.peerSite,
          epsSec: b.epsSec,
          epsCor: b.epsCor,
          key: packMsbFirst(b.key),
          bits: b.key.length,
        });
        sink.stored = { keys: r.keys, discardedBits: r.discardedBits };
      } finally {
        store.close();
      }
    },
  };
  return sink;
}

/** Write the key as raw bytes (MSB-first) to a file. */
export function fileSink(path: string): KeySink {
  return {
    store(b: StoredBlock) {
      writeFileSync(path, packMsbFirst(b.key), { mode: 0o600 });
    },
  };
}
