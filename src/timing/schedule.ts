/**
 * What both parties know in advance about the pass's pulse train (the mission plan): when pulse 0
 * leaves the satellite, the pulse rate and count, the sync-laser pattern, the ground clock's
 * nominal epoch. The simulator writes it into the records; timing recovery reads it.
 */
export interface PassSchedule {
  /** UTC (ms since epoch) at which the satellite emits pulse 0. */
  windowStartMs: number;
  pulseRateHz: number;
  /** Number of pulses sent (indices 0 … pulseCount − 1). */
  pulseCount: number;
  /** The sync laser fires with pulse indices that are multiples of this (100 MHz / 10 kHz = 10,000). */
  syncPeriodPulses: number;
  /** Every `syncMarkerEvery`-th sync pulse (index multiple of period × this) is followed by a marker pulse… */
  syncMarkerEvery: number;
  /** …this many pulse periods later (half a sync period). */
  syncMarkerOffsetPulses: number;
  /** Nominal UTC of ground time-tag zero. */
  groundEpochMs: number;
}
