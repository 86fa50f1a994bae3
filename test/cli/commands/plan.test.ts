import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli.js';
import { parseCsv } from '../../support/csv.js';

describe('mozi plan', () => {
  it("a pass's planned key equals keyrate --predict on the same pass (one code: predictPassKey)", () => {
    const r = runCli(['plan', '--from', '2017-01-05', '--to', '2017-01-07', '--step-s', '1', '--threads', '1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const pass = plan.passes.find((p: { predictedKeyBits: number; station: string }) => p.predictedKeyBits > 100_000 && p.station === 'delingha');
    expect(pass).toBeDefined();
    const k = runCli(['keyrate', '--predict', '--station', pass.station, '--pass', pass.aos, '--bound', 'hoeffding', '--protocol', 'symmetric', '--json']);
    expect(k.status, k.stderr).toBe(0);
    const kr = JSON.parse(k.stdout);
    // keyrate found the same pass by its own search (AOS refined to 10 ms)
    expect(Math.abs(Date.parse(kr.channel.pass.aos) - Date.parse(pass.aos))).toBeLessThan(50);
    expect(kr.keyLengthBits).toBe(pass.predictedKeyBits);
  });

  it('--out writes plan.json, passes.csv with every pass, stations.csv, pairs.csv and plan.html; --summary drops the pass array', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-plan-'));
    try {
      const r = runCli(['plan', '--from', '2017-01-05', '--to', '2017-01-09', '--policy', 'round-robin', '--block', 'combined', '--summary', '--out', dir, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.passes).toBeUndefined();
      expect(Object.keys(doc.summary)).toEqual(expect.arrayContaining(['passes', 'scheduledPasses', 'keyBits', 'expectedKeyBits']));
      expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe(r.stdout);
      const passes = parseCsv(readFileSync(join(dir, 'passes.csv'), 'utf8'));
      expect(passes.length - 1).toBe(doc.summary.passes);
      expect(passes.slice(1).filter((row) => row[11] === 'true').length).toBe(doc.summary.scheduledPasses);
      expect(parseCsv(readFileSync(join(dir, 'stations.csv'), 'utf8')).length - 1).toBe(6);
      expect(parseCsv(readFileSync(join(dir, 'pairs.csv'), 'utf8')).length - 1).toBe(15);
      const html = readFileSync(join(dir, 'plan.html'), 'utf8');
      expect(html.match(/<svg /g)?.length).toBe(5);
      expect(html).not.toMatch(/<script|src="http/);
      // combined blocks: the summary's combined key is at least the per-pass key
      expect(doc.summary.combinedExpectedKeyBits).toBeGreaterThanOrEqual(doc.summary.expectedKeyBits);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad input with exit 2 naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-plan-'));
    try {
      const empty = runCli(['plan', '--from', '2017-01-05', '--to', '2017-01-05']);
      expect([empty.status, empty.stderr]).toEqual([2, expect.stringMatching(/--to/)]);
      const w = join(dir, 'w.json');
      writeFileSync(w, JSON.stringify({ graz: [0.5, 0.5, 1.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] }));
      const bad = runCli(['plan', '--from', '2017-01-05', '--to', '2017-01-06', '--weather', w]);
      expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/graz\[2\].*outside \[0, 1\]/)]);
      const relay = runCli(['plan', '--relay', 'fair']);
      expect([relay.status, relay.stderr]).toEqual([2, expect.stringMatching(/--relay/)]);
      const policy = runCli(['plan', '--policy', 'fair']);
      expect([policy.status, policy.stderr]).toEqual([2, expect.stringMatching(/--policy/)]);
      const m = join(dir, 'm.jsonc');
      writeFileSync(m, '{\n  "constellation": { "walker": "53:100/7/1", "altitudeKm": 550, "epoch": "2024-03-01T00:00:00Z" },\n  "stations": ["graz"]\n}\n');
      const walker = runCli(['plan', '--mission', m]);
      expect([walker.status, walker.stderr]).toEqual([2, expect.stringMatching(/line 2: constellation\.walker/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
