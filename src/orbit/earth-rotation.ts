/**
 * The TEME → ECF rotation of an instant, cos and sin of GMST (satellite.js gstime, IAU-82, as its
 * eciToEcf uses), and a table of it on a grid of instants. The pass search of a constellation
 * looks at the same 15-s grid instants for every satellite over the same window (the planner: one
 * slice per satellite), and gstime with its floating-point remainder plus cos and sin is ≈ 45 ns,
 * close to half of an interpolated position (ephemeris.ts). The table holds each grid instant's
 * pair once computed; an entry is the same two doubles as computed at the instant itself
 * (rotationInto is the one formula, a pure function of the instant).
 */
import { gstime } from 'satellite.js';

const JD_UNIX_EPOCH = 2440587.5;

/** cos and sin of GMST at timeMs into out[o], out[o + 1]. */
export function rotationInto(timeMs: number, out: Float64Array, o: number): void {
  const g = gstime(timeMs / 86_400_000 + JD_UNIX_EPOCH);
  out[o] = Math.cos(g);
  out[o + 1] = Math.sin(g);
}

/**
 * rotationInto at the instants startMs + k·stepMs, k = 0 … count − 1, computed on first use:
 * `pairs` holds [cos, sin] per k, NaN until computed (16 bytes per instant: ≈ 34 MB for a year
 * of 15-s instants).
 */
export class RotationGrid {
  readonly pairs: Float64Array;
  constructor(
    readonly startMs: number,
    readonly stepMs: number,
    readonly count: number,
  ) {
    this.pairs = new Float64Array(2 * count).fill(NaN);
  }

  /** The rotation at grid instant k (timeMs = startMs + k·stepMs) into out[o], out[o + 1]. */
  rotationAt(k: number, timeMs: number, out: Float64Array, o: number): void {
    const p = this.pairs;
    const i = 2 * k;
    if (p[i] !== p[i]) rotationInto(timeMs, p, i);
    out[o] = p[i];
    out[o + 1] = p[i + 1];
  }
}

let last: RotationGrid | null = null;

/**
 * The RotationGrid of (startMs, stepMs, count), kept for the next call with the same grid (the
 * next satellite's search over the same window); one grid kept at a time.
 */
export function sharedRotationGrid(startMs: number, stepMs: number, count: number): RotationGrid {
  if (last === null || last.startMs !== startMs || last.stepMs !== stepMs || last.count !== count) last = new RotationGrid(startMs, stepMs, count);
  return last;
}
