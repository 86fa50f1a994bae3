import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { parseCsv } from '../../support/csv.js';
import { readGroundRecord, readSatelliteRecord } from '../../../src/recording/mozi-files.js';

function mozi(args: string[]) {
  const r = runCli(['simulate', ...args]);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mozi simulate (spawned CLI)', () => {
  it('--preset micius-2016-12-19 with a 1 s window writes both parties\' records and one JSON document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-cli-sim-'));
    try {
      const r = mozi(['--preset', 'micius-2016-12-19', '--window-s', '1', '--seed', '5', '--out', dir, '--json', '--check-timing', '--csv', join(dir, 'intensities.csv')]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        station: string; durationS: number; detections: { tags: number; photonEventsPerIntensity: number[] }; timing: { truthCheck: { rightIndexFraction: number } };
      };
      const table = parseCsv(readFileSync(join(dir, 'intensities.csv'), 'utf8'));
      expect(table.map((row) => row[0])).toEqual(['intensity', 'signal', 'decoy', 'vacuum']);
      expect(table.slice(1).map((row) => Number(row[3]))).toEqual(doc.detections.photonEventsPerIntensity);
      expect(doc.station).toBe('xinglong');
      expect(doc.durationS).toBe(1);
      expect(doc.detections.tags).toBeGreaterThan(10_000);
      expect(doc.timing.truthCheck.rightIndexFraction).toBeGreaterThanOrEqual(0.999);
      const g = readGroundRecord(dir);
      expect(g.tags.timePs.length).toBe(doc.detections.tags);
      expect(readSatelliteRecord(dir).sourceSeedHex).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(join(dir, 'truth', 'tags-truth.bin'))).toBe(true);
      expect(existsSync(join(dir, 'summary.json'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--preset', 'micius-2016-12-19', '--eve', 'martian'], /--eve: unknown eavesdropper "martian"/],
    [['--preset', 'nowhere'], /--preset: unknown preset "nowhere"/],
  ])('bad input %j exits 2 naming the field', (args, msg) => {
    const r = mozi(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });
});

describe('mozi simulate --out <an existing file> (issue 21)', () => {
  it('is one line naming the file, exit 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-cli-sim-file-'));
    try {
      const file = join(dir, 'not-a-dir');
      writeFileSync(file, 'x');
      const r = mozi(['--preset', 'micius-2016-12-19', '--window-s', '1', '--seed', '5', '--out', file]);
      expect(r.code, r.stderr).toBe(2);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('mozi:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(file);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
