/** Translation of the replay's events into the dashboard's run events (progress, series). */
import type { LinkBudget } from '../link/types.js';
import type { TransmitterConfig } from '../link/hardware.js';
import { REPLAY_STAGES, type SeriesPoint } from '../mission/replay.js';
import type { GroundRecord } from '../quantum/records.js';
import type { RunSeries } from './api-types.js';

/**
 * Expected detection rate per second of the data window from the link model: pulses at the
 * repetition rate, intensity class k with probability p_k and mean photon number μ_k, detected
 * with probability 1 − exp(−μ_k·η) (Poissonian source, threshold detectors; Lo, Ma and Chen,
 * PRL 94, 230504 (2005)), plus the background clicks of every detector.
 */
export function expectedSeries(budget: LinkBudget, tx: TransmitterConfig, windowStartMs: number, windowS: number): RunSeries {
  const nSec = Math.ceil(windowS);
  const t: number[] = [];
  const rate: number[] = [];
  let j = 0;
  const ss = budget.samples;
  for (let s = 0; s < nSec; s++) {
    const tMs = windowStartMs + (s + 0.5) * 1000;
    while (j < ss.length - 1 && ss[j + 1].timeMs <= tMs) j++;
    const eta = ss[j].etaTotal;
    let pDet = 0;
    for (let k = 0; k < tx.intensities.length; k++) pDet += tx.intensityProbabilities[k] * (1 - Math.exp(-tx.intensities[k] * eta));
    t.push(s);
    rate.push(tx.repetitionRateHz * pDet + ss[j].backgroundHz * budget.background.detectorCount);
  }
  return { t, expectedDetectionRateHz: rate };
}

/** Measured detections per second from the ground's time tags (ground clock, from the first sync tag). */
export function detectionSeries(ground: GroundRecord, nSec: number): number[] {
  const out = new Array<number>(nSec).fill(0);
  const tags = ground.tags.timePs;
  const t0 = ground.syncTags.timePs.length > 0 ? ground.syncTags.timePs[0] : tags.length > 0 ? tags[0] : 0;
  for (let i = 0; i < tags.length; i++) {
    const s = Math.floor((tags[i] - t0) / 1e12);
    if (s >= 0 && s < nSec) out[s]++;
  }
  return out;
}

/** Dashboard series (arrays per quantity) from the replay's per-second points. */
export function toSeries(points: SeriesPoint[]): RunSeries {
  let sifted = 0;
  return {
    t: points.map((p) => p.t),
    detectionRateHz: points.map((p) => p.detections),
    siftedRateBps: points.map((p) => p.siftedBits),
    qber: points.map((p) => (Number.isFinite(p.qber) ? p.qber : null)),
    keyBits: points.map((p) => (sifted += p.siftedBits)),
  };
}

/** Overall progress 0..1 from a stage and its own fraction (stages weighted equally). */
export function overallProgress(stage: string, fraction: number): number {
  const i = Math.max(0, REPLAY_STAGES.indexOf(stage as (typeof REPLAY_STAGES)[number]));
  return Math.min(1, (i + Math.max(0, Math.min(1, fraction))) / REPLAY_STAGES.length);
}

