/**
 * The ground clock model (the pass schedule is timing/schedule.ts). The satellite emits pulse i at UTC
 * windowStartMs + i / pulseRateHz (GPS-disciplined, taken as exact); the ground time tagger counts
 * picoseconds from its nominal epoch with an unknown offset, frequency offset and slow drift:
 *   t_ground = Δ(1 + f) + offset + ½·ḟ·Δ² + A·sin(2πΔ/P),   Δ = true time since groundEpochMs
 * (clock model of algorithms.md §6, step 2, with a quadratic aging term and a thermal wander term).
 */
import { InputError } from '../core/errors.js';
import type { RandomStream } from '../core/rng/philox.js';

export type { PassSchedule } from '../timing/schedule.js';

export interface GroundClockModel {
  offsetPs: number;
  /** Fractional frequency offset f. */
  frequencyOffset: number;
  /** Fractional frequency drift ḟ per second. */
  driftPerS: number;
  /** Amplitude of the sinusoidal wander. */
  wanderPs: number;
  wanderPeriodS: number;
}

/** Default error bounds: offset up to ±1 ms, frequency up to 10⁻⁶ (the brief's worst case). */
export function drawGroundClock(rng: RandomStream, overrides: Partial<GroundClockModel> = {}): GroundClockModel {
  const m: GroundClockModel = {
    offsetPs: (2 * rng.nextDouble() - 1) * 1e9,
    frequencyOffset: (2 * rng.nextDouble() - 1) * 1e-6,
    driftPerS: (2 * rng.nextDouble() - 1) * 1e-9,
    wanderPs: rng.nextDouble() * 2000,
    wanderPeriodS: 60 + rng.nextDouble() * 60,
    ...overrides,
  };
  for (const [k, v] of Object.entries(m)) {
    if (!Number.isFinite(v)) throw new InputError(`clock parameter must be finite`, { field: `clock.${k}` });
  }
  if (!(m.wanderPeriodS > 0)) throw new InputError('wander period must be > 0', { field: 'clock.wanderPeriodS' });
  return m;
}

/** Ground-clock reading (ps) at true time `deltaPs` after groundEpochMs. */
export function groundClockPs(m: GroundClockModel, deltaPs: number): number {
  const s = deltaPs * 1e-12;
  return (
    deltaPs +
    m.frequencyOffset * deltaPs +
    m.offsetPs +
    0.5 * m.driftPerS * s * s * 1e12 +
    m.wanderPs * Math.sin((2 * Math.PI * s) / m.wanderPeriodS)
  );
}
