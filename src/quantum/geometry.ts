/**
 * Range and light time along a pass, from PassGeometry samples (cubic Hermite on range and range
 * rate), plus a synthetic straight-line fly-by for tests and for running before the orbit layer.
 */
import { InputError } from '../core/errors.js';
import { SPEED_OF_LIGHT_M_S } from '../core/units.js';
import type { GeometrySample, PassGeometry } from '../orbit/types.js';

export const SPEED_OF_LIGHT_KM_PER_PS = SPEED_OF_LIGHT_M_S * 1e-15;

/** Range (km) at an arbitrary time by cubic Hermite interpolation of (rangeKm, rangeRateKmS). */
export class RangeInterpolator {
  private readonly tMs: Float64Array;
  private readonly r: Float64Array;
  private readonly v: Float64Array;
  private seg = 0;

  constructor(samples: readonly Pick<GeometrySample, 'timeMs' | 'rangeKm' | 'rangeRateKmS'>[]) {
    if (samples.length < 2) throw new InputError('pass geometry needs at least 2 samples', { field: 'geometry.samples' });
    const n = samples.length;
    this.tMs = new Float64Array(n);
    this.r = new Float64Array(n);
    this.v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = samples[i];
      if (i > 0 && !(s.timeMs > samples[i - 1].timeMs)) {
        throw new InputError('geometry samples must be strictly increasing in time', { field: `geometry.samples[${i}].timeMs` });
      }
      this.tMs[i] = s.timeMs;
      this.r[i] = s.rangeKm;
      this.v[i] = s.rangeRateKmS;
    }
  }

  get startMs(): number {
    return this.tMs[0];
  }

  get endMs(): number {
    return this.tMs[this.tMs.length - 1];
  }

  private locate(tMs: number): number {
    const t = this.tMs;
    let s = this.seg;
    if (s >= t.length - 1) s = t.length - 2;
    if (tMs >= t[s] && tMs <= t[s + 1]) return s;
    let lo = 0;
    let hi = t.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid] <= tMs) lo = mid;
      else hi = mid - 1;
    }
    this.seg = lo;
    return lo;
  }

  /** Range in km at `tMs` (linear extrapolation outside the samples). */
  rangeKm(tMs: number): number {
    const s = this.locate(tMs);
    const t0 = this.tMs[s];
    const hS = (this.tMs[s + 1] - t0) * 1e-3;
    const x = ((tMs - t0) * 1e-3) / hS;
    if (x < 0) return this.r[s] + this.v[s] * x * hS;
    if (x > 1) return this.r[s + 1] + this.v[s + 1] * (x - 1) * hS;
    const x2 = x * x;
    const x3 = x2 * x;
    return (
      (2 * x3 - 3 * x2 + 1) * this.r[s] +
      (x3 - 2 * x2 + x) * hS * this.v[s] +
      (-2 * x3 + 3 * x2) * this.r[s + 1] +
      (x3 - x2) * hS * this.v[s + 1]
    );
  }

  /** One-way light time (ps) for a signal received at `tMs`: L(t)/c. */
  lightTimePsAtReceive(tMs: number): number {
    return this.rangeKm(tMs) / SPEED_OF_LIGHT_KM_PER_PS;
  }

  /**
   * Light time (ps) of a pulse emitted at `emitMs`: solves τ = L(emit + τ)/c by fixed-point
   * iteration (the model of the simulation: range evaluated at reception).
   */
  lightTimePsAtEmit(emitMs: number): number {
    let tau = this.lightTimePsAtReceive(emitMs);
    for (let k = 0; k < 3; k++) tau = this.lightTimePsAtReceive(emitMs + tau * 1e-9);
    return tau;
  }
}

/**
 * A synthetic straight-line fly-by (for tests and demos): range √(d² + (v(t − tca))²) with the
 * minimum range `minRangeKm` at `tcaMs`, ground speed `speedKmS`; elevation from a flat-earth
 * approximation with `altitudeKm`.
 */
export function syntheticPassGeometry(opts: {
  startMs: number;
  durationS: number;
  tcaMs?: number;
  minRangeKm?: number;
  speedKmS?: number;
  altitudeKm?: number;
  stepS?: number;
}): PassGeometry {
  const d = opts.minRangeKm ?? 645;
  const v = opts.speedKmS ?? 7.6;
  const h = opts.altitudeKm ?? 500;
  const step = opts.stepS ?? 1;
  const tca = opts.tcaMs ?? opts.startMs + (opts.durationS * 1000) / 2;
  const samples: GeometrySample[] = [];
  const n = Math.ceil(opts.durationS / step) + 1;
  for (let i = 0; i < n; i++) {
    const tMs = opts.startMs + i * step * 1000;
    const x = (v * (tMs - tca)) / 1000;
    const r = Math.sqrt(d * d + x * x);
    samples.push({
      timeMs: tMs,
      elevationDeg: (Math.asin(Math.min(1, h / r)) * 180) / Math.PI,
      azimuthDeg: x < 0 ? 180 : 0,
      rangeKm: r,
      rangeRateKmS: (v * x) / r,
      sunElevationDeg: -30,
      satLatitudeDeg: 0,
      satLongitudeDeg: 0,
      satAltitudeKm: h,
    });
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    summary: {
      station: 'synthetic',
      satellite: 'synthetic',
      aos: iso(opts.startMs),
      tca: iso(tca),
      los: iso(opts.startMs + opts.durationS * 1000),
      maxElevationDeg: (Math.asin(Math.min(1, h / d)) * 180) / Math.PI,
      minRangeKm: d,
      durationS: opts.durationS,
      night: true,
      sunElevationDegAtTca: -30,
    },
    stepS: step,
    samples,
  };
}
