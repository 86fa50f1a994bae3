/**
 * SGP4 propagation through satellite.js, and the topocentric quantities the rest of Mozi needs:
 * look angles, slant range, range rate, sun elevation, sub-satellite point.
 * satellite.js works in radians and kilometres (TEME/ECI, ECF); this file converts to the
 * unit-suffixed names of GeometrySample.
 */
import {
  eciToEcf,
  eciToGeodetic,
  geodeticToEcf,
  gstime,
  json2satrec,
  sgp4,
  sunPos,
  twoline2satrec,
  type OMMJsonObject,
  type SatRec,
} from 'satellite.js';
import { InputError } from '../core/errors.js';
import { hypot3 } from '../core/hypot.js';
import { DEG } from '../core/units.js';
import { weakMemo } from '../core/weak-memo.js';
import type { GeometrySample, SatelliteElements, Station } from './types.js';

/** Earth rotation rate, rad/s (WGS-84 / IERS nominal ω_E = 7.292115e-5 rad/s). */
export const EARTH_ROTATION_RAD_S = 7.292115e-5;
/** Julian date of the Unix epoch. */
const JD_UNIX_EPOCH = 2440587.5;

/** The satellite.js SatRec for a set of elements (cached per object; elements SGP4 rejects throw and are not kept). */
export const satrecOf: (elements: SatelliteElements) => SatRec = weakMemo((elements: SatelliteElements): SatRec => {
  let s: SatRec;
  if (elements.tle) s = twoline2satrec(elements.tle[0], elements.tle[1]);
  else if (elements.omm) s = json2satrec(elements.omm as OMMJsonObject);
  else throw new InputError(`satellite "${elements.name}" has neither TLE nor OMM elements`, { field: 'satellite' });
  if (s.error !== 0) throw new InputError(`SGP4 rejects the elements of "${elements.name}" (error ${s.error})`, { field: 'satellite' });
  return s;
});

/** Element epoch, ms since Unix epoch. */
export function epochMs(elements: SatelliteElements): number {
  const s = satrecOf(elements);
  return (s.jdsatepoch - JD_UNIX_EPOCH) * 86_400_000;
}

/** Mean motion in rad/s. */
export function meanMotionRadS(elements: SatelliteElements): number {
  return satrecOf(elements).no / 60; // satellite.js: rad/min
}

/** Apogee altitude above the WGS-72 equatorial radius, km. */
export function apogeeAltitudeKm(elements: SatelliteElements): number {
  const s = satrecOf(elements);
  const radiusEarthKm = 6378.135;
  return s.alta * radiusEarthKm; // alta: apogee altitude in Earth radii
}

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

/** Satellite state in ECI (TEME) and ECF at one instant; km and km/s. */
export interface SatState {
  timeMs: number;
  gmstRad: number;
  eci: Vec3;
  velEci: Vec3;
  ecf: Vec3;
}

/**
 * Propagate with SGP4; null when SGP4 fails (e.g. decayed orbit). Same as satellite.js
 * `propagate(satrec, date)` (minutes since epoch from Julian dates) without building a Date.
 */
export function satState(satrec: SatRec, timeMs: number): SatState | null {
  const jd = timeMs / 86_400_000 + JD_UNIX_EPOCH;
  const pv = sgp4(satrec, (jd - satrec.jdsatepoch) * 1440);
  if (!pv) return null;
  const gmstRad = gstime(jd);
  return { timeMs, gmstRad, eci: pv.position, velEci: pv.velocity, ecf: eciToEcf(pv.position, gmstRad) };
}

/**
 * SGP4 position and velocity (TEME) alone, as satState computes them (the same doubles) without
 * GMST, the ECF rotation and their objects: what an interpolation node keeps (ephemeris.ts).
 * Null when SGP4 fails.
 */
export function satStateTeme(satrec: SatRec, timeMs: number): Pick<SatState, 'eci' | 'velEci'> | null {
  const jd = timeMs / 86_400_000 + JD_UNIX_EPOCH;
  const pv = sgp4(satrec, (jd - satrec.jdsatepoch) * 1440);
  if (!pv) return null;
  return { eci: pv.position, velEci: pv.velocity };
}

