/** Translation of the replay's events into the dashboard's run events (progress, series). */
import { REPLAY_STAGES, type SeriesPoint } from '../mission/replay.js';
import type { RunSeries } from './api-types.js';

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

