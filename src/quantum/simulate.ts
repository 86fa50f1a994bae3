/**
 * Event-level simulation of a whole pass of decoy-state BB84 (DESIGN.md "Performance model").
 *
 * Pulses are never enumerated: per time slot (default 1 ms) the simulation proposes candidate
 * pulses with the largest per-pulse click probability p_max of the slot by geometric skips
 * (gap = ⌊ln U / ln(1 − p_max)⌋), asks the source seed for the candidate's intensity class and
 * accepts it with p_class / p_max (thinning; algorithms.md §8). Cost is O(detections); the tags
 * are produced chunk by chunk (default 100 ms), with dead time and afterpulsing applied in time
 * order across chunks.
 *
 * The pass is cut into segments of whole chunks (default 10 chunks = 1 s), each with its own
 * random stream keyed by its index (simulate-segment.ts): a segment's raw events depend only on
 * the seed and its index, so they can be simulated on worker threads (simulate-parallel.ts) and
 * the records are the same for every thread count. Here, in slot order: the setup draws (clock,
 * ephemeris error, skew), the time-correlated fading and pointing series (one stream each), and
 * the join (`PassAssembler`: dead time, afterpulses from the joined segment's second stream).
 *
 * Physics per accepted pulse: photons detected m ~ Poisson(μη) | m ≥ 1 (Poisson thinning of a
 * coherent state); each photon takes a passive 50:50 basis choice and a PBS output, with the
 * misalignment error 1/(1 + C) in the matching basis (C: polarisation contrast); each clicking
 * detector gets its own Gaussian jitter (FWHM → σ = FWHM/2.3548). Dark counts and background are
 * Poisson processes in continuous time, spread uniformly over the four detectors.
 */
import { InputError } from '../core/errors.js';
import { Xoshiro128 } from '../core/rng/philox.js';
import { deriveSeed, seedFromInteger, seedToHex, type Seed256 } from '../core/rng/seed.js';
import { MICIUS_TRANSMITTER, XINGLONG_RECEIVER, type ReceiverConfig, type TransmitterConfig } from '../link/hardware.js';
import type { PassGeometry } from '../orbit/types.js';
import { drawPointing, meanPointingEfficiency, type PointingParams } from '../link/pointing.js';
import { ChannelInterpolator, FadingProcess, type ChannelSample, type FadingModel } from './channel.js';
import { drawGroundClock, groundClockPs, type GroundClockModel, type PassSchedule } from './clock.js';
import { eveToString, parseEve, type EveSpec } from './eve.js';
import { RangeInterpolator } from './geometry.js';
import { GrowableF64, GrowableU8 } from './growable.js';
import {
  GROUND_FORMAT,
  SATELLITE_FORMAT,
  TAG_KIND_AFTERPULSE,
  TRUTH_FORMAT,
  type GroundRecord,
  type SatelliteRecord,
  type TruthRecord,
} from './records.js';
import { segmentStreams, simulateSegment, type SegmentInput, type SegmentOutput, type SegmentShared, type SyncLaserConfig } from './simulate-segment.js';
import { PulseSource, validateTransmitter } from './transmitter.js';

export type { SyncLaserConfig } from './simulate-segment.js';

export const DEFAULT_SYNC: SyncLaserConfig = {
  periodPulses: 10_000,
  markerEvery: 1_000,
  photonsPerPulse: 2e5,
  jitterPs: 100,
  spuriousHz: 50,
};

