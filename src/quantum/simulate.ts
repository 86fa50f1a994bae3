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
 * Physics per accepted pulse: photons detected m ~ Poisson(μη) | m ≥ 1 (Poisson thinning of a
 * coherent state); each photon takes a passive 50:50 basis choice and a PBS output, with the
 * misalignment error 1/(1 + C) in the matching basis (C: polarisation contrast); each clicking
 * detector gets its own Gaussian jitter (FWHM → σ = FWHM/2.3548). Dark counts and background are
 * Poisson processes in continuous time, spread uniformly over the four detectors.
 */
import { InputError } from '../core/errors.js';
import { Xoshiro128 } from '../core/rng/philox.js';
import { insertionSortIndices } from '../core/sort.js';
import { deriveSeed, seedFromInteger, seedToHex, type Seed256 } from '../core/rng/seed.js';
import { MICIUS_TRANSMITTER, XINGLONG_RECEIVER, type ReceiverConfig, type TransmitterConfig } from '../link/hardware.js';
import type { PassGeometry } from '../orbit/types.js';
import { drawPointing, meanPointingEfficiency, type PointingParams } from '../link/pointing.js';
import { ChannelInterpolator, FadingProcess, type ChannelSample, type FadingModel } from './channel.js';
import { drawGroundClock, groundClockPs, type GroundClockModel, type PassSchedule } from './clock.js';
import { drawPnsClick, eveToString, legitGain, parseEve, pnsGain, tunePns, type EveSpec, type PnsTuning } from './eve.js';
import { RangeInterpolator } from './geometry.js';
import { GrowableF64, GrowableU8 } from './growable.js';
import {
  GROUND_FORMAT,
  SATELLITE_FORMAT,
  TAG_KIND_AFTERPULSE,
  TAG_KIND_BACKGROUND,
  TAG_KIND_DARK,
  TAG_KIND_PHOTON,
  TRUTH_FORMAT,
  type GroundRecord,
  type SatelliteRecord,
  type TruthRecord,
} from './records.js';
import { misalignmentError, PulseSource, validateTransmitter } from './transmitter.js';

/** The co-propagating sync laser (~10 kHz) and its detector. Defaults are engineering estimates. */
export interface SyncLaserConfig {
  /** Sync pulse every this many signal pulses (100 MHz / 10,000 = 10 kHz). */
  periodPulses: number;
  /** A marker pulse follows every this many sync pulses (10 Hz), resolving the index ambiguity. */
  markerEvery: number;
  /** Mean photons per sync pulse such that photons detected = this × η_total(t) × fading. */
  photonsPerPulse: number;
  /** Sync detector jitter (FWHM). */
  jitterPs: number;
  /** Spurious sync-channel clicks (background, dark). */
  spuriousHz: number;
}

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

const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.log(2)));

/**
 * Most time tags one simulation may produce (≈ 20 bytes each in memory, plus the truth record):
 * 2 × 10⁸ tags ≈ 4 GB. A pass that would exceed it (daylight, strong stray light, a very fast
 * source) is refused up front rather than running out of memory.
 */
export const MAX_SIMULATED_TAGS = 2e8;

/** Above this many noise clicks in one slot they are time-ordered before entering the chunk. */
const NOISE_SORT_MIN = 64;

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

