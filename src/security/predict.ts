/**
 * Expected counts of a decoy-state BB84 pass from a link model, slot by slot, as SatQuMA does
 * (Sidhu et al., npj QI 8, 18 (2022); Lim et al. 2014 Sec. IV): per slot and intensity
 *   D_k = 1 − (1 − 2p_dc)·e^{−η μ_k},  R_k = D_k(1 + p_ap),
 *   e_k = p_dc + e_mis·(1 − e^{−η μ_k}) + p_ap·D_k/2,
 * with η the total transmittance (detectors included), p_dc the per-detector probability of a
 * dark or background count in the coincidence window, and e_mis the optical misalignment.
 * Counts are summed over the pass, so the analysis sees one block per pass.
 */
import { InputError } from '../core/errors.js';
import { lossDbToEta } from '../core/units.js';
import type { FiniteKeyInput, IntensityCounts, Triple, Bound, Protocol } from './types.js';

/** The structural part of a link-budget sample that the prediction needs. */
export interface LinkSampleLike {
  /** Total transmittance satellite → detector click, detector efficiency included. */
  etaTotal: number;
  /**
   * Extra count rate per detector, Hz, on top of `PredictParams.darkCountHz`. The link model's
   * backgroundHz already includes the dark counts: use darkCountHz 0 with it.
   */
  backgroundHz?: number;
  timeMs?: number;
  /** Slot length; if absent taken from the spacing of `timeMs`, else `PredictParams.stepS`. */
  durationS?: number;
}

/** Source settings the optimiser varies. */
export interface SourceSettings {
  intensities: Triple;
  probabilities: Triple;
  /** Probability that Alice prepares X. */
  probX: number;
  /** Probability that Bob measures X (passive splitter ratio); default = probX. */
  bobProbX?: number;
}

export interface PredictParams extends SourceSettings {
  repetitionRateHz: number;
  /** Dark count rate per detector (Hz); default 25 (Micius < 25 Hz). */
  darkCountHz?: number;
  /** Coincidence window (ns); default 2 (Micius). */
  gateWindowNs?: number;
  /** Overrides darkCountHz·window: per-detector probability of an extraneous count per pulse. */
  darkCountProbability?: number;
  /** Optical misalignment error e_mis; default from polarisationContrast. */
  misalignment?: number;
  /** Polarisation contrast C:1 → e_mis = 1/(1 + C); default 280 (Micius). */
  polarisationContrast?: number;
  afterpulseProbability?: number;
  /**
   * Passive basis choice with one detector pair per basis, all four always armed (Micius): noise
   * clicks in a basis's pair do not depend on which way the photon went, so each basis sees
   * 2·p_dc of noise per pulse rather than bobProb·2·p_dc (Lim 2014's active-choice model). Default false.
   */
  passiveReceiver?: boolean;
  /** Slot length when samples carry none; default 1 s. */
  stepS?: number;
}

export interface PredictedCounts {
  counts: { X: IntensityCounts[]; Z: IntensityCounts[] };
  pulses: number;
  durationS: number;
  intensities: Triple;
  probabilities: Triple;
  bobProbX: number;
}

/** The micius settings: μ = 0.8/0.1/0, p = 0.5/0.25/0.25, unbiased bases, 100 MHz (Liao 2017). */
export const MICIUS_SOURCE: PredictParams = {
  intensities: [0.8, 0.1, 0],
  probabilities: [0.5, 0.25, 0.25],
  probX: 0.5,
  bobProbX: 0.5,
  repetitionRateHz: 100e6,
  darkCountHz: 25,
  gateWindowNs: 2,
  polarisationContrast: 280,
  afterpulseProbability: 0,
};

/** Slot lengths (s): each sample's durationS, else the median spacing of timeMs, else stepS. */
export function slotDurations(samples: readonly LinkSampleLike[], stepS: number): number[] {
  const times = samples.map((s) => s.timeMs);
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const a = times[i - 1];
    const b = times[i];
    if (a !== undefined && b !== undefined && b > a) steps.push((b - a) / 1000);
  }
  steps.sort((x, y) => x - y);
  const typical = steps.length ? steps[Math.floor(steps.length / 2)] : stepS;
  return samples.map((s) => s.durationS ?? typical);
}

/** Per-pulse detection and error probabilities for one slot (Lim 2014 Sec. IV; SatQuMA DRate_j/error_j). */
export function slotProbabilities(
  eta: number,
  mu: number,
  pdc: number,
  eMis: number,
  pap: number,
): { detect: number; error: number } {
  const e = Math.exp(-eta * mu);
  const d = 1 - (1 - 2 * pdc) * e;
  return { detect: d * (1 + pap), error: pdc + eMis * (1 - e) + (pap * d) / 2 };
}

/** Expected counts per basis and intensity over a pass (sum over slots). */
export function predictCounts(samples: readonly LinkSampleLike[], params: PredictParams): PredictedCounts {
  if (!samples.length) throw new InputError('no link samples (empty pass)', { field: 'samples' });
  const n = samples.length;
  const eta = new Float64Array(n);
  const bg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    eta[i] = samples[i].etaTotal;
    bg[i] = samples[i].backgroundHz ?? 0;
  }
  return predictCountsColumns(eta, bg, slotDurations(samples, params.stepS ?? 1), params);
}

