import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shortPass } from '../quantum/helpers.js';
import { recoverGroundTiming, recoverTiming, type TimingResult } from '../../src/timing/recover.js';
import { detectionBasis, detectionBit, isMultiClick, clickMask } from '../../src/timing/detections.js';
import { readGroundRecord, readSatelliteRecord, readTruthRecord, writeSimulation } from '../../src/recording/mozi-files.js';
import { XINGLONG_RECEIVER } from '../../src/link/hardware.js';
import { PulseSource } from '../../src/quantum/transmitter.js';
import { seedFromHex } from '../../src/core/rng/seed.js';
import { misalignmentError } from '../../src/quantum/transmitter.js';
import type { SimulationResult } from '../../src/quantum/simulate.js';
import { ProtocolAbort } from '../../src/core/errors.js';
import { syntheticPassGeometry } from '../../src/quantum/geometry.js';
import { syntheticChannel } from '../../src/quantum/channel.js';
import { simulatePass } from '../../src/quantum/simulate.js';

function check(r: SimulationResult, rec: TimingResult) {
  const tr = r.truth;
  let signalTags = 0;
  for (let k = 0; k < tr.tagKind.length; k++) if (tr.tagKind[k] === 0) signalTags++;
  let inWin = 0;
  let right = 0;
  let s2 = 0;
  const d = rec.detections;
  for (let q = 0; q < d.pulseIndex.length; q++) {
    const k = d.tagIndex[q];
    if (tr.tagKind[k] !== 0) continue;
    inWin++;
    if (tr.tagPulseIndex[k] === d.pulseIndex[q]) {
      right++;
      s2 += d.residualPs[q] ** 2;
    }
  }
  return { signalTags, inWin, right, rms: Math.sqrt(s2 / right) };
}

const same = (a: Float64Array | Uint8Array, b: Float64Array | Uint8Array) =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

const gate = XINGLONG_RECEIVER.gateWindowNs * 1000;

