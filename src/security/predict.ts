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
  const len = etaTotal.length;
  if (!len) throw new InputError('no link samples (empty pass)', { field: 'samples' });
  const { intensities: mu, probabilities: p, probX } = params;
  const bobProbX = params.bobProbX ?? probX;
  if (!(probX > 0 && probX < 1)) throw new InputError(`must lie in (0, 1), got ${probX}`, { field: 'probX' });
  if (!(bobProbX > 0 && bobProbX < 1)) throw new InputError(`must lie in (0, 1), got ${bobProbX}`, { field: 'bobProbX' });
  const windowS = (params.gateWindowNs ?? 2) * 1e-9;
  const darkHz = params.darkCountHz ?? 25;
  const eMis = params.misalignment ?? 1 / (1 + (params.polarisationContrast ?? 280));
  const pap = params.afterpulseProbability ?? 0;
  // per basis (X 0..2, Z 3..5) and intensity: sent, detected, errors
  const sent = new Float64Array(6);
  const detected = new Float64Array(6);
  const errors = new Float64Array(6);
  let pulses = 0;
  let totalS = 0;
  for (let i = 0; i < len; i++) {
    const eta = etaTotal[i];
    if (!(eta >= 0 && eta <= 1)) throw new InputError(`etaTotal must lie in [0, 1], got ${eta}`, { field: `samples[${i}].etaTotal` });
    const dur = typeof durationS === 'number' ? durationS : durationS[i];
    const n = params.repetitionRateHz * dur;
    pulses += n;
    totalS += dur;
    const pdc = params.darkCountProbability ?? 1 - Math.exp(-(darkHz + backgroundHz[i]) * windowS);
    // passive receiver: per-basis noise 2·p_dc whatever the splitter ratio (see PredictParams)
    const pdcX = params.passiveReceiver ? Math.min(0.5, pdc / bobProbX) : pdc;
    const pdcZ = params.passiveReceiver ? Math.min(0.5, pdc / (1 - bobProbX)) : pdc;
    for (let k = 0; k < 3; k++) {
      // slotProbabilities(eta, μ_k, p_dc, e_mis, p_ap) for each basis, written out
      const e = Math.exp(-eta * mu[k]);
      const dX = 1 - (1 - 2 * pdcX) * e;
      const dZ = 1 - (1 - 2 * pdcZ) * e;
      const sentX = n * probX * p[k];
      const sentZ = n * (1 - probX) * p[k];
      sent[k] += sentX;
      sent[3 + k] += sentZ;
      detected[k] += sentX * bobProbX * (dX * (1 + pap));
      detected[3 + k] += sentZ * (1 - bobProbX) * (dZ * (1 + pap));
      errors[k] += sentX * bobProbX * (pdcX + eMis * (1 - e) + (pap * dX) / 2);
      errors[3 + k] += sentZ * (1 - bobProbX) * (pdcZ + eMis * (1 - e) + (pap * dZ) / 2);
    }
  }
  const basis = (o: number): IntensityCounts[] => [0, 1, 2].map((k) => ({ sent: sent[o + k], detected: detected[o + k], errors: errors[o + k] }));
  return { counts: { X: basis(0), Z: basis(3) }, pulses, durationS: totalS, intensities: mu, probabilities: p, bobProbX };
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
