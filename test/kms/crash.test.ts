/**
 * Crash safety with real processes: spawn a KME, hammer enc_keys from concurrent clients,
 * SIGKILL it mid-load (twice), restart it on the same store, drain it. Every key_ID is delivered
 * at most once across runs, and none is lost: each key the store no longer offers was either
 * received by a client or was in flight when the process was killed. A second KME process (the
 * slave site, Graz) receives the KME-to-KME bindings: every key a client received is bound there.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededBytes } from '../support/seed.js';
import { writeFileSync } from 'node:fs';
import { createDevCerts } from '../../src/server/tls.js';
import { KeyStore } from '../../src/kms/keystore.js';
import { EtsiClient } from '../../src/kms/client.js';
import { spawnKme, waitExit, type SpawnedKme } from './spawnKme.js';

/** Seeded stand-in for node:crypto's randomBytes (test/support/seed.ts). */
const randomBytes = seededBytes('kms/crash');

const dir = mkdtempSync(join(tmpdir(), 'mozi-crash-'));
let running: SpawnedKme | undefined;
let slaveKme: SpawnedKme | undefined;
afterAll(async () => {
  for (const k of [running, slaveKme]) {
    if (k && k.proc.exitCode === null && k.proc.signalCode === null) {
      k.proc.kill('SIGKILL');
      await waitExit(k.proc);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const LOOPS = 8;
const PER_REQUEST = 3;

describe('KME crash safety (kill -9 under load)', () => {
  it('delivers no key twice and loses none across two SIGKILLs and restarts', async () => {
    const certs = await createDevCerts({ outDir: join(dir, 'pki'), saes: ['sae-x1', 'sae-g1'], kmes: ['xinglong', 'graz'] });
    writeFileSync(join(dir, 'sae-map.json'), JSON.stringify({ saes: { 'sae-x1': 'xinglong', 'sae-g1': 'graz' } }));
    const db = join(dir, 'xinglong.db');
    const gdb = join(dir, 'graz.db');
    const material = randomBytes(32 * 1201);
    const seed = KeyStore.open(db, { site: 'xinglong' });
    seed.addBlock({ passId: 'crash', blockId: 0, peerSite: 'graz', epsSec: 1e-9, epsCor: 1e-12, key: material });
    const owned = new Set(seed.listKeys('graz').filter((k) => k.owner === 'xinglong').map((k) => k.keyId));
    seed.close();
    const gseed = KeyStore.open(gdb, { site: 'graz' });
    gseed.addBlock({ passId: 'crash', blockId: 0, peerSite: 'xinglong', epsSec: 1e-9, epsCor: 1e-12, key: material });
    gseed.close();
    expect(owned.size).toBe(600);
    slaveKme = await spawnKme(['--site', 'graz', '--keys', gdb, '--tls-cert', certs.kmes.graz.cert, '--tls-key', certs.kmes.graz.key,
      '--ca', certs.ca, '--sae-map', join(dir, 'sae-map.json'), '--quiet']);

    const args = ['--site', 'xinglong', '--keys', db, '--tls-cert', certs.kmes.xinglong.cert, '--tls-key', certs.kmes.xinglong.key,
      '--ca', certs.ca, '--sae-map', join(dir, 'sae-map.json'), '--quiet', '--peer-kme', `graz=${slaveKme.url}`];
    const received: string[] = [];
    let unreceivedBound = 0;

    /** Run LOOPS concurrent clients; kill the server after `killAfter` successful responses (or drain if undefined). */
    const phase = async (killAfter?: number): Promise<void> => {
      running = await spawnKme(args);
      const kme = running;
      const client = new EtsiClient({ url: kme.url, cert: certs.saes['sae-x1'].cert, key: certs.saes['sae-x1'].key, ca: certs.ca, maxSockets: LOOPS });
      let ok = 0;
      let killed = false;
      let exhausted = false;
      const loop = async (): Promise<void> => {
        while (!killed && !exhausted) {
          try {
            const r = await client.request('POST', '/api/v1/keys/sae-g1/enc_keys', { number: PER_REQUEST });
            if (r.status === 200) {
              for (const k of (r.body as { keys: { key_ID: string }[] }).keys) received.push(k.key_ID);
              ok++;
              if (killAfter !== undefined && ok >= killAfter && !killed) {
                killed = true;
                kme.proc.kill('SIGKILL');
              }
            } else if (r.status === 503) {
              exhausted = true;
            } else {
              throw new Error(`unexpected ${r.status}`);
            }
          } catch (err) {
            if (!killed) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: LOOPS }, loop));
      client.close();
      if (killed) {
        await waitExit(kme.proc);
        expect(kme.proc.signalCode).toBe('SIGKILL');
        unreceivedBound += LOOPS * PER_REQUEST; // at most the requests in flight at the kill
      } else {
        kme.proc.kill('SIGTERM');
        await waitExit(kme.proc);
      }
    };

    await phase(25);
    await phase(40);
    await phase(undefined);

    // at most once, across runs
    expect(new Set(received).size).toBe(received.length);
    for (const id of received) expect(owned.has(id)).toBe(true);
    // none lost: every key the store marked taken was received, or was in flight at a kill
    const after = KeyStore.open(db, { site: 'xinglong' });
    const states = after.listKeys('graz').filter((k) => k.owner === 'xinglong');
    after.close();
    const consumed = states.filter((k) => k.state === 'consumed').map((k) => k.keyId);
    expect(states.filter((k) => k.state !== 'consumed')).toHaveLength(0); // drained: nothing left
    const got = new Set(received);
    const notReceived = consumed.filter((id) => !got.has(id));
    expect(notReceived.length).toBeLessThanOrEqual(unreceivedBound);
    expect(received.length + notReceived.length).toBe(owned.size);
    // every received key is bound at the slave site to (sae-x1, sae-g1)
    slaveKme.proc.kill('SIGTERM');
    await waitExit(slaveKme.proc);
    const g = KeyStore.open(gdb, { site: 'graz' });
    try {
      for (const id of received) expect(g.bindingOf(id), id).toEqual({ masterSae: 'sae-x1', slaves: [{ sae: 'sae-g1', redeemedAt: null }] });
    } finally {
      g.close();
    }
  }, 120_000);
});
