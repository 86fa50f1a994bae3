/** ETSI GS QKD 014 V1.1.1 conformance, against the real HTTPS (mutual TLS) server. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevCerts } from '../../src/server/tls.js';
import { makeFixture, type Fixture } from './fixture.js';
import type { EtsiClient } from '../../src/kms/client.js';

let fx: Fixture;
let x1: EtsiClient; // master at Xinglong
let g1: EtsiClient; // slave at Graz
let g1x: EtsiClient; // Graz SAE talking to the Xinglong KME (not allowed)
let stranger: EtsiClient;

beforeAll(async () => {
  fx = await makeFixture(64);
  x1 = fx.client('sae-x1', 'xinglong');
  g1 = fx.client('sae-g1', 'graz');
  g1x = fx.client('sae-g1', 'xinglong');
  stranger = fx.client('sae-stranger', 'xinglong');
});
afterAll(async () => {
  await fx.close();
});

const stored = async (): Promise<number> => (await x1.status('sae-g1')).stored_key_count as number;

function expectError(r: { status: number; body: unknown }, status: number): void {
  expect(r.status).toBe(status);
  const b = r.body as { message?: unknown; keys?: unknown };
  expect(typeof b.message).toBe('string');
  expect(b.keys).toBeUndefined();
}

describe('GET /api/v1/keys/{slave_SAE_ID}/status', () => {
  it('returns every Status field of the standard; stored_key_count <= max_key_count', async () => {
    const s = await x1.status('sae-g1');
    expect(s).toEqual({
      source_KME_ID: 'xinglong', target_KME_ID: 'graz', master_SAE_ID: 'sae-x1', slave_SAE_ID: 'sae-g1',
      key_size: 256, stored_key_count: 32, max_key_count: 1_000_000, max_key_per_request: 128,
      max_key_size: 256, min_key_size: 256, max_SAE_ID_count: 8,
    });
    expect(s.stored_key_count as number).toBeLessThanOrEqual(s.max_key_count as number);
  });
  it('401 for an SAE of another site, an unknown SAE, an unknown slave; 400 for a slave at the same site', async () => {
    expectError(await g1x.request('GET', '/api/v1/keys/sae-x1/status'), 401);
    expectError(await stranger.request('GET', '/api/v1/keys/sae-g1/status'), 401);
    expectError(await x1.request('GET', '/api/v1/keys/nobody/status'), 401);
    expectError(await x1.request('GET', '/api/v1/keys/sae-x2/status'), 400);
  });
});

describe('mutual TLS', () => {
  const raw = (opts: https.RequestOptions): Promise<number> =>
    new Promise((resolve, reject) => {
      const u = new URL(fx.urls.xinglong);
      const req = https.request({ hostname: '127.0.0.1', port: u.port, path: '/api/v1/keys/sae-g1/enc_keys', servername: 'localhost', ca: readFileSync(fx.certs.ca), agent: false, ...opts }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  it('a client without a certificate gets nothing (handshake refused)', async () => {
    await expect(raw({})).rejects.toThrow();
  });
  it('a client with a certificate from another CA gets nothing', async () => {
    const rogue = await createDevCerts({ outDir: join(fx.dir, 'rogue'), saes: ['sae-x1'], kmes: [] });
    await expect(raw({ cert: readFileSync(rogue.saes['sae-x1'].cert), key: readFileSync(rogue.saes['sae-x1'].key) })).rejects.toThrow();
    expect(await stored()).toBe(32);
  });
});

describe('enc_keys and dec_keys', () => {
  it('POST enc_keys at the master site, POST dec_keys at the slave site: same keys, base64, once', async () => {
    const before = await stored();
    const r = await x1.request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: 2, size: 256 });
    expect(r.status).toBe(200);
    const keys = (r.body as { keys: { key_ID: string; key: string }[] }).keys;
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(Object.keys(k).sort()).toEqual(['key', 'key_ID']);
      expect(Buffer.from(k.key, 'base64')).toHaveLength(32);
    }
    expect(await stored()).toBe(before - 2);
    const d = await g1.request('POST', '/api/v1/keys/sae-x1/dec_keys', { key_IDs: keys.map((k) => ({ key_ID: k.key_ID })) });
    expect(d.status).toBe(200);
    expect((d.body as { keys: unknown }).keys).toEqual(keys);
    // already used at the slave site
    expectError(await g1.request('POST', '/api/v1/keys/sae-x1/dec_keys', { key_IDs: [{ key_ID: keys[0].key_ID }] }), 400);
    // material erased at both sites
    expect(fx.stores.xinglong.keyState(keys[0].key_ID)).toMatchObject({ state: 'consumed', hasMaterial: false, masterSae: 'sae-x1', slaveSae: 'sae-g1' });
    expect(fx.stores.graz.keyState(keys[0].key_ID)).toMatchObject({ state: 'consumed', hasMaterial: false });
  });
  it('GET enc_keys (number, size in the query) and GET dec_keys (key_ID in the query)', async () => {
    const r = await x1.request('GET', '/api/v1/keys/sae-g1/enc_keys?number=3&size=256');
    expect(r.status).toBe(200);
    const keys = (r.body as { keys: { key_ID: string; key: string }[] }).keys;
    expect(keys).toHaveLength(3);
    const d = await g1.request('GET', `/api/v1/keys/sae-x1/dec_keys?key_ID=${keys[1].key_ID}`);
    expect(d.status).toBe(200);
    expect((d.body as { keys: unknown[] }).keys).toEqual([keys[1]]);
    const one = await x1.request('GET', '/api/v1/keys/sae-g1/enc_keys');
    expect((one.body as { keys: unknown[] }).keys).toHaveLength(1);
  });
  it('the Graz SAE as master uses the other half of the link; never a key Xinglong handed out', async () => {
    const xg = await g1.encKeys('sae-x1', 4);
    const back = await x1.decKeys('sae-g1', xg.map((k) => k.keyId));
    expect(back).toEqual(xg);
    // a key Xinglong serves as master cannot be redeemed at Xinglong by dec_keys
    const own = await x1.encKeys('sae-g1', 1);
    expectError(await x1.request('POST', '/api/v1/keys/sae-g1/dec_keys', { key_IDs: [{ key_ID: own[0].keyId }] }), 400);
  });
  it('400 with a message and no key for every malformed request; nothing consumed', async () => {
    const before = await stored();
    const p = '/api/v1/keys/sae-g1/enc_keys';
    const cases: [string, unknown, string | undefined][] = [
      ['number 0', { number: 0 }, undefined],
      ['number > max_key_per_request', { number: 129 }, undefined],
      ['number not an integer', { number: 1.5 }, undefined],
      ['number a string', { number: 'many' }, undefined],
      ['size not a multiple of 8', { size: 252 }, undefined],
      ['size above max_key_size', { size: 512 }, undefined],
      ['size below min_key_size', { size: 128 }, undefined],
      ['additional_slave_SAE_IDs beyond max_SAE_ID_count (8)', { additional_slave_SAE_IDs: Array.from({ length: 9 }, (_, i) => `sae-g${i}`) }, undefined],
      ['additional_slave_SAE_IDs with a duplicate', { additional_slave_SAE_IDs: ['sae-g2', 'sae-g2'] }, undefined],
      ['an additional slave SAE of another site', { additional_slave_SAE_IDs: ['sae-x2'] }, undefined],
      ['unsupported extension_mandatory', { extension_mandatory: [{ abc_route_type: 'direct' }] }, undefined],
      ['body is an array', [1, 2], undefined],
      ['malformed JSON', undefined, '{"number": '],
      ['proto poisoning', undefined, '{"__proto__": {"x": 1}}'],
    ];
    for (const [name, body, rawBody] of cases) {
      const r = await x1.request('POST', p, body, rawBody);
      expect(r.status, name).toBe(400);
      expectError(r, 400);
    }
    expectError(await x1.request('GET', `${p}?number=-1`), 400);
    expectError(await x1.request('GET', `${p}?number=2&number=3`), 400);
    expectError(await x1.request('GET', `${p}?size=255`), 400);
    expect(await stored()).toBe(before);
  });
  it('dec_keys: unknown, malformed, duplicate, empty key_IDs are 400; all or nothing', async () => {
    const good = await x1.encKeys('sae-g1', 1);
    const p = '/api/v1/keys/sae-x1/dec_keys';
    expectError(await g1.request('POST', p, { key_IDs: [{ key_ID: good[0].keyId }, { key_ID: '00000000-0000-4000-8000-000000000000' }] }), 400);
    expectError(await g1.request('POST', p, { key_IDs: [{ key_ID: 'not-a-uuid' }] }), 400);
    expectError(await g1.request('POST', p, { key_IDs: [{ key_ID: good[0].keyId }, { key_ID: good[0].keyId }] }), 400);
    expectError(await g1.request('POST', p, { key_IDs: [] }), 400);
    expectError(await g1.request('POST', p, { keys: [] }), 400);
    expectError(await g1.request('POST', p, undefined, 'nope'), 400);
    expectError(await g1.request('GET', p), 400);
    // the good key is still redeemable after the failed all-or-nothing request
    expect(await g1.decKeys('sae-x1', [good[0].keyId])).toEqual(good);
  });
  it('an SAE may only redeem keys of the pairs it belongs to', async () => {
    const k = await x1.encKeys('sae-g1', 1);
    // a Xinglong SAE cannot call the Graz KME
    const x1g = fx.client('sae-x1', 'graz');
    expectError(await x1g.request('POST', '/api/v1/keys/sae-x1/dec_keys', { key_IDs: [{ key_ID: k[0].keyId }] }), 401);
    expectError(await stranger.request('POST', '/api/v1/keys/sae-x1/dec_keys', { key_IDs: [{ key_ID: k[0].keyId }] }), 401);
    expectError(await x1.request('POST', '/api/v1/keys/sae-g1/enc_keys', undefined, ''), 400);
  });
  it('503 when the store has fewer keys than requested, nothing delivered; status stays consistent', async () => {
    const left = await stored();
    const r = await x1.request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: left + 1 });
    expectError(r, 503);
    expect(await stored()).toBe(left);
    const s = await x1.status('sae-g1');
    expect(s.stored_key_count as number).toBeLessThanOrEqual(s.max_key_count as number);
  });
  it('logs carry no key material', () => {
    expect(fx.logs.length).toBeGreaterThan(10);
    const text = fx.logs.join('\n');
    expect(text).not.toMatch(/[A-Za-z0-9+/]{43}=/);
  });
});

describe('concurrency', () => {
  it('50 concurrent clients: no key_ID is delivered twice (counted)', async () => {
    const fx2 = await makeFixture(2000, { durability: 'normal' });
    try {
      const clients = Array.from({ length: 50 }, () => fx2.client('sae-x1', 'xinglong'));
      const ids: string[] = [];
      await Promise.all(clients.map(async (c) => {
        for (let i = 0; i < 6; i++) {
          const keys = await c.encKeys('sae-g1', 3);
          ids.push(...keys.map((k) => k.keyId));
        }
      }));
      expect(ids).toHaveLength(900);
      expect(new Set(ids).size).toBe(900);
      const s = await clients[0].status('sae-g1');
      expect(s.stored_key_count).toBe(1000 - 900);
    } finally {
      await fx2.close();
    }
  }, 60_000);
});
