/**
 * Walker-delta constellations (Walker, "Satellite constellations", J. Br. Interplanet. Soc. 37,
 * 559 (1984)): the notation i:T/P/F, inclination i, T satellites in P equally spaced orbital
 * planes (RAAN 360°·p/P), T/P per plane equally spaced in argument of latitude, and a phase
 * offset of 360°·F/T between adjacent planes: satellite s of plane p has mean anomaly
 * 360°·s/(T/P) + 360°·F·p/T. Circular orbits (e = 0) at one altitude.
 *
 * Each satellite becomes an OMM element set (CCSDS 502.0-B-3 fields) for SGP4 with zero drag.
 * The mean motion is Kepler's n = √(μ/a³), a = R_⊕ + h with the WGS-72 constants SGP4 uses
 * (μ = 398600.8 km³/s², R_⊕ = 6378.135 km); SGP4's Brouwer mean motion differs from it by the
 * J2 term (a few km in a), which shifts the altitude, not the constellation's pattern.
 */
import { InputError, type InputErrorLocation } from '../core/errors.js';
import { parseOmm } from '../orbit/tle.js';
import type { SatelliteElements } from '../orbit/types.js';

/** WGS-72 gravitational parameter, km³/s² (SGP4's constants, Vallado et al. AIAA 2006-6753). */
const MU_KM3_S2 = 398600.8;
/** WGS-72 equatorial radius, km. */
const RADIUS_KM = 6378.135;

export interface WalkerPattern {
  inclinationDeg: number;
  /** T: satellites in all. */
  satellites: number;
  /** P: orbital planes. */
  planes: number;
  /** F: relative phasing, 0 ≤ F < P. */
  phasing: number;
}

export interface ConstellationSpec {
  walker: string;
  altitudeKm: number;
  /** ISO time of the elements' epoch. */
  epoch: string;
  /** Name prefix of the satellites (default "walker"). */
  name?: string;
}

/** Parse "i:T/P/F" (e.g. "53:100/10/1"); InputError naming `where.field` when malformed. */
export function parseWalker(text: string, where: InputErrorLocation = { field: 'constellation.walker' }): WalkerPattern {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+)\s*\/\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`"${text}" is not a Walker pattern i:T/P/F (e.g. "53:100/10/1")`, where);
  const [inclinationDeg, satellites, planes, phasing] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (!(inclinationDeg >= 0 && inclinationDeg <= 180)) throw new InputError(`inclination ${inclinationDeg}° is outside [0, 180]`, where);
  if (satellites < 1) throw new InputError('T (satellites) must be ≥ 1', where);
  if (planes < 1 || satellites % planes !== 0) throw new InputError(`T = ${satellites} is not a multiple of P = ${planes}`, where);
  if (phasing >= planes) throw new InputError(`F = ${phasing} must be < P = ${planes}`, where);
  return { inclinationDeg, satellites, planes, phasing };
}

const fmtEpoch = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '');

/** The element sets of a Walker-delta constellation, satellite names `<name>-<plane>-<slot>`. */
export function walkerElements(spec: ConstellationSpec, where: InputErrorLocation = {}): SatelliteElements[] {
  const at = (f: string): InputErrorLocation => ({ ...where, field: `constellation.${f}` });
  const w = parseWalker(spec.walker, at('walker'));
  if (!(spec.altitudeKm >= 150 && spec.altitudeKm <= 40_000)) throw new InputError(`${spec.altitudeKm} km is outside [150, 40000]`, at('altitudeKm'));
  const epochMs = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(spec.epoch) ? spec.epoch : `${spec.epoch}Z`);
  if (!Number.isFinite(epochMs)) throw new InputError(`"${spec.epoch}" is not an ISO time`, at('epoch'));
  const a = RADIUS_KM + spec.altitudeKm;
  const revPerDay = (Math.sqrt(MU_KM3_S2 / (a * a * a)) * 86_400) / (2 * Math.PI);
  const perPlane = w.satellites / w.planes;
  const prefix = spec.name ?? 'walker';
  const out: SatelliteElements[] = [];
  for (let p = 0; p < w.planes; p++) {
    for (let s = 0; s < perPlane; s++) {
      const raan = (360 * p) / w.planes;
      const ma = (((360 * s) / perPlane + (360 * w.phasing * p) / w.satellites) % 360 + 360) % 360;
      const id = 90_000 + out.length;
      out.push(
        parseOmm({
          OBJECT_NAME: `${prefix}-${p + 1}-${s + 1}`,
          OBJECT_ID: `WALKER-${p + 1}-${s + 1}`,
          EPOCH: fmtEpoch(epochMs),
          MEAN_MOTION: revPerDay,
          ECCENTRICITY: 0,
          INCLINATION: w.inclinationDeg,
          RA_OF_ASC_NODE: raan,
          ARG_OF_PERICENTER: 0,
          MEAN_ANOMALY: ma,
          NORAD_CAT_ID: id,
          BSTAR: 0,
          MEAN_MOTION_DOT: 0,
          MEAN_MOTION_DDOT: 0,
        }),
      );
    }
  }
  return out;
}
