/**
 * ETSI GS QKD 014 slave binding with two real KME processes (`mozi kme`) over mutual TLS on
 * 127.0.0.1 (issue 21, item 4). The Xinglong KME (master site) tells the Graz KME (slave site),
 * over mutual TLS with the KMEs' own certificates, which slave SAEs may redeem the keys it hands
 * to a master SAE and for which master. At Graz, dec_keys answers (GS QKD 014 V1.1.1 §5.4, whose
 * status codes are 200, 400, 401 and 503): 200 to a bound slave SAE naming the right master,
 * 401 to another SAE of the slave site and for a wrong master_SAE_ID in the path, 400 to a second
 * redemption by the same SAE (the key is gone: "bad request format", no 404 in the standard).
 * The binding is in the Graz store, durable across a kill -9 of its KME. A peer "KME" that is an
 * SAE, a KME of an uninvolved site, or holds a certificate of another CA is refused.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededBytes } from '../support/seed.js';
import { createDevCerts, type DevCertsResult } from '../../src/server/tls.js';
import { KeyStore } from '../../src/kms/keystore.js';
import { EtsiClient, type ClientKey } from '../../src/kms/client.js';
import { BINDINGS_PATH } from '../../src/server/kme-link.js';
import { spawnKme, waitExit, type SpawnedKme } from './spawnKme.js';

const randomBytes = seededBytes('kms/slave-binding');
const dir = mkdtempSync(join(tmpdir(), 'mozi-binding-'));
const SAES = { 'sae-x1': 'xinglong', 'sae-x2': 'xinglong', 'sae-g1': 'graz', 'sae-g2': 'graz', 'sae-g3': 'graz' };
let certs: DevCertsResult;
let rogue: DevCertsResult;
const kmes: SpawnedKme[] = [];
const clients: EtsiClient[] = [];
let xUrl = '';
let gUrl = '';
const gdb = join(dir, 'graz.db');

const kmeArgs = (site: 'xinglong' | 'graz', db: string): string[] => [
  '--site', site, '--keys', db, '--tls-cert', certs.kmes[site].cert, '--tls-key', certs.kmes[site].key, '--ca', certs.ca, '--sae-map', join(dir, 'sae-map.json'), '--quiet',
];

function client(url: string, who: { cert: string; key: string }, ca = certs.ca): EtsiClient {
  const c = new EtsiClient({ url, cert: who.cert, key: who.key, ca });
  clients.push(c);
  return c;
}
const sae = (id: keyof typeof SAES, url: string): EtsiClient => client(url, certs.saes[id]);
const keysOf = (r: { body: unknown }): ClientKey[] =>
  (r.body as { keys: { key_ID: string; key: string }[] }).keys.map((k) => ({ keyId: k.key_ID, key: new Uint8Array(Buffer.from(k.key, 'base64')) }));
const dec = (c: EtsiClient, master: string, ids: string[]) => c.request('POST', `/api/v1/keys/${master}/dec_keys`, { key_IDs: ids.map((key_ID) => ({ key_ID })) });

beforeAll(async () => {
  certs = await createDevCerts({ outDir: join(dir, 'pki'), saes: Object.keys(SAES), kmes: ['xinglong', 'graz', 'nanshan'] });
  rogue = await createDevCerts({ outDir: join(dir, 'rogue'), saes: [], kmes: ['xinglong'] });
  writeFileSync(join(dir, 'sae-map.json'), JSON.stringify({ saes: SAES }));
  const material = randomBytes(32 * 65);
  for (const [site, peer] of [['xinglong', 'graz'], ['graz', 'xinglong']] as const) {
    const s = KeyStore.open(join(dir, `${site}.db`), { site });
    s.addBlock({ passId: 'binding', blockId: 0, peerSite: peer, epsSec: 1e-9, epsCor: 1e-12, key: material });
    s.close();
  }
  const g = await spawnKme(kmeArgs('graz', gdb));
  kmes.push(g);
  gUrl = g.url;
  const x = await spawnKme([...kmeArgs('xinglong', join(dir, 'xinglong.db')), '--peer-kme', `graz=${gUrl}`]);
  kmes.push(x);
  xUrl = x.url;
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const k of kmes) {
    if (k.proc.exitCode === null && k.proc.signalCode === null) {
      k.proc.kill('SIGKILL');
      await waitExit(k.proc);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('ETSI 014 slave binding between two KME processes', () => {
  it('right slave 200; another SAE of the slave site 401; wrong master in the path 401; a second redemption 400', async () => {
    const x1 = sae('sae-x1', xUrl);
    const keys = keysOf(await x1.request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: 2 }));
    expect(keys).toHaveLength(2);
    const ids = keys.map((k) => k.keyId);
    const g2 = await dec(sae('sae-g2', gUrl), 'sae-x1', ids);
    expect(g2.status).toBe(401);
    expect((g2.body as { keys?: unknown }).keys).toBeUndefined();
    const wrongMaster = await dec(sae('sae-g1', gUrl), 'sae-x2', ids);
    expect(wrongMaster.status).toBe(401);
    // neither refusal consumed anything: the right slave gets both keys, the same material
    const g1 = sae('sae-g1', gUrl);
    const ok = await dec(g1, 'sae-x1', ids);
    expect(ok.status).toBe(200);
    expect(keysOf(ok)).toEqual(keys);
    const again = await dec(g1, 'sae-x1', [ids[0]]);
    expect(again.status).toBe(400);
    expect((again.body as { keys?: unknown }).keys).toBeUndefined();
  });

  it('additional_slave_SAE_IDs: each named slave SAE redeems the key once; an unnamed one gets 401', async () => {
    const [key] = keysOf(await sae('sae-x1', xUrl).request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: 1, additional_slave_SAE_IDs: ['sae-g2'] }));
    expect((await dec(sae('sae-g3', gUrl), 'sae-x1', [key.keyId])).status).toBe(401);
    const viaG2 = await dec(sae('sae-g2', gUrl), 'sae-x1', [key.keyId]);
    expect(viaG2.status).toBe(200);
    expect(keysOf(viaG2)).toEqual([key]);
    expect((await dec(sae('sae-g2', gUrl), 'sae-x1', [key.keyId])).status).toBe(400);
    const viaG1 = await dec(sae('sae-g1', gUrl), 'sae-x1', [key.keyId]);
    expect(viaG1.status).toBe(200);
    expect(keysOf(viaG1)).toEqual([key]);
    expect((await dec(sae('sae-g1', gUrl), 'sae-x1', [key.keyId])).status).toBe(400);
  });

  it('refuses a peer that is not the master site\'s KME: an SAE (401), another site\'s KME (400), a certificate of another CA (handshake)', async () => {
    // a key handed to sae-x1 for sae-g1: nobody may re-bind it to sae-g2
    const [key] = keysOf(await sae('sae-x1', xUrl).request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: 1 }));
    const rebind = { master_SAE_ID: 'sae-x1', slave_SAE_IDs: ['sae-g2'], key_IDs: [key.keyId] };
    const asSae = await sae('sae-x1', gUrl).request('POST', BINDINGS_PATH, rebind);
    expect(asSae.status).toBe(401);
    const asOtherKme = await client(gUrl, certs.kmes.nanshan).request('POST', BINDINGS_PATH, rebind);
    expect(asOtherKme.status).toBe(400); // nanshan has no link with graz: sae-x1 is not attached to nanshan
    const asOwnKme = await client(gUrl, certs.kmes.graz).request('POST', BINDINGS_PATH, rebind);
    expect(asOwnKme.status).toBe(401);
    await expect(client(gUrl, rogue.kmes.xinglong).request('POST', BINDINGS_PATH, rebind)).rejects.toThrow();
    // the binding is unchanged: sae-g2 is refused, sae-g1 gets the key
    expect((await dec(sae('sae-g2', gUrl), 'sae-x1', [key.keyId])).status).toBe(401);
    expect(keysOf(await dec(sae('sae-g1', gUrl), 'sae-x1', [key.keyId]))).toEqual([key]);
  });

  it('keeps the binding in the slave store across kill -9 of its KME; with the slave KME down enc_keys is 503 and takes nothing', async () => {
    const x1 = sae('sae-x1', xUrl);
    const [key] = keysOf(await x1.request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: 1 }));
    const g = kmes[0];
    g.proc.kill('SIGKILL');
    await waitExit(g.proc);
    const probe = KeyStore.open(gdb, { site: 'graz' });
    expect(probe.bindingOf(key.keyId)).toEqual({ masterSae: 'sae-x1', slaves: [{ sae: 'sae-g1', redeemedAt: null }] });
    probe.close();
    const before = (await x1.status('sae-g1')).stored_key_count as number;
    const down = await x1.request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: 3 });
    expect(down.status).toBe(503);
    expect((down.body as { keys?: unknown }).keys).toBeUndefined();
    expect((await x1.status('sae-g1')).stored_key_count).toBe(before);
    const restarted = await spawnKme(kmeArgs('graz', gdb));
    kmes.push(restarted);
    expect((await dec(sae('sae-g2', restarted.url), 'sae-x1', [key.keyId])).status).toBe(401);
    expect(keysOf(await dec(sae('sae-g1', restarted.url), 'sae-x1', [key.keyId]))).toEqual([key]);
  });
});
