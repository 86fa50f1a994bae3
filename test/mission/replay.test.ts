import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReplay, type ReplayEvent } from '../../src/mission/replay.js';
import { replayJson, writeReplayReport } from '../../src/report/replay.js';

describe('runReplay (short window of the 2016-12-19 pass)', () => {
  it('runs orbit → keys, emits stages and series, keys identical on both sides, self-contained report', async () => {
    const events: ReplayEvent[] = [];
    const r = await runReplay({ windowS: 20, seed: 11 }, (e) => events.push(e));
    expect(r.aborted).toBe(false);
    expect(r.keysMatch).toBe(true);
    expect(r.finalKeyBits).toBeGreaterThan(0);
    expect(r.siftedBits).toBeLessThan(r.detections);
    expect(r.ledger?.leakedBits).toBeGreaterThan(0);
    const stagesEnded = events.filter((e) => e.type === 'stage' && e.status === 'end').map((e) => (e as { stage: string }).stage);
    expect(stagesEnded).toEqual(['orbit', 'link', 'simulation', 'timing', 'protocol', 'analysis']);
    const series = events.find((e) => e.type === 'series');
    expect(series && series.type === 'series' && series.series.length).toBe(20);
    const j = replayJson(r);
    for (const k of ['detections', 'siftedBits', 'qber', 'finalKeyBits', 'finalKeyRateBps', 'durationS', 'aborted', 'abortReason', 'ledger', 'finiteKey', 'paper']) {
      expect(j).toHaveProperty(k);
    }
    const dir = mkdtempSync(join(tmpdir(), 'mozi-report-'));
    try {
      const files = writeReplayReport(dir, r);
      const html = readFileSync(files.html, 'utf8');
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/(src|href)=["']https?:/);
      expect(JSON.parse(readFileSync(files.json, 'utf8')).finalKeyBits).toBe(r.finalKeyBits);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('runReplay with an eavesdropper (30 s around TCA)', () => {
  it('intercept-resend: both sides abort on the QBER', async () => {
    const r = await runReplay({ windowS: 30, seed: 12, eve: 'intercept-resend' });
    expect(r.aborted).toBe(true);
    expect(r.abortReason).toBe('qber-too-high');
    expect(r.finalKeyBits).toBe(0);
    expect(r.counts.sampleQber).toBeGreaterThan(0.15);
  }, 300_000);

  it('pns: the decoy bound collapses (no key) while the no-decoy analysis would claim key', async () => {
    const r = await runReplay({ windowS: 30, seed: 13, eve: 'pns' });
    expect(r.aborted).toBe(true);
    expect(r.abortReason).toBe('no-key');
    expect(r.finalKeyBits).toBe(0);
    expect(r.noDecoy?.keyLengthBits ?? 0).toBeGreaterThan(0);
  }, 300_000);
});

/** The full pass against the paper (Liao et al. 2017); ~15–60 s; MOZI_QUICK=1 skips it. */
describe.skipIf(process.env.MOZI_QUICK === '1')('full replay of 2016-12-19 vs the paper', () => {
  it('lands within the published figures', async () => {
    const r = await runReplay({});
    expect(r.keysMatch).toBe(true);
    expect(Math.abs(r.detections / 3_551_136 - 1)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(r.siftedBits / 1_671_072 - 1)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(r.qber - 0.011)).toBeLessThanOrEqual(0.003);
    expect(Math.abs(r.finalKeyBits / 300_939 - 1)).toBeLessThanOrEqual(0.2);
  }, 600_000);
});
