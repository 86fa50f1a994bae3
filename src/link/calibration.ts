/**
 * Link-loss anchors from the paper's measured sifted-key rates, and the forward/inverse model
 * linking a sifted rate to an end-to-end transmittance.
 *
 * Derivation (Liao et al. 2017): a pulse of class k (probability p_k, mean photon number μ_k)
 * clicks with probability 1 − exp(−μ_k·η) (Poisson photons, threshold detectors), background adds
 * n_det·R_bg·τ_gate per pulse, and half of the clicks survive basis sifting (p_Z = ½):
 *   R_sift ≈ f · [Σ_k p_k (1 − e^{−μ_k η}) + n_det R_bg τ_gate] · ½
 * With f = 100 MHz, μ = (0.8, 0.1, 0), p = (0.5, 0.25, 0.25): Σ p_k μ_k = 0.425, so for small η
 * R_sift ≈ 2.125×10⁷ s⁻¹ · η. Then ~12 kbit/s at 645 km ⇒ η ≈ 5.6×10⁻⁴ (32.5 dB) and ~1 kbit/s
 * at 1,200 km ⇒ η ≈ 4.7×10⁻⁵ (43.3 dB); the 25 Hz dark counts (4 detectors, 2 ns in 10 ns) add
 * only ~10 sifted bits/s. (Using the paper's measured sifted/detected ratio 1,671,072/3,551,136 =
 * 0.471 instead of ½ moves both by −0.3 dB.)
 */
import { etaToLossDb } from '../core/units.js';
import type { ReceiverConfig, TransmitterConfig } from './hardware.js';

/** Sifted-key rates printed by the paper for the 19 Dec 2016 orbit. [Liao 2017, Fig. 3 and text] */
export const MICIUS_SIFTED_RATE_ANCHORS: readonly { rangeKm: number; siftedRateHz: number }[] = [
  { rangeKm: 645, siftedRateHz: 12e3 },
  { rangeKm: 1200, siftedRateHz: 1e3 },
];

/** Background clicks per pulse over all detectors inside the coincidence window. */
export function noiseClickProbability(rx: ReceiverConfig, backgroundHzPerDetector: number): number {
  return rx.detectorCount * backgroundHzPerDetector * rx.gateWindowNs * 1e-9;
}

/** Forward model: sifted-key rate (bits/s) at end-to-end transmittance η. See the module comment. */
export function siftedRateHz(etaTotal: number, tx: TransmitterConfig, rx: ReceiverConfig, backgroundHzPerDetector = rx.darkCountHz): number {
  let click = 0;
  for (let k = 0; k < 3; k++) click += tx.intensityProbabilities[k] * -Math.expm1(-tx.intensities[k] * etaTotal);
  const pZ = tx.basisProbabilityZ;
  const basisMatch = pZ * pZ + (1 - pZ) * (1 - pZ);
  return tx.repetitionRateHz * (click + noiseClickProbability(rx, backgroundHzPerDetector)) * basisMatch;
}

/** Inverse of siftedRateHz by bisection in log η; returns NaN when the rate is below the noise floor. */
export function etaFromSiftedRate(rateHz: number, tx: TransmitterConfig, rx: ReceiverConfig, backgroundHzPerDetector = rx.darkCountHz): number {
  if (siftedRateHz(0, tx, rx, backgroundHzPerDetector) >= rateHz) return NaN;
  let lo = -30;
  let hi = 0;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (siftedRateHz(Math.exp(mid), tx, rx, backgroundHzPerDetector) < rateHz) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** The paper's anchors as end-to-end losses (dB) for the given hardware: ≈ 32.5 dB and 43.3 dB for Micius. */
export function impliedLossAnchors(tx: TransmitterConfig, rx: ReceiverConfig): { rangeKm: number; lossDb: number }[] {
  return MICIUS_SIFTED_RATE_ANCHORS.map((a) => ({ rangeKm: a.rangeKm, lossDb: etaToLossDb(etaFromSiftedRate(a.siftedRateHz, tx, rx)) }));
}
