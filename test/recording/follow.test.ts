/**
 * `mozi ground --follow` (src/recording/follow.ts): a PTU file and a Swabian raw stream written
 * chunk by chunk while the reader follows them give exactly the ground record of a batch read of
 * the finished file, hence the same detections and the same key (Micius over Xinglong, 10 s).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalSession } from '../../src/protocol/local.js';
import { defaultPostProcessing } from '../../src/protocol/postprocessing.js';
import { groundDetections } from '../../src/protocol/records.js';
import { DEFAULT_POLICY } from '../../src/protocol/types.js';
import type { GroundRecord } from '../../src/quantum/records.js';
import type { SimulationResult } from '../../src/quantum/simulate.js';
import { simulateShortPass } from './short-pass.js';
import { followGroundInput } from '../../src/recording/follow.js';
import { readGroundInput } from '../../src/recording/ground-files.js';
import { writeSimulation } from '../../src/recording/mozi-files.js';
import { satelliteInput } from '../../src/recording/satellite-source.js';
import { writeAsRecording, writeInstrumentFiles } from '../../src/recording/simulated-instruments.js';

const root = mkdtempSync(join(tmpdir(), 'mozi-follow-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let sim: SimulationResult;

beforeAll(() => {
  sim = simulateShortPass();
});

/** DIR with the simulation in instrument format; FOLLOW a copy of it whose tag file is not written yet. */
function prepare(name: string, tagFormat: 'ptu' | 'swabian'): { dir: string; follow: string; file: string } {
  const dir = join(root, name);
  writeSimulation(dir, { satellite: sim.satellite, ground: sim.ground });
  const files = writeInstrumentFiles(dir, sim, { tagFormat });
  const follow = join(root, `${name}-follow`);
  writeSimulation(follow, { satellite: sim.satellite, ground: sim.ground });
  writeInstrumentFiles(follow, sim, { tagFormat });
  const file = files.tagFile!;
  const rel = file.slice(dir.length + 1);
  rmSync(join(follow, rel));
  if (existsSync(`${file}.json`)) copyFileSync(`${file}.json`, join(follow, `${rel}.json`));
  mkdirSync(join(follow, 'ground'), { recursive: true });
  return { dir, follow, file: rel };
}

function expectSameRecord(a: GroundRecord, b: GroundRecord): void {
  expect(b.tags.timePs.length).toBe(a.tags.timePs.length);
  expect(Buffer.from(b.tags.timePs.buffer).equals(Buffer.from(a.tags.timePs.buffer))).toBe(true);
  expect(Buffer.from(b.tags.detector.buffer).equals(Buffer.from(a.tags.detector.buffer))).toBe(true);
  expect(Buffer.from(b.syncTags.timePs.buffer).equals(Buffer.from(a.syncTags.timePs.buffer))).toBe(true);
}

async function keyOf(dir: string, ground: GroundRecord) {
  const sat = satelliteInput(dir);
  try {
    const g = groundDetections(ground, { seed: '1' });
    const r = await runLocalSession({ source: sat.source, detections: g.detections, policy: { ...DEFAULT_POLICY, reconciliation: 'cascade', bound: 'chernoff' }, post: defaultPostProcessing(), seed: '1' });
    return { detections: g.detections.pulseIndex.length, keysMatch: r.keysMatch, keyBits: r.satellite.keyBits, digest: r.satellite.keyDigest };
  } finally {
    sat.close();
  }
}

describe('ground --follow on a growing recording', () => {
  it('PTU written while followed: the batch record bit for bit, and the same key', async () => {
    const { dir, follow, file } = prepare('ptu', 'ptu');
    const batch = await readGroundInput(dir);
    const t0 = Date.now();
    const [followed] = await Promise.all([followGroundInput(follow, { pollMs: 5, idleS: 30 }), writeAsRecording(readFileSync(join(dir, file)), join(follow, file), 12, 25)]);
    // the PTU header's record count ends the recording, not the 30 s idle timeout
    expect(Date.now() - t0).toBeLessThan(25_000);
    expect(followed.reads).toBeGreaterThan(1);
    expect(followed.bytes).toBe(readFileSync(join(dir, file)).length);
    expect(followed.lastTagAtMs).toBeGreaterThanOrEqual(t0);
    expectSameRecord(batch.record, followed.record);
    const a = await keyOf(dir, batch.record);
    const b = await keyOf(follow, followed.record);
    expect(a.keysMatch).toBe(true);
    expect(a.keyBits).toBeGreaterThan(1000);
    expect(b).toEqual(a);
  }, 120_000);

  it('Swabian raw stream (no end marker): ends after the idle time, the batch record bit for bit', async () => {
    const { dir, follow, file } = prepare('swabian', 'swabian');
    const batch = await readGroundInput(dir);
    const [followed] = await Promise.all([followGroundInput(follow, { pollMs: 5, idleS: 0.3 }), writeAsRecording(readFileSync(join(dir, file)), join(follow, file), 8, 25)]);
    expect(followed.reads).toBeGreaterThan(1);
    expectSameRecord(batch.record, followed.record);
  }, 60_000);

  it('a PTU stream from a pipe, arriving in pieces: the batch record bit for bit', async () => {
    const dir = join(root, 'ptu');
    const bytes = readFileSync(join(dir, 'ground', 'tags.ptu'));
    const batch = await readGroundInput(dir);
    async function* pipe(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 7; i++) {
        await new Promise((r) => setTimeout(r, 10));
        yield bytes.subarray(Math.floor((bytes.length * i) / 7), Math.floor((bytes.length * (i + 1)) / 7));
      }
    }
    const followed = await followGroundInput(dir, { stream: pipe(), format: 'ptu', tags: 'pipe' });
    expect(followed.reads).toBe(7);
    expect(followed.bytes).toBe(bytes.length);
    expectSameRecord(batch.record, followed.record);
    await expect(followGroundInput(dir, { stream: pipe(), tags: 'pipe' })).rejects.toThrow(/--format/);
  });

  it('refuses Mozi\'s own tags.bin (nothing to follow), naming the flag', async () => {
    const dir = join(root, 'native');
    writeSimulation(dir, { satellite: sim.satellite, ground: sim.ground });
    await expect(followGroundInput(dir)).rejects.toThrow(/--follow/);
  });
});
