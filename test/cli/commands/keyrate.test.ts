import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli.js';
import { parseCsv } from '../../support/csv.js';

function mozi(args: string[]) {
  const r = runCli(args);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mozi keyrate', () => {
  it('--counts --json prints one document with the Lim-named intermediates; --csv the same scalars', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-keyrate-'));
    const csv = join(dir, 'keyrate.csv');
    const r = mozi(['keyrate', '--counts', 'examples/counts-micius.json', '--bound', 'hoeffding', '--json', '--csv', csv]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    const table = parseCsv(readFileSync(csv, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    expect(table[0]).toEqual(['quantity', 'value']);
    const rows = new Map(table.slice(1).map(([k, v]) => [k, v]));
    expect(Number(rows.get('keyLengthBits'))).toBe(d.keyLengthBits);
    expect(Number(rows.get('sZ1'))).toBe(d.sZ1);
    expect(rows.get('bound')).toBe('hoeffding');
    for (const k of ['keyLengthBits', 'sX0', 'sX1', 'sZ0', 'sZ1', 'vZ1', 'phiX', 'nX', 'nZ', 'mX', 'mZ', 'lambdaEC', 'boundBeforeLeakageBits']) {
      expect(d, k).toHaveProperty(k);
    }
    expect(d.bound).toBe('hoeffding');
  });
  it('--predict --loss-db --optimize --json', () => {
    const r = mozi(['keyrate', '--predict', '--loss-db', '35', '--optimize', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.optimum.keyLengthBits).toBeGreaterThanOrEqual(d.keyLengthBits);
    expect(d.limits.plobBits).toBeGreaterThan(d.keyLengthBits);
  });
  it('bad input exits 2 naming the flag', () => {
    const r = mozi(['keyrate', '--counts', 'examples/counts-micius.json', '--bound', 'gaussian']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--bound/);
  });
});

describe('mozi keyrate --counts: the file\'s bound/protocol apply unless given on the command line (issue 21)', () => {
  it('file values without flags; an explicit flag (even one equal to the default) wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-keyrate-file-'));
    try {
      const file = join(dir, 'counts.json');
      const doc = JSON.parse(readFileSync('examples/counts-micius.json', 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...doc, bound: 'hoeffding', protocol: 'efficient' }));
      const run = (...flags: string[]) => {
        const r = mozi(['keyrate', '--counts', file, '--json', ...flags]);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { bound: string; protocol: string };
      };
      expect(run()).toMatchObject({ bound: 'hoeffding', protocol: 'efficient' });
      expect(run('--bound', 'chernoff', '--protocol', 'symmetric')).toMatchObject({ bound: 'chernoff', protocol: 'symmetric' });
      expect(run('--protocol', 'symmetric')).toMatchObject({ bound: 'hoeffding', protocol: 'symmetric' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