export interface SimulateOptions {
  /** True pass geometry (the ground receives a perturbed copy as its predicted ephemeris). */
  geometry: PassGeometry;
  /** Link budget samples over the pass. */
  channel: readonly ChannelSample[];
  transmitter?: TransmitterConfig;
  receiver?: ReceiverConfig;
  /** Data window (UTC ms); defaults to the geometry's first/last sample. */
  windowStartMs?: number;
  windowEndMs?: number;
  /** Simulation randomness; also derives the source seed when `sourceSeed` is absent. */
  seed?: number;
  sourceSeed?: Seed256;
  eve?: EveSpec | string;
  /**
   * Time-correlated fading; null disables. Default: log-normal scintillation with the channel
   * samples' scintillation index (else the receiver's zenith value) and the receiver's correlation time.
   */
  fading?: FadingModel | null;
  /** APT pointing process (link model's pointingParams(tx)); adds unit-mean pointing fades per slot. */
  pointing?: PointingParams;
  /** Relative RMS of per-pulse intensity fluctuation (0 = none). */
  intensityFluctuation?: number;
  clock?: Partial<GroundClockModel>;
  /** Error of the ground's predicted ephemeris: along-track time shift and range bias. */
  ephemerisError?: { timeMs?: number; rangeKm?: number };
  sync?: Partial<SyncLaserConfig>;
  /** Unknown skew of the quantum tags relative to the sync tags; default drawn in ±1.5 ns. */
  quantumSkewPs?: number;
  /** Mean delay of an afterpulse after the dead time (engineering estimate, Si SPAD). */
  afterpulseDelayMeanNs?: number;
  slotMs?: number;
  chunkSlots?: number;
  /** Chunks per segment, the unit of parallel work and of random streams (default DEFAULT_SEGMENT_CHUNKS). */
  segmentChunks?: number;
  satellite?: string;
  station?: string;
  onProgress?: (fraction: number) => void;
}

export interface SimulationSummary {
  satellite: string;
  station: string;
  eve: string;
  windowStartUtc: string;
  durationS: number;
  pulses: { total: number; expectedPerIntensity: number[] };
  meanEta: number;
  meanLossDb: number;
  detections: {
    tags: number;
    /** Pulses that produced ≥ 1 photon click, per intensity class (before dead time). */
    photonEventsPerIntensity: number[];
    expectedPhotonEventsPerIntensity: number[];
    /** Photon events per intensity and Bob basis of the (first) click: [class][Z, X]. */
    photonEventsPerIntensityBasis: number[][];
    multiClickEvents: number;
    darkCounts: number;
    expectedDarkCounts: number;
    backgroundCounts: number;
    expectedBackgroundCounts: number;
    afterpulses: number;
    deadTimeLosses: number;
    tagsPerDetector: number[];
  };
  sync: { pulses: number; tags: number; markerTags: number; spurious: number };
  eveHeldPhotons: number;
}

export interface SimulationResult {
  satellite: SatelliteRecord;
  ground: GroundRecord;
  truth: TruthRecord;
  summary: SimulationSummary;
}

/**
 * Most time tags one simulation may produce (≈ 20 bytes each in memory, plus the truth record):
 * 2 × 10⁸ tags ≈ 4 GB. A pass that would exceed it (daylight, strong stray light, a very fast
 * source) is refused up front rather than running out of memory.
 */
export const MAX_SIMULATED_TAGS = 2e8;

/** Expected detector tags of a window: photon clicks and noise, each detector capped by its dead time. */
export function expectedTags(channel: readonly ChannelSample[], tx: TransmitterConfig, rx: ReceiverConfig, windowStartMs: number, windowEndMs: number): number {
  let total = 0;
  const meanMu = tx.intensities.reduce((a, m, k) => a + m * tx.intensityProbabilities[k], 0);
  for (let i = 0; i < channel.length; i++) {
    const a = Math.max(windowStartMs, i === 0 ? channel[i].timeMs : (channel[i - 1].timeMs + channel[i].timeMs) / 2);
    const b = Math.min(windowEndMs, i === channel.length - 1 ? channel[i].timeMs : (channel[i].timeMs + channel[i + 1].timeMs) / 2);
    if (!(b > a)) continue;
    const rateHz = tx.repetitionRateHz * -Math.expm1(-meanMu * channel[i].etaTotal) + 4 * rx.darkCountHz + channel[i].backgroundHz;
    const capHz = rx.deadTimeNs > 0 ? (4 * 1e9) / rx.deadTimeNs : Infinity;
    total += Math.min(rateHz, capHz) * (b - a) * 1e-3;
  }
  return total;
}

function checkNumber(v: number, field: string, min: number, max = Infinity): void {
  if (!Number.isFinite(v) || v < min || v > max) throw new InputError(`${v} out of range [${min}, ${max}]`, { field });
}

