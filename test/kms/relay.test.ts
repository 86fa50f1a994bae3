/**
 * Trusted relay end to end (Liao et al., PRL 120, 030501 (2018), Xinglong–Graz): the satellite
 * publishes K_A xor K_B, both stations store the same key, and an application at Graz decrypts
 * what an application at Xinglong encrypted by one-time pad with keys fetched over ETSI 014. The
 * relay's channels are authenticated by default, keyed from each link's own keys.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededBytes } from '../support/seed.js';
import type { FastifyInstance } from 'fastify';
import { KeyStore } from '../../src/kms/keystore.js';
import { RELAY_AUTH_KEYS, runRelay, seedStandInKeys } from '../../src/kms/relay.js';
import { createDevCerts, mutualTlsOptions, type DevCertsResult } from '../../src/server/tls.js';
import { createKmeServer } from '../../src/server/etsi.js';
import { PeerKmeClient } from '../../src/server/kme-link.js';
import { EtsiClient } from '../../src/kms/client.js';
import { otpDecrypt, otpEncrypt } from '../../src/kms/otp.js';
import { ProtocolAbort } from '../../src/core/errors.js';
import { runCliAsync } from '../support/cli.js';

/** Seeded stand-in for node:crypto's randomBytes (test/support/seed.ts). */
const randomBytes = seededBytes('kms/relay');

const dir = mkdtempSync(join(tmpdir(), 'mozi-relay-'));
let certs: DevCertsResult;
const servers: FastifyInstance[] = [];
const clients: EtsiClient[] = [];
const stores: KeyStore[] = [];
const open = (name: string, site: string): KeyStore => {
  const s = KeyStore.open(join(dir, `${name}.db`), { site });
  stores.push(s);
  return s;
};
const saeMap = { 'sae-xl': 'xinglong', 'sae-gz': 'graz' };
/** KME URL by site, filled in as each listens (the KME-to-KME links read it at request time). */
const kmeUrls: Record<string, string> = {};
const peerClients: PeerKmeClient[] = [];