/**
 * Expected counts packed into numbers: for basis X then Z, for intensity class 0..2, sent,
 * detected, errors (18 numbers, PACKED_COUNTS of plan/counts.ts), then the pulses (index
 * PACKED_PULSES) and the seconds (PACKED_DURATION_S) they were summed over.
 */
export const PACKED_PREDICTION = 20;
export const PACKED_PULSES = 18;
export const PACKED_DURATION_S = 19;

/** The counts of a PACKED_PREDICTION array as PredictedCounts. */
export function unpackPrediction(packed: ArrayLike<number>, source: SourceSettings): PredictedCounts {
  const basis = (o: number): IntensityCounts[] =>
    [0, 1, 2].map((k) => ({ sent: packed[o + 3 * k], detected: packed[o + 3 * k + 1], errors: packed[o + 3 * k + 2] }));
  return {
    counts: { X: basis(0), Z: basis(9) },
    pulses: packed[PACKED_PULSES],
    durationS: packed[PACKED_DURATION_S],
    intensities: source.intensities,
    probabilities: source.probabilities,
    bobProbX: source.bobProbX ?? source.probX,
  };
}

/**
 * predictCounts over columns: slot i has transmittance etaTotal[i], extra background
 * backgroundHz[i] and length durationS[i] (or `durationS` for every slot). The same sums in the
 * same order as predictCounts (which calls it), without a sample object per slot.
 */
export function predictCountsColumns(
  etaTotal: ArrayLike<number>,
  backgroundHz: ArrayLike<number>,
  durationS: number | ArrayLike<number>,
  params: PredictParams,
): PredictedCounts {
  const out = new Float64Array(PACKED_PREDICTION);
  sumCountsColumns(etaTotal, backgroundHz, etaTotal.length, durationS, params, out);
  return unpackPrediction(out, params);
}

/**
 * predictCountsColumns over slots 0..n−1, written into `out` (PACKED_PREDICTION numbers,
 * overwritten): the planner's per-pass path, with reused buffers and no objects. Each sum runs
 * over the slots in order with the same operations, so the same numbers to the last bit; what
 * does not change from slot to slot (a slot's pulses with one durationS, p_dc with the same
 * background, e^{−η·0} = 1 for the vacuum intensity) is computed once.
 */
