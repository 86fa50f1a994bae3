/**
 * Adapter: the protocol layer's KeySink writing distilled blocks into an open site KeyStore. Bits
 * are packed exactly as protocol/keysink.ts packs them (MSB-first), so a satellite and a ground
 * station using either sink store identical keys.
 */
import { InputError } from '../core/errors.js';
import type { KeySink, StoredBlock } from '../protocol/types.js';
import { packMsbFirst } from '../protocol/keysink.js';
import type { KeyStore } from './keystore.js';

export function keyStoreSink(store: KeyStore): KeySink {
  return {
    store(block: StoredBlock): void {
      if (block.site !== store.site) {
        throw new InputError(`block of site "${block.site}" offered to the key store of "${store.site}"`, { field: 'site' });
      }
      store.addBlock({
        passId: block.passId,
        blockId: block.blockId,
        peerSite: block.peerSite,
        epsSec: block.epsSec,
        epsCor: block.epsCor,
        key: packMsbFirst(block.key),
        bits: block.key.length,
      });
    },
  };
}