/** A station with its precomputed ECF position and local frame, for fast repeated look angles. */
export interface StationFrame {
  station: Station;
  ecf: Vec3;
  sinLat: number;
  cosLat: number;
  sinLon: number;
  cosLon: number;
  /** Unit vector from Earth's centre to the station (geocentric), for central angles. */
  unit: Vec3;
  /**
   * The products sinLat·cosLon, sinLat·sinLon, cosLat·cosLon, cosLat·sinLon of the SEZ rotation
   * (lookAngles): `sinLat * cosLon * rx` is `(sinLat * cosLon) * rx`, so the same doubles.
   */
  sinLatCosLon: number;
  sinLatSinLon: number;
  cosLatCosLon: number;
  cosLatSinLon: number;
}

export function stationFrame(station: Station): StationFrame {
  const latRad = station.latitudeDeg * DEG;
  const lonRad = station.longitudeDeg * DEG;
  const ecf = geodeticToEcf({ latitude: latRad, longitude: lonRad, height: station.altitudeM / 1000 });
  const n = hypot3(ecf.x, ecf.y, ecf.z);
  const sinLat = Math.sin(latRad);
  const cosLat = Math.cos(latRad);
  const sinLon = Math.sin(lonRad);
  const cosLon = Math.cos(lonRad);
  return {
    station,
    ecf,
    sinLat,
    cosLat,
    sinLon,
    cosLon,
    unit: { x: ecf.x / n, y: ecf.y / n, z: ecf.z / n },
    sinLatCosLon: sinLat * cosLon,
    sinLatSinLon: sinLat * sinLon,
    cosLatCosLon: cosLat * cosLon,
    cosLatSinLon: cosLat * sinLon,
  };
}

export interface LookAnglesDeg {
  elevationDeg: number;
  azimuthDeg: number;
  rangeKm: number;
}

/** The south, east and zenith components of the last sezInto (module scratch: read at once). */
const SEZ = new Float64Array(3);

/**
 * The station-to-satellite vector in the station's south-east-zenith frame (Vallado, alg. 27),
 * into SEZ: the one rotation of lookAngles, lookElevationDeg and lookRangeKm, so all three see
 * the same doubles.
 */
function sezInto(frame: StationFrame, satEcf: Vec3): void {
  const rx = satEcf.x - frame.ecf.x;
  const ry = satEcf.y - frame.ecf.y;
  const rz = satEcf.z - frame.ecf.z;
  SEZ[0] = frame.sinLatCosLon * rx + frame.sinLatSinLon * ry - frame.cosLat * rz;
  SEZ[1] = -frame.sinLon * rx + frame.cosLon * ry;
  SEZ[2] = frame.cosLatCosLon * rx + frame.cosLatSinLon * ry + frame.sinLat * rz;
}

/**
 * Topocentric look angles from ECF positions (south-east-zenith rotation, Vallado,
 * Fundamentals of Astrodynamics, alg. 27); same convention as satellite.js ecfToLookAngles,
 * azimuth from north through east, in degrees.
 */
export function lookAngles(frame: StationFrame, satEcf: Vec3): LookAnglesDeg {
  sezInto(frame, satEcf);
  const south = SEZ[0];
  const east = SEZ[1];
  const zenith = SEZ[2];
  const rangeKm = hypot3(south, east, zenith);
  const elevationDeg = Math.asin(zenith / rangeKm) / DEG;
  let azimuthDeg = Math.atan2(-east, south) / DEG + 180;
  if (azimuthDeg >= 360) azimuthDeg -= 360;
  return { elevationDeg, azimuthDeg, rangeKm };
}

/**
 * lookAngles' elevation alone, with its arithmetic (the same double): the pass search's samples
 * and refinements where no horizon mask needs the azimuth.
 */
export function lookElevationDeg(frame: StationFrame, satEcf: Vec3): number {
  sezInto(frame, satEcf);
  return Math.asin(SEZ[2] / hypot3(SEZ[0], SEZ[1], SEZ[2])) / DEG;
}