describe('timing recovery against the simulation truth', () => {
  for (const [name, clock, eph] of [
    ['worst-case clock: +1 ms offset, +1e-6 frequency, drift', { offsetPs: 1e9, frequencyOffset: 1e-6, driftPerS: 1e-9 }, { timeMs: 5, rangeKm: 3 }],
    ['negative offset and frequency, lossy sync (~40 % of sync pulses lost)', { offsetPs: -0.97e9, frequencyOffset: -1e-6, wanderPs: 3000 }, { timeMs: -8, rangeKm: -2 }],
  ] as const) {
    it(name, () => {
      const r = shortPass(4, { clock, ephemerisError: eph, sync: name.includes('lossy') ? { photonsPerPulse: 1000 } : {} });
      if (name.includes('lossy')) expect(r.summary.sync.tags).toBeLessThan(0.8 * r.summary.sync.pulses);
      const rec = recoverTiming({ ...r.ground, gateWindowPs: gate });
      const c = check(r, rec);
      expect(c.inWin).toBeGreaterThan(0.99 * c.signalTags); // 2 ns gate, 350 ps FWHM jitter
      expect(c.right / c.inWin).toBeGreaterThanOrEqual(0.999);
      expect(c.rms).toBeLessThanOrEqual(500);
      expect(Math.abs(rec.diagnostics.skewPs - r.truth.quantumSkewPs)).toBeLessThan(50);
      expect(rec.diagnostics.frequencyOffsetEstimate).toBeCloseTo(-(clock.frequencyOffset ?? 0), 7);
    });
  }

  it('high Doppler (−7.2 km/s, 2.4e-5) far from TCA', () => {
    const start = Date.UTC(2016, 11, 19, 16, 50);
    const geometry = syntheticPassGeometry({ startMs: start, durationS: 5, tcaMs: start + 250_000 });
    expect(geometry.samples[0].rangeRateKmS).toBeLessThan(-7);
    const r = simulatePass({ geometry, channel: syntheticChannel(geometry), windowStartMs: start + 1000, windowEndMs: start + 4000, seed: 4 });
    const rec = recoverTiming({ ...r.ground, gateWindowPs: gate });
    const c = check(r, rec);
    expect(c.inWin).toBeGreaterThan(1000);
    expect(c.right / c.inWin).toBeGreaterThanOrEqual(0.999);
    expect(c.rms).toBeLessThanOrEqual(500);
  });

  it('runs on the ground record read back from disk (no truth), and double clicks are merged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-sim-'));
    try {
      const r = shortPass(2, { fading: null });
      writeSimulation(dir, { ...r, summary: r.summary });
      const ground = readGroundRecord(dir);
      const sat = readSatelliteRecord(dir);
      expect(existsSync(join(dir, 'truth', 'truth.json'))).toBe(true);
      expect(same(ground.tags.timePs, r.ground.tags.timePs)).toBe(true);
      expect(same(ground.tags.detector, r.ground.tags.detector)).toBe(true);
      expect(same(ground.syncTags.timePs, r.ground.syncTags.timePs)).toBe(true);
      expect(sat.sourceSeedHex).toBe(r.satellite.sourceSeedHex);
      const truth = readTruthRecord(dir);
      expect(same(truth.tagPulseIndex, r.truth.tagPulseIndex)).toBe(true);
      expect(same(truth.tagKind, r.truth.tagKind)).toBe(true);
      const rec = recoverGroundTiming(ground);
      const c = check(r, rec);
      expect(c.right / c.inWin).toBeGreaterThanOrEqual(0.999);
      // sifted QBER of the gated single clicks: misalignment + noise, small
      const src = PulseSource.fromConfig(seedFromHex(sat.sourceSeedHex), sat.transmitter);
      let sifted = 0;
      let err = 0;
      const d = rec.detections;
      for (let q = 0; q < d.pulseIndex.length; q++) {
        if (isMultiClick(d.detector[q])) {
          expect(clickMask(d.detector[q]) & (clickMask(d.detector[q]) - 1)).not.toBe(0);
          continue;
        }
        const s = src.setting(d.pulseIndex[q]);
        if (detectionBasis(d.detector[q]) !== s.basis) continue;
        sifted++;
        if (detectionBit(d.detector[q]) !== s.bit) err++;
      }
      expect(err / sifted).toBeLessThan(0.01);
      expect(rec.diagnostics.multiClick).toBeGreaterThan(0);
      for (let q = 1; q < d.pulseIndex.length; q++) if (d.pulseIndex[q] <= d.pulseIndex[q - 1]) throw new Error('not sorted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('noise QBER: dark counts in the gate contribute ½·N/(S+N) (algorithms.md §5.6 QBER budget)', () => {
    const rx = { ...XINGLONG_RECEIVER, darkCountHz: 20_000, deadTimeNs: 0, afterpulseProbability: 0 };
    const r = shortPass(2, { fading: null, receiver: rx });
    const rec = recoverTiming({ ...r.ground, gateWindowPs: gate });
    const src = PulseSource.fromConfig(seedFromHex(r.satellite.sourceSeedHex), r.satellite.transmitter);
    const d = rec.detections;
    let sifted = 0;
    let err = 0;
    let sigSifted = 0;
    for (let q = 0; q < d.pulseIndex.length; q++) {
      if (isMultiClick(d.detector[q])) continue;
      const s = src.setting(d.pulseIndex[q]);
      if (detectionBasis(d.detector[q]) !== s.basis) continue;
      sifted++;
      if (r.truth.tagKind[d.tagIndex[q]] === 0) sigSifted++;
      if (detectionBit(d.detector[q]) !== s.bit) err++;
    }
    // noise in the 2 ns gate: rate × duration × (gate / pulse period), half of it sifted
    const noiseGated = 4 * rx.darkCountHz * 2 * (gate / 10_000);
    const nSifted = noiseGated / 2;
    const expected = (misalignmentError(280) * sigSifted + 0.5 * nSifted) / (sigSifted + nSifted);
    expect(Math.abs(err - expected * sifted)).toBeLessThan(4 * Math.sqrt(expected * sifted) + 5);
    expect(expected).toBeGreaterThan(2 * misalignmentError(280));
  });

  it('aborts with timing-failed when there are no sync tags', () => {
    const r = shortPass(0.2, { fading: null });
    expect(() => recoverTiming({ ...r.ground, syncTags: { timePs: new Float64Array(0) }, gateWindowPs: gate })).toThrow(ProtocolAbort);
  });
});
