/**
 * Store set-up is atomic: several processes opening the same fresh data directory at the same
 * instant all succeed, and the store holds one site and key size (before, the second could fail
 * with "UNIQUE constraint failed: meta.k").
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore } from '../../src/kms/keystore.js';
import { bundle } from '../support/bundle.js';
import { SCRIPTS_DIR } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-setup-'));
const script = join(SCRIPTS_DIR, 'open-store-child.mjs');
beforeAll(() => bundle(join(import.meta.dirname, 'open-store-child.ts'), script));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function child(args: string[]): Promise<(string | null)[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as (string | null)[]) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('KeyStore.open on a fresh path', () => {
  it('three processes opening 12 fresh stores at the same instants all succeed', async () => {
    const paths = Array.from({ length: 12 }, (_, i) => join(dir, `race-${i}.sqlite`));
    const startAt = Date.now() + 1000; // after the children have started (≈ 0.15 s each when quiet)
    const results = await Promise.all([0, 1, 2].map(() => child([String(startAt), '40', ...paths])));
    const failures = results.flat().filter((m) => m !== null);
    expect(failures).toEqual([]);
    for (const p of paths) {
      const s = KeyStore.open(p, { site: 'xinglong' });
      expect(s.keySizeBits).toBe(256);
      s.close();
    }
  });
});
