/**
 * Acceptance (issue 18): the two parties run on the files a PicoQuant HydraHarp (PTU) or a
 * Swabian Time Tagger would have recorded, and on the payload's sparse QRNG setting record instead
 * of the seed, distil exactly the key they distil from Mozi's native files of the same simulated
 * pass (Micius over Xinglong, 10 s around TCA, same seeds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalSession } from '../../src/protocol/local.js';
import { defaultPostProcessing } from '../../src/protocol/postprocessing.js';
import { groundDetections } from '../../src/protocol/records.js';
import { DEFAULT_POLICY } from '../../src/protocol/types.js';
import { readGroundRecord, writeSimulation } from '../../src/recording/mozi-files.js';
import type { SimulationResult } from '../../src/quantum/simulate.js';
import { simulateShortPass } from './short-pass.js';
import { readGroundInput } from '../../src/recording/ground-files.js';
import { satelliteInput } from '../../src/recording/satellite-source.js';
import { writeInstrumentFiles } from '../../src/recording/simulated-instruments.js';

const root = mkdtempSync(join(tmpdir(), 'mozi-replay-eq-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let sim: SimulationResult;

beforeAll(() => {
  sim = simulateShortPass();
});

async function keyOf(dir: string, groundFromFiles: boolean) {
  const ground = groundFromFiles ? (await readGroundInput(dir)).record : readGroundRecord(dir);
  const sat = satelliteInput(dir);
  try {
    const g = groundDetections(ground, { seed: '1' });
    // Chernoff: with both directions of Cascade booked, Hoeffding leaves no key on 10 s
    const r = await runLocalSession({ source: sat.source, detections: g.detections, policy: { ...DEFAULT_POLICY, reconciliation: 'cascade', bound: 'chernoff' }, post: defaultPostProcessing(), seed: '1' });
    return { detections: g.detections.pulseIndex.length, keysMatch: r.keysMatch, keyBits: r.satellite.keyBits, digest: r.satellite.keyDigest, record: sat.record };
  } finally {
    sat.close();
  }
}

describe('replay through instrument recordings', () => {
  it('PTU tags + sparse QRNG record (no seed) and Swabian tags give exactly the native recording\'s key', async () => {
    const native = join(root, 'native');
    writeSimulation(native, { satellite: sim.satellite, ground: sim.ground });
    const ref = await keyOf(native, false);
    expect(ref.keysMatch).toBe(true);
    expect(ref.keyBits).toBeGreaterThan(1000);

    const ptu = join(root, 'ptu');
    writeSimulation(ptu, { satellite: sim.satellite, ground: sim.ground });
    const files = writeInstrumentFiles(ptu, sim, { tagFormat: 'ptu', settingsRecord: 'sparse' });
    expect(files.settingsEntries).toBe(ref.detections);
    const viaPtu = await keyOf(ptu, true);
    expect(viaPtu.record).toMatch(/settings\.qrng$/);
    expect(viaPtu).toMatchObject({ detections: ref.detections, keysMatch: true, keyBits: ref.keyBits, digest: ref.digest });

    const swa = join(root, 'swabian');
    writeSimulation(swa, { satellite: sim.satellite, ground: sim.ground });
    writeInstrumentFiles(swa, sim, { tagFormat: 'swabian' });
    const viaSwabian = await keyOf(swa, true);
    expect(viaSwabian).toMatchObject({ detections: ref.detections, keysMatch: true, keyBits: ref.keyBits, digest: ref.digest, record: null });
  });
});