/** lookAngles' range alone, with its arithmetic (the same double). */
export function lookRangeKm(frame: StationFrame, satEcf: Vec3): number {
  sezInto(frame, satEcf);
  return hypot3(SEZ[0], SEZ[1], SEZ[2]);
}

/** Elevation only (hot path of the pass search). */
export function elevationDeg(frame: StationFrame, satEcf: Vec3): number {
  const rx = satEcf.x - frame.ecf.x;
  const ry = satEcf.y - frame.ecf.y;
  const rz = satEcf.z - frame.ecf.z;
  const zenith = frame.cosLatCosLon * rx + frame.cosLatSinLon * ry + frame.sinLat * rz;
  return Math.asin(zenith / hypot3(rx, ry, rz)) / DEG;
}

/**
 * Range rate, km/s, positive when receding: d|r_sat − r_stn|/dt in ECI, with the station's
 * inertial velocity ω_E × r_stn.
 */
export function rangeRateKmS(frame: StationFrame, s: SatState): number {
  const c = Math.cos(s.gmstRad);
  const sn = Math.sin(s.gmstRad);
  // station ECF → ECI (rotation by GMST about z)
  const sx = c * frame.ecf.x - sn * frame.ecf.y;
  const sy = sn * frame.ecf.x + c * frame.ecf.y;
  const sz = frame.ecf.z;
  const vx = -EARTH_ROTATION_RAD_S * sy;
  const vy = EARTH_ROTATION_RAD_S * sx;
  const dx = s.eci.x - sx;
  const dy = s.eci.y - sy;
  const dz = s.eci.z - sz;
  const dvx = s.velEci.x - vx;
  const dvy = s.velEci.y - vy;
  const dvz = s.velEci.z;
  return (dx * dvx + dy * dvy + dz * dvz) / hypot3(dx, dy, dz);
}

/**
 * Sun elevation at a station, degrees, from satellite.js sunPos (Vallado's low-precision solar
 * ephemeris, ~0.01°, 1950–2050) rotated to ECF with GMST; parallax (< 0.003°) ignored.
 */
export function sunElevationDeg(frame: StationFrame, timeMs: number): number {
  const jd = timeMs / 86_400_000 + JD_UNIX_EPOCH;
  const { rsun } = sunPos(jd);
  const ecf = eciToEcf(rsun, gstime(jd));
  const n = hypot3(ecf.x, ecf.y, ecf.z);
  const up = frame.cosLat * frame.cosLon * ecf.x + frame.cosLat * frame.sinLon * ecf.y + frame.sinLat * ecf.z;
  return Math.asin(up / n) / DEG;
}

/** Unit vector from Earth's centre to the sun in ECF at timeMs (the ephemeris of sunElevationDeg). */
export function sunDirectionEcf(timeMs: number): Vec3 {
  const jd = timeMs / 86_400_000 + JD_UNIX_EPOCH;
  const { rsun } = sunPos(jd);
  const ecf = eciToEcf(rsun, gstime(jd));
  const n = hypot3(ecf.x, ecf.y, ecf.z);
  return { x: ecf.x / n, y: ecf.y / n, z: ecf.z / n };
}

/** Full geometry sample of one instant. */
export function geometrySample(frame: StationFrame, s: SatState): GeometrySample {
  const la = lookAngles(frame, s.ecf);
  const geo = eciToGeodetic(s.eci, s.gmstRad);
  let lonDeg = geo.longitude / DEG;
  if (lonDeg > 180) lonDeg -= 360;
  if (lonDeg <= -180) lonDeg += 360;
  return {
    timeMs: s.timeMs,
    elevationDeg: la.elevationDeg,
    azimuthDeg: la.azimuthDeg,
    rangeKm: la.rangeKm,
    rangeRateKmS: rangeRateKmS(frame, s),
    sunElevationDeg: sunElevationDeg(frame, s.timeMs),
    satLatitudeDeg: geo.latitude / DEG,
    satLongitudeDeg: lonDeg,
    satAltitudeKm: geo.height,
  };
}
