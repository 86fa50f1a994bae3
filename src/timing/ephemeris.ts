/**
 * The ground's predicted range vs time (from the PassGeometry it computed from a TLE), cubic
 * Hermite on (rangeKm, rangeRateKmS), and the one-way light time L(t)/c at reception time t.
 */
import { InputError } from '../core/errors.js';
import { SegmentCursor } from '../core/segments.js';
import { SPEED_OF_LIGHT_M_S } from '../core/units.js';

const C_KM_PER_PS = SPEED_OF_LIGHT_M_S * 1e-15;

export class PredictedRange {
  private readonly t: Float64Array;
  private readonly r: Float64Array;
  private readonly v: Float64Array;
  private readonly cursor: SegmentCursor;

  constructor(samples: readonly { timeMs: number; rangeKm: number; rangeRateKmS: number }[]) {
    if (samples.length < 2) throw new InputError('ephemeris needs at least 2 samples', { field: 'ephemeris.samples' });
    const n = samples.length;
    this.t = new Float64Array(n);
    this.r = new Float64Array(n);
    this.v = new Float64Array(n);
    this.cursor = new SegmentCursor(this.t);
    samples.forEach((s, i) => {
      if (i > 0 && !(s.timeMs > samples[i - 1].timeMs)) {
        throw new InputError('ephemeris samples must increase in time', { field: `ephemeris.samples[${i}].timeMs` });
      }
      if (!(s.rangeKm > 0)) throw new InputError('range must be > 0', { field: `ephemeris.samples[${i}].rangeKm` });
      this.t[i] = s.timeMs;
      this.r[i] = s.rangeKm;
      this.v[i] = s.rangeRateKmS;
    });
  }

  rangeKm(tMs: number): number {
    const t = this.t;
    const s = this.cursor.find(tMs);
    const hS = (t[s + 1] - t[s]) * 1e-3;
    const x = ((tMs - t[s]) * 1e-3) / hS;
    if (x < 0) return this.r[s] + this.v[s] * x * hS;
    if (x > 1) return this.r[s + 1] + this.v[s + 1] * (x - 1) * hS;
    const x2 = x * x;
    const x3 = x2 * x;
    return (2 * x3 - 3 * x2 + 1) * this.r[s] + (x3 - 2 * x2 + x) * hS * this.v[s] + (-2 * x3 + 3 * x2) * this.r[s + 1] + (x3 - x2) * hS * this.v[s + 1];
  }

  lightTimePs(tMs: number): number {
    return this.rangeKm(tMs) / C_KM_PER_PS;
  }
}
