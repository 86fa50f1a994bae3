/**
 * Pass prediction: when a satellite is above a station's usable horizon.
 *
 * Search: for each station, a coarse scan skips ahead by the time the sub-satellite point needs
 * to come within the visibility circle (central angle λ ≤ λ_max; the great-circle distance to the
 * station changes at most at the ground-track rate n + ω_E), samples each approach at a fixed
 * step, then refines AOS/LOS and TCA / maximum elevation to 10 ms: by bisection and golden-section
 * search on SGP4, by Brent's root finder and minimisation (3–8 evaluations instead of 11–19) on
 * the interpolated ephemeris. With `interpolate` (long windows over many stations: the planner) the
 * search's positions come from an interpolated SGP4 ephemeris (ephemeris.ts: SGP4 every 120 s,
 * metres of error) and the stations are sampled on one shared grid; the peak elevation and
 * minimum range it reports are still SGP4's at the refined instants. Without it (one pass,
 * `resolvePass`), SGP4 at every instant.
 */
import { hypot3 } from '../core/hypot.js';
import { InputError } from '../core/errors.js';
import { isoOfRoundedMs as iso } from '../core/iso-time.js';
import { DEG, EARTH_RADIUS_KM } from '../core/units.js';
import { weakMemo } from '../core/weak-memo.js';
import {
  apogeeAltitudeKm,
  elevationDeg,
  EARTH_ROTATION_RAD_S,
  geometrySample,
  lookAngles,
  lookElevationDeg,
  lookRangeKm,
  meanMotionRadS,
  satrecOf,
  satState,
  satStateTeme,
  stationFrame,
  sunDirectionEcf,
  sunElevationDeg,
  type SatState,
  type StationFrame,
  type Vec3,
} from './sgp4.js';
import { HERMITE_NODE_STEP_S, HermiteEphemeris } from './ephemeris.js';
import { sharedRotationGrid } from './earth-rotation.js';
import { epochDistanceCheck } from './epoch.js';
import type { GeometrySample, PassGeometry, PassSummary, SatelliteElements, Station } from './types.js';
import type { SatRec } from 'satellite.js';
import { SGP4_ERRORS } from './tle.js';

/** Operating constraints of a pass search. */
export interface PassConstraints {
  /** Minimum elevation for the pass (AOS/LOS threshold), degrees. Default 10. */
  minElevationDeg?: number;
  /** Keep only passes in darkness (sun elevation at TCA ≤ sunElevationMaxDeg). Default false. */
  nightOnly?: boolean;
  /** Darkness threshold on the sun's elevation at the station, degrees. Default −12 (nautical dusk). */
  sunElevationMaxDeg?: number;
}

export const DEFAULT_CONSTRAINTS: Required<PassConstraints> = {
  minElevationDeg: 10,
  nightOnly: false,
  sunElevationMaxDeg: -12,
};

/** A predicted pass: the JSON summary plus the same instants in epoch milliseconds. */
export interface Pass extends PassSummary {
  aosMs: number;
  tcaMs: number;
  losMs: number;
  /** Instant of maximum elevation (equals TCA on a spherical Earth; differs by < 1 s here). */
  maxElevationMs: number;
}

export interface FindPassesOptions extends PassConstraints {
  elements: SatelliteElements;
  stations: Station[];
  fromMs: number;
  toMs: number;
  /** Called now and then with the fraction of the search done, 0..1. */
  onProgress?: (fraction: number) => void;
  /**
   * Interpolated ephemeris and one sampling grid for all stations (default false): several times
   * less work on long windows over many stations; AOS/LOS/TCA move by a few ms (measured ≤ 25 ms).
   */
  interpolate?: boolean;
  /**
   * Night-only with `interpolate`: skip each station's daylight spans outright (darkSpans;
   * default true). The passes are the same as without (test/orbit/dark-spans.test.ts).
   */
  skipDaylight?: boolean;
  /**
   * With `interpolate`: skip a station also while it is farther from the orbital plane than its
   * visibility circle allows (default true). The passes are the same as without
   * (test/orbit/plane-skip.test.ts); only fewer instants are looked at.
   */
  skipByPlane?: boolean;
  /**
   * With `interpolate`, false: look at every station at every grid instant (no skip outside the
   * visibility circle, by plane or by daylight, and every approach analysed): the reference the
   * skips are tested against (test/orbit/skip-exact.test.ts). Default true.
   */
  skipAhead?: boolean;
  /** With `interpolate`: the elements' ephemeris to use (covering the window ± 31 min), else one of its own. */
  ephemeris?: HermiteEphemeris;
}

/** Sampling step inside a visibility circle, seconds. A 10°-threshold pass lasts ≥ tens of s. */
const REGION_STEP_S = 15;
/** Margin before/after the window so passes straddling it are found whole, ms. */
const EDGE_MARGIN_MS = 30 * 60_000;
/** Refinement tolerance, ms. */
const TOL_MS = 10;

/** Usable-horizon elevation at an azimuth: max(min elevation, station mask), mask linearly interpolated. */
export function horizonThresholdDeg(station: Station, azimuthDeg: number, minElevationDeg: number): number {
  const mask = station.horizonMaskDeg;
  if (mask === undefined) return minElevationDeg;
  if (typeof mask === 'number') return Math.max(minElevationDeg, mask);
  if (mask.length === 0) return minElevationDeg;
  const pts = [...mask].sort((a, b) => a.azimuthDeg - b.azimuthDeg);
  const az = ((azimuthDeg % 360) + 360) % 360;
  let lo = pts[pts.length - 1];
  let hi = pts[0];
  let loAz = lo.azimuthDeg - 360;
  let hiAz = hi.azimuthDeg;
  for (let i = 0; i < pts.length; i++) {
    if (pts[i].azimuthDeg > az) {
      hi = pts[i];
      hiAz = hi.azimuthDeg;
      lo = i > 0 ? pts[i - 1] : pts[pts.length - 1];
      loAz = i > 0 ? lo.azimuthDeg : lo.azimuthDeg - 360;
      break;
    }
    if (i === pts.length - 1) {
      lo = pts[i];
      loAz = lo.azimuthDeg;
      hi = pts[0];
      hiAz = hi.azimuthDeg + 360;
    }
  }
  const span = hiAz - loAz;
  const m = span > 0 ? lo.elevationDeg + ((az - loAz) / span) * (hi.elevationDeg - lo.elevationDeg) : lo.elevationDeg;
  return Math.max(minElevationDeg, m);
}

