/**
 * Expected counts under a photon-number-splitting attack, built analytically (Brassard,
 * Lütkenhaus, Mor, Sanders, PRL 85, 1330 (2000); Hwang, PRL 91, 057901 (2003)): Eve blocks every
 * single-photon pulse, keeps one photon of each multi-photon pulse and forwards the rest
 * losslessly (a click at Bob for sure), for a fraction f of the multi-photon pulses chosen so
 * that the signal gain equals the legitimate channel's. Bob's dark counts and misalignment stay.
 */
import { InputError } from '../core/errors.js';
import { predictCounts, slotDurations, slotProbabilities } from './predict.js';
import type { LinkSampleLike, PredictParams, PredictedCounts } from './predict.js';

/** P(n ≥ 2) for a Poissonian pulse of mean μ. */
export function multiPhotonProbability(mu: number): number {
  return 1 - Math.exp(-mu) * (1 + mu);
}

export interface PnsCounts extends PredictedCounts {
  /** Fraction of multi-photon pulses Eve forwards, per slot. */
  forwardFraction: number[];
}

/** Expected counts when Eve runs the gain-matched PNS attack on the channel described by `samples`. */
export function pnsAttackCounts(samples: readonly LinkSampleLike[], params: PredictParams): PnsCounts {
  // Start from the legitimate prediction for the bookkeeping (pulses, sent), then replace detections.
  const legit = predictCounts(samples, params);
  const mu = params.intensities;
  const p = params.probabilities;
  const probX = params.probX;
  const bobProbX = params.bobProbX ?? probX;
  const windowS = (params.gateWindowNs ?? 2) * 1e-9;
  const eMis = params.misalignment ?? 1 / (1 + (params.polarisationContrast ?? 280));
  const counts = legit.counts;
  for (const b of ['X', 'Z'] as const) for (const c of counts[b]) c.detected = c.errors = 0;
  const forwardFraction: number[] = [];
  const rate = params.repetitionRateHz;
  const perSlotPulses = slotDurations(samples, params.stepS ?? 1).map((d) => d * rate);
  samples.forEach((s, i) => {
    const pdc = params.darkCountProbability ?? 1 - Math.exp(-((params.darkCountHz ?? 25) + (s.backgroundHz ?? 0)) * windowS);
    const y0 = 2 * pdc;
    const target = slotProbabilities(s.etaTotal, mu[0], pdc, eMis, 0).detect;
    const f = (target - y0) / ((1 - y0) * multiPhotonProbability(mu[0]));
    if (!(f <= 1)) {
      throw new InputError(`loss too low for a gain-matched PNS attack (needs forward fraction ${f.toFixed(3)} > 1)`, {
        field: `samples[${i}].etaTotal`,
      });
    }
    forwardFraction.push(Math.max(0, f));
    const n = perSlotPulses[i];
    for (let k = 0; k < 3; k++) {
      const fwd = Math.max(0, f) * multiPhotonProbability(mu[k]);
      const detect = y0 + (1 - y0) * fwd;
      const error = pdc + eMis * (1 - y0) * fwd;
      const sentX = n * probX * p[k];
      const sentZ = n * (1 - probX) * p[k];
      counts.X[k].detected += sentX * bobProbX * detect;
      counts.Z[k].detected += sentZ * (1 - bobProbX) * detect;
      counts.X[k].errors += sentX * bobProbX * error;
      counts.Z[k].errors += sentZ * (1 - bobProbX) * error;
    }
  });
  return { ...legit, counts, forwardFraction };
}
