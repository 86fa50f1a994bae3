import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync } from '../support/cli.js';
import { parseCsv } from '../support/csv.js';

async function mozi(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await runCliAsync(['passes', ...args]);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The spawns are independent; run them concurrently to keep the file fast.
describe.concurrent('mozi passes (spawned CLI)', () => {
  it('--json prints one document with the reference pass; --csv writes the same rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-passes-'));
    const csv = join(dir, 'passes.csv');
    const r = await mozi(['--satellite', 'micius', '--station', 'xinglong', '--from', '2016-12-19', '--to', '2016-12-20', '--night-only', '--json', '--csv', csv]);
    expect(r.code).toBe(0);
    const table = parseCsv(readFileSync(csv, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    const doc = JSON.parse(r.stdout) as { passes: Record<string, unknown>[] };
    expect(doc.passes).toHaveLength(1);
    const p = doc.passes[0];
    expect(Object.keys(p)).toEqual(['station', 'satellite', 'aos', 'tca', 'los', 'maxElevationDeg', 'minRangeKm', 'durationS', 'night', 'sunElevationDegAtTca']);
    expect(p.station).toBe('xinglong');
    expect(p.minRangeKm as number).toBeCloseTo(645, -1);
    expect(p.night).toBe(true);
    expect(table[0]).toEqual(Object.keys(p));
    expect(table.slice(1)).toEqual([Object.values(p).map(String)]);
  });

  it.each([
    [['--station', 'atlantis', '--from', '2016-12-19', '--to', '2016-12-20'], /unknown station "atlantis"; known stations: xinglong/],
    [['--station', 'xinglong', '--from', '2016-12-19', '--to', '2016-12-20', '--tle', 'test/cli/fixtures/bad-checksum.tle'], /bad-checksum\.tle: line 3: checksum is 7, expected 3/],
  ])('bad input %j exits 2 with one line on stderr', async (args, msg) => {
    const r = await mozi(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
  });
});
