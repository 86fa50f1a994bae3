/**
 * A synthetic pass over a station for a circular orbit, for tests and what-if studies without a TLE.
 */
import { DEG, EARTH_RADIUS_KM } from '../core/units.js';
import type { GeometrySample, PassGeometry } from '../orbit/types.js';

const MU_KM3_S2 = 398_600.4418;

/** Slant range L(ε) = √(H² − R² cos² ε) − R sin ε, R = R_E + h_station, H = R_E + h_sat. [algorithms.md §5.1] */
export function slantRangeKm(elevationDeg: number, altitudeKm: number, stationAltitudeKm = 0): number {
  const R = EARTH_RADIUS_KM + stationAltitudeKm;
  const H = EARTH_RADIUS_KM + altitudeKm;
  const e = elevationDeg * DEG;
  return Math.sqrt(H * H - R * R * Math.cos(e) ** 2) - R * Math.sin(e);
}

/** Elevation from slant range (inverse of slantRangeKm, law of cosines). */
export function elevationFromRangeDeg(rangeKm: number, altitudeKm: number, stationAltitudeKm = 0): number {
  const R = EARTH_RADIUS_KM + stationAltitudeKm;
  const H = EARTH_RADIUS_KM + altitudeKm;
  const sinE = (H * H - R * R - rangeKm * rangeKm) / (2 * R * rangeKm);
  return Math.asin(Math.max(-1, Math.min(1, sinE))) / DEG;
}

export interface SyntheticPassSpec {
  altitudeKm: number;
  maxElevationDeg: number;
  minElevationDeg?: number;
  stepS?: number;
  startMs?: number;
  stationAltitudeKm?: number;
}

/**
 * Circular orbit, non-rotating Earth: the Earth-central angle from the station to the satellite is
 * γ(t) = acos(cos γ_min · cos(n t)), n the mean motion, γ_min set by the maximum elevation.
 */
export function syntheticPass(spec: SyntheticPassSpec): PassGeometry {
  const hs = spec.stationAltitudeKm ?? 0;
  const R = EARTH_RADIUS_KM + hs;
  const H = EARTH_RADIUS_KM + spec.altitudeKm;
  const stepS = spec.stepS ?? 1;
  const minEl = spec.minElevationDeg ?? 10;
  const startMs = spec.startMs ?? Date.UTC(2016, 11, 19, 16, 50, 0);
  const n = Math.sqrt(MU_KM3_S2 / (H * H * H));
  const gammaOf = (elDeg: number) => {
    const L = slantRangeKm(elDeg, spec.altitudeKm, hs);
    return Math.acos((R * R + H * H - L * L) / (2 * R * H));
  };
  const gMin = gammaOf(spec.maxElevationDeg);
  const gEdge = gammaOf(minEl);
  const halfS = Math.acos(Math.cos(gEdge) / Math.cos(gMin)) / n;
  const count = Math.floor((2 * halfS) / stepS) + 1;
  const samples: GeometrySample[] = [];
  let prevRange = 0;
  for (let i = 0; i < count; i++) {
    const tc = -halfS + i * stepS;
    const g = Math.acos(Math.cos(gMin) * Math.cos(n * tc));
    const rangeKm = Math.sqrt(R * R + H * H - 2 * R * H * Math.cos(g));
    const elevationDeg = elevationFromRangeDeg(rangeKm, spec.altitudeKm, hs);
    samples.push({
      timeMs: startMs + i * stepS * 1e3,
      elevationDeg,
      azimuthDeg: tc < 0 ? 180 : 0,
      rangeKm,
      rangeRateKmS: i === 0 ? 0 : (rangeKm - prevRange) / stepS,
      sunElevationDeg: -40,
      satLatitudeDeg: 0,
      satLongitudeDeg: 0,
      satAltitudeKm: spec.altitudeKm,
    });
    prevRange = rangeKm;
  }
  const tcaIdx = Math.floor(count / 2);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    stepS,
    samples,
    summary: {
      station: 'synthetic',
      satellite: 'circular',
      aos: iso(samples[0].timeMs),
      tca: iso(samples[tcaIdx].timeMs),
      los: iso(samples[count - 1].timeMs),
      maxElevationDeg: spec.maxElevationDeg,
      minRangeKm: Math.min(...samples.map((s) => s.rangeKm)),
      durationS: (count - 1) * stepS,
      night: true,
      sunElevationDegAtTca: -40,
    },
  };
}