/** Shift a geometry in time and bias its range: the ephemeris a ground station predicts from an imperfect TLE. */
export function perturbGeometry(g: PassGeometry, timeErrorMs: number, rangeErrorKm: number): PassGeometry {
  const interp = new RangeInterpolator(g.samples);
  return {
    ...g,
    samples: g.samples.map((s) => {
      const t = s.timeMs + timeErrorMs;
      const dt = 1; // ms, finite-difference range rate
      return {
        ...s,
        rangeKm: interp.rangeKm(t) + rangeErrorKm,
        rangeRateKmS: (interp.rangeKm(t + dt) - interp.rangeKm(t - dt)) / (2 * dt * 1e-3),
      };
    }),
  };
}

/** Slots of one simulation segment = `segmentChunks` chunks (default 10 × 100 slots = 1 s at 1 ms slots). */
export const DEFAULT_SEGMENT_CHUNKS = 10;

/**
 * A pass cut into segments: what each segment needs (the per-slot channel is drawn here, in slot
 * order: fading is a time-correlated process, pointing a per-slot series), and what the
 * assembly needs. `simulatePass` runs the segments in this thread, `simulatePassParallel`
 * (simulate-parallel.ts) on worker threads; both assemble the same records.
 */
export interface PassPlan {
  shared: SegmentShared;
  segments: SegmentInput[];
  nSlots: number;
  /** Everything `PassAssembler` and the records need. */
  context: PlanContext;
}

interface PlanContext {
  options: SimulateOptions;
  tx: TransmitterConfig;
  rx: ReceiverConfig;
  eve: EveSpec;
  sourceSeed: Seed256;
  simKey: Seed256;
  geometry: PassGeometry;
  windowStartMs: number;
  pulseCount: number;
  pulseRateHz: number;
  pulsePs: number;
  slotPulses: number;
  schedule: PassSchedule;
  clock: GroundClockModel;
  ephErr: { timeMs: number; rangeKm: number };
  skewPs: number;
  epochShiftPs: number;
  slotEta: Float32Array;
  etaSum: number;
}

