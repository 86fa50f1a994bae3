/**
 * Suite `kme`: ETSI GS QKD 014 enc_keys throughput of a real `mozi kme` process on loopback with
 * mutual TLS and keep-alive, N concurrent clients (one TLS connection each), and a duplicate count
 * of delivered key_IDs (must be 0).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { BenchResult, BenchSuite } from '../types.js';
import { createDevCerts } from '../../src/server/tls.js';
import { KeyStore } from '../../src/kms/keystore.js';
import { packageRoot } from '../../src/core/package-root.js';

const ROOT = packageRoot(import.meta.url);

/** CPU seconds (user + system) used so far by a process, from /proc (Linux); NaN elsewhere. */
function procCpuSeconds(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(parts[11]) + Number(parts[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

async function startKme(args: string[]): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'kme', ...args, '--json', '--quiet', '--listen', '127.0.0.1:0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve((JSON.parse(out) as { url: string }).url);
      } catch {
        /* incomplete */
      }
    });
    proc.on('exit', (c) => reject(new Error(`kme exited ${c}`)));
  });
  return {
    url,
    pid: proc.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * A minimal keep-alive HTTP/1.1 client over one mutual-TLS connection (the load generator must
 * cost less CPU than the server it measures; node:https costs about as much as the server).
 * One request in flight per connection; responses are parsed by Content-Length.
 */
class RawTlsClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: string }) => void) | null = null;
  private constructor(private readonly sock: TLSSocket) {
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.drain();
    });
  }

  static connect(url: string, cert: Buffer, key: Buffer, ca: Buffer): Promise<RawTlsClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const sock = tlsConnect({ host: u.hostname, port: Number(u.port), cert, key, ca, servername: 'localhost' }, () => resolve(new RawTlsClient(sock)));
      sock.once('error', reject);
    });
  }

  private drain(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const m = /content-length: *(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (this.buf.length < end + 4 + len) return;
    const body = this.buf.subarray(end + 4, end + 4 + len).toString('utf8');
    this.buf = this.buf.subarray(end + 4 + len);
    const w = this.waiting;
    this.waiting = null;
    w({ status: Number(head.slice(9, 12)), body });
  }

  request(raw: Buffer): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.sock.write(raw);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

export const kmeSuite: BenchSuite = {
  name: 'kme',
  description: 'ETSI 014 enc_keys requests/s over mutual TLS with keep-alive; duplicate key_IDs under concurrency',
  async run({ quick, log }) {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-bench-kme-'));
    const results: BenchResult[] = [];
    try {
      const certs = await createDevCerts({ outDir: join(dir, 'pki'), saes: ['sae-x1', 'sae-g1'], kmes: ['xinglong'] });
      writeFileSync(join(dir, 'sae-map.json'), JSON.stringify({ saes: { 'sae-x1': 'xinglong', 'sae-g1': 'graz' } }));
      const seconds = quick ? 2 : 5;
      for (const durability of ['full', 'normal'] as const) {
        const db = join(dir, `xinglong-${durability}.db`);
        const store = KeyStore.open(db, { site: 'xinglong', durability });
        const nKeys = 2 * 60_000;
        store.addBlock({ passId: 'bench', blockId: 0, peerSite: 'graz', epsSec: 1e-9, epsCor: 1e-12, key: randomBytes(32 * (nKeys + 1)) });
        store.close();
        const kme = await startKme(['--site', 'xinglong', '--keys', db, '--tls-cert', certs.kmes.xinglong.cert, '--tls-key', certs.kmes.xinglong.key,
          '--ca', certs.ca, '--sae-map', join(dir, 'sae-map.json'), '--durability', durability]);
        const clients = 50;
        const pem = (f: string): Buffer => readFileSync(f);
        const pool = await Promise.all(Array.from({ length: clients }, () =>
          RawTlsClient.connect(kme.url, pem(certs.saes['sae-x1'].cert), pem(certs.saes['sae-x1'].key), pem(certs.ca))));
        const body = JSON.stringify({ number: 1 });
        const req = Buffer.from(`POST /api/v1/keys/sae-g1/enc_keys HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
        const ids: string[] = [];
        let errors = 0;
        let exhausted = false;
        // warm-up: one request per connection
        const status = Buffer.from('GET /api/v1/keys/sae-g1/status HTTP/1.1\r\nhost: localhost\r\n\r\n');
        await Promise.all(pool.map((c) => c.request(status)));
        const cpu0 = procCpuSeconds(kme.pid);
        const ccpu0 = process.cpuUsage();
        const t0 = performance.now();
        const deadline = t0 + seconds * 1000;
        let requests = 0;
        await Promise.all(pool.map(async (c) => {
          while (performance.now() < deadline && !exhausted) {
            const r = await c.request(req);
            requests++;
            if (r.status === 200) for (const k of (JSON.parse(r.body) as { keys: { key_ID: string }[] }).keys) ids.push(k.key_ID);
            else if (r.status === 503) exhausted = true;
            else errors++;
          }
        }));
        const elapsed = (performance.now() - t0) / 1000;
        const serverCpuUs = ((procCpuSeconds(kme.pid) - cpu0) / requests) * 1e6;
        const cc = process.cpuUsage(ccpu0);
        const clientCpuUs = (cc.user + cc.system) / requests;
        for (const c of pool) c.close();
        await kme.stop();
        const duplicates = ids.length - new Set(ids).size;
        const rate = requests / elapsed;
        log(`kme: durability=${durability}: ${requests} requests in ${elapsed.toFixed(2)} s = ${rate.toFixed(0)}/s, ${ids.length} keys, ${duplicates} duplicates, ${errors} errors${exhausted ? ' (store exhausted)' : ''}; CPU per request: server ${serverCpuUs.toFixed(0)} µs, load generator ${clientCpuUs.toFixed(0)} µs`);
        const params = { clients, number: 1, keySizeBits: 256, tls: 'mutual', keepAlive: true, durability, seconds };
        results.push({ name: `kme/enc_keys/${durability}`, params, metric: 'throughput', value: rate, unit: 'req/s' });
        results.push({ name: `kme/enc_keys/${durability}`, params, metric: 'duplicate_key_IDs', value: duplicates, unit: '' });
        results.push({ name: `kme/enc_keys/${durability}`, params, metric: 'errors', value: errors, unit: '' });
        results.push({ name: `kme/enc_keys/${durability}`, params, metric: 'server_cpu_per_request', value: serverCpuUs, unit: 'us' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};
