/**
 * `mozi ground --follow` pipelined (src/recording/follow-blocks.ts): a PTU file written chunk by
 * chunk (on an interval) while the ground follows it; the timing tracker's blocks go through the
 * streamed protocol while the file still grows. Both sides' keys identical, and identical to the
 * streamed pass's batch replay of the finished file (same blocks, whatever the write sizes); the
 * detections those of the batch recovery of the finished file but for gate-edge tags (10 s of the
 * reference pass, 1 s blocks).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLocalSession } from '../../src/protocol/local.js';
import { defaultPostProcessing } from '../../src/protocol/postprocessing.js';
import { groundDetections } from '../../src/protocol/records.js';
import { DEFAULT_POLICY, type DetectionBlock } from '../../src/protocol/types.js';
import { followGroundBlocks } from '../../src/recording/follow-blocks.js';
import { readGroundInput } from '../../src/recording/ground-files.js';
import { writeSimulation } from '../../src/recording/mozi-files.js';
import { satelliteInput, satelliteInputGrowing } from '../../src/recording/satellite-source.js';
import { writeSparseSettingsRecord } from '../../src/recording/settings-record.js';
import { PulseSource } from '../../src/quantum/transmitter.js';
import { seedFromHex } from '../../src/core/rng/seed.js';
import { writeAsRecording, writeInstrumentFiles } from '../../src/recording/simulated-instruments.js';
import { simulateShortPass } from './short-pass.js';

const root = mkdtempSync(join(tmpdir(), 'mozi-follow-blocks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ground --follow: blocks through the protocol while the recording grows', () => {
  it('identical keys on both sides, blocks handed out before the file is complete, detections as the batch', async () => {
    const sim = simulateShortPass();
    writeSimulation(root, { satellite: sim.satellite, ground: sim.ground });
    const tagFile = writeInstrumentFiles(root, sim, { tagFormat: 'ptu' }).tagFile!;
    const bytes = new Uint8Array(readFileSync(tagFile));
    const batch = groundDetections((await readGroundInput(root)).record, { seed: '1' });
    rmSync(tagFile);
    let written = 0;
    const recorder = writeAsRecording(bytes, tagFile, 10, 150).then(() => (written = Date.now()));
    // the blocks announced in parts of 0.25 s of tags (as the real-time mode does, --part-s)
    const f = followGroundBlocks(root, { pollMs: 10, idleS: 30, blockS: 1, partS: 0.25, seed: '1' });
    // each block as the protocol takes it: before or after the recorder wrote its last part
    const early: boolean[] = [];
    const pulses: Float64Array[] = [];
    let parts = 0;
    let run: Float64Array[] = [];
    async function* watched(): AsyncGenerator<DetectionBlock> {
      for await (const b of f.blocks) {
        run.push(b.pulseIndex);
        if (b.more) parts++;
        else {
          early.push(written === 0);
          pulses.push(Float64Array.from(run.flatMap((p) => Array.from(p))));
          run = [];
        }
        yield b;
      }
    }
    const r = await streamedSession(f.site, f.passId, watched());
    await recorder;
    expect(r.satellite.abortMessage).toBeUndefined();
    expect(r.keysMatch).toBe(true);
    expect(r.satellite.keyBits).toBeGreaterThan(1000);
    expect(f.state.bytes).toBe(bytes.length);
    expect(f.state.reads).toBeGreaterThan(1);
    expect(f.state.blocks).toBeGreaterThan(3);
    // the pipeline: some blocks went through sifting and reconciliation while the file still grew
    expect(early.filter(Boolean).length).toBeGreaterThan(1);
    // the tracker's detections are the batch recovery's but for gate-edge tags (this window has
    // one: test/timing/tracker.test.ts); strictly increasing across the blocks
    const all = new Float64Array(pulses.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of pulses) {
      all.set(p, o);
      o += p.length;
    }
    for (let i = 1; i < all.length; i++) if (!(all[i] > all[i - 1])) throw new Error(`pulse ${i} not after ${i - 1}`);
    const ref = new Set(batch.detections.pulseIndex);
    const mine = new Set(all);
    const onlyMine = [...mine].filter((p) => !ref.has(p)).length;
    const onlyBatch = [...ref].filter((p) => !mine.has(p)).length;
    expect(onlyMine + onlyBatch).toBeLessThanOrEqual(2);
    expect(all.length).toBeGreaterThan(250_000);
    expect(r.satellite.counts!.detections).toBe(all.length);
    expect(r.ground.keyDigest).toBe(r.satellite.keyDigest);

    expect(run).toEqual([]);
    expect(parts).toBeGreaterThan(f.state.blocks);

    // the batch replay of the finished file (read through, big chunks, no parts): the same blocks,
    // the same key — announcing a block in parts changes neither its detections nor the key
    const b = followGroundBlocks(root, { growing: false, blockS: 1, seed: '1' });
    const replayPulses: Float64Array[] = [];
    async function* kept(): AsyncGenerator<DetectionBlock> {
      for await (const blk of b.blocks) {
        expect(blk.more).toBeUndefined();
        replayPulses.push(blk.pulseIndex);
        yield blk;
      }
    }
    const rb = await streamedSession(b.site, b.passId, kept());
    expect(b.state.reads).toBeLessThan(f.state.reads);
    expect(replayPulses.map((p) => p.length)).toEqual(pulses.map((p) => p.length));
    const bytesOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < pulses.length; i++) expect(bytesOf(replayPulses[i]).equals(bytesOf(pulses[i])), `block ${i}`).toBe(true);
    expect(rb.keysMatch).toBe(true);
    expect(rb.satellite.keyBits).toBe(r.satellite.keyBits);
    expect(rb.satellite.keyDigest).toBe(r.satellite.keyDigest);
    expect(rb.ground.keyDigest).toBe(r.ground.keyDigest);
    streamed = { pulses: all, digest: r.satellite.keyDigest!, bytes };
  }, 60_000);

  it('mozi satellite --follow: the satellite reads a sparse QRNG record downlinked while both files grow; the same key', async () => {
    expect(streamed, 'needs the first case').toBeDefined();
    const { pulses, digest, bytes } = streamed!;
    const sim = simulateShortPass();
    const dir = join(root, 'growing-record');
    writeSimulation(dir, { satellite: sim.satellite, ground: sim.ground });
    const tagFile = writeInstrumentFiles(dir, sim, { tagFormat: 'ptu' }).tagFile!;
    rmSync(tagFile);
    // the record of the streamed detections' pulses (what the payload downlinks once they are announced)
    const sat = sim.satellite;
    const s = PulseSource.fromConfig(seedFromHex(sat.sourceSeedHex), sat.transmitter).batch(pulses);
    const full = join(root, 'streamed.qrng');
    writeSparseSettingsRecord(full, { satellite: sat.satellite, schedule: sat.schedule }, pulses, { intensity: s.intensityClass, basis: s.basis, bit: s.bit });
    const jsonPath = join(dir, 'satellite', 'satellite.json');
    const { sourceSeedHex: _s, generator: _g, ...doc } = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(jsonPath, JSON.stringify({ ...doc, settingsFile: 'settings.qrng' }));
    const record = join(dir, 'satellite', 'settings.qrng');
    const recordBytes = new Uint8Array(readFileSync(full));
    const writers = Promise.all([writeAsRecording(bytes, tagFile, 10, 150), writeAsRecording(recordBytes, record, 10, 160)]);
    const input = await satelliteInputGrowing(dir, { growing: { pollMs: 10, idleS: 30 } });
    expect(input.record).toBe(record);
    const f = followGroundBlocks(dir, { pollMs: 10, idleS: 30, blockS: 1, seed: '1' });
    const r = await runLocalSession({
      source: input.source,
      detections: { site: f.site, passId: f.passId, pulseIndex: new Float64Array(0), basis: new Uint8Array(0), bit: new Uint8Array(0) },
      blocks: f.blocks,
      policy: { ...DEFAULT_POLICY, reconciliation: 'cascade', bound: 'chernoff' },
      post: defaultPostProcessing(),
      seed: '1',
    }).finally(() => input.close());
    await writers;
    expect(r.satellite.abortMessage).toBeUndefined();
    expect(r.keysMatch).toBe(true);
    expect(r.satellite.keyDigest).toBe(digest);
  }, 60_000);
});

let streamed: { pulses: Float64Array; digest: string; bytes: Uint8Array } | undefined;

async function streamedSession(site: string, passId: string, blocks: AsyncGenerator<DetectionBlock>) {
  const sat = satelliteInput(root);
  return runLocalSession({
    source: sat.source,
    detections: { site, passId, pulseIndex: new Float64Array(0), basis: new Uint8Array(0), bit: new Uint8Array(0) },
    blocks,
    policy: { ...DEFAULT_POLICY, reconciliation: 'cascade', bound: 'chernoff' },
    post: defaultPostProcessing(),
    seed: '1',
  }).finally(() => sat.close());
}
