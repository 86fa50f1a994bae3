import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticPassGeometry } from '../../src/quantum/geometry.js';
import { syntheticChannel } from '../../src/quantum/channel.js';
import { simulatePass, type SimulateOptions, type SimulationResult } from '../../src/quantum/simulate.js';
import { closeSimulationWorkers, simulatePassParallel } from '../../src/quantum/simulate-parallel.js';
import { XINGLONG_RECEIVER } from '../../src/link/hardware.js';
import { START_MS } from './helpers.js';

const SEED = 29;

function options(extra: Partial<SimulateOptions> = {}): SimulateOptions {
  const durationS = 2;
  const geometry = syntheticPassGeometry({ startMs: START_MS, durationS: durationS + 2, tcaMs: START_MS + 2000 });
  return {
    geometry,
    channel: syntheticChannel(geometry, { backgroundHz: 2000 }),
    windowStartMs: START_MS + 1000,
    windowEndMs: START_MS + 1000 + durationS * 1000,
    seed: SEED,
    // 200 ms segments: 10 segments, so dead time and afterpulses cross segment joins
    chunkSlots: 50,
    segmentChunks: 4,
    // a high afterpulse probability, so afterpulses straddle the joins
    receiver: { ...XINGLONG_RECEIVER, afterpulseProbability: 0.05 },
    ...extra,
  };
}

/** SHA-256 over every array of the records and the summary. */
function digest(r: SimulationResult): string {
  const h = createHash('sha256');
  for (const a of [r.ground.tags.timePs, r.ground.tags.detector, r.ground.syncTags.timePs, r.truth.tagPulseIndex, r.truth.tagKind, r.truth.tagEve, r.truth.syncIndex, r.truth.slotEta]) {
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  h.update(JSON.stringify(r.summary));
  return h.digest('hex');
}

afterAll(() => closeSimulationWorkers());

describe(`simulatePassParallel (seed ${SEED})`, () => {
  const one = simulatePass(options());

  it('gives the records of simulatePass, bit for bit, on 2 and 3 threads', async () => {
    expect(one.summary.detections.afterpulses).toBeGreaterThan(100);
    expect(one.summary.detections.deadTimeLosses).toBeGreaterThan(0);
    const d1 = digest(one);
    for (const threads of [2, 3]) expect(digest(await simulatePassParallel(options(), threads))).toBe(d1);
  }, 120_000);

  it('the tags are time-ordered and dead time holds across segment joins', () => {
    const t = one.ground.tags.timePs;
    const d = one.ground.tags.detector;
    const last = [-Infinity, -Infinity, -Infinity, -Infinity];
    const deadPs = XINGLONG_RECEIVER.deadTimeNs * 1e3;
    let violations = 0;
    for (let k = 0; k < t.length; k++) {
      if (k > 0) expect(t[k]).toBeGreaterThanOrEqual(t[k - 1]);
      // ground-clock times: the clock's frequency offset (≤ 10⁻⁶) shrinks the dead time by < 1 ps
      if (t[k] - last[d[k]] < deadPs - 2) violations++;
      last[d[k]] = t[k];
    }
    expect(violations).toBe(0);
  });

  it('segments have their own streams: another seed changes the events', () => {
    expect(digest(simulatePass(options({ seed: SEED + 1 })))).not.toBe(digest(one));
  });
});
