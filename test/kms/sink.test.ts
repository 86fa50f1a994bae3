import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BitArray } from '../../src/core/bits.js';
import { KeyStore } from '../../src/kms/keystore.js';
import { keyStoreSink } from '../../src/kms/sink.js';
import { InputError } from '../../src/core/errors.js';

describe('keyStoreSink', () => {
  it('stores a protocol key block (BitArray) idempotently and refuses another site', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-sink-'));
    try {
      const store = KeyStore.open(join(dir, 'g.db'), { site: 'xinglong' });
      const sink = keyStoreSink(store);
      const key = BitArray.random(1000);
      const block = { passId: 'micius-2016-12-19', blockId: 0, site: 'xinglong', peerSite: 'micius', epsSec: 1e-9, epsCor: 1e-15, key };
      await sink.store(block);
      await sink.store(block);
      expect(store.blocks()).toHaveLength(1);
      expect(store.blocks()[0]).toMatchObject({ lengthBits: 1000, keys: 2 });
      expect(() => sink.store({ ...block, site: 'graz' })).toThrow(InputError);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
