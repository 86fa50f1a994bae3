/** Shared test fixture: dev certificates, two site stores with common key blocks, two KMEs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededBytes } from '../support/seed.js';
import type { FastifyInstance } from 'fastify';
import { createDevCerts, mutualTlsOptions, type DevCertsResult } from '../../src/server/tls.js';
import { createKmeServer } from '../../src/server/etsi.js';
import { PeerKmeClient } from '../../src/server/kme-link.js';
import { KeyStore } from '../../src/kms/keystore.js';
import { EtsiClient } from '../../src/kms/client.js';
import type { SaeMap } from '../../src/kms/saemap.js';

/** Seeded stand-in for node:crypto's randomBytes (test/support/seed.ts). */
const randomBytes = seededBytes('server/fixture');

export const SAE_MAP: SaeMap = { 'sae-x1': 'xinglong', 'sae-x2': 'xinglong', 'sae-g1': 'graz', 'sae-g2': 'graz' };

export interface Fixture {
  dir: string;
  certs: DevCertsResult;
  stores: Record<'xinglong' | 'graz', KeyStore>;
  servers: Record<'xinglong' | 'graz', FastifyInstance>;
  urls: Record<'xinglong' | 'graz', string>;
  logs: string[];
  client(sae: string, site: 'xinglong' | 'graz'): EtsiClient;
  close(): Promise<void>;
}

export async function makeFixture(keys = 64, opts: { maxKeyCount?: number; durability?: 'full' | 'normal' } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mozi-kme-'));
  const certs = await createDevCerts({ outDir: join(dir, 'pki'), saes: ['sae-x1', 'sae-x2', 'sae-g1', 'sae-g2', 'sae-stranger'], kmes: ['xinglong', 'graz'] });
  const material = randomBytes(32 * (keys + 1)); // ID key + keys
  const stores = {
    xinglong: KeyStore.open(join(dir, 'xinglong.db'), { site: 'xinglong', maxKeyCount: opts.maxKeyCount, durability: opts.durability }),
    graz: KeyStore.open(join(dir, 'graz.db'), { site: 'graz', maxKeyCount: opts.maxKeyCount, durability: opts.durability }),
  };
  stores.xinglong.addBlock({ passId: 'relay-test', blockId: 0, peerSite: 'graz', epsSec: 2e-9, epsCor: 2e-12, key: material });
  stores.graz.addBlock({ passId: 'relay-test', blockId: 0, peerSite: 'xinglong', epsSec: 2e-9, epsCor: 2e-12, key: material });
  const logs: string[] = [];
  const servers = {} as Record<'xinglong' | 'graz', FastifyInstance>;
  const urls = {} as Record<'xinglong' | 'graz', string>;
  const peerClients: PeerKmeClient[] = [];
  for (const site of ['xinglong', 'graz'] as const) {
    const https = mutualTlsOptions({ cert: certs.kmes[site].cert, key: certs.kmes[site].key, ca: certs.ca });
    // KME-to-KME link with the KME's own certificate; `urls` is filled in once both listen
    const peers = new PeerKmeClient({ urls, cert: https.cert, key: https.key, ca: https.ca });
    peerClients.push(peers);
    const app = await createKmeServer({
      store: stores[site],
      saeMap: SAE_MAP,
      https,
      peers,
      log: (l) => logs.push(l),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    servers[site] = app;
    urls[site] = `https://127.0.0.1:${addr.port}`;
  }
  const clients: EtsiClient[] = [];
  return {
    dir, certs, stores, servers, urls, logs,
    client(sae, site) {
      const c = new EtsiClient({ url: urls[site], cert: certs.saes[sae].cert, key: certs.saes[sae].key, ca: certs.ca });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      for (const p of peerClients) p.close();
      for (const s of Object.values(servers)) await s.close();
      for (const s of Object.values(stores)) s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
