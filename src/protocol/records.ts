/**
 * From the files a pass leaves behind to each party's input: the satellite's source (seed +
 * transmitter config → settings of any pulse), and the ground's detection list (time tags +
 * sync tags + predicted ephemeris → timing recovery → pulse index, basis, bit). The same code
 * reads simulated and recorded data.
 */
import { seedFromHex } from '../core/rng/seed.js';
import type { GroundRecord, SatelliteRecord } from '../quantum/records.js';
import { PulseSource } from '../quantum/transmitter.js';
import { detectionBasis, detectionBit, clickMask } from '../timing/detections.js';
import { recoverTiming, type TimingDiagnostics, type TimingOptions } from '../timing/recover.js';
import { Drbg } from '../core/rng/drbg.js';
import type { DetectionBlock, GroundDetections, SatelliteSource } from './types.js';

/** Pass identifier both sides derive from their own records: satellite + window start (UTC ms). */
export function passIdOf(satellite: string, windowStartMs: number): string {
  return `${satellite.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${new Date(windowStartMs).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '')}`;
}

export function satelliteSource(rec: SatelliteRecord, site = 'micius'): SatelliteSource {
  const tx = rec.transmitter;
  const src = PulseSource.fromConfig(seedFromHex(rec.sourceSeedHex, 'sourceSeedHex'), tx);
  return {
    site,
    passId: passIdOf(rec.satellite, rec.schedule.windowStartMs),
    mu: [...tx.intensities],
    p: [...tx.intensityProbabilities],
    pZ: tx.basisProbabilityZ,
    pulseRateHz: tx.repetitionRateHz,
    pulsesSent: rec.schedule.pulseCount,
    settings(idx) {
      const r = src.batch(idx);
      return { intensity: r.intensityClass, basis: r.basis, bit: r.bit };
    },
  };
}

export interface GroundInputResult {
  detections: GroundDetections;
  timing: TimingDiagnostics;
  multiClick: number;
  crossBasis: number;
}

/**
 * Timing recovery and detector decoding. Double clicks within a basis get a random bit, clicks in
 * both bases a random basis and bit (squashing model); the ground's own randomness (seeded).
 */
export function groundDetections(rec: GroundRecord, opts: { seed?: string; satellite?: string; timing?: TimingOptions } = {}): GroundInputResult {
  const timing = recoverTiming(
    {
      tags: rec.tags,
      syncTags: rec.syncTags,
      ephemeris: rec.ephemeris,
      schedule: rec.schedule,
      quantumDelayPs: rec.quantumDelayPs,
      gateWindowPs: rec.receiver.gateWindowNs * 1000,
    },
    opts.timing,
  );
  const d = timing.detections;
  const n = d.pulseIndex.length;
  const basis = new Uint8Array(n);
  const bit = new Uint8Array(n);
  const rng = new Drbg(opts.seed !== undefined ? `ground-squash/${opts.seed}` : undefined);
  const coin = new Uint8Array(n);
  const bytes = rng.bytes((n + 7) >>> 3);
  for (let i = 0; i < n; i++) coin[i] = (bytes[i >>> 3] >>> (i & 7)) & 1;
  let multi = 0;
  let cross = 0;
  // keep strictly increasing indices (merge duplicates defensively)
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const code = d.detector[i];
    let b = detectionBasis(code);
    let v = detectionBit(code);
    if (b < 0) {
      cross++;
      b = coin[i];
      v = rng.uint32() & 1;
    } else if (v < 0) {
      multi++;
      const m = clickMask(code) >> (2 * b);
      v = m === 1 ? 0 : m === 2 ? 1 : rng.uint32() & 1;
    }
    basis[i] = b;
    bit[i] = v;
    keep[i] = i === 0 || d.pulseIndex[i] > d.pulseIndex[i - 1] ? 1 : 0;
  }
  let pulseIndex = d.pulseIndex;
  let bs = basis;
  let bt = bit;
  if (keep.some((k) => k === 0)) {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (keep[i]) idx.push(i);
    pulseIndex = Float64Array.from(idx, (i) => d.pulseIndex[i]);
    bs = Uint8Array.from(idx, (i) => basis[i]);
    bt = Uint8Array.from(idx, (i) => bit[i]);
  }
  return {
    detections: {
      site: rec.station,
      passId: passIdOf(opts.satellite ?? satelliteNameOf(rec), rec.schedule.windowStartMs),
      pulseIndex,
      basis: bs,
      bit: bt,
    },
    timing: timing.diagnostics,
    multiClick: multi,
    crossBasis: cross,
  };
}

/** The pass id the ground's detections will carry (before timing recovery). */
export function groundPassId(rec: GroundRecord): string {
  return passIdOf(satelliteNameOf(rec), rec.schedule.windowStartMs);
}

function satelliteNameOf(rec: GroundRecord): string {
  return rec.ephemeris.summary.satellite;
}

/**
 * The streamed counterpart of `groundDetections`' decoding, for the detection chunks of the
 * incremental timing tracker (timing/tracker.ts): basis and bit per detection, a double click
 * within a basis a random bit, clicks in both bases a random basis and bit (squashing model), from
 * one seeded stream drawn in detection order across the chunks; pulse indices kept strictly
 * increasing across chunks. (The batch draws the basis coins for the whole list at once, so the two
 * decodings differ in the random bits of multi-clicks: a streamed pass has its own key.)
 */
export class StreamedDetections {
  private readonly rng: Drbg;
  private last = -1;
  multiClick = 0;
  crossBasis = 0;

  constructor(seed?: string) {
    this.rng = new Drbg(seed !== undefined ? `ground-squash-streamed/${seed}` : undefined);
  }

  decode(d: { pulseIndex: Float64Array; detector: Uint8Array }): DetectionBlock {
    const n = d.pulseIndex.length;
    const pulseIndex = new Float64Array(n);
    const basis = new Uint8Array(n);
    const bit = new Uint8Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const p = d.pulseIndex[i];
      if (p <= this.last) continue;
      this.last = p;
      const code = d.detector[i];
      let b = detectionBasis(code);
      let v = detectionBit(code);
      if (b < 0) {
        this.crossBasis++;
        b = this.rng.uint32() & 1;
        v = this.rng.uint32() & 1;
      } else if (v < 0) {
        this.multiClick++;
        const mask = clickMask(code) >> (2 * b);
        v = mask === 1 ? 0 : mask === 2 ? 1 : this.rng.uint32() & 1;
      }
      pulseIndex[m] = p;
      basis[m] = b;
      bit[m] = v;
      m++;
    }
    return { pulseIndex: pulseIndex.subarray(0, m), basis: basis.subarray(0, m), bit: bit.subarray(0, m) };
  }
}
