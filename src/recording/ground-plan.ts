/**
 * The ground's metadata (ground.json without tags) for a recording made during a planned pass,
 * when no ground.json exists yet: the schedule from the mission plan (window, pulse rate, the
 * sync laser's period and markers), the ephemeris predicted from the satellite's elements, the
 * station's receiver config. The same quantities `mozi simulate` writes for its passes
 * (quantum/simulate.ts builds the schedule the same way), so a real recording of that pass and a
 * simulated one are read identically.
 */
import type { ReceiverConfig, TransmitterConfig } from '../link/hardware.js';
import type { PassGeometry } from '../orbit/types.js';
import { GROUND_FORMAT } from '../quantum/records.js';
import { DEFAULT_SYNC, type SyncLaserConfig } from '../quantum/simulate.js';
import type { GroundMeta } from './ground-files.js';

export interface GroundPlan {
  station: string;
  /** Predicted pass geometry (from the TLE/OMM), covering the window. */
  geometry: PassGeometry;
  windowStartMs: number;
  windowEndMs: number;
  transmitter: TransmitterConfig;
  receiver: ReceiverConfig;
  /** UTC of the time tagger's time zero (default: the window start). */
  groundEpochMs?: number;
  quantumDelayPs?: number;
  sync?: Partial<SyncLaserConfig>;
}

export function groundMetaFromPlan(p: GroundPlan): GroundMeta {
  const sync = { ...DEFAULT_SYNC, ...p.sync };
  const rate = p.transmitter.repetitionRateHz;
  return {
    format: GROUND_FORMAT,
    station: p.station,
    receiver: p.receiver,
    schedule: {
      windowStartMs: p.windowStartMs,
      pulseRateHz: rate,
      pulseCount: Math.floor((p.windowEndMs - p.windowStartMs) * 1e-3 * rate),
      syncPeriodPulses: sync.periodPulses,
      syncMarkerEvery: sync.markerEvery,
      syncMarkerOffsetPulses: Math.floor(sync.periodPulses / 2),
      groundEpochMs: p.groundEpochMs ?? p.windowStartMs,
    },
    quantumDelayPs: p.quantumDelayPs ?? 0,
    ephemeris: p.geometry,
  };
}
