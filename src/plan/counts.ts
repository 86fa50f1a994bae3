/**
 * Expected counts of a pass packed into 18 numbers (basis X then Z; intensity class 0..2; sent,
 * detected, errors), summed over the passes of a combined block, and unpacked for the finite-key
 * bound (security/predict.ts PredictedCounts).
 */
import type { PredictedCounts } from '../security/predict.js';
import type { IntensityCounts, Triple } from '../security/types.js';

export const PACKED_COUNTS = 18;

export function packCounts(c: { X: IntensityCounts[]; Z: IntensityCounts[] }): number[] {
  const out: number[] = [];
  for (const basis of [c.X, c.Z]) for (let k = 0; k < 3; k++) out.push(basis[k].sent ?? 0, basis[k].detected, basis[k].errors);
  return out;
}

/** acc += weight · counts, element-wise. */
export function addCounts(acc: number[], counts: readonly number[], weight = 1): void {
  for (let i = 0; i < PACKED_COUNTS; i++) acc[i] += weight * counts[i];
}

export function unpackCounts(
  packed: readonly number[],
  source: { intensities: Triple; probabilities: Triple; bobProbX: number },
  pulses: number,
  durationS: number,
): PredictedCounts {
  const basis = (o: number): IntensityCounts[] =>
    [0, 1, 2].map((k) => ({ sent: packed[o + 3 * k], detected: packed[o + 3 * k + 1], errors: packed[o + 3 * k + 2] }));
  return { counts: { X: basis(0), Z: basis(9) }, pulses, durationS, intensities: source.intensities, probabilities: source.probabilities, bobProbX: source.bobProbX };
}