beforeAll(async () => {
  certs = await createDevCerts({ outDir: join(dir, 'pki'), saes: ['sae-xl', 'sae-gz'], kmes: ['xinglong', 'graz'] });
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const p of peerClients) p.close();
  for (const s of servers) await s.close();
  for (const s of stores) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(store: KeyStore): Promise<string> {
  const https = mutualTlsOptions({ cert: certs.kmes[store.site].cert, key: certs.kmes[store.site].key, ca: certs.ca });
  const peers = new PeerKmeClient({ urls: kmeUrls, cert: https.cert, key: https.key, ca: https.ca });
  peerClients.push(peers);
  const app = await createKmeServer({ store, saeMap, https, peers });
  await app.listen({ host: '127.0.0.1', port: 0 });
  servers.push(app);
  const a = app.server.address();
  if (!a || typeof a === 'string') throw new Error('no address');
  kmeUrls[store.site] = `https://127.0.0.1:${a.port}`;
  return kmeUrls[store.site];
}
const client = (url: string, sae: string): EtsiClient => {
  const c = new EtsiClient({ url, cert: certs.saes[sae].cert, key: certs.saes[sae].key, ca: certs.ca });
  clients.push(c);
  return c;
};

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await runCliAsync(args);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('trusted relay Xinglong–Graz via Micius', () => {
  it('both stations hold the same relayed key; Graz decrypts what Xinglong encrypted (OTP over ETSI 014)', async () => {
    const sat = open('micius', 'micius');
    const xl = open('xinglong', 'xinglong');
    const gz = open('graz', 'graz');
    // distilled keys of a pass over each station (same block at both ends of each link)
    const kA = randomBytes(32 * 201);
    const kB = randomBytes(32 * 151);
    sat.addBlock({ passId: 'pass-xl', blockId: 0, peerSite: 'xinglong', epsSec: 1e-9, epsCor: 1e-15, key: kA });
    xl.addBlock({ passId: 'pass-xl', blockId: 0, peerSite: 'micius', epsSec: 1e-9, epsCor: 1e-15, key: kA });
    sat.addBlock({ passId: 'pass-gz', blockId: 0, peerSite: 'graz', epsSec: 1e-9, epsCor: 1e-15, key: kB });
    gz.addBlock({ passId: 'pass-gz', blockId: 0, peerSite: 'micius', epsSec: 1e-9, epsCor: 1e-15, key: kB });
    // one key at Graz was already used by a local application: the relay must skip it
    const usedAtGraz = gz.takeForMaster('micius', 1);

    const r = await runRelay({ satellite: sat, from: xl, to: gz, relayId: 'relay-2018-test' });
    // 150 Graz-link keys at the satellite, 149 at Graz (one used); the first 4 common to both ends key
    // the relay's authenticated channel on each link (erased at both ends): 145 relayed 256-bit keys
    // = an ID key + 144 keys
    expect(r.keys).toBe(144);
    expect(r.epsSec).toBeCloseTo(2e-9, 20);
    expect(r.publishedBits).toBe(145 * 256);
    const authUse = (s: KeyStore, peer: string) => s.listKeys(peer).filter((k) => s.keyState(k.keyId)?.reason === 'relay relay-2018-test authentication').map((k) => k.keyId);
    expect(authUse(sat, 'xinglong')).toHaveLength(RELAY_AUTH_KEYS);
    expect(authUse(xl, 'micius')).toEqual(authUse(sat, 'xinglong'));
    expect(authUse(gz, 'micius')).toEqual(authUse(sat, 'graz'));
    expect(authUse(gz, 'micius')).toHaveLength(RELAY_AUTH_KEYS);
    // same key_IDs at both stations; the satellite's pools are used up, the unused key released
    const idsX = xl.listKeys('graz').map((k) => k.keyId);
    expect(idsX).toHaveLength(144);
    expect(gz.listKeys('graz')).toHaveLength(0);
    expect(gz.listKeys('xinglong').map((k) => k.keyId)).toEqual(idsX);
    expect(sat.status('graz').storedKeyCount + sat.status('graz').redeemableKeyCount).toBe(0);
    expect(sat.status('xinglong').storedKeyCount + sat.status('xinglong').redeemableKeyCount).toBe(200 - RELAY_AUTH_KEYS - 145);
    expect(xl.status('micius').storedKeyCount + xl.status('micius').redeemableKeyCount).toBe(200 - RELAY_AUTH_KEYS - 145);
    expect(gz.keyState(usedAtGraz[0].keyId)?.state).toBe('consumed');

    const urlX = await serve(xl);
    const urlG = await serve(gz);
    const image = randomBytes(2000); // a small image (63 keys of 256 bits)
    const cipher = await otpEncrypt(client(urlX, 'sae-xl'), 'sae-xl', 'sae-gz', image);
    expect(Buffer.from(cipher).includes(image.subarray(0, 64))).toBe(false);
    const { plaintext } = await otpDecrypt(client(urlG, 'sae-gz'), 'sae-xl', cipher);
    expect(Buffer.from(plaintext).equals(image)).toBe(true);
    // and the pad cannot be fetched a second time
    await expect(otpDecrypt(client(urlG, 'sae-gz'), 'sae-xl', cipher)).rejects.toThrow(/already delivered/);

    // the same through the CLI (`mozi otp`), this time Graz → Xinglong
    const pki = join(dir, 'pki');
    writeFileSync(join(dir, 'photo.bin'), image);
    const enc = await runCli(['otp', 'encrypt', '--kme', urlG, '--cert', join(pki, 'sae-gz.crt'), '--key', join(pki, 'sae-gz.key'), '--ca', join(pki, 'ca.crt'),
      '--slave', 'sae-xl', join(dir, 'photo.bin'), join(dir, 'photo.otp')]);
    expect(enc.code, enc.stderr).toBe(0);
    const decr = await runCli(['otp', 'decrypt', '--kme', urlX, '--cert', join(pki, 'sae-xl.crt'), '--key', join(pki, 'sae-xl.key'), '--ca', join(pki, 'ca.crt'),
      '--master', 'sae-gz', join(dir, 'photo.otp'), join(dir, 'photo.out'), '--json']);
    expect(decr.code, decr.stderr).toBe(0);
    expect(JSON.parse(decr.stdout)).toMatchObject({ bytes: image.length, master_SAE_ID: 'sae-gz', slave_SAE_ID: 'sae-xl' });
    expect(readFileSync(join(dir, 'photo.out')).equals(image)).toBe(true);
    const again = await runCli(['otp', 'decrypt', '--kme', urlX, '--cert', join(pki, 'sae-xl.crt'), '--key', join(pki, 'sae-xl.key'), '--ca', join(pki, 'ca.crt'),
      '--master', 'sae-gz', join(dir, 'photo.otp'), join(dir, 'photo.out2')]);
    expect(again.code).toBe(2);
  }, 60_000);

  it('aborts cleanly, reserving nothing, when a station holds none of the offered keys', async () => {
    const sat = open('s2', 'micius');
    const xl = open('x2', 'xinglong');
    const gz = open('g2', 'graz');
    seedStandInKeys(sat, xl, 2816); // ID key + 10 keys
    sat.addBlock({ passId: 'p', blockId: 0, peerSite: 'graz', epsSec: 1e-9, epsCor: 1e-15, key: randomBytes(320) });
    gz.addBlock({ passId: 'other', blockId: 0, peerSite: 'micius', epsSec: 1e-9, epsCor: 1e-15, key: randomBytes(320) });
    await expect(runRelay({ satellite: sat, from: xl, to: gz })).rejects.toThrow(ProtocolAbort);
    expect(sat.status('xinglong').storedKeyCount + sat.status('xinglong').redeemableKeyCount).toBe(10);
    expect(xl.status('micius').storedKeyCount + xl.status('micius').redeemableKeyCount).toBe(10);
    expect(sat.listKeys().every((k) => k.state === 'available')).toBe(true);
  });
});
