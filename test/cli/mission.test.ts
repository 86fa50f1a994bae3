/**
 * `mozi mission init/check` and the mission options of the other commands, run in-process
 * through the CLI's own main() (stdout/stderr captured): bad input exits 2 with one line naming
 * file, line and field; --json prints one document with a `warnings` array.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadMission } from '../../src/mission/presets.js';
import { predictPassKey } from '../../src/mission/predict.js';

async function mozi(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const prevExit = process.exitCode;
  process.exitCode = undefined;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = prevExit;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mozi-cli-mission-'));

describe('mozi mission init / check', () => {
  it('init writes the commented example; check accepts it and shows where every value came from', async () => {
    const file = join(dir, 'mission.jsonc');
    const init = await mozi('mission', 'init', '--out', file);
    expect(init.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^\/\/ A Mozi mission file: JSON with comments/);
    expect((await mozi('mission', 'init', '--out', file)).code).toBe(2);
    const check = await mozi('mission', 'check', file);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/file .*mission\.jsonc: valid/);
    expect(check.stdout).toMatch(/stations\.matera\.receiver\.apertureM\s+1\.5\s+file line \d+/);
    expect(check.stdout).toMatch(/stations\.graz\.receiver\.apertureM\s+1\s+default: DEFAULT_RECEIVER/);
    const json = await mozi('mission', 'check', file, '--json');
    const doc = JSON.parse(json.stdout) as { valid: boolean; mission: { stations: { id: string; receiver: { cityLight?: unknown } }[] }; origins: Record<string, string>; warnings: string[] };
    expect(doc.valid).toBe(true);
    expect(doc.mission.stations.map((s) => s.id)).toEqual(['graz', 'matera']);
    expect(doc.mission.stations.every((s) => s.receiver.cityLight === undefined)).toBe(true);
    expect(doc.origins['constraints.minElevationDeg']).toMatch(/^file line/);
    expect(doc.warnings).toEqual([]);
  });

  it.each([
    ['an aperture of 1e300', (t: string) => t.replace('"apertureM": 1.5', '"apertureM": 1e300'), /^mozi: error: .*bad\.jsonc: line \d+: stations\.1\.receiver\.apertureM: must be ≤ 40/],
    ['a typo', (t: string) => t.replace('"horizonMaskDeg"', '"horizonMask"'), /^mozi: error: .*bad\.jsonc: line \d+: stations\.1\.horizonMask: unknown key "horizonMask"/],
    ['a named pass on a day without one', (t: string) => t.replace('"pass": "2016-12-19", "windowS"', '"pass": "2016-12-19T03:00:00Z", "windowS"'), /^mozi: error: .*bad\.jsonc: line \d+: replays\.0\.pass: no pass of MICIUS over Matera MLRO with AOS within 30 min/],
    ['a signal below the decoy', (t: string) => t.replace('"intensities": [0.8, 0.1, 0]', '"intensities": [0.05, 0.1, 0]'), /transmitter\.intensities\.0: signal intensity 0\.05 must exceed decoy \+ vacuum/],
  ])('check rejects %s: exit 2, one line naming file, line and field', async (_w, edit, message) => {
    const file = join(dir, 'bad.jsonc');
    writeFileSync(file, edit(readFileSync(join(dir, 'mission.jsonc'), 'utf8')));
    const r = await mozi('mission', 'check', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('--mission on the other commands', () => {
  it('passes --json keeps its fields, station = the id, and carries a warnings array', async () => {
    const r = await mozi('passes', '--mission', join(dir, 'mission.jsonc'), '--station', 'matera', '--from', '2016-12-19', '--to', '2016-12-20', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { passes: Record<string, unknown>[]; warnings: string[] };
    expect(Object.keys(doc.passes[0])).toEqual(['station', 'satellite', 'aos', 'tca', 'los', 'maxElevationDeg', 'minRangeKm', 'durationS', 'night', 'sunElevationDegAtTca']);
    expect(doc.passes.every((p) => p.station === 'matera' && p.night === true)).toBe(true);
    expect(doc.warnings).toEqual([]);
  });

  it('a pass 45 days after the epoch is warned about on stderr and in --json', async () => {
    const r = await mozi('passes', '--station', 'xinglong', '--from', '2017-02-01', '--to', '2017-02-02', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { warnings: string[] };
    expect(doc.warnings).toHaveLength(1);
    expect(doc.warnings[0]).toMatch(/propagated 4\d days after its element set's epoch/);
    expect(r.stderr).toMatch(/^mozi: warning: "MICIUS": propagated/);
  });

  it('a window 40 years from the epoch is refused, naming the satellite (exit 2, one line)', async () => {
    const r = await mozi('passes', '--station', 'xinglong', '--from', '2056-12-19', '--to', '2056-12-20');
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/satellite: 2056-12-\d\d.* days after the epoch of "MICIUS".*refused beyond 365 days/);
  });

  it('keyrate --predict prints predictPassKey\'s number (the one the planner and the dashboard use)', async () => {
    const r = await mozi('keyrate', '--predict', '--mission', join(dir, 'mission.jsonc'), '--station', 'matera', '--pass', '2016-12-19', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { keyLengthBits: number; channel: { station: string }; warnings: string[] };
    const mission = loadMission(join(dir, 'mission.jsonc'));
    expect(doc.keyLengthBits).toBe(predictPassKey(mission, 'matera', '2016-12-19', { bound: 'chernoff', protocol: 'symmetric' }).keyBits);
    expect(doc.channel.station).toBe('matera');
    expect(doc.keyLengthBits).toBeGreaterThan(1e5);
  });

  it('link --mission: the station\'s own receiver, no city light; bad station named', async () => {
    const r = await mozi('link', '--mission', join(dir, 'mission.jsonc'), '--station', 'matera', '--pass', '2016-12-19', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { samples: { backgroundHz: number }[] };
    const bg = doc.samples.map((s) => s.backgroundHz);
    expect(Math.max(...bg) - Math.min(...bg)).toBeLessThan(1e-9);
    const bad = await mozi('link', '--mission', join(dir, 'mission.jsonc'), '--station', 'xinglong', '--pass', '2016-12-19');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--station: unknown station "xinglong"; known stations: graz, matera \(mission my-mission\)/);
  });

  it('simulate and replay refuse bad combinations with one line', async () => {
    const s = await mozi('simulate', '--mission', 'micius', '--station', 'graz');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--preset: give --preset, or --station and --pass/);
    const r = await mozi('replay', '--mission', 'jinan-1', '--station', 'stellenbosch');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pass: a replay of any pass needs both a station and a pass/);
  });
});

describe('hardware files are checked like mission files', () => {
  it.each([
    ['simulate', ['simulate', '--preset', 'micius-2016-12-19'], { transmitter: { intensities: [0.1, 0.5, 0] } }, /hw\.json: transmitter\.intensities\.0: invalid transmitter: signal intensity 0\.1 must exceed decoy \+ vacuum/],
    ['link', ['link', '--pass', '2016-12-19'], { receiver: { apertureM: 1e300 } }, /hw\.json: receiver\.apertureM: invalid receiver: must be ≤ 40/],
    ['simulate', ['simulate', '--preset', 'micius-2016-12-19'], { transmitter: { repetitionRateHz: 1e15 } }, /transmitter\.repetitionRateHz: invalid transmitter: must be ≤ 10000000000/],
  ])('%s --hardware refuses it: exit 2, one line', async (_c, args, hw, message) => {
    const file = join(dir, 'hw.json');
    writeFileSync(file, JSON.stringify(hw));
    const r = await mozi(...args, '--hardware', file);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
