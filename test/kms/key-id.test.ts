/**
 * Outside vectors for the production key-ID derivation (src/kms/key-id.ts): a key_ID is the
 * RFC 9562 version-8 UUID made of the first 128 bits of HMAC-SHA-256(ID key, name), with
 * name = "<siteA>~<siteB>/<passId>/<blockId>/<index>/<keySizeBits>" (sites sorted) and the ID
 * key = the block's first 256 bits. The expected values are computed here independently: from
 * the published RFC 4231 HMAC-SHA-256 vector, and with node:crypto from the documented string.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveKeyId, keyedUuid, KeyStore } from '../../src/kms/keystore.js';

/** Set the RFC 9562 version (8) and variant (0b10) bits of 16 bytes and format them (RFC 9562 §4, §5.8). */
function v8Uuid(hex32: string): string {
  const b = Buffer.from(hex32, 'hex');
  b[6] = 0x80 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('key-ID derivation against outside vectors', () => {
  it('RFC 4231 test case 2 (key "Jefe"): HMAC-SHA-256 = 5bdcc146bf60754e6a042426089575c7…', () => {
    // RFC 4231 §4.3: HMAC-SHA-256("Jefe", "what do ya want for nothing?") =
    // 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843; first 16 bytes with the
    // version nibble (byte 6: 0x75 → 0x85) and variant bits (byte 8: 0x6a → 0xaa) set:
    expect(keyedUuid(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe('5bdcc146-bf60-854e-aa04-2426089575c7');
  });

  it('RFC 4231 test case 1 (20 bytes 0x0b, "Hi There"): HMAC-SHA-256 = b0344c61d8db38535ca8afceaf0bf12b…', () => {
    expect(keyedUuid(Buffer.alloc(20, 0x0b), 'Hi There')).toBe(v8Uuid('b0344c61d8db38535ca8afceaf0bf12b'));
    expect(v8Uuid('b0344c61d8db38535ca8afceaf0bf12b')).toBe('b0344c61-d8db-8853-9ca8-afceaf0bf12b');
  });

  it('deriveKeyId is HMAC-SHA-256 of the documented name, with the sites in sorted order', () => {
    const idKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const name = 'micius~xinglong/micius-2016-12-19T140000Z/3/7/256';
    const byHand = v8Uuid(createHmac('sha256', idKey).update(name, 'utf8').digest('hex').slice(0, 32));
    expect(deriveKeyId(idKey, 'xinglong', 'micius', 'micius-2016-12-19T140000Z', 3, 7, 256)).toBe(byHand);
    expect(deriveKeyId(idKey, 'micius', 'xinglong', 'micius-2016-12-19T140000Z', 3, 7, 256)).toBe(byHand);
    // pinned: key stores written before must keep resolving these key_IDs
    expect(byHand).toBe('fe00550c-448b-8663-b778-a9fd42c751c6');
  });

  it('a stored block: key i gets the HMAC of its name under the block head (first 256 bits), at both ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-keyid-'));
    dirs.push(dir);
    // 32-byte ID key 0x00..0x1f, then two 256-bit keys of 0xa5 and 0x5a
    const block = Buffer.concat([Buffer.from(Array.from({ length: 32 }, (_, i) => i)), Buffer.alloc(32, 0xa5), Buffer.alloc(32, 0x5a)]);
    const expected = [0, 1].map((i) =>
      v8Uuid(createHmac('sha256', block.subarray(0, 32)).update(`graz~xinglong/pass-7/2/${i}/256`).digest('hex').slice(0, 32)),
    );
    for (const [site, peer] of [['xinglong', 'graz'], ['graz', 'xinglong']]) {
      const s = KeyStore.open(join(dir, `${site}.sqlite`), { site });
      s.addBlock({ passId: 'pass-7', blockId: 2, peerSite: peer, epsSec: 1e-9, epsCor: 1e-12, key: block });
      expect(s.listKeys().map((k) => k.keyId)).toEqual(expected);
      s.close();
    }
  });
});
