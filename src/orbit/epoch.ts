/**
 * How far from its epoch an element set may be propagated. SGP4's along-track error grows by
 * roughly 1–3 km per day for a low orbit (Vallado et al., "Revisiting Spacetrack Report #3",
 * AIAA 2006-6753, §"Accuracy"); a month away a pass is still found but its times drift by
 * seconds, a year away SGP4 has nothing to say (drag alone moves a 500 km orbit by minutes).
 */
import { InputError } from '../core/errors.js';
import { epochMs } from './sgp4.js';
import type { SatelliteElements } from './types.js';

/** Beyond this distance from the epoch a pass is reported with a warning. */
export const EPOCH_WARN_DAYS = 30;
/** Beyond this distance from the epoch propagation is refused. */
export const EPOCH_LIMIT_DAYS = 365;

const DAY_MS = 86_400_000;

/** Days between an element set's epoch and an instant (positive after the epoch). */
export function daysFromEpoch(elements: SatelliteElements, timeMs: number): number {
  return (timeMs - epochMs(elements)) / DAY_MS;
}

/**
 * Check [fromMs, toMs] against the element set's epoch: InputError (field `satellite`) beyond
 * EPOCH_LIMIT_DAYS; a warning string beyond EPOCH_WARN_DAYS; nothing otherwise.
 */
export function epochDistanceCheck(elements: SatelliteElements, fromMs: number, toMs = fromMs): string | undefined {
  const a = daysFromEpoch(elements, fromMs);
  const b = daysFromEpoch(elements, toMs);
  const worst = Math.abs(a) > Math.abs(b) ? a : b;
  if (!Number.isFinite(worst) || Math.abs(worst) > EPOCH_LIMIT_DAYS) {
    throw new InputError(
      `${new Date(Math.abs(a) > Math.abs(b) ? fromMs : toMs).toISOString()} is ${Math.abs(worst).toFixed(0)} days ${worst < 0 ? 'before' : 'after'} the epoch of "${elements.name}" (${new Date(epochMs(elements)).toISOString()}); SGP4 is refused beyond ${EPOCH_LIMIT_DAYS} days: use element sets near the time`,
      { field: 'satellite' },
    );
  }
  if (Math.abs(worst) > EPOCH_WARN_DAYS) {
    return `"${elements.name}": propagated ${Math.abs(worst).toFixed(0)} days ${worst < 0 ? 'before' : 'after'} its element set's epoch (${new Date(epochMs(elements)).toISOString()}); beyond ${EPOCH_WARN_DAYS} days pass times drift by seconds or more`;
  }
  return undefined;
}