/** Validate the options, draw the pass's setup (clock, ephemeris error, skew) and its per-slot channel, cut it into segments. */
export function planPass(options: SimulateOptions): PassPlan {
  const tx = options.transmitter ?? MICIUS_TRANSMITTER;
  const rx = options.receiver ?? XINGLONG_RECEIVER;
  validateTransmitter(tx);
  checkNumber(rx.darkCountHz, 'receiver.darkCountHz', 0);
  checkNumber(rx.jitterPs, 'receiver.jitterPs', 0);
  checkNumber(rx.deadTimeNs, 'receiver.deadTimeNs', 0);
  checkNumber(rx.afterpulseProbability, 'receiver.afterpulseProbability', 0, 1);
  if (rx.detectorCount !== 4) throw new InputError('the passive BB84 decoder needs 4 detectors', { field: 'receiver.detectorCount' });
  const eve: EveSpec = typeof options.eve === 'string' ? parseEve(options.eve) : (options.eve ?? { kind: 'none' });
  const seed = options.seed ?? 1;
  const userSeed = seedFromInteger(seed);
  const sourceSeed = options.sourceSeed ?? deriveSeed(userSeed, 'mozi-source');
  const simKey = deriveSeed(userSeed, 'mozi-channel');
  const setupKey = deriveSeed(userSeed, 'mozi-setup');
  const setupRng = new Xoshiro128(setupKey[0], setupKey[1], setupKey[2], setupKey[3]);
  const fadingRng = new Xoshiro128(simKey[4], simKey[5], simKey[6], simKey[7]);

  const geometry = options.geometry;
  const range = new RangeInterpolator(geometry.samples);
  const chan = new ChannelInterpolator(options.channel);
  const windowStartMs = options.windowStartMs ?? geometry.samples[0].timeMs;
  const windowEndMs = options.windowEndMs ?? geometry.samples[geometry.samples.length - 1].timeMs;
  if (!(windowEndMs > windowStartMs)) throw new InputError('data window end must be after its start', { field: 'windowEndMs' });
  const tagsExpected = expectedTags(options.channel, tx, rx, windowStartMs, windowEndMs);
  if (tagsExpected > MAX_SIMULATED_TAGS) {
    throw new InputError(
      `the pass would produce ~${tagsExpected.toExponential(2)} detector time tags (> ${MAX_SIMULATED_TAGS.toExponential(0)}, ~${((tagsExpected * 20) / 1e9).toFixed(0)} GB): shorten the window or reduce the background`,
      { field: 'channel' },
    );
  }
  const R = tx.repetitionRateHz;
  const Tp = 1e12 / R; // ps per pulse
  const N = Math.floor((windowEndMs - windowStartMs) * 1e-3 * R);
  const slotMs = options.slotMs ?? 1;
  checkNumber(slotMs, 'slotMs', 1e-3, 1000);
  const slotPulses = Math.max(1, Math.round(slotMs * 1e-3 * R));
  const nSlots = Math.ceil(N / slotPulses);
  const chunkSlots = Math.max(1, Math.round(options.chunkSlots ?? 100));
  const segmentChunks = Math.max(1, Math.round(options.segmentChunks ?? DEFAULT_SEGMENT_CHUNKS));
  const sync: SyncLaserConfig = { ...DEFAULT_SYNC, ...options.sync };
  checkNumber(sync.periodPulses, 'sync.periodPulses', 2);
  checkNumber(sync.markerEvery, 'sync.markerEvery', 2);
  checkNumber(sync.photonsPerPulse, 'sync.photonsPerPulse', 0);
  const markerOffset = Math.floor(sync.periodPulses / 2);
  const fluct = options.intensityFluctuation ?? 0;
  checkNumber(fluct, 'intensityFluctuation', 0, 1);
  const fadingModel =
    options.fading === undefined
      ? { scintillationIndex: rx.scintillationIndexZenith, correlationTimeMs: rx.scintillationCorrelationTimeMs }
      : options.fading;
  const fading = fadingModel ? new FadingProcess(fadingModel, slotPulses * Tp * 1e-9, fadingRng) : null;
  const useSampleScint = options.fading === undefined && chan.scintillationIndex(windowStartMs) !== undefined;
  let pointingFade: Float64Array | null = null;
  if (options.pointing) {
    const pRng = new Xoshiro128(simKey[1], simKey[3], simKey[5], simKey[7]);
    pointingFade = drawPointing(options.pointing, nSlots, slotPulses / R, () => pRng.nextDouble());
    const mean = meanPointingEfficiency(options.pointing);
    for (let k = 0; k < nSlots; k++) pointingFade[k] /= mean;
  }
  const afterpulseMeanPs = (options.afterpulseDelayMeanNs ?? 100) * 1e3;
  checkNumber(afterpulseMeanPs, 'afterpulseDelayMeanNs', 0);

  const clock = drawGroundClock(setupRng, options.clock);
  const ephErr = { timeMs: options.ephemerisError?.timeMs ?? (2 * setupRng.nextDouble() - 1) * 5, rangeKm: options.ephemerisError?.rangeKm ?? (2 * setupRng.nextDouble() - 1) * 2 };
  // the ground calibrates its quantum-vs-sync skew to within ±1.5 ns, and always to better than
  // half a pulse period (else no timing recovery can tell neighbouring pulses apart): ±0.4 Tp
  // at rates above 133 MHz (625 MHz: ±0.64 ns)
  const skewPs = options.quantumSkewPs ?? (2 * setupRng.nextDouble() - 1) * Math.min(1500, 0.4 * (1e12 / tx.repetitionRateHz));
  const schedule: PassSchedule = {
    windowStartMs,
    pulseRateHz: R,
    pulseCount: N,
    syncPeriodPulses: sync.periodPulses,
    syncMarkerEvery: sync.markerEvery,
    syncMarkerOffsetPulses: markerOffset,
    groundEpochMs: windowStartMs,
  };
  const epochShiftPs = (windowStartMs - schedule.groundEpochMs) * 1e9;

  // the per-slot channel, in slot order
  const slotEta = new Float32Array(nSlots);
  const etaAll = new Float64Array(nSlots);
  const bgAll = new Float64Array(nSlots);
  const tauAll = new Float64Array(nSlots + 1);
  let etaSum = 0;
  tauAll[0] = range.lightTimePsAtEmit(windowStartMs);
  for (let s = 0; s < nSlots; s++) {
    const a = s * slotPulses;
    const b = Math.min(N, a + slotPulses);
    tauAll[s + 1] = range.lightTimePsAtEmit(windowStartMs + (b * Tp) / 1e9);
    const midMs = windowStartMs + ((a + b) * 0.5 * Tp) / 1e9;
    const fade = fading ? fading.next(useSampleScint ? chan.scintillationIndex(midMs) : undefined) : 1;
    const eta = Math.min(1, chan.eta(midMs) * fade * (pointingFade ? pointingFade[s] : 1));
    slotEta[s] = eta;
    etaAll[s] = eta;
    etaSum += eta * (b - a);
    bgAll[s] = chan.backgroundHz(midMs);
  }
  const segSlots = segmentChunks * chunkSlots;
  const segments: SegmentInput[] = [];
  for (let s0 = 0, k = 0; s0 < nSlots; s0 += segSlots, k++) {
    const s1 = Math.min(nSlots, s0 + segSlots);
    segments.push({ index: k, slot0: s0, eta: etaAll.slice(s0, s1), backgroundHz: bgAll.slice(s0, s1), tauPs: tauAll.slice(s0, s1 + 1) });
  }
  const shared: SegmentShared = {
    tx,
    rx,
    eve,
    sourceSeed,
    simKey,
    pulseCount: N,
    slotPulses,
    pulsePs: Tp,
    chunkSlots,
    sync,
    markerOffset,
    intensityFluctuation: fluct,
    skewPs,
    clock,
    epochShiftPs,
  };
  return {
    shared,
    segments,
    nSlots,
    context: {
      options,
      tx,
      rx,
      eve,
      sourceSeed,
      simKey,
      geometry,
      windowStartMs,
      pulseCount: N,
      pulseRateHz: R,
      pulsePs: Tp,
      slotPulses,
      schedule,
      clock,
      ephErr,
      skewPs,
      epochShiftPs,
      slotEta,
      etaSum,
    },
  };
}