/** Simulate a whole pass. */
export function simulatePass(options: SimulateOptions): SimulationResult {
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
  const rng = new Xoshiro128(simKey[0], simKey[1], simKey[2], simKey[3]);
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

  const source = PulseSource.fromConfig(sourceSeed, tx);
  const mu = tx.intensities;
  const pClass = tx.intensityProbabilities;
  const eMis = misalignmentError(tx.polarisationContrast);
  const eMis31 = eMis * 2147483648;
  const etaBob = rx.opticsEfficiency * rx.detectorEfficiency;
  const sigmaJ = rx.jitterPs * FWHM_TO_SIGMA;
  const sigmaSync = sync.jitterPs * FWHM_TO_SIGMA;
  const deadPs = rx.deadTimeNs * 1e3;
  const pAp = rx.afterpulseProbability;
  const pAp32 = pAp * 4294967296;
  const darkTotalHz = 4 * rx.darkCountHz;
  const fluctMargin = 1 + 4 * fluct;

  // outputs
  const outT = new GrowableF64(1 << 16);
  const outD = new GrowableU8(1 << 16);
  const outIdx = new GrowableF64(1 << 16);
  const outKind = new GrowableU8(1 << 16);
  const outEve = new GrowableU8(1 << 16);
  const syncT = new GrowableF64(1 << 16);
  const syncJ = new GrowableF64(1 << 16);
  // per-chunk raw events (true time in ps since window start)
  const rawT = new GrowableF64(4096);
  const rawD = new GrowableU8(4096);
  const rawIdx = new GrowableF64(4096);
  const rawKind = new GrowableU8(4096);
  const rawEve = new GrowableU8(4096);
  const rawSyncT = new GrowableF64(1024);
  const rawSyncJ = new GrowableF64(1024);
  const slotEta = new Float32Array(nSlots);

  const counts = {
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
  const lastClick = new Float64Array(4).fill(-Infinity);
  // pending afterpulses, kept sorted by time
  const apT: number[] = [];
  const apD: number[] = [];
  let etaSum = 0;

  const pushRaw = (t: number, d: number, idx: number, kind: number, ev: number): void => {
    rawT.push(t);
    rawD.push(d);
    rawIdx.push(idx);
    rawKind.push(kind);
    rawEve.push(ev);
  };

  const emitTag = (t: number, d: number, idx: number, kind: number, ev: number): void => {
    if (t - lastClick[d] < deadPs) {
      counts.deadLoss++;
      return;
    }
    lastClick[d] = t;
    outT.push(Math.round(groundClockPs(clock, t + epochShiftPs)));
    outD.push(d);
    outIdx.push(idx);
    outKind.push(kind);
    outEve.push(ev);
    counts.perDetector[d]++;
    if (kind === TAG_KIND_AFTERPULSE) counts.afterpulses++;
    if (pAp > 0 && rng.nextU32() < pAp32) {
      const ta = t + deadPs + rng.nextExponential(afterpulseMeanPs);
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
  };

  const flushAfterpulses = (before: number): void => {
    while (apT.length > 0 && apT[0] < before) {
      const t = apT.shift() as number;
      const d = apD.shift() as number;
      emitTag(t, d, -1, TAG_KIND_AFTERPULSE, 0);
    }
  };

  let order = new Uint32Array(4096);
  let noiseT = new Float64Array(0);
  let noiseD = new Uint8Array(0);
  let noiseK = new Uint8Array(0);
  let noiseOrd = new Uint32Array(0);
  const pk = [0, 0, 0];
  let pns: PnsTuning = { multiFraction: 0, singleFraction: 0 };
  let tauNext = range.lightTimePsAtEmit(windowStartMs);

  for (let chunk0 = 0; chunk0 < nSlots; chunk0 += chunkSlots) {
    rawT.clear();
    rawD.clear();
    rawIdx.clear();
    rawKind.clear();
    rawEve.clear();
    rawSyncT.clear();
    rawSyncJ.clear();
    const chunk1 = Math.min(nSlots, chunk0 + chunkSlots);
    let chunkEndT = 0;
    for (let s = chunk0; s < chunk1; s++) {
      const a = s * slotPulses;
      const b = Math.min(N, a + slotPulses);
      const tauA = tauNext;
      const tauB = range.lightTimePsAtEmit(windowStartMs + (b * Tp) / 1e9);
      tauNext = tauB;
      const dTau = (tauB - tauA) / (b - a);
      const midMs = windowStartMs + ((a + b) * 0.5 * Tp) / 1e9;
      const fade = fading ? fading.next(useSampleScint ? chan.scintillationIndex(midMs) : undefined) : 1;
      const eta = Math.min(1, chan.eta(midMs) * fade * (pointingFade ? pointingFade[s] : 1));
      slotEta[s] = eta;
      etaSum += eta * (b - a);
      const bg = chan.backgroundHz(midMs);
      const nSlot = b - a;
      const slotS = nSlot * Tp * 1e-12;
      chunkEndT = b * Tp + tauB;

      // per-class click probabilities
      if (eve.kind === 'pns') pns = tunePns(mu[0], eta, etaBob);
      let pMax = 0;
      for (let k = 0; k < 3; k++) {
        pk[k] = eve.kind === 'pns' ? pnsGain(mu[k], pns, etaBob) : legitGain(mu[k], eta);
        counts.expected[k] += nSlot * pClass[k] * pk[k];
        const pm = eve.kind === 'pns' ? pnsGain(mu[k] * fluctMargin, pns, etaBob) : legitGain(mu[k] * fluctMargin, eta);
        if (pClass[k] > 0 && pm > pMax) pMax = pm;
      }

      // photon events: geometric skips over candidate pulses, thinning by class
      let i = a - 1;
      const invLog = pMax > 0 && pMax < 1 ? 1 / Math.log1p(-pMax) : 0;
      const thr0 = pClass[0] * 4294967296;
      const thr1 = (pClass[0] + pClass[1]) * 4294967296;
      while (pMax > 0) {
        i += 1 + rng.nextGeometricInv(invLog);
        if (i >= b) break;
        const r = source.words(i);
        const r0 = r[0];
        const cls = r0 < thr0 ? 0 : r0 < thr1 ? 1 : 2;
        let muI = mu[cls];
        let p = pk[cls];
        if (fluct > 0) {
          const z = Math.max(-4, Math.min(4, rng.nextNormal()));
          muI = mu[cls] * Math.max(0, 1 + fluct * z);
          p = eve.kind === 'pns' ? pnsGain(muI, pns, etaBob) : legitGain(muI, eta);
        }
        if (rng.nextDouble() * pMax >= p) continue;
        const aBasis = r[1] < tx.basisProbabilityZ * 4294967296 ? 0 : 1;
        const aBit = r[2] >>> 31;
        let photons: number;
        let eveFlag = 0;
        let sBasis = aBasis;
        let sBit = aBit;
        if (eve.kind === 'pns') {
          const c = drawPnsClick(muI, pns, etaBob, rng);
          photons = c.photons;
          eveFlag = c.eveHolds ? 1 : 0;
        } else {
          photons = rng.nextPoissonAtLeastOne(muI * eta);
          if (eve.kind === 'intercept-resend' && rng.nextDouble() < eve.fraction) {
            const eBasis = rng.nextDouble() < 0.5 ? 0 : 1;
            if (eBasis === aBasis) eveFlag = 1;
            else {
              sBasis = eBasis;
              sBit = rng.nextDouble() < 0.5 ? 0 : 1;
            }
          } else if (eve.kind === 'beam-splitting') {
            eveFlag = rng.nextDouble() < -Math.expm1(-muI * (1 - eta)) ? 1 : 0;
          }
        }
        let mask = 0;
        let firstBasis = -1;
        for (let m = 0; m < photons; m++) {
          // one 32-bit word per photon: top bit = passive basis choice, low 31 bits = outcome
          const w = rng.nextU32();
          const bBasis = w >>> 31;
          const u31 = w & 0x7fffffff;
          let bit: number;
          if (bBasis === sBasis) bit = u31 < eMis31 ? 1 - sBit : sBit;
          else bit = u31 & 1;
          mask |= 1 << (2 * bBasis + bit);
          if (firstBasis < 0) firstBasis = bBasis;
        }
        counts.photonEvents[cls]++;
        counts.perClassBasis[cls][firstBasis]++;
        if (mask & (mask - 1)) counts.multi++;
        counts.eveHeld += eveFlag;
        const tRx = i * Tp + tauA + dTau * (i - a) + skewPs;
        for (let d = 0; d < 4; d++) {
          if (mask & (1 << d)) pushRaw(tRx + sigmaJ * rng.nextNormal(), d, i, TAG_KIND_PHOTON, eveFlag);
        }
      }

      // dark counts and background, uniform in the slot's reception interval
      const t0 = a * Tp + tauA;
      const t1 = b * Tp + tauB;
      counts.expDark += darkTotalHz * slotS;
      counts.expBg += bg * slotS;
      const nNoise = rng.nextPoisson((darkTotalHz + bg) * slotS);
      if (nNoise <= NOISE_SORT_MIN) {
        for (let k = 0; k < nNoise; k++) {
          const kind = rng.nextDouble() * (darkTotalHz + bg) < darkTotalHz ? TAG_KIND_DARK : TAG_KIND_BACKGROUND;
          if (kind === TAG_KIND_DARK) counts.dark++;
          else counts.bg++;
          pushRaw(t0 + rng.nextDouble() * (t1 - t0), Math.floor(rng.nextDouble() * 4), -1, kind, 0);
        }
      } else {
        // strong noise (daylight, stray light): the same draws, pushed in time order so the
        // chunk stays nearly sorted (its insertion sort would be quadratic otherwise)
        if (noiseT.length < nNoise) {
          noiseT = new Float64Array(nNoise * 2);
          noiseD = new Uint8Array(nNoise * 2);
          noiseK = new Uint8Array(nNoise * 2);
          noiseOrd = new Uint32Array(nNoise * 2);
        }
        for (let k = 0; k < nNoise; k++) {
          const kind = rng.nextDouble() * (darkTotalHz + bg) < darkTotalHz ? TAG_KIND_DARK : TAG_KIND_BACKGROUND;
          if (kind === TAG_KIND_DARK) counts.dark++;
          else counts.bg++;
          noiseT[k] = t0 + rng.nextDouble() * (t1 - t0);
          noiseD[k] = Math.floor(rng.nextDouble() * 4);
          noiseK[k] = kind;
          noiseOrd[k] = k;
        }
        const ordN = noiseOrd.subarray(0, nNoise).sort((x, y) => noiseT[x] - noiseT[y] || x - y);
        for (let q = 0; q < nNoise; q++) {
          const k = ordN[q];
          pushRaw(noiseT[k], noiseD[k], -1, noiseK[k], 0);
        }
      }

      // sync laser pulses (and markers) emitted in this slot
      const pSync = -Math.expm1(-sync.photonsPerPulse * eta);
      for (let j = Math.ceil(a / sync.periodPulses); j * sync.periodPulses < b; j++) {
        counts.syncPulses++;
        const idx = j * sync.periodPulses;
        if (rng.nextDouble() < pSync) {
          rawSyncT.push(idx * Tp + tauA + dTau * (idx - a) + sigmaSync * rng.nextNormal());
          rawSyncJ.push(j);
        }
        if (j % sync.markerEvery === 0 && rng.nextDouble() < pSync) {
          const im = idx + markerOffset;
          rawSyncT.push(im * Tp + tauA + dTau * (im - a) + sigmaSync * rng.nextNormal());
          rawSyncJ.push(j + 0.5);
          counts.markerTags++;
        }
      }
      const nSpur = rng.nextPoisson(sync.spuriousHz * slotS);
      for (let k = 0; k < nSpur; k++) {
        rawSyncT.push(t0 + rng.nextDouble() * (t1 - t0));
        rawSyncJ.push(-1);
        counts.spurious++;
      }
    }

    // time-order the chunk's detector events, apply dead time and afterpulsing
    const n = rawT.length;
    if (order.length < n) order = new Uint32Array(n * 2);
    const ord = order.subarray(0, n);
    for (let k = 0; k < n; k++) ord[k] = k;
    const rt = rawT.data;
    // nearly sorted (pulse order + jitter, noise appended per slot): insertion sort is O(n + inversions)
    insertionSortIndices(ord, rt);
    for (let k = 0; k < n; k++) {
      const e = ord[k];
      flushAfterpulses(rt[e]);
      emitTag(rt[e], rawD.data[e], rawIdx.data[e], rawKind.data[e], rawEve.data[e]);
    }
    flushAfterpulses(chunkEndT - 5000);

    const ns = rawSyncT.length;
    if (order.length < ns) order = new Uint32Array(ns * 2);
    const sOrd = order.subarray(0, ns);
    const st = rawSyncT.data;
    for (let k = 0; k < ns; k++) {
      const e = k;
      let j = k;
      while (j > 0 && st[sOrd[j - 1]] > st[e]) {
        sOrd[j] = sOrd[j - 1];
        j--;
      }
      sOrd[j] = e;
    }
    for (let q = 0; q < ns; q++) {
      const e = sOrd[q];
      syncT.push(Math.round(groundClockPs(clock, st[e] + epochShiftPs)));
      syncJ.push(rawSyncJ.data[e]);
    }
    counts.syncTags += ns;
    options.onProgress?.(chunk1 / nSlots);
  }
  flushAfterpulses(Infinity);

  // chunk boundaries can leave sub-ns inversions: insertion fix (nearly sorted → linear)
  fixOrder(outT.data, outT.length, [outD.data, outIdx.data, outKind.data, outEve.data]);
  fixOrder(syncT.data, syncT.length, [syncJ.data]);

  const satellite: SatelliteRecord = {
    format: SATELLITE_FORMAT,
    sourceSeedHex: seedToHex(sourceSeed),
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
    ephemeris: perturbGeometry(geometry, ephErr.timeMs, ephErr.rangeKm),
    tags: { timePs: outT.toArray(), detector: outD.toArray() },
    syncTags: { timePs: syncT.toArray() },
  };
  const truth: TruthRecord = {
    format: TRUTH_FORMAT,
    tagPulseIndex: outIdx.toArray(),
    tagKind: outKind.toArray(),
    tagEve: outEve.toArray(),
    syncIndex: syncJ.toArray(),
    clock,
    quantumSkewPs: skewPs,
    ephemerisError: ephErr,
    eve: eveToString(eve),
    geometry,
    slotMs: slotPulses * Tp * 1e-9,
    slotEta,
  };
  const meanEta = N > 0 ? etaSum / N : 0;
  const summary: SimulationSummary = {
    satellite: satellite.satellite,
    station: ground.station,
    eve: eveToString(eve),
    windowStartUtc: new Date(windowStartMs).toISOString(),
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
