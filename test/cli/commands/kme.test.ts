/** `mozi kme`, `mozi kme dev-certs` and `mozi relay` as real processes: usage errors exit 2. */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-cli-kme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mozi = (...args: string[]) => runCli(args);

describe('mozi kme / relay CLI', () => {
  it('dev-certs writes a CA, KME and SAE certificates (keys 0600) and an SAE map', () => {
    const r = mozi('kme', 'dev-certs', '--out', join(dir, 'pki'), '--sae', 'app1=xinglong', '--sae', 'app2=graz', '--json');
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { ca: string; kmes: Record<string, { key: string }>; saes: Record<string, { cert: string }>; saeMap: string };
    expect(Object.keys(doc.kmes).sort()).toEqual(['graz', 'xinglong']);
    expect(existsSync(doc.saes.app1.cert)).toBe(true);
    expect(statSync(doc.kmes.graz.key).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(doc.saeMap, 'utf8'))).toEqual({ saes: { app1: 'xinglong', app2: 'graz' } });
  }, 30_000);
  it('kme without --site, with a bad --listen, and relay without stores exit 2 with a message', () => {
    const p = join(dir, 'pki');
    const base = ['--keys', join(dir, 'x.db'), '--tls-cert', join(p, 'kme-xinglong.crt'), '--tls-key', join(p, 'kme-xinglong.key'), '--ca', join(p, 'ca.crt'), '--sae-map', join(p, 'sae-map.json')];
    const a = mozi('kme', ...base);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/site/);
    const b = mozi('kme', '--site', 'xinglong', ...base, '--listen', 'nowhere');
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/listen/);
    const c = mozi('relay', '--from', 'xinglong', '--to', 'graz');
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/satellite-keys/);
  }, 60_000);
});

describe('mozi kme with a corrupt store or a bad PEM (issue 21)', () => {
  const p = join(dir, 'pki');
  const args = (keys: string, key: string) => ['kme', '--site', 'xinglong', '--keys', keys, '--tls-cert', join(p, 'kme-xinglong.crt'), '--tls-key', key, '--ca', join(p, 'ca.crt'), '--sae-map', join(p, 'sae-map.json'), '--listen', '127.0.0.1:0'];
  it('a corrupt key store: one line naming the file, exit 2', () => {
    if (!existsSync(p)) expect(mozi('kme', 'dev-certs', '--out', p, '--sae', 'app1=xinglong', '--sae', 'app2=graz').status).toBe(0);
    const bad = join(dir, 'corrupt.db');
    writeFileSync(bad, Buffer.alloc(8192, 0x5a));
    const r = runCli(args(bad, join(p, 'kme-xinglong.key')), { timeoutMs: 20_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 30_000);
  it('a PEM file that is not a key: one line naming the file, exit 2', () => {
    if (!existsSync(p)) expect(mozi('kme', 'dev-certs', '--out', p, '--sae', 'app1=xinglong', '--sae', 'app2=graz').status).toBe(0);
    const pem = join(dir, 'bad.key');
    writeFileSync(pem, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    const r = runCli(args(join(dir, 'pem.db'), pem), { timeoutMs: 20_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(pem);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 30_000);
});
