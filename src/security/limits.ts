/**
 * Fundamental and ideal rates for the same channel, for reports: the PLOB repeaterless bound and
 * the ideal decoy-state BB84 rate (infinitely many decoys, no noise, f = 1).
 */
import { InputError } from '../core/errors.js';
import type { Protocol } from './types.js';
import type { LinkSampleLike } from './predict.js';

function checkEta(eta: number): void {
  if (!(eta >= 0 && eta <= 1)) throw new InputError(`transmittance must lie in [0, 1], got ${eta}`, { field: 'eta' });
}

/** PLOB bound −log2(1 − η) secret bits per channel use (Pirandola et al., Nat. Commun. 8, 15043 (2017), Eq. 1). */
export function plobBitsPerPulse(eta: number): number {
  checkEta(eta);
  return eta >= 1 ? Infinity : -Math.log2(1 - eta);
}

/** TGW bound log2((1+η)/(1−η)) (Takeoka, Guha, Wilde, Nat. Commun. 5, 5235 (2014)). */
export function tgwBitsPerPulse(eta: number): number {
  checkEta(eta);
  return eta >= 1 ? Infinity : Math.log2((1 + eta) / (1 - eta));
}

/**
 * Ideal decoy BB84: R = q·max_μ μe^{−μ}η = q·η/e, q = 1 (efficient) or 1/2 (symmetric sifting)
 * (Lo, Ma, Chen, PRL 94, 230504 (2005), asymptotic single-photon limit; algorithms.md §7).
 */
export function idealDecoyBitsPerPulse(eta: number, protocol: Protocol): number {
  checkEta(eta);
  return ((protocol === 'efficient' ? 1 : 0.5) * eta) / Math.E;
}

export interface PassLimits {
  pulses: number;
  plobBits: number;
  idealDecoyEfficientBits: number;
  idealDecoySymmetricBits: number;
}

/** PLOB and ideal decoy key summed over the slots of a pass. */
export function passLimits(samples: readonly LinkSampleLike[], repetitionRateHz: number, stepS = 1): PassLimits {
  let pulses = 0;
  let plobBits = 0;
  let eff = 0;
  let sym = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const next = samples[i + 1];
    const prev = samples[i - 1];
    const dt =
      s.durationS ??
      (s.timeMs !== undefined && next?.timeMs !== undefined
        ? (next.timeMs - s.timeMs) / 1000
        : s.timeMs !== undefined && prev?.timeMs !== undefined
          ? (s.timeMs - prev.timeMs) / 1000
          : stepS);
    const n = repetitionRateHz * dt;
    pulses += n;
    plobBits += n * plobBitsPerPulse(s.etaTotal);
    eff += n * idealDecoyBitsPerPulse(s.etaTotal, 'efficient');
    sym += n * idealDecoyBitsPerPulse(s.etaTotal, 'symmetric');
  }
  return { pulses, plobBits, idealDecoyEfficientBits: eff, idealDecoySymmetricBits: sym };
}
