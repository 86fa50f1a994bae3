/** The replay's CSV tables (src/report/replay-csv.ts) from a short replay, read back. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../../src/mission/replay.js';
import { writeReplayCsv } from '../../src/report/replay-csv.js';
import { parseCsv } from '../support/csv.js';

describe('replay CSV tables', () => {
  it('summary.csv holds the model | paper numbers, series.csv one row per second', async () => {
    const r = await runReplay({ windowS: 10, seed: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'mozi-replay-csv-'));
    try {
      const files = writeReplayCsv(dir, r);
      const summary = parseCsv(readFileSync(files.summary, 'utf8'));
      expect(summary[0]).toEqual(['quantity', 'model', 'paper', 'modelOverPaperMinus1']);
      const byName = new Map(summary.slice(1).map((row) => [row[0], row]));
      expect(Number(byName.get('detections')?.[1])).toBe(r.detections);
      expect(Number(byName.get('detections')?.[2])).toBe(3_551_136); // Liao et al. 2017
      expect(Number(byName.get('detections')?.[3])).toBeCloseTo(r.detections / 3_551_136 - 1, 12);
      expect(Number(byName.get('finalKeyBits')?.[1])).toBe(r.finalKeyBits);
      const series = parseCsv(readFileSync(files.series, 'utf8'));
      expect(series[0]).toEqual(['t', 'elevationDeg', 'rangeKm', 'lossDb', 'detections', 'siftedBits', 'errors', 'qber', 'keyBitsIfEndedHere']);
      expect(series).toHaveLength(r.series.length + 1);
      expect(series.slice(1).reduce((a, row) => a + Number(row[4]), 0)).toBe(r.series.reduce((a, p) => a + p.detections, 0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
