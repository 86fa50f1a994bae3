import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeSimulationWorkers } from '../../src/quantum/simulate-parallel.js';
import { resolveReplayWindow, runReplay, type ReplayEvent } from '../../src/mission/replay.js';
import { loadMission } from '../../src/mission/presets.js';
import { comparisonRows, replayHtml, replayJson, writeReplayReport } from '../../src/report/replay.js';

describe('runReplay (short window of the 2016-12-19 pass)', () => {
  it('runs orbit → keys, emits stages and series, keys identical on both sides, self-contained report', async () => {
    const events: ReplayEvent[] = [];
    // seed 2: a 20 s window is near the finite-key threshold, and seed 11 gives no key since the
    // simulation's streams became per segment (issue 19); seed 2 leaves ~9,900 bits
    const r = await runReplay({ windowS: 20, seed: 2 }, (e) => events.push(e));
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
    for (const k of ['detections', 'siftedBits', 'qber', 'finalKeyBits', 'finalKeyRateBps', 'durationS', 'aborted', 'abortReason', 'ledger', 'finiteKey', 'published', 'reconciliation', 'mission', 'warnings']) {
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

describe('runReplay on worker threads', () => {
  it('1 and 2 threads give the same detections and the same key (sha256), seed 5', async () => {
    const one = await runReplay({ windowS: 20, seed: 5, threads: 1 });
    const two = await runReplay({ windowS: 20, seed: 5, threads: 2 });
    expect(one.keysMatch).toBe(true);
    expect(one.finalKeyBits).toBeGreaterThan(0);
    expect(two.threads).toBe(2);
    expect(two.detections).toBe(one.detections);
    expect(two.simulation).toEqual(one.simulation);
    expect(two.finalKeyBits).toBe(one.finalKeyBits);
    expect(two.keyDigest).toBe(one.keyDigest);
    await closeSimulationWorkers();
  }, 300_000);
});

describe('Graz preset (second link of the Xinglong–Graz relay, Liao et al., PRL 120, 030501 (2018))', () => {
  it('resolves to the night pass of 2016-12-19 23:09 UTC (max 51.8°), window within ~1,200 km', () => {
    const w = resolveReplayWindow({ preset: 'micius-graz-2016-12-19' });
    expect(w.station.id).toBe('graz');
    expect(w.pass.night).toBe(true);
    expect(new Date(w.tcaMs).toISOString()).toMatch(/^2016-12-19T23:0[89]/);
    expect(w.around.summary.maxElevationDeg).toBeCloseTo(51.8, 1);
    expect(w.around.summary.minRangeKm).toBeGreaterThan(600);
    expect(w.around.summary.minRangeKm).toBeLessThan(630);
    const inWindow = w.around.samples.filter((s) => s.timeMs >= w.windowStartMs && s.timeMs <= w.windowEndMs);
    expect(Math.max(...inWindow.map((s) => s.rangeKm))).toBeLessThan(1210);
    expect(Math.min(...inWindow.map((s) => s.elevationDeg))).toBeGreaterThan(19);
    expect(inWindow.every((s) => s.sunElevationDeg < -12)).toBe(true);
    // after the Xinglong pass of the same day, and a different key block
    const x = resolveReplayWindow({ preset: 'micius-2016-12-19' });
    expect(w.windowStartMs).toBeGreaterThan(x.windowEndMs);
    expect(w.passId).not.toBe(x.passId);
    // the Xinglong receiver without Beijing's light; no published figures
    expect(w.station.receiver.cityLight).toBeUndefined();
    expect(w.station.receiver.apertureM).toBe(1);
    expect(w.preset.published).toBeUndefined();
    expect(x.station.receiver.cityLight?.name).toBe('Beijing');
  });

  it('a 20 s replay distils key; the report has no paper column', async () => {
    const r = await runReplay({ preset: 'micius-graz-2016-12-19', windowS: 20, seed: 1 });
    expect(r.pass.station).toBe('Graz');
    expect(r.aborted).toBe(false);
    expect(r.keysMatch).toBe(true);
    expect(r.finalKeyBits).toBeGreaterThan(0);
    expect(r.qber).toBeLessThan(0.02);
    expect(r.published).toBeUndefined();
    expect(comparisonRows(r).every((row) => row.paper === '' && row.ratio === '')).toBe(true);
    const html = replayHtml(r);
    expect(html).not.toContain('Model vs paper');
    expect(html).toContain('<h2>Results</h2>');
  }, 120_000);
});

describe('replay targets', () => {
  it('--station/--pass of a named pass is that named pass (window and published figures); another pass is AOS → LOS', () => {
    const named = resolveReplayWindow({ mission: 'micius', station: 'xinglong', pass: '2016-12-19' });
    expect(named.preset.id).toBe('micius-2016-12-19');
    expect(named.windowS).toBe(273);
    expect(named.passId).toBe(resolveReplayWindow({}).passId);
    const other = resolveReplayWindow({ mission: loadMission('micius'), station: 'nanshan', pass: '2016-12-19' });
    expect(other.preset.id).toBe('nanshan/2016-12-19');
    expect(other.windowStartMs).toBe(Math.round(other.pass.aosMs));
    expect(other.windowS).toBe(Math.floor((other.pass.losMs - other.pass.aosMs) / 1000));
    expect(other.preset.reconciliation).toBe('hamming');
    expect(other.station.receiver.cityLight).toBeUndefined();
    expect(() => resolveReplayWindow({ station: 'atlantis', pass: '2016-12-19' })).toThrow(/station: unknown station "atlantis"; known stations: xinglong, .* \(mission micius\)/);
    expect(() => resolveReplayWindow({ station: 'xinglong' })).toThrow(/needs both a station and a pass/);
  });
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
    // aborted before reconciliation: the per-second QBER comes from the disclosed sample, so its
    // error-weighted mean matches the sampled QBER (not the sample's errors spread over all bits)
    const pts = r.series.filter((p) => Number.isFinite(p.qber));
    const errs = pts.reduce((a, p) => a + p.errors, 0);
    const checked = pts.reduce((a, p) => a + (p.qber > 0 ? p.errors / p.qber : 0), 0);
    expect(errs / checked).toBeGreaterThan(0.5 * (r.counts.sampleQber ?? 0));
    expect(errs / checked).toBeLessThan(2 * (r.counts.sampleQber ?? 1));
  }, 300_000);
});
