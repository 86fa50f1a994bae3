import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { parseCsv } from '../support/csv.js';

function mozi(args: string[]) {
  const r = runCli(['link', ...args]);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mozi link (spawned CLI)', () => {
  it('--json prints { pass, samples } for the reference pass, --plot writes an SVG, --csv every slot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-link-'));
    const plot = join(dir, 'link.svg');
    const csv = join(dir, 'link.csv');
    const r = mozi(['--satellite', 'micius', '--station', 'xinglong', '--pass', '2016-12-19', '--step', '5s', '--json', '--plot', plot, '--csv', csv]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { pass: Record<string, unknown>; samples: Record<string, number>[] };
    expect(doc.pass.station).toBe('xinglong');
    expect(doc.pass.minRangeKm as number).toBeCloseTo(645, -1);
    expect(doc.samples.length).toBeGreaterThan(70);
    for (const k of ['timeMs', 't', 'elevationDeg', 'rangeKm', 'etaDiffraction', 'etaAtmosphere', 'etaTurbulence', 'etaPointing', 'etaReceiver', 'etaDetector', 'etaTotal', 'lossTotalDb', 'backgroundHz']) {
      expect(doc.samples[0]).toHaveProperty(k);
    }
    expect(doc.samples[1].t - doc.samples[0].t).toBe(5);
    const best = Math.min(...doc.samples.map((s) => s.lossTotalDb));
    expect(best).toBeGreaterThan(31);
    expect(best).toBeLessThan(34);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('loss terms vs time');
    expect(svg).toContain('end-to-end loss vs range');
    const table = parseCsv(readFileSync(csv, 'utf8'));
    expect(table[0].slice(0, 4)).toEqual(['t', 'utc', 'timeMs', 'elevationDeg']);
    expect(table).toHaveLength(doc.samples.length + 1);
    const last = doc.samples[doc.samples.length - 1];
    const row = Object.fromEntries(table[0].map((k, i) => [k, table[table.length - 1][i]]));
    expect(Number(row.lossTotalDb)).toBe(last.lossTotalDb);
    expect(Number(row.etaTotal)).toBe(last.etaTotal);
    expect(row.utc).toBe(new Date(last.timeMs).toISOString());
  });

  it.each([
    [['--pass', '2016-12-19', '--step', 'fast'], /--step: "fast" is not a time step/],
    [['--station', 'atlantis', '--pass', '2016-12-19'], /unknown station "atlantis"/],
    [[], /missing --pass/],
  ])('bad input %j exits 2 with one line on stderr', (args, msg) => {
    const r = mozi(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
  });

  it('bad --hardware file names the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-link-'));
    const f = join(dir, 'hw.json');
    writeFileSync(f, JSON.stringify({ receiver: { opticsEfficiency: 1.6 } }));
    const r = mozi(['--pass', '2016-12-19', '--hardware', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hw\.json: receiver\.opticsEfficiency: /);
  });
});