function lowestThresholdDeg(station: Station, minElevationDeg: number): number {
  const mask = station.horizonMaskDeg;
  if (mask === undefined) return minElevationDeg;
  if (typeof mask === 'number') return Math.max(minElevationDeg, mask);
  if (mask.length === 0) return minElevationDeg;
  return Math.max(minElevationDeg, Math.min(...mask.map((m) => m.elevationDeg)));
}

/**
 * Earth central angle between the sub-satellite point and a station at which a satellite at
 * altitude h appears at elevation ε: λ = acos(R cos ε / (R + h)) − ε (spherical Earth;
 * Wertz & Larson, Space Mission Analysis and Design, eq. 5-17).
 */
export function centralAngleForElevationRad(elevationDegValue: number, altitudeKm: number, radiusKm = EARTH_RADIUS_KM): number {
  const e = elevationDegValue * DEG;
  return Math.acos((radiusKm * Math.cos(e)) / (radiusKm + altitudeKm)) - e;
}

/** Farther than this from Earth's centre a low-orbit propagation has gone wrong (the Moon is at 384,400 km). */
const MAX_SAT_RADIUS_KM = 500_000;

function sgp4Failure(satrec: SatRec, elements: SatelliteElements, timeMs: number): InputError {
  const why = satrec.error ? ` (satellite.js error ${satrec.error}: ${SGP4_ERRORS[satrec.error] ?? 'unknown'})` : ' (decayed, or elements too far from their epoch)';
  return new InputError(`SGP4 fails for "${elements.name}" at ${new Date(timeMs).toISOString()}${why}`, {
    field: 'satellite',
  });
}

function stateOrThrow(satrec: SatRec, elements: SatelliteElements, timeMs: number): SatState {
  const s = satState(satrec, timeMs);
  if (!s || !(hypot3(s.ecf.x, s.ecf.y, s.ecf.z) < MAX_SAT_RADIUS_KM)) throw sgp4Failure(satrec, elements, timeMs);
  return s;
}

/** stateOrThrow for an ephemeris node: TEME position and velocity only (|r| is the same in TEME and ECF). */
function nodeStateOrThrow(satrec: SatRec, elements: SatelliteElements, timeMs: number): Pick<SatState, 'eci' | 'velEci'> {
  const s = satStateTeme(satrec, timeMs);
  if (!s || !(hypot3(s.eci.x, s.eci.y, s.eci.z) < MAX_SAT_RADIUS_KM)) throw sgp4Failure(satrec, elements, timeMs);
  return s;
}

