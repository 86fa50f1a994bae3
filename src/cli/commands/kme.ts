/**
 * `mozi kme`: the ETSI GS QKD 014 key management entity of one site (HTTPS, mutual TLS), and
 * `mozi kme dev-certs`: a development CA with KME server and SAE client certificates.
 */
import type { Command } from 'commander';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { KeyStore } from '../../kms/keystore.js';
import { loadSaeMap, validateSaeMap, type SaeMap } from '../../kms/saemap.js';
import { createKmeServer } from '../../server/etsi.js';
import { PeerKmeClient } from '../../server/kme-link.js';
import { createDevCerts, mutualTlsOptions } from '../../server/tls.js';
import { log, printJson } from '../output.js';

export function parseListen(v: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(v);
  if (!m) throw new InputError(`expected HOST:PORT, got ${JSON.stringify(v)}`, { field: 'listen' });
  const port = Number(m[2]);
  if (port > 65535) throw new InputError(`port out of range: ${port}`, { field: 'listen' });
  return { host: m[1].replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}

function positiveInt(v: string, field: string): number {
  if (!/^[0-9]+$/.test(v) || Number(v) <= 0) throw new InputError(`expected a positive integer, got ${JSON.stringify(v)}`, { field });
  return Number(v);
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface KmeOpts {
  site?: string;
  keys?: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  ca?: string;
  saeMap?: string;
  maxKeyPerRequest?: string;
  maxKeyCount?: string;
  keySize?: string;
  durability: string;
  quiet?: boolean;
  json?: boolean;
  peerKme: string[];
}

/** `--peer-kme SITE=URL` entries → { site: url }. */
export function parsePeerKmes(entries: readonly string[], site: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(https:\/\/.+)$/.exec(e);
    if (!m) throw new InputError(`expected SITE=https://HOST:PORT, got ${JSON.stringify(e)}`, { field: 'peer-kme' });
    if (m[1] === site) throw new InputError(`${m[1]} is this KME's own site`, { field: 'peer-kme' });
    try {
      new URL(m[2]);
    } catch {
      throw new InputError(`invalid URL ${JSON.stringify(m[2])}`, { field: 'peer-kme' });
    }
    out[m[1]] = m[2];
  }
  return out;
}

export function register(program: Command): void {
  const kme = program
    .command('kme')
    .description('ETSI GS QKD 014 key management entity of one site (HTTPS with mutual TLS)')
    .option('--site <name>', 'this site (e.g. xinglong)')
    .option('--keys <file>', 'the site key store (SQLite; created 0600 if missing)')
    .option('--listen <host:port>', 'address to listen on (port 0: any free port)', '127.0.0.1:8443')
    .option('--tls-cert <file>', 'KME server certificate (PEM)')
    .option('--tls-key <file>', 'KME server private key (PEM)')
    .option('--ca <file>', 'CA certificate that signs SAE client certificates (PEM)')
    .option('--sae-map <file>', 'JSON {"saes": {"SAE_ID": "site"}}: which SAE is attached to which site')
    .option('--max-key-per-request <n>', 'max_key_per_request', '128')
    .option('--max-key-count <n>', 'store capacity in keys (max_key_count)')
    .option('--key-size <bits>', 'key size of a new store (multiple of 8)')
    .option('--durability <mode>', 'full (survives power loss) or normal (survives process crashes)', 'full')
    .option('--quiet', 'no per-request log lines on stderr')
    .option('--json', 'print one JSON document {site, url, ...} on stdout once listening')
    .option('--peer-kme <site=url>', 'the KME of a peer site (KME-to-KME slave binding over mutual TLS with this KME\'s own certificate; repeatable)', collect, [])
    .action(async (o: KmeOpts) => {
      for (const [k, v] of [['site', o.site], ['keys', o.keys], ['tls-cert', o.tlsCert], ['tls-key', o.tlsKey], ['ca', o.ca]] as const) {
        if (!v) throw new InputError('required option missing', { field: k });
      }
      if (o.durability !== 'full' && o.durability !== 'normal') throw new InputError('expected full or normal', { field: 'durability' });
      const listen = parseListen(o.listen);
      const entries: Record<string, string> = { ...(o.saeMap ? loadSaeMap(o.saeMap) : {}) };
      const saeMap: SaeMap = validateSaeMap(entries);
      if (Object.keys(saeMap).length === 0) throw new InputError('no SAEs configured (give --sae-map FILE)', { field: 'sae-map' });
      const https = mutualTlsOptions({ cert: o.tlsCert as string, key: o.tlsKey as string, ca: o.ca as string });
      const peerUrls = parsePeerKmes(o.peerKme, o.site as string);
      const peerKmes = new PeerKmeClient({ urls: peerUrls, cert: https.cert, key: https.key, ca: https.ca });
      const store = KeyStore.open(o.keys as string, {
        site: o.site as string,
        maxKeyCount: o.maxKeyCount ? positiveInt(o.maxKeyCount, 'max-key-count') : undefined,
        keySizeBits: o.keySize ? positiveInt(o.keySize, 'key-size') : undefined,
        durability: o.durability,
      });
      const released = store.releaseAllReservations();
      if (released) log(`kme: released ${released} keys reserved by an interrupted relay`);
      const app = await createKmeServer({
        store,
        saeMap,
        https,
        peers: peerKmes,
        maxKeyPerRequest: positiveInt(o.maxKeyPerRequest ?? '128', 'max-key-per-request'),
        log: o.quiet ? undefined : (line) => log(`kme ${store.site}: ${line}`),
      });
      await app.listen({ host: listen.host, port: listen.port });
      const addr = app.server.address();
      const port = addr && typeof addr !== 'string' ? addr.port : listen.port;
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      const url = `https://${host}:${port}`;
      const peers = store.peers();
      log(`kme: site ${store.site} serving ETSI GS QKD 014 on ${url} (mutual TLS), links: ${peers.map((p) => `${p} (${store.status(p).storedKeyCount} keys)`).join(', ') || 'none yet'}`);
      if (Object.keys(peerUrls).length === 0) log('kme: no --peer-kme given: enc_keys answers 503 (keys are handed out only once bound at the slave site)');
      if (o.json) printJson({ site: store.site, url, keySizeBits: store.keySizeBits, peers, peerKmes: peerUrls, saes: saeMap });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      log('kme: shutting down');
      await app.close();
      peerKmes.close();
      store.close();
    });

  kme
    .command('dev-certs')
    .description('create a development CA, KME server certificates and SAE client certificates (EC P-256; local use only)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--sae <id[=site]>', 'an SAE (client certificate CN = id); with =site also written to sae-map.json (repeatable)', collect, [])
    .option('--kme <site>', 'a KME server certificate for this site (repeatable; default: the sites of --sae)', collect, [])
    .option('--days <n>', 'validity in days', '30')
    .option('--json', 'print the file paths as JSON')
    .action(async (_o: unknown, cmd: Command) => {
      // --json may be taken by the parent `kme` command's parser: read the merged options
      const o = cmd.optsWithGlobals<{ out: string; sae: string[]; kme: string[]; days: string; json?: boolean }>();
      const saes: string[] = [];
      const map: Record<string, string> = {};
      for (const s of o.sae) {
        const [id, site] = s.split('=', 2);
        saes.push(id);
        if (site) map[id] = site;
      }
      if (saes.length === 0 && o.kme.length === 0) throw new InputError('give at least one --sae or --kme', { field: 'sae' });
      const kmes = o.kme.length ? o.kme : [...new Set(Object.values(map))];
      const res = await createDevCerts({ outDir: o.out, saes, kmes, days: positiveInt(o.days, 'days') });
      let saeMapPath: string | undefined;
      if (Object.keys(map).length) {
        validateSaeMap(map);
        saeMapPath = join(o.out, 'sae-map.json');
        writeFileSync(saeMapPath, JSON.stringify({ saes: map }, null, 2) + '\n');
        chmodSync(saeMapPath, 0o644);
      }
      if (o.json) printJson({ ...res, saeMap: saeMapPath });
      else {
        log(`dev-certs: CA ${res.ca}`);
        for (const [k, v] of Object.entries(res.kmes)) log(`dev-certs: KME ${k}: ${v.cert} ${v.key}`);
        for (const [k, v] of Object.entries(res.saes)) log(`dev-certs: SAE ${k}: ${v.cert} ${v.key}`);
        if (saeMapPath) log(`dev-certs: SAE map ${saeMapPath}`);
      }
    });
}
