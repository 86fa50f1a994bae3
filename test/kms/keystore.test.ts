import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededBytes } from '../support/seed.js';
import { KeyStore, deriveKeyId, uuidV5, NotEnoughKeysError, KeyIdError, KeyBindingError, ownerSite, ID_KEY_BITS } from '../../src/kms/keystore.js';
import { InputError } from '../../src/core/errors.js';

/** Seeded stand-in for node:crypto's randomBytes (test/support/seed.ts). */
const randomBytes = seededBytes('kms/keystore');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mozi-ks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const block = (key: Uint8Array, blockId = 0) => ({ passId: 'p1', blockId, peerSite: 'micius', epsSec: 1e-9, epsCor: 1e-12, key });

describe('KeyStore', () => {
  it('uuidV5 matches the RFC 4122 DNS-namespace example (python uuid5(NAMESPACE_DNS, "python.org"))', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('creates the database owner-only (0600), including -wal and -shm', () => {
    const p = join(dir, 'x.db');
    const s = KeyStore.open(p, { site: 'xinglong' });
    s.addBlock(block(randomBytes(64)));
    for (const f of [p, p + '-wal', p + '-shm']) {
      if (existsSync(f)) expect(statSync(f).mode & 0o777).toBe(0o600);
    }
    expect(existsSync(p + '-wal')).toBe(true);
    s.close();
  });

  it('cuts blocks into keys with identical key_IDs at both ends, idempotently', () => {
    const key = randomBytes(100); // 800 bits -> 256-bit ID key + 2 keys of 256, 32 discarded
    const g = KeyStore.open(join(dir, 'g.db'), { site: 'xinglong' });
    const s = KeyStore.open(join(dir, 's.db'), { site: 'micius' });
    expect(g.addBlock(block(key))).toEqual({ added: true, keys: 2, discardedBits: 32 });
    expect(g.addBlock(block(key))).toEqual({ added: false, keys: 2, discardedBits: 32 });
    s.addBlock({ ...block(key), peerSite: 'xinglong' });
    const ids = g.listKeys().map((k) => k.keyId);
    expect(ids).toEqual(s.listKeys().map((k) => k.keyId));
    expect(ids[0]).toBe(deriveKeyId(key.subarray(0, ID_KEY_BITS / 8), 'micius', 'xinglong', 'p1', 0, 0, 256));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // RFC 9562 v8
    // without the ID key (secret) the key_IDs cannot be derived from the public pass/block numbers
    expect(ids[0]).not.toBe(deriveKeyId(new Uint8Array(32), 'micius', 'xinglong', 'p1', 0, 0, 256));
    const other = Uint8Array.from(key);
    other[40] ^= 1;
    expect(() => g.addBlock(block(other))).toThrow(InputError);
    const otherIdKey = Uint8Array.from(key);
    otherIdKey[0] ^= 1;
    expect(() => g.addBlock(block(otherIdKey))).toThrow(InputError);
    expect(() => g.addBlock({ ...block(key), epsSec: 2e-9 })).toThrow(InputError);
    g.close();
    s.close();
  });

  it('delivers each key at most once: master at owner site, slave at the other, material erased', () => {
    const key = randomBytes(32 * 11); // ID key + 10 keys
    const g = KeyStore.open(join(dir, 'g.db'), { site: 'xinglong' });
    const s = KeyStore.open(join(dir, 's.db'), { site: 'micius' });
    g.addBlock(block(key));
    s.addBlock({ ...block(key), peerSite: 'xinglong' });
    // micius < xinglong: micius owns even indices
    expect(ownerSite('xinglong', 'micius', 0)).toBe('micius');
    expect(s.status('xinglong').storedKeyCount).toBe(5);
    expect(g.status('micius').storedKeyCount).toBe(5);
    const m = s.takeForMaster('xinglong', 2, { masterSae: 'a', slaveSae: 'b' });
    expect(Buffer.from(m[0].key)).toEqual(key.subarray(32, 64));
    expect(s.keyState(m[0].keyId)?.hasMaterial).toBe(false);
    const ab = { masterSae: 'a', slaveSae: 'b' };
    // not bound at the slave site yet (the master's KME did not tell this one): nobody may redeem it
    expect(() => g.takeForSlave('micius', m.map((k) => k.keyId), ab)).toThrow(KeyBindingError);
    g.bindKeys({ peerSite: 'micius', masterSae: 'a', slaveSaes: ['b'], keyIds: m.map((k) => k.keyId) });
    expect(g.bindingOf(m[0].keyId)).toEqual({ masterSae: 'a', slaves: [{ sae: 'b', redeemedAt: null }] });
    expect(() => g.takeForSlave('micius', [m[0].keyId], { masterSae: 'a', slaveSae: 'c' })).toThrow(KeyBindingError);
    expect(() => g.takeForSlave('micius', [m[0].keyId], { masterSae: 'z', slaveSae: 'b' })).toThrow(KeyBindingError);
    const d = g.takeForSlave('micius', m.map((k) => k.keyId), ab);
    expect(d.map((k) => Buffer.from(k.key))).toEqual(m.map((k) => Buffer.from(k.key)));
    expect(() => g.takeForSlave('micius', [m[0].keyId], ab)).toThrow(KeyIdError);
    // a redeemed key cannot be bound again
    expect(() => g.bindKeys({ peerSite: 'micius', masterSae: 'a', slaveSaes: ['c'], keyIds: [m[0].keyId] })).toThrow(KeyIdError);
    // a key owned by this site cannot be redeemed here through dec_keys, nor bound by the peer
    const own = g.takeForMaster('micius', 1);
    expect(() => g.takeForSlave('micius', [own[0].keyId], ab)).toThrow(KeyIdError);
    expect(() => g.bindKeys({ peerSite: 'micius', masterSae: 'a', slaveSaes: ['b'], keyIds: [own[0].keyId] })).toThrow(KeyIdError);
    expect(() => s.takeForMaster('xinglong', 10)).toThrow(NotEnoughKeysError);
    expect(s.status('xinglong').storedKeyCount).toBe(3);
    expect(() => g.takeForSlave('micius', ['00000000-0000-4000-8000-000000000000'], ab)).toThrow(KeyIdError);
    g.close();
    s.close();
  });

  it('refuses another site, another key size, and overfilling', () => {
    const p = join(dir, 'g.db');
    const g = KeyStore.open(p, { site: 'xinglong', keySizeBits: 128, maxKeyCount: 4 });
    expect(() => g.addBlock(block(randomBytes(32 + 16 * 5)))).toThrow(/full/);
    g.addBlock(block(randomBytes(32 + 16 * 4)));
    expect(g.status('micius').storedKeyCount + g.status('micius').redeemableKeyCount).toBe(4);
    g.close();
    expect(() => KeyStore.open(p, { site: 'graz' })).toThrow(InputError);
    expect(() => KeyStore.open(p, { site: 'xinglong', keySizeBits: 256 })).toThrow(InputError);
    const again = KeyStore.open(p, { site: 'xinglong' });
    expect(again.keySizeBits).toBe(128);
    again.close();
  });

  it('reservations: consume + add block atomically, release the rest', () => {
    const g = KeyStore.open(join(dir, 'g.db'), { site: 'xinglong' });
    g.addBlock(block(randomBytes(32 * 5)));
    const ids = g.availableIds('micius', 10);
    expect(g.reserve('micius', ids)).toEqual(ids);
    expect(g.status('micius').storedKeyCount).toBe(0);
    const mat = g.readReserved(ids.slice(0, 2));
    expect(mat.length).toBe(2);
    const r = g.consumeReserved(ids.slice(0, 2), {}, { passId: 'relay-1', blockId: 0, peerSite: 'graz', epsSec: 2e-9, epsCor: 2e-12, key: randomBytes(96) }, ids.slice(2));
    expect(r?.keys).toBe(2);
    expect(g.status('micius').storedKeyCount).toBe(1);
    expect(g.status('graz').storedKeyCount + g.status('graz').redeemableKeyCount).toBe(2);
    g.close();
  });
});

describe('KeyStore counts', () => {
  it('stored counts stay exact across own deliveries and another process/connection writing the same file', () => {
    const d = mkdtempSync(join(tmpdir(), 'mozi-ks2-'));
    try {
      const p = join(d, 'g.db');
      const a = KeyStore.open(p, { site: 'xinglong' });
      const b = KeyStore.open(p, { site: 'xinglong' });
      a.addBlock(block(randomBytes(32 * 21))); // 20 keys; micius owns even, xinglong odd: 10 each
      expect(a.status('micius').storedKeyCount).toBe(10);
      expect(b.status('micius').storedKeyCount).toBe(10);
      a.takeForMaster('micius', 3);
      expect(a.status('micius').storedKeyCount).toBe(7);
      expect(b.status('micius').storedKeyCount).toBe(7);
      b.takeForMaster('micius', 2);
      expect(a.status('micius').storedKeyCount).toBe(5);
      a.takeForMaster('micius', 1);
      expect(a.status('micius').storedKeyCount).toBe(4);
      expect(b.status('micius').storedKeyCount).toBe(4);
      a.close();
      b.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