/** Golden-section search for the minimum of f on [a, b]. */
function goldenMin(f: (t: number) => number, a: number, b: number, tol: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Bisection for the sign change of f between a and b. */
function bisect(f: (t: number) => number, a: number, b: number, tol: number): number {
  const fa = f(a);
  while (b - a > tol) {
    const m = (a + b) / 2;
    if (f(m) > 0 === fa > 0) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/**
 * Brent's minimisation of f on [a, b] (golden section with parabolic steps; Brent, Algorithms
 * for Minimization without Derivatives, 1973, ch. 5, procedure localmin): the minimum to within
 * `tol` in a handful of evaluations of a smooth f (the pass search's 17–19 of golden section).
 */
function brentMin(f: (t: number) => number, a: number, b: number, tol: number): number {
  const CGOLD = 0.381966011250105; // (3 − √5)/2
  let x = a + CGOLD * (b - a);
  let w = x;
  let v = x;
  let fx = f(x);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  for (let iter = 0; iter < 100; iter++) {
    const xm = 0.5 * (a + b);
    const tol1 = 2.2e-16 * Math.abs(x) + tol / 4;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    let golden = true;
    if (Math.abs(e) > tol1) {
      // parabola through x, w, v
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      if (Math.abs(p) < Math.abs(0.5 * q * e) && p > q * (a - x) && p < q * (b - x)) {
        e = d;
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm >= x ? tol1 : -tol1;
        golden = false;
      }
    }
    if (golden) {
      e = (x >= xm ? a : b) - x;
      d = CGOLD * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return x;
}

/**
 * Brent's root of f between a and b whose values fa, fb (known) have opposite signs (inverse
 * quadratic interpolation, secant and bisection; Brent 1973 ch. 4, procedure zero): the sign
 * change to within `tol` in 3–5 evaluations of a smooth f (bisection's 11 over a 15-s bracket).
 */
function brentRoot(f: (t: number) => number, a: number, b: number, fa: number, fb: number, tol: number): number {
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < 100; iter++) {
    if ((fb > 0 && fc > 0) || (fb <= 0 && fc <= 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * 2.2e-16 * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) break;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}

interface ScanContext {
  elements: SatelliteElements;
  satrec: SatRec;
  /** The search's ECF position at an instant (SGP4, or the interpolated ephemeris), written to `out`. */
  position: (timeMs: number, out: Vec3) => Vec3;
  frame: StationFrame;
  c: Required<PassConstraints>;
  /**
   * Refine with Brent's methods (the interpolated search: 3–8 evaluations per instant) rather
   * than bisection and golden section (the SGP4 search of one pass, resolvePass: its instants
   * pinned by the replay and keyrate tests). Both to TOL_MS; they differ by a few ms.
   */
  brent: boolean;
  /** The station's usable horizon depends on azimuth (a mask of sectors): the samples need azimuths. */
  masked: boolean;
  /** Without `masked`: the usable-horizon elevation at every azimuth (horizonThresholdDeg), degrees. */
  thresholdDeg: number;
  /** Lowest usable-horizon elevation of the station (lowestThresholdDeg), degrees. */
  lowestDeg: number;
  /** The refinements' functions of time (made once per station, not per approach). */
  margin: (t: number) => number;
  negEl: (t: number) => number;
  range: (t: number) => number;
  exactEl: (t: number) => number;
  exactRange: (t: number) => number;
}

/** A station's ScanContext, with its refinement functions over `position` and SGP4. */
function scanContext(elements: SatelliteElements, satrec: SatRec, position: ScanContext['position'], station: Station, c: Required<PassConstraints>, brent: boolean): ScanContext {
  const frame = stationFrame(station);
  const mask = station.horizonMaskDeg;
  const masked = Array.isArray(mask) && mask.length > 0;
  const pos: Vec3 = { x: 0, y: 0, z: 0 };
  const minEl = c.minElevationDeg;
  const thresholdDeg = horizonThresholdDeg(station, 0, minEl);
  return {
    elements,
    satrec,
    position,
    frame,
    c,
    brent,
    masked,
    thresholdDeg,
    lowestDeg: lowestThresholdDeg(station, minEl),
    // lookAngles' elevation less the usable horizon (one number where it does not depend on azimuth)
    margin: masked
      ? (t) => {
          const la = lookAngles(frame, position(t, pos));
          return la.elevationDeg - horizonThresholdDeg(station, la.azimuthDeg, minEl);
        }
      : (t) => lookElevationDeg(frame, position(t, pos)) - thresholdDeg,
    negEl: (t) => -elevationDeg(frame, position(t, pos)),
    range: (t) => lookRangeKm(frame, position(t, pos)),
    exactEl: (t) => elevationDeg(frame, stateOrThrow(satrec, elements, t).ecf),
    exactRange: (t) => lookRangeKm(frame, stateOrThrow(satrec, elements, t).ecf),
  };
}

/** The samples of one approach, as columns (one buffer per station, reused from approach to approach). */
class RegionSamples {
  t = new Float64Array(64);
  elevationDeg = new Float64Array(64);
  azimuthDeg = new Float64Array(64);
  /** Scratch for analyseRegion: the samples' margins above the usable horizon. */
  margin = new Float64Array(64);
  length = 0;
  /** Night-only grid scan: the sun's elevation at the station when the approach opened (scanStations' shared sun direction), degrees. */
  sunOpenDeg = NaN;
  push(t: number, elevationDeg: number, azimuthDeg: number): void {
    if (this.length === this.t.length) {
      const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.t = grow(this.t);
      this.elevationDeg = grow(this.elevationDeg);
      this.azimuthDeg = grow(this.azimuthDeg);
      this.margin = grow(this.margin);
    }
    this.t[this.length] = t;
    this.elevationDeg[this.length] = elevationDeg;
    this.azimuthDeg[this.length] = azimuthDeg;
    this.length++;
  }
}

/** Elevation can exceed the best 15-s sample of a pass peaking below 20° by < 0.15°/s × 7.5 s. */
const LOW_PEAK_MARGIN_DEG = 2;

/**
 * Analyse one approach (samples inside the visibility circle); a Pass or null. The refined
 * instants: the peak between the best sample's neighbours, AOS/LOS between the samples (the peak
 * among them, in time order) where the margin above the usable horizon first and last turns
 * positive, TCA around the peak.
 */
function analyseRegion(ctx: ScanContext, samples: RegionSamples): Pass | null {
  const { elements, frame, c } = ctx;
  const st = frame.station;
  const lowest = ctx.lowestDeg;
  const ns = samples.length;
  const sT = samples.t;
  const sEl = samples.elevationDeg;
  let iMax = 0;
  for (let i = 1; i < ns; i++) if (sEl[i] > sEl[iMax]) iMax = i;
  if (sEl[iMax] < lowest - LOW_PEAK_MARGIN_DEG && lowest < 18) return null;
  // the refinements on the search's positions; the reported peak and range from SGP4 itself
  const a = sT[Math.max(0, iMax - 1)];
  const b = sT[Math.min(ns - 1, iMax + 1)];
  const minimum = ctx.brent ? brentMin : goldenMin;
  const tMaxEl = a < b ? minimum(ctx.negEl, a, b, TOL_MS) : sT[iMax];
  const maxEl = ctx.exactEl(tMaxEl);
  if (maxEl < lowest) return null;
  // the points: the samples with the peak in its place (time order), point k at
  // k < j: sample k; k = j: the peak; k > j: sample k − 1
  const m = samples.margin;
  if (ctx.masked) for (let i = 0; i < ns; i++) m[i] = sEl[i] - horizonThresholdDeg(st, samples.azimuthDeg[i], c.minElevationDeg);
  else for (let i = 0; i < ns; i++) m[i] = sEl[i] - ctx.thresholdDeg;
  let j = 0;
  while (j < ns && !(tMaxEl < sT[j])) j++;
  const mPeak = ctx.margin(tMaxEl);
  const np = ns + 1;
  const ptT = (k: number): number => (k < j ? sT[k] : k === j ? tMaxEl : sT[k - 1]);
  const ptM = (k: number): number => (k < j ? m[k] : k === j ? mPeak : m[k - 1]);
  let first = -1;
  for (let k = 0; k < np; k++) {
    if (ptM(k) > 0) {
      first = k;
      break;
    }
  }
  if (first < 0) return null;
  let last = first;
  for (let k = np - 1; k >= 0; k--) {
    if (ptM(k) > 0) {
      last = k;
      break;
    }
  }
  const root = (k: number): number => (ctx.brent ? brentRoot(ctx.margin, ptT(k), ptT(k + 1), ptM(k), ptM(k + 1), TOL_MS) : bisect(ctx.margin, ptT(k), ptT(k + 1), TOL_MS));
  const aosMs = first > 0 ? root(first - 1) : ptT(0);
  const losMs = last < np - 1 ? root(last) : ptT(np - 1);
  const tcaMs = minimum(ctx.range, Math.max(aosMs, tMaxEl - REGION_STEP_S * 1000), Math.min(losMs, tMaxEl + REGION_STEP_S * 1000), TOL_MS);
  const sunDeg = sunElevationDeg(frame, tcaMs);
  return {
    station: st.id,
    satellite: elements.name,
    aos: iso(aosMs),
    tca: iso(tcaMs),
    los: iso(losMs),
    maxElevationDeg: maxEl,
    minRangeKm: ctx.exactRange(tcaMs),
    durationS: (losMs - aosMs) / 1000,
    night: sunDeg <= c.sunElevationMaxDeg,
    sunElevationDegAtTca: sunDeg,
    aosMs,
    tcaMs,
    losMs,
    maxElevationMs: tMaxEl,
  };
}

/**
 * Bound on the angular rate of a low orbit's osculating plane normal r × v in inertial space,
 * rad/s: the J2 nodal regression (≈ 1·10⁻⁶ rad/s at 550 km, 53°; Vallado, Fundamentals of
 * Astrodynamics, eq. 9-41) plus its short-period wobble (amplitude ≈ J2(R/a)² ≈ 10⁻³ rad at 2n,
 * ≈ 2·10⁻⁶ rad/s); ×5 margin, and measured below a quarter of it for the bench Walker orbit and
 * Micius (test/orbit/plane-skip.test.ts). The station's distance β to the plane (in ECF, where
 * the plane also turns with the Earth) then changes by at most 1.05·ω_E + this; a satellite in
 * the plane is at least β − (normal taken at the ephemeris node before t: this × 120 s) from it.
 */
export const PLANE_NORMAL_RATE_RAD_S = 2e-5;

/** Sun-elevation sampling of darkSpans, ms. */
const DARK_SAMPLE_MS = 600_000;
/** Padding of a dark sample's span, ms: longer than an approach inside the visibility circle. */
const DARK_PAD_MS = 20 * 60_000;

/**
 * Per station, the spans of [startMs, endMs] in which a night-only scan can open an approach:
 * the union of [t − 20 min, t + 20 min] over the 10-min samples t whose sun elevation is at most
 * the darkness threshold + 7.5°. The scan opens an approach only where the sun is at most
 * threshold + 5° (scanStations); the sun's elevation changes by at most 0.25°/min, so any such
 * instant lies within 5 min of a sample at most threshold + 6.25°, and an approach (< 20 min in
 * the circle) ends inside the same span. Outside the spans the scan would only re-check the
 * sun; skipping them leaves the passes unchanged. One sun direction per sample serves every
 * station. Flat [start, end, start, end, …] per station.
 */
export function darkSpans(frames: readonly StationFrame[], thresholdDeg: number, startMs: number, endMs: number): Float64Array[] {
  const spans: number[][] = frames.map(() => []);
  const limit = Math.sin((thresholdDeg + 7.5) * DEG);
  for (let t = startMs; t < endMs + DARK_SAMPLE_MS; t += DARK_SAMPLE_MS) {
    const sun = sunDirectionEcf(t);
    frames.forEach((f, i) => {
      if (f.cosLat * f.cosLon * sun.x + f.cosLat * f.sinLon * sun.y + f.sinLat * sun.z > limit) return;
      const list = spans[i];
      const a = t - DARK_PAD_MS;
      const b = t + DARK_PAD_MS;
      if (list.length && list[list.length - 1] >= a) list[list.length - 1] = b;
      else list.push(a, b);
    });
  }
  return spans.map((l) => Float64Array.from(l));
}

/** Sun elevation rate bound at a station, degrees per ms: Earth's rotation plus the sun's motion along the ecliptic (0.2513°/min), rounded up. */
const SUN_RATE_DEG_MS = 0.26 / 60_000;

/**
 * An approach whose pass would be dropped anyway, known before its analysis: it lies outside
 * [fromMs, toMs] (a pass's AOS is at or after its first sample, its LOS at or before its last),
 * or, night-only, the sun stays above the darkness threshold over it. The sun's elevation at TCA
 * (a sample span's instant) differs from `sunOpenDeg` (the scan's sun direction, of an instant
 * ≤ 60 s before the first sample) by at most SUN_RATE_DEG_MS per ms between them.
 */
function skipApproach(r: RegionSamples, fromMs: number, toMs: number, c: Required<PassConstraints>): boolean {
  const t0 = r.t[0];
  const t1 = r.t[r.length - 1];
  if (t1 < fromMs || t0 > toMs) return true;
  return c.nightOnly && r.sunOpenDeg - SUN_RATE_DEG_MS * (t1 - t0 + 60_000) - 1e-6 > c.sunElevationMaxDeg;
}

/** The last darkSpans computed (key: threshold, window and the stations' coordinates), and its spans. */
let lastDark: { key: string; spans: Float64Array[] } | null = null;

/**
 * darkSpans, kept for the next call with the same stations, threshold and window: the planner
 * searches every satellite of a constellation over the same stations and window (one slice per
 * satellite), and the spans depend on neither satellite nor elements. The scan only reads them.
 */
function sharedDarkSpans(frames: readonly StationFrame[], thresholdDeg: number, startMs: number, endMs: number): Float64Array[] {
  const key = `${thresholdDeg} ${startMs} ${endMs} ${frames.map((f) => `${f.station.latitudeDeg},${f.station.longitudeDeg}`).join(' ')}`;
  if (lastDark?.key !== key) lastDark = { key, spans: darkSpans(frames, thresholdDeg, startMs, endMs) };
  return lastDark.spans;
}

interface StationScan {
  ctx: ScanContext;
  /** Night-only, skipping daylight: darkSpans of the station, and the index of the current span. */
  dark?: Float64Array;
  darkAt?: number;
  lambdaMaxRad: number;
  /** cos λ_max + 10⁻⁹: above it the sub-satellite point is inside the circle whatever acos' rounding. */
  cosInsideLambda: number;
  /** Next instant this station needs a look, ms. */
  dueMs: number;
  /** Samples of the approach in progress, or null outside the visibility circle. */
  region: RegionSamples | null;
  /** The station's sample buffer (region points to it during an approach). */
  buffer: RegionSamples;
  /** Index among the scan's stations (ties of the due-instant heap). */
  order: number;
}

/**
 * Scan all stations together on one grid of REGION_STEP_S from the scan's start: one interpolated
 * position per grid instant serves every station due then, and the clock advances to the earliest
 * grid instant any station needs. A station outside its circle is due again at the first grid
 * instant after (λ − λ_max)/ω_max; inside, at the next one. Night-only: a station
 * entering its circle with the sun well up is looked at again a minute later (the sun direction
 * is shared by the stations and recomputed once a minute; it moves 0.25°/min).
 */
function scanStations(
  scans: StationScan[],
  position: ScanContext['position'],
  grid: boolean,
  elements: SatelliteElements,
  fromMs: number,
  toMs: number,
  progress: (fraction: number) => void,
  /**
   * With the grid: the position at grid instant k (timeMs = fromMs − EDGE_MARGIN_MS + k·REGION_STEP_S),
   * in `normal` the orbital plane's unit normal (ECF), in radius[0] hypot3 of the position.
   */
  normalAt?: (timeMs: number, k: number, out: Vec3, normal: Vec3, radius: Float64Array) => Vec3,
  /** False: every grid instant for every station, every approach analysed (findPasses' skipAhead). */
  skipAhead = true,
): Pass[] {
  // the great-circle distance of the sub-satellite point to a fixed station changes at most at n + ω_E
  const omegaMaxRadMs = ((meanMotionRadS(elements) + EARTH_ROTATION_RAD_S) * 1.1) / 1000;
  const start = fromMs - EDGE_MARGIN_MS;
  const end = toMs + EDGE_MARGIN_MS;
  const stepMs = REGION_STEP_S * 1000;
  const out: Pass[] = [];
  // a sample of the approach in progress: lookAngles' elevation (and azimuth where a mask needs it)
  const pushSample = (sc: StationScan, t: number, ecf: Vec3): void => {
    const { frame } = sc.ctx;
    if (sc.ctx.masked) {
      const la = lookAngles(frame, ecf);
      sc.region!.push(t, la.elevationDeg, la.azimuthDeg);
    } else sc.region!.push(t, lookElevationDeg(frame, ecf), 0);
  };
  const close = (sc: StationScan): void => {
    const r = sc.region;
    if (r === null) return;
    sc.region = null;
    const c = sc.ctx.c;
    if (r.length === 0 || (skipAhead && skipApproach(r, fromMs, toMs, c))) return;
    const p = analyseRegion(sc.ctx, r);
    if (p && p.losMs >= fromMs && p.aosMs <= toMs && (!c.nightOnly || p.night)) out.push(p);
  };
  let sunMinute = NaN;
  let sun: Vec3 = { x: 0, y: 0, z: 1 };
  const sunElevationNowDeg = (frame: StationFrame, t: number): number => {
    if (!grid) return sunElevationDeg(frame, t);
    const minute = Math.floor(t / 60_000);
    if (minute !== sunMinute) {
      sun = sunDirectionEcf(t);
      sunMinute = minute;
    }
    return Math.asin(frame.cosLatCosLon * sun.x + frame.cosLatSinLon * sun.y + frame.sinLat * sun.z) / DEG;
  };
  // daylight (night-only, darkSpans): a station not in an approach is next due in its next dark span
  const toDark = (sc: StationScan): void => {
    if (sc.region !== null) return;
    const d = sc.dark!;
    let k = sc.darkAt!;
    while (k < d.length && d[k + 1] <= sc.dueMs) k += 2;
    sc.darkAt = k;
    if (k >= d.length) sc.dueMs = Infinity;
    else if (d[k] > sc.dueMs) sc.dueMs = start + Math.ceil((d[k] - start) / stepMs) * stepMs;
  };
  for (const sc of scans) {
    sc.dueMs = start;
    if (sc.dark) toDark(sc);
  }
  const pos: Vec3 = { x: 0, y: 0, z: 0 };
  const normal: Vec3 = { x: 0, y: 0, z: 0 };
  const radius = new Float64Array(1);
  // the plane-distance bound (grid search): a station at angular distance β from the orbital
  // plane stays out of its circle while β − ω·Δt > λ_max (see PLANE_NORMAL_RATE_RAD_S)
  const planeRateRadMs = (EARTH_ROTATION_RAD_S * 1.05 + PLANE_NORMAL_RATE_RAD_S) / 1000;
  const planeSlackRad = PLANE_NORMAL_RATE_RAD_S * HERMITE_NODE_STEP_S + 1e-5;
  // the stations by due instant (a binary min-heap of (due, station index) in typed arrays,
  // ties by index): only those due at t are looked at
  const heapDue = new Float64Array(scans.length);
  const heapAt = new Int32Array(scans.length);
  let heapSize = 0;
  const push = (sc: StationScan): void => {
    const due = sc.dueMs;
    const o = sc.order;
    let i = heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pd = heapDue[p];
      if (!(due < pd || (due === pd && o < heapAt[p]))) break;
      heapDue[i] = pd;
      heapAt[i] = heapAt[p];
      i = p;
    }
    heapDue[i] = due;
    heapAt[i] = o;
  };
  const pop = (): StationScan => {
    const top = scans[heapAt[0]];
    const n = --heapSize;
    if (n > 0) {
      const due = heapDue[n];
      const o = heapAt[n];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (heapDue[r] < heapDue[l] || (heapDue[r] === heapDue[l] && heapAt[r] < heapAt[l])) ? r : l;
        if (!(heapDue[c] < due || (heapDue[c] === due && heapAt[c] < o))) break;
        heapDue[i] = heapDue[c];
        heapAt[i] = heapAt[c];
        i = c;
      }
      heapDue[i] = due;
      heapAt[i] = o;
    }
    return top;
  };
  scans.forEach((sc, i) => {
    sc.order = i;
    if (sc.dueMs < Infinity) push(sc);
  });
  let lastReport = start;
  while (heapSize > 0) {
    const t = heapDue[0];
    if (!(t < end)) break;
    const ecf = normalAt ? normalAt(t, ((t - start) / stepMs) | 0, pos, normal, radius) : position(t, pos);
    const n = normalAt ? radius[0] : hypot3(ecf.x, ecf.y, ecf.z);
    while (heapSize > 0 && heapDue[0] <= t) {
      const sc = pop();
      const { frame, c } = sc.ctx;
      const u = frame.unit;
      const cosLambda = (ecf.x * u.x + ecf.y * u.y + ecf.z * u.z) / n;
      // well inside the circle (cos λ above cos λ_max by more than acos' error can matter) needs no acos
      const lambda = cosLambda > sc.cosInsideLambda ? 0 : Math.acos(Math.min(1, cosLambda));
      if (lambda > sc.lambdaMaxRad) {
        if (sc.region !== null) {
          pushSample(sc, t, ecf);
          close(sc);
        }
        // on the scan's grid (the circle's 1.5° margin is > a grid step of ground track)
        let skipMs = (lambda - sc.lambdaMaxRad) / omegaMaxRadMs;
        if (normalAt) {
          const beta = Math.asin(Math.min(1, Math.abs(normal.x * u.x + normal.y * u.y + normal.z * u.z)));
          const planeSkipMs = (beta - sc.lambdaMaxRad - planeSlackRad) / planeRateRadMs;
          if (planeSkipMs > skipMs) skipMs = planeSkipMs;
        }
        if (!skipAhead) sc.dueMs = t + stepMs;
        else if (grid) {
          sc.dueMs = start + Math.ceil((t + skipMs - start) / stepMs) * stepMs;
          if (sc.dueMs <= t) sc.dueMs = t + stepMs;
        } else sc.dueMs = t + Math.max(1000, skipMs);
      } else {
        let sunDeg = NaN;
        if (sc.region === null && c.nightOnly && (sunDeg = sunElevationNowDeg(frame, t)) > c.sunElevationMaxDeg + 5) {
          // sun moves < 0.25°/min: no TCA in darkness within this approach (< 15 min)
          sc.dueMs = t + 60_000;
        } else {
          if (sc.region === null) {
            sc.region = sc.buffer;
            sc.region.length = 0;
            sc.region.sunOpenDeg = grid ? sunDeg : NaN;
          }
          pushSample(sc, t, ecf);
          sc.dueMs = t + stepMs;
        }
      }
      if (sc.dark) toDark(sc);
      if (sc.dueMs < Infinity) push(sc);
    }
    if (t - lastReport > 86_400_000) {
      progress(Math.min(1, (t - start) / (end - start)));
      lastReport = t;
    }
  }
  // approaches still open at the end (e.g. a geostationary satellite) end with the scan
  for (const sc of scans) close(sc);
  return out;
}

function resolveConstraints(c: PassConstraints): Required<PassConstraints> {
  const r = {
    minElevationDeg: c.minElevationDeg ?? DEFAULT_CONSTRAINTS.minElevationDeg,
    nightOnly: c.nightOnly ?? DEFAULT_CONSTRAINTS.nightOnly,
    sunElevationMaxDeg: c.sunElevationMaxDeg ?? DEFAULT_CONSTRAINTS.sunElevationMaxDeg,
  };
  if (!(r.minElevationDeg >= -5 && r.minElevationDeg < 90)) {
    throw new InputError(`${r.minElevationDeg} is out of range [-5, 90)`, { field: 'minElevationDeg' });
  }
  if (!(r.sunElevationMaxDeg >= -90 && r.sunElevationMaxDeg <= 90)) {
    throw new InputError(`${r.sunElevationMaxDeg} is out of range [-90, 90]`, { field: 'sunElevationMaxDeg' });
  }
  return r;
}

/** All passes of a satellite over the stations that overlap [fromMs, toMs], sorted by AOS. */
export function findPasses(opts: FindPassesOptions): Pass[] {
  if (!(opts.toMs > opts.fromMs)) {
    throw new InputError(`time window ends (${iso(opts.toMs)}) before it starts (${iso(opts.fromMs)})`, { field: 'to' });
  }
  const c = resolveConstraints(opts);
  epochDistanceCheck(opts.elements, opts.fromMs, opts.toMs);
  const satrec = satrecOf(opts.elements);
  const hMaxKm = apogeeAltitudeKm(opts.elements) + 50;
  // nodes from the scan's start to past its end (a region open at the end is refined up to a step beyond)
  const grid = opts.interpolate === true;
  const exact = (t: number): SatState => stateOrThrow(satrec, opts.elements, t);
  let position: ScanContext['position'];
  let normalAt: ((t: number, k: number, out: Vec3, normal: Vec3, radius: Float64Array) => Vec3) | undefined;
  if (grid) {
    // nodes from the scan's start to past its end (a region open at the end is refined up to a step beyond)
    const eph = opts.ephemeris ?? new HermiteEphemeris((t) => nodeStateOrThrow(satrec, opts.elements, t), opts.fromMs - EDGE_MARGIN_MS, opts.toMs + EDGE_MARGIN_MS + 2 * REGION_STEP_S * 1000);
    position = (t, out) => eph.ecf(t, out);
    if (opts.skipByPlane !== false && opts.skipAhead !== false) {
      // the scan's grid instants (every satellite's search over this window looks at the same ones)
      const start = opts.fromMs - EDGE_MARGIN_MS;
      const stepMs = REGION_STEP_S * 1000;
      const rotation = sharedRotationGrid(start, stepMs, Math.ceil((opts.toMs + EDGE_MARGIN_MS - start) / stepMs) + 1);
      normalAt = (t, k, out, normal, radius) =>
        // the due instants are grid instants (scanStations); any other takes its rotation from GMST itself
        k >= 0 && k < rotation.count && start + k * stepMs === t ? eph.ecfAndNormalOnGrid(t, rotation, k, out, normal, radius) : eph.ecfAndNormal(t, out, normal, radius);
    }
  } else position = (t) => exact(t).ecf;
  const scans: StationScan[] = opts.stations.map((station) => {
    // +1.5° covers geodetic vs geocentric vertical and the station's height
    const lambdaMaxRad = centralAngleForElevationRad(lowestThresholdDeg(station, c.minElevationDeg), hMaxKm) + 1.5 * DEG;
    return {
      ctx: scanContext(opts.elements, satrec, position, station, c, grid),
      lambdaMaxRad,
      cosInsideLambda: Math.cos(lambdaMaxRad) + 1e-9,
      dueMs: opts.fromMs,
      region: null,
      buffer: new RegionSamples(),
      order: 0,
    };
  });
  if (grid && c.nightOnly && opts.skipDaylight !== false && opts.skipAhead !== false) {
    const dark = sharedDarkSpans(
      scans.map((sc) => sc.ctx.frame),
      c.sunElevationMaxDeg,
      opts.fromMs - EDGE_MARGIN_MS,
      opts.toMs + EDGE_MARGIN_MS,
    );
    scans.forEach((sc, i) => {
      sc.dark = dark[i];
      sc.darkAt = 0;
    });
  }
  const out = scanStations(scans, position, grid, opts.elements, opts.fromMs, opts.toMs, (f) => opts.onProgress?.(f), normalAt, !(grid && opts.skipAhead === false));
  opts.onProgress?.(1);
  return out.sort((a, b) => a.aosMs - b.aosMs || a.station.localeCompare(b.station));
}

/** The JSON form of a pass (PassSummary fields only). */
export function passSummary(p: Pass): PassSummary {
  return {
    station: p.station,
    satellite: p.satellite,
    aos: p.aos,
    tca: p.tca,
    los: p.los,
    maxElevationDeg: p.maxElevationDeg,
    minRangeKm: p.minRangeKm,
    durationS: p.durationS,
    night: p.night,
    sunElevationDegAtTca: p.sunElevationDegAtTca,
  };
}

/** Look angles of the slots of an interval (passLookAngles): parallel arrays, one entry per slot. */
export interface SlotLookAngles {
  timeMs: Float64Array;
  elevationDeg: Float64Array;
  azimuthDeg: Float64Array;
  rangeKm: Float64Array;
}

/** The interpolated SGP4 ephemeris of an element set over [fromMs, toMs] (nodes on demand). */
export function elementsEphemeris(elements: SatelliteElements, fromMs: number, toMs: number): HermiteEphemeris {
  const satrec = satrecOf(elements);
  return new HermiteEphemeris((t) => nodeStateOrThrow(satrec, elements, t), fromMs, toMs);
}

/**
 * The look angles of the slots fromMs to toMs inclusive, every stepS seconds, from the
 * interpolated SGP4 ephemeris of `elements` (ephemeris.ts: SGP4 at the whole UTC multiples of
 * HERMITE_NODE_STEP_S, cubic Hermite between; metres off SGP4, < 0.001° of elevation at a
 * pass's ranges). `ephemeris` (the same elements' HermiteEphemeris, covering the interval; the
 * planner shares one over a slice) or one of its own: the same numbers either way.
 */
export function passLookAngles(
  elements: SatelliteElements,
  station: Station,
  fromMs: number,
  toMs: number,
  stepS: number,
  constraints: PassConstraints = {},
  ephemeris?: HermiteEphemeris,
): SlotLookAngles {
  const scratch: { look?: SlotLookAngles } = {};
  passLookAnglesInto(scratch, elements, station, fromMs, toMs, stepS, constraints, ephemeris);
  return scratch.look!;
}

/** stationFrame(station), kept per station object (a pure function of it; the planner asks once per pass). */
const stationFrameOf: (station: Station) => StationFrame = weakMemo(stationFrame);

/**
 * passLookAngles into reusable buffers: writes the n slots into scratch.look (replaced by larger
 * arrays when too short; entries past n are stale) and returns n. The same numbers as
 * passLookAngles, which calls it with an empty scratch (arrays of exactly n).
 */
export function passLookAnglesInto(
  scratch: { look?: SlotLookAngles },
  elements: SatelliteElements,
  station: Station,
  fromMs: number,
  toMs: number,
  stepS: number,
  constraints: PassConstraints = {},
  ephemeris?: HermiteEphemeris,
): number {
  if (!(toMs > fromMs)) throw new InputError(`geometry interval ends (${iso(toMs)}) before it starts (${iso(fromMs)})`, { field: 'to' });
  if (!(stepS > 0)) throw new InputError(`${stepS} must be > 0`, { field: 'stepS' });
  resolveConstraints(constraints);
  epochDistanceCheck(elements, fromMs, toMs);
  const eph = ephemeris ?? elementsEphemeris(elements, fromMs, toMs);
  const frame = stationFrameOf(station);
  const n = Math.floor((toMs - fromMs) / (stepS * 1000) + 1e-9) + 1;
  let out = scratch.look;
  if (!out || out.timeMs.length < n) {
    const size = Math.max(n, 2 * (out?.timeMs.length ?? 0));
    out = scratch.look = { timeMs: new Float64Array(size), elevationDeg: new Float64Array(size), azimuthDeg: new Float64Array(size), rangeKm: new Float64Array(size) };
  }
  const pos: Vec3 = { x: 0, y: 0, z: 0 };
  for (let k = 0; k < n; k++) {
    const t = fromMs + k * stepS * 1000;
    const la = lookAngles(frame, eph.ecf(t, pos));
    out.timeMs[k] = t;
    out.elevationDeg[k] = la.elevationDeg;
    out.azimuthDeg[k] = la.azimuthDeg;
    out.rangeKm[k] = la.rangeKm;
  }
  return n;
}

/**
 * Per-slot geometry between fromMs and toMs (inclusive, every stepS seconds), with a summary
 * whose AOS/LOS are the interval ends and whose TCA / max elevation are refined.
 */
export function passGeometry(
  elements: SatelliteElements,
  station: Station,
  fromMs: number,
  toMs: number,
  stepS: number,
  constraints: PassConstraints = {},
  /** Refine TCA / maximum elevation for the summary (false: the best samples; for callers that hold the pass already). */
  refine = true,
): PassGeometry {
  if (!(toMs > fromMs)) throw new InputError(`geometry interval ends (${iso(toMs)}) before it starts (${iso(fromMs)})`, { field: 'to' });
  if (!(stepS > 0)) throw new InputError(`${stepS} must be > 0`, { field: 'stepS' });
  const c = resolveConstraints(constraints);
  epochDistanceCheck(elements, fromMs, toMs);
  const satrec = satrecOf(elements);
  const frame = stationFrame(station);
  const samples: GeometrySample[] = [];
  const n = Math.floor((toMs - fromMs) / (stepS * 1000) + 1e-9);
  for (let k = 0; k <= n; k++) {
    samples.push(geometrySample(frame, stateOrThrow(satrec, elements, fromMs + k * stepS * 1000)));
  }
  const range = (t: number): number => lookAngles(frame, stateOrThrow(satrec, elements, t).ecf).rangeKm;
  const el = (t: number): number => elevationDeg(frame, stateOrThrow(satrec, elements, t).ecf);
  let iMin = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i].rangeKm < samples[iMin].rangeKm) iMin = i;
  const a = Math.max(fromMs, samples[iMin].timeMs - stepS * 1000);
  const b = Math.min(toMs, samples[iMin].timeMs + stepS * 1000);
  const tcaMs = refine && b > a ? goldenMin(range, a, b, TOL_MS) : samples[iMin].timeMs;
  const tMaxEl = refine && b > a ? goldenMin((t) => -el(t), a, b, TOL_MS) : tcaMs;
  const sunDeg = sunElevationDeg(frame, tcaMs);
  let maxElevationDeg = refine ? el(tMaxEl) : -90;
  let minRangeKm = refine ? range(tcaMs) : Infinity;
  for (const sm of samples) {
    if (sm.elevationDeg > maxElevationDeg) maxElevationDeg = sm.elevationDeg;
    if (sm.rangeKm < minRangeKm) minRangeKm = sm.rangeKm;
  }
  return {
    summary: {
      station: station.id,
      satellite: elements.name,
      aos: iso(fromMs),
      tca: iso(tcaMs),
      los: iso(toMs),
      maxElevationDeg,
      minRangeKm,
      durationS: (toMs - fromMs) / 1000,
      night: sunDeg <= c.sunElevationMaxDeg,
      sunElevationDegAtTca: sunDeg,
    },
    stepS,
    samples,
  };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Choose one pass: `spec` is a UTC date `YYYY-MM-DD` (the pass whose TCA falls in that day; if
 * several, the highest night pass, else the highest pass) or an ISO time near the AOS (the pass
 * whose AOS is nearest, within 30 min). With `constraints.nightOnly`, only night passes count.
 */
export function resolvePass(elements: SatelliteElements, station: Station, spec: string, constraints: PassConstraints = {}): Pass {
  const s = spec.trim();
  if (DATE_RE.test(s)) {
    const dayMs = Date.parse(s + 'T00:00:00Z');
    if (!Number.isFinite(dayMs) || new Date(dayMs).toISOString().slice(0, 10) !== s) {
      throw new InputError(`"${spec}" is not a valid date`, { field: 'pass' });
    }
    const all = findPasses({ ...constraints, elements, stations: [station], fromMs: dayMs, toMs: dayMs + 86_400_000 }).filter(
      (p) => p.tcaMs >= dayMs && p.tcaMs < dayMs + 86_400_000,
    );
    if (all.length === 0) {
      throw new InputError(`no pass of ${elements.name} over ${station.name} with TCA on ${s}${constraints.nightOnly ? ' at night' : ''}`, { field: 'pass' });
    }
    const night = all.filter((p) => p.night);
    const pool = night.length ? night : all;
    return pool.reduce((best, p) => (p.maxElevationDeg > best.maxElevationDeg ? p : best));
  }
  const tMs = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : s + 'Z');
  if (!Number.isFinite(tMs) || !/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    throw new InputError(`"${spec}" is neither a date YYYY-MM-DD nor an ISO AOS time`, { field: 'pass' });
  }
  const win = 30 * 60_000;
  const all = findPasses({ ...constraints, elements, stations: [station], fromMs: tMs - win, toMs: tMs + win }).filter(
    (p) => Math.abs(p.aosMs - tMs) <= win,
  );
  if (all.length === 0) {
    throw new InputError(`no pass of ${elements.name} over ${station.name} with AOS within 30 min of ${iso(tMs)}`, { field: 'pass' });
  }
  return all.reduce((best, p) => (Math.abs(p.aosMs - tMs) < Math.abs(best.aosMs - tMs) ? p : best));
}