/**
 * Joins the segments' raw events, in segment order, into the pass's records: dead time per
 * detector and afterpulsing (each afterpulse drawn from the stream of the segment being
 * joined, `segmentStreams(…).afterpulses`) in time order across chunks and segments.
 */
export class PassAssembler {
  private readonly outT = new GrowableF64(1 << 16);
  private readonly outD = new GrowableU8(1 << 16);
  private readonly outIdx = new GrowableF64(1 << 16);
  private readonly outKind = new GrowableU8(1 << 16);
  private readonly outEve = new GrowableU8(1 << 16);
  private readonly syncT = new GrowableF64(1 << 16);
  private readonly syncJ = new GrowableF64(1 << 16);
  private readonly lastClick = new Float64Array(4).fill(-Infinity);
  /** Pending afterpulses, kept sorted by time. */
  private readonly apT: number[] = [];
  private readonly apD: number[] = [];
  private apRng: Xoshiro128 | null = null;
  private next = 0;
  private readonly counts = {
    photonEvents: [0, 0, 0],
    expected: [0, 0, 0],
    perClassBasis: [
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    multi: 0,
    dark: 0,
    expDark: 0,
    bg: 0,
    expBg: 0,
    afterpulses: 0,
    deadLoss: 0,
    perDetector: [0, 0, 0, 0],
    syncPulses: 0,
    syncTags: 0,
    markerTags: 0,
    spurious: 0,
    eveHeld: 0,
  };
  private readonly deadPs: number;
  private readonly pAp: number;
  private readonly pAp32: number;
  private readonly afterpulseMeanPs: number;

  constructor(private readonly plan: PassPlan) {
    const rx = plan.context.rx;
    this.deadPs = rx.deadTimeNs * 1e3;
    this.pAp = rx.afterpulseProbability;
    this.pAp32 = this.pAp * 4294967296;
    this.afterpulseMeanPs = (plan.context.options.afterpulseDelayMeanNs ?? 100) * 1e3;
  }

  private emitTag(t: number, groundPs: number, d: number, idx: number, kind: number, ev: number): void {
    if (t - this.lastClick[d] < this.deadPs) {
      this.counts.deadLoss++;
      return;
    }
    this.lastClick[d] = t;
    this.outT.push(groundPs);
    this.outD.push(d);
    this.outIdx.push(idx);
    this.outKind.push(kind);
    this.outEve.push(ev);
    this.counts.perDetector[d]++;
    if (kind === TAG_KIND_AFTERPULSE) this.counts.afterpulses++;
    const rng = this.apRng as Xoshiro128;
    if (this.pAp > 0 && rng.nextU32() < this.pAp32) {
      const ta = t + this.deadPs + rng.nextExponential(this.afterpulseMeanPs);
      const apT = this.apT;
      const apD = this.apD;
      let k = apT.length;
      apT.push(ta);
      apD.push(d);
      while (k > 0 && apT[k - 1] > ta) {
        apT[k] = apT[k - 1];
        apD[k] = apD[k - 1];
        k--;
      }
      apT[k] = ta;
      apD[k] = d;
    }
  }

  private flushAfterpulses(before: number): void {
    const { clock, epochShiftPs } = this.plan.context;
    while (this.apT.length > 0 && this.apT[0] < before) {
      const t = this.apT.shift() as number;
      const d = this.apD.shift() as number;
      this.emitTag(t, Math.round(groundClockPs(clock, t + epochShiftPs)), d, -1, TAG_KIND_AFTERPULSE, 0);
    }
  }

  /** Join the next segment (segments must come in index order). */
  add(o: SegmentOutput): void {
    if (o.index !== this.next) throw new Error(`segment ${o.index} joined out of order (expected ${this.next})`);
    this.next++;
    this.apRng = segmentStreams(this.plan.context.simKey, o.index).afterpulses;
    const c = this.counts;
    const oc = o.counts;
    for (let k = 0; k < 3; k++) {
      c.photonEvents[k] += oc.photonEvents[k];
      c.expected[k] += oc.expected[k];
      c.perClassBasis[k][0] += oc.perClassBasis[k][0];
      c.perClassBasis[k][1] += oc.perClassBasis[k][1];
    }
    c.multi += oc.multi;
    c.dark += oc.dark;
    c.expDark += oc.expDark;
    c.bg += oc.bg;
    c.expBg += oc.expBg;
    c.syncPulses += oc.syncPulses;
    c.markerTags += oc.markerTags;
    c.spurious += oc.spurious;
    c.eveHeld += oc.eveHeld;
    let e = 0;
    for (let ch = 0; ch < o.chunkEnd.length; ch++) {
      const end = o.chunkEnd[ch];
      for (; e < end; e++) {
        const t = o.timePs[e];
        if (this.apT.length > 0) this.flushAfterpulses(t);
        this.emitTag(t, o.groundPs[e], o.detector[e], o.pulseIndex[e], o.kind[e], o.eve[e]);
      }
      this.flushAfterpulses(o.chunkEndTimePs[ch] - 5000);
    }
    for (let q = 0; q < o.syncGroundPs.length; q++) {
      this.syncT.push(o.syncGroundPs[q]);
      this.syncJ.push(o.syncIndex[q]);
    }
    c.syncTags += o.syncGroundPs.length;
  }

  /** The records, once every segment is joined. */
  finish(): SimulationResult {
    const plan = this.plan;
    if (this.next !== plan.segments.length) throw new Error(`${plan.segments.length - this.next} segments not joined`);
    this.flushAfterpulses(Infinity);
    const { outT, outD, outIdx, outKind, outEve, syncT, syncJ, counts } = this;
    const x = plan.context;
    const { options, tx, rx, eve, geometry, schedule, pulseCount: N, pulseRateHz: R } = x;
    const pClass = tx.intensityProbabilities;
    // chunk boundaries can leave sub-ns inversions: insertion fix (nearly sorted → linear)
    fixOrder(outT.data, outT.length, [outD.data, outIdx.data, outKind.data, outEve.data]);
    fixOrder(syncT.data, syncT.length, [syncJ.data]);

    const satellite: SatelliteRecord = {
      format: SATELLITE_FORMAT,
      sourceSeedHex: seedToHex(x.sourceSeed),
      generator: 'philox4x32-10+chacha20-expand/1',
      transmitter: tx,
      schedule,
      satellite: options.satellite ?? geometry.summary.satellite,
    };
    const ground: GroundRecord = {
      format: GROUND_FORMAT,
      station: options.station ?? geometry.summary.station,
      receiver: rx,
      schedule,
      quantumDelayPs: 0,
      ephemeris: perturbGeometry(geometry, x.ephErr.timeMs, x.ephErr.rangeKm),
      tags: { timePs: outT.toArray(), detector: outD.toArray() },
      syncTags: { timePs: syncT.toArray() },
    };
    const truth: TruthRecord = {
      format: TRUTH_FORMAT,
      tagPulseIndex: outIdx.toArray(),
      tagKind: outKind.toArray(),
      tagEve: outEve.toArray(),
      syncIndex: syncJ.toArray(),
      clock: x.clock,
      quantumSkewPs: x.skewPs,
      ephemerisError: x.ephErr,
      eve: eveToString(eve),
      geometry,
      slotMs: x.slotPulses * x.pulsePs * 1e-9,
      slotEta: x.slotEta,
    };
    const meanEta = N > 0 ? x.etaSum / N : 0;
    const summary: SimulationSummary = {
      satellite: satellite.satellite,
      station: ground.station,
      eve: eveToString(eve),
      windowStartUtc: new Date(x.windowStartMs).toISOString(),
      durationS: N / R,
      pulses: { total: N, expectedPerIntensity: pClass.map((p) => p * N) },
      meanEta,
      meanLossDb: meanEta > 0 ? -10 * Math.log10(meanEta) : Infinity,
      detections: {
        tags: outT.length,
        photonEventsPerIntensity: counts.photonEvents,
        expectedPhotonEventsPerIntensity: counts.expected,
        photonEventsPerIntensityBasis: counts.perClassBasis,
        multiClickEvents: counts.multi,
        darkCounts: counts.dark,
        expectedDarkCounts: counts.expDark,
        backgroundCounts: counts.bg,
        expectedBackgroundCounts: counts.expBg,
        afterpulses: counts.afterpulses,
        deadTimeLosses: counts.deadLoss,
        tagsPerDetector: counts.perDetector,
      },
      sync: { pulses: counts.syncPulses, tags: counts.syncTags, markerTags: counts.markerTags, spurious: counts.spurious },
      eveHeldPhotons: counts.eveHeld,
    };
    return { satellite, ground, truth, summary };
  }
}

/** Simulate a whole pass in this thread (the same records as `simulatePassParallel` on any number of threads). */
export function simulatePass(options: SimulateOptions): SimulationResult {
  const plan = planPass(options);
  const source = PulseSource.fromConfig(plan.shared.sourceSeed, plan.shared.tx);
  const asm = new PassAssembler(plan);
  for (const seg of plan.segments) {
    asm.add(simulateSegment(plan.shared, seg, source));
    options.onProgress?.((seg.slot0 + seg.eta.length) / plan.nSlots);
  }
  return asm.finish();
}

function fixOrder(t: Float64Array, n: number, cols: (Float64Array | Uint8Array)[]): void {
  for (let i = 1; i < n; i++) {
    if (t[i] >= t[i - 1]) continue;
    const tv = t[i];
    const cv = cols.map((c) => c[i]);
    let j = i;
    while (j > 0 && t[j - 1] > tv) {
      t[j] = t[j - 1];
      for (const c of cols) c[j] = c[j - 1];
      j--;
    }
    t[j] = tv;
    cols.forEach((c, k) => (c[j] = cv[k]));
  }
}