export function sumCountsColumns(
  etaTotal: ArrayLike<number>,
  backgroundHz: ArrayLike<number>,
  n: number,
  durationS: number | ArrayLike<number>,
  params: PredictParams,
  out: Float64Array,
): void {
  if (!(n > 0)) throw new InputError('no link samples (empty pass)', { field: 'samples' });
  const { intensities: mu, probabilities: p, probX } = params;
  const bobProbX = params.bobProbX ?? probX;
  if (!(probX > 0 && probX < 1)) throw new InputError(`must lie in (0, 1), got ${probX}`, { field: 'probX' });
  if (!(bobProbX > 0 && bobProbX < 1)) throw new InputError(`must lie in (0, 1), got ${bobProbX}`, { field: 'bobProbX' });
  const windowS = (params.gateWindowNs ?? 2) * 1e-9;
  const darkHz = params.darkCountHz ?? 25;
  const eMis = params.misalignment ?? 1 / (1 + (params.polarisationContrast ?? 280));
  const pap = params.afterpulseProbability ?? 0;
  const onePlusPap = 1 + pap;
  const passive = params.passiveReceiver === true;
  const fixedPdc = params.darkCountProbability;
  const mu0 = mu[0];
  const mu1 = mu[1];
  const mu2 = mu[2];
  const p0 = p[0];
  const p1 = p[1];
  const p2 = p[2];
  const probZ = 1 - probX;
  const bobProbZ = 1 - bobProbX;
  // per basis (X 0..2, Z 3..5) and intensity: sent, detected, errors
  let sX0 = 0, sX1 = 0, sX2 = 0, sZ0 = 0, sZ1 = 0, sZ2 = 0;
  let dX0 = 0, dX1 = 0, dX2 = 0, dZ0 = 0, dZ1 = 0, dZ2 = 0;
  let eX0 = 0, eX1 = 0, eX2 = 0, eZ0 = 0, eZ1 = 0, eZ2 = 0;
  let pulses = 0;
  let totalS = 0;
  // the slot constants of the previous slot (the same when its length is)
  let lastDur = NaN;
  let nPulses = 0;
  let aX0 = 0, aX1 = 0, aX2 = 0, aZ0 = 0, aZ1 = 0, aZ2 = 0;
  let bX0 = 0, bX1 = 0, bX2 = 0, bZ0 = 0, bZ1 = 0, bZ2 = 0;
  let lastBg = NaN;
  let pdcX = 0;
  let pdcZ = 0;
  const constDur = typeof durationS === 'number';
  for (let i = 0; i < n; i++) {
    const eta = etaTotal[i];
    if (!(eta >= 0 && eta <= 1)) throw new InputError(`etaTotal must lie in [0, 1], got ${eta}`, { field: `samples[${i}].etaTotal` });
    const dur = constDur ? durationS : durationS[i];
    if (!(dur === lastDur)) {
      lastDur = dur;
      nPulses = params.repetitionRateHz * dur;
      const nX = nPulses * probX;
      const nZ = nPulses * probZ;
      // sent per basis and intensity n·P(basis)·p_k, and the detected share sent·P_Bob(basis)
      aX0 = nX * p0; aX1 = nX * p1; aX2 = nX * p2;
      aZ0 = nZ * p0; aZ1 = nZ * p1; aZ2 = nZ * p2;
      bX0 = aX0 * bobProbX; bX1 = aX1 * bobProbX; bX2 = aX2 * bobProbX;
      bZ0 = aZ0 * bobProbZ; bZ1 = aZ1 * bobProbZ; bZ2 = aZ2 * bobProbZ;
    }
    pulses += nPulses;
    totalS += dur;
    const bg = backgroundHz[i];
    if (!(bg === lastBg)) {
      lastBg = bg;
      const pdc = fixedPdc ?? 1 - Math.exp(-(darkHz + bg) * windowS);
      // passive receiver: per-basis noise 2·p_dc whatever the splitter ratio (see PredictParams)
      pdcX = passive ? Math.min(0.5, pdc / bobProbX) : pdc;
      pdcZ = passive ? Math.min(0.5, pdc / bobProbZ) : pdc;
    }
    // slotProbabilities(eta, μ_k, p_dc, e_mis, p_ap) for each basis, written out
    const qX = 1 - 2 * pdcX;
    const qZ = 1 - 2 * pdcZ;
    let e = mu0 === 0 ? 1 : Math.exp(-eta * mu0);
    let x = 1 - qX * e;
    let z = 1 - qZ * e;
    let mis = eMis * (1 - e);
    sX0 += aX0; sZ0 += aZ0;
    dX0 += bX0 * (x * onePlusPap); dZ0 += bZ0 * (z * onePlusPap);
    eX0 += bX0 * (pdcX + mis + (pap * x) / 2); eZ0 += bZ0 * (pdcZ + mis + (pap * z) / 2);
    e = mu1 === 0 ? 1 : Math.exp(-eta * mu1);
    x = 1 - qX * e;
    z = 1 - qZ * e;
    mis = eMis * (1 - e);
    sX1 += aX1; sZ1 += aZ1;
    dX1 += bX1 * (x * onePlusPap); dZ1 += bZ1 * (z * onePlusPap);
    eX1 += bX1 * (pdcX + mis + (pap * x) / 2); eZ1 += bZ1 * (pdcZ + mis + (pap * z) / 2);
    e = mu2 === 0 ? 1 : Math.exp(-eta * mu2);
    x = 1 - qX * e;
    z = 1 - qZ * e;
    mis = eMis * (1 - e);
    sX2 += aX2; sZ2 += aZ2;
    dX2 += bX2 * (x * onePlusPap); dZ2 += bZ2 * (z * onePlusPap);
    eX2 += bX2 * (pdcX + mis + (pap * x) / 2); eZ2 += bZ2 * (pdcZ + mis + (pap * z) / 2);
  }
  out[0] = sX0; out[1] = dX0; out[2] = eX0;
  out[3] = sX1; out[4] = dX1; out[5] = eX1;
  out[6] = sX2; out[7] = dX2; out[8] = eX2;
  out[9] = sZ0; out[10] = dZ0; out[11] = eZ0;
  out[12] = sZ1; out[13] = dZ1; out[14] = eZ1;
  out[15] = sZ2; out[16] = dZ2; out[17] = eZ2;
  out[PACKED_PULSES] = pulses;
  out[PACKED_DURATION_S] = totalS;
}

/** One constant-loss slot of `durationS` seconds (for `--loss-db` and tests). */
export function constantLossSamples(lossDb: number, durationS: number, backgroundHz = 0): LinkSampleLike[] {
  if (!(Number.isFinite(lossDb) && lossDb >= 0)) throw new InputError(`must be ≥ 0 dB, got ${lossDb}`, { field: 'lossDb' });
  if (!(durationS > 0)) throw new InputError(`must be > 0, got ${durationS}`, { field: 'durationS' });
  return [{ etaTotal: lossDbToEta(lossDb), backgroundHz, durationS }];
}

export interface AnalysisOptions {
  bound: Bound;
  protocol: Protocol;
  epsSec?: number;
  epsCor?: number;
  fEC?: number;
}

/** Turn predicted counts into the finite-key input. */
export function toFiniteKeyInput(pred: PredictedCounts, opts: AnalysisOptions): FiniteKeyInput {
  return {
    intensities: pred.intensities,
    probabilities: pred.probabilities,
    counts: pred.counts,
    bobProbX: pred.bobProbX,
    ...opts,
  };
}
