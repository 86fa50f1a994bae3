/**
 * ETSI 014 request validation (src/server/etsi-requests.ts, zod) answers exactly as the checks it
 * replaced: fixtures/etsi-400.json holds, for 58 malformed requests of an authorised SAE, the
 * 400 body `{ message, details }` the hand-written checks gave (recorded from them before the
 * port). New: POST bodies must carry JSON numbers (`"number": "1"` is refused).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore } from '../../src/kms/keystore.js';
import { etsiRoutes } from '../../src/server/etsi.js';

interface Case {
  method: 'GET' | 'POST';
  path: string;
  body: unknown;
  sae: string;
  answer: { message: string; details?: Record<string, unknown>[] };
}
const CASES = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'etsi-400.json'), 'utf8')) as Case[];

const dir = mkdtempSync(join(tmpdir(), 'mozi-etsi-req-'));
let store: KeyStore;
let graz: KeyStore;
let app: FastifyInstance;
beforeAll(async () => {
  store = KeyStore.open(join(dir, 'xinglong.db'), { site: 'xinglong' });
  graz = KeyStore.open(join(dir, 'graz.db'), { site: 'graz' });
  const block = { passId: 'p', blockId: 0, epsSec: 1e-9, epsCor: 1e-12, key: Buffer.alloc(32 * 9, 0x5a) };
  store.addBlock({ ...block, peerSite: 'graz' });
  graz.addBlock({ ...block, peerSite: 'xinglong' });
  app = Fastify();
  // the slave site's KME, in process (the mutual-TLS link is tested in etsi.test.ts and kme-link.test.ts)
  const peers = { bind: async (_site: string, m: { master_SAE_ID: string; slave_SAE_IDs: string[]; key_IDs: string[] }) => graz.bindKeys({ peerSite: 'xinglong', masterSae: m.master_SAE_ID, slaveSaes: m.slave_SAE_IDs, keyIds: m.key_IDs }) };
  await app.register(etsiRoutes, { store, peers, saeMap: { 'sae-x1': 'xinglong', 'sae-x2': 'xinglong', 'sae-g1': 'graz' }, identify: (req) => req.headers['x-sae'] as string | undefined });
});
afterAll(async () => {
  await app.close();
  store.close();
  graz.close();
  rmSync(dir, { recursive: true, force: true });
});

function send(method: 'GET' | 'POST', path: string, body: unknown, sae?: string) {
  const raw = body !== null && typeof body === 'object' && 'raw' in body ? (body as { raw: string }).raw : undefined;
  return app.inject({
    method,
    url: `/api/v1/keys/${path}`,
    headers: { ...(sae ? { 'x-sae': sae } : {}), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { payload: raw ?? JSON.stringify(body) } : {}),
  });
}

describe('ETSI 014 request validation', () => {
  it('gives the recorded 400 body for each of the 58 malformed requests, and delivers nothing', async () => {
    const before = store.status('graz').storedKeyCount;
    for (const c of CASES) {
      const r = await send(c.method, c.path, c.body, c.sae);
      expect([r.statusCode, r.json()], `${c.method} ${c.path} ${JSON.stringify(c.body)?.slice(0, 80)}`).toEqual([400, c.answer]);
    }
    expect(store.status('graz').storedKeyCount).toBe(before);
  });

  it('refuses numbers given as JSON strings in a POST body; a GET query is a string by nature', async () => {
    const asString = await send('POST', 'sae-g1/enc_keys', { number: '1' }, 'sae-x1');
    expect(asString.statusCode).toBe(400);
    expect(asString.json()).toEqual({ message: 'number must be an integer', details: [{ number: '1' }] });
    expect((await send('POST', 'sae-g1/enc_keys', { size: '256' }, 'sae-x1')).json()).toEqual({ message: 'size must be an integer', details: [{ size: '256' }] });
    const get = await send('GET', 'sae-g1/enc_keys?number=1&size=256', undefined, 'sae-x1');
    expect(get.statusCode).toBe(200);
    expect(get.json().keys).toHaveLength(1);
    const post = await send('POST', 'sae-g1/enc_keys', { number: 2, size: 256, extension_optional: [{ x: 1 }] }, 'sae-x1');
    expect(post.statusCode).toBe(200);
    expect(post.json().keys).toHaveLength(2);
  });

  it('checks who calls before what is asked: a bad body from an unknown caller is a 401', async () => {
    expect((await send('POST', 'sae-g1/enc_keys', { number: 'many' })).statusCode).toBe(401);
    expect((await send('POST', 'sae-g1/enc_keys', { number: 0 }, 'sae-g1')).statusCode).toBe(401);
    // the envelope (is it an object, is a query parameter given once) is checked first, as before
    expect((await send('POST', 'sae-g1/enc_keys', [1, 2])).statusCode).toBe(400);
    expect((await send('GET', 'sae-g1/enc_keys?number=1&number=2', undefined)).statusCode).toBe(400);
  });
});
