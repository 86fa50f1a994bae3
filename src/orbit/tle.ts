/**
 * TLE and OMM parsing and validation. Propagation itself is satellite.js SGP4 (see sgp4.ts);
 * here we only check the input thoroughly enough that a user error becomes an InputError naming
 * file, line and field. TLE format: CelesTrak "NORAD Two-Line Element Set Format" (T.S. Kelso).
 */
import { json2satrec, twoline2satrec, type OMMJsonObject } from 'satellite.js';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { SatelliteElements } from './types.js';

export const TLE_LINE_LENGTH = 69;

/** TLE checksum: sum of digits, minus signs count 1, modulo 10 (Kelso, CelesTrak TLE format). */
export function tleChecksum(line: string): number {
  let sum = 0;
  for (let i = 0; i < Math.min(68, line.length); i++) {
    const c = line[i];
    if (c >= '0' && c <= '9') sum += c.charCodeAt(0) - 48;
    else if (c === '-') sum += 1;
  }
  return sum % 10;
}

interface FieldSpec {
  field: string;
  from: number; // 1-based column, inclusive
  to: number;
  min?: number;
  max?: number;
  /** Implied leading decimal point (eccentricity). */
  impliedDecimal?: boolean;
}

const LINE1_FIELDS: FieldSpec[] = [
  { field: 'epoch year', from: 19, to: 20, min: 0, max: 99 },
  { field: 'epoch day', from: 21, to: 32, min: 1, max: 367 },
  // ṅ/2 in rev/day²: real objects stay well below 0.1 (CelesTrak catalogue; decaying objects ~1e-2)
  { field: 'mean motion derivative', from: 34, to: 43, min: -1, max: 1 },
];

/**
 * Fields in the TLE's "assumed decimal point, signed exponent" notation (±NNNNN±E = ±0.NNNNN·10^±E):
 * n̈/6 (columns 45-52) and B* (columns 54-61), in 1/Earth radii. |B*| above 1 is no physical
 * object (dense cubesats near decay reach ~1e-2); satellite.js would propagate NaN silently.
 */
const LINE1_EXP_FIELDS: FieldSpec[] = [
  { field: 'mean motion second derivative', from: 45, to: 52, min: -1, max: 1 },
  { field: 'BSTAR drag term', from: 54, to: 61, min: -1, max: 1 },
];

/** Value of a TLE field written as ±NNNNN±E (implied leading decimal point), or NaN. */
export function tleExponentField(raw: string): number {
  const m = /^([-+]?)(\d{1,5})([-+])(\d)$/.exec(raw.trim());
  if (!m) return NaN;
  const v = Number(`0.${m[2]}`) * 10 ** (m[3] === '-' ? -Number(m[4]) : Number(m[4]));
  return m[1] === '-' ? -v : v;
}

function checkExpFields(line: string, file: string | undefined, lineNo: number): void {
  for (const s of LINE1_EXP_FIELDS) {
    const raw = line.slice(s.from - 1, s.to);
    const v = tleExponentField(raw);
    if (!Number.isFinite(v)) {
      throw new InputError(`"${raw.trim()}" (columns ${s.from}-${s.to}) is not a TLE exponent number (e.g. 17957-4)`, { file, line: lineNo, field: s.field });
    }
    if (v < (s.min ?? -Infinity) || v > (s.max ?? Infinity)) {
      throw new InputError(`${v} is out of range [${s.min}, ${s.max}] (no physical object)`, { file, line: lineNo, field: s.field });
    }
  }
}
const LINE2_FIELDS: FieldSpec[] = [
  { field: 'inclination', from: 9, to: 16, min: 0, max: 180 },
  { field: 'right ascension of ascending node', from: 18, to: 25, min: 0, max: 360 },
  { field: 'eccentricity', from: 27, to: 33, min: 0, max: 0.9999999, impliedDecimal: true },
  { field: 'argument of perigee', from: 35, to: 42, min: 0, max: 360 },
  { field: 'mean anomaly', from: 44, to: 51, min: 0, max: 360 },
  { field: 'mean motion', from: 53, to: 63, min: 0.05, max: 20 },
];

function checkFields(line: string, specs: FieldSpec[], file: string | undefined, lineNo: number): void {
  for (const s of specs) {
    const raw = line.slice(s.from - 1, s.to).trim();
    const v = s.impliedDecimal ? Number('0.' + raw) : Number(raw);
    if (raw === '' || !Number.isFinite(v) || (s.impliedDecimal && !/^\d+$/.test(raw))) {
      throw new InputError(`"${raw}" (columns ${s.from}-${s.to}) is not a number`, { file, line: lineNo, field: s.field });
    }
    if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) {
      throw new InputError(`${v} is out of range [${s.min}, ${s.max}]`, { file, line: lineNo, field: s.field });
    }
  }
}

function checkTleLine(line: string, expected: '1' | '2', file: string | undefined, lineNo: number): void {
  if (line.length !== TLE_LINE_LENGTH) {
    throw new InputError(`TLE line ${expected} has length ${line.length}, expected ${TLE_LINE_LENGTH}`, { file, line: lineNo });
  }
  if (line[0] !== expected || line[1] !== ' ') {
    throw new InputError(`TLE line ${expected} must start with "${expected} "`, { file, line: lineNo, field: 'line number' });
  }
  const given = line[68];
  const computed = tleChecksum(line);
  if (!/\d/.test(given) || Number(given) !== computed) {
    throw new InputError(`checksum is ${given}, expected ${computed}`, { file, line: lineNo });
  }
}

/**
 * Parse a TLE (two lines, optionally preceded by a name line, "0 NAME" accepted) into
 * SatelliteElements. Validates length, line numbers, checksums, catalogue number agreement and
 * the numeric fields, then checks SGP4 accepts the elements.
 */
export function parseTle(text: string, file?: string): SatelliteElements {
  const raw = text.split(/\r?\n/);
  const lines: { text: string; lineNo: number }[] = [];
  raw.forEach((l, i) => {
    const t = l.replace(/\s+$/, '');
    if (t.trim() !== '') lines.push({ text: t, lineNo: i + 1 });
  });
  if (lines.length === 0) throw new InputError('empty TLE', { file });
  let name: string | undefined;
  let k = 0;
  if (/^2 /.test(lines[0].text) && lines[0].text.length === TLE_LINE_LENGTH) {
    throw new InputError('found TLE line 2 where line 1 was expected', { file, line: lines[0].lineNo, field: 'line number' });
  }
  if (!/^1 /.test(lines[0].text)) {
    name = lines[0].text.replace(/^0 /, '').trim();
    k = 1;
  }
  const l1 = lines[k];
  const l2 = lines[k + 1];
  if (!l1) throw new InputError('missing TLE line 1', { file, line: (lines[k - 1]?.lineNo ?? 0) + 1 });
  if (!l2) throw new InputError('missing TLE line 2', { file, line: l1.lineNo + 1 });
  if (lines.length > k + 2) {
    throw new InputError('unexpected text after TLE line 2 (one satellite per file; a file of many element sets is a catalogue: use "elementsFile" in a mission)', { file, line: lines[k + 2].lineNo });
  }
  return tleElements(name, l1, l2, file);
}

function tleElements(name: string | undefined, l1: { text: string; lineNo: number }, l2: { text: string; lineNo: number }, file: string | undefined): SatelliteElements {
  checkTleLine(l1.text, '1', file, l1.lineNo);
  checkTleLine(l2.text, '2', file, l2.lineNo);
  const cat1 = l1.text.slice(2, 7).trim();
  const cat2 = l2.text.slice(2, 7).trim();
  if (cat1 !== cat2) {
    throw new InputError(`catalogue number ${cat2} differs from line 1's ${cat1}`, { file, line: l2.lineNo, field: 'catalogue number' });
  }
  checkFields(l1.text, LINE1_FIELDS, file, l1.lineNo);
  checkExpFields(l1.text, file, l1.lineNo);
  checkFields(l2.text, LINE2_FIELDS, file, l2.lineNo);
  const satrec = twoline2satrec(l1.text, l2.text);
  const label = name && name !== '' ? name : cat1;
  if (satrec.error !== 0) {
    throw new InputError(`SGP4 rejects the elements of "${label}" (satellite.js error ${satrec.error}: ${SGP4_ERRORS[satrec.error] ?? 'unknown'})`, { file, line: l1.lineNo });
  }
  checkPerigee(satrec, label, { file, line: l1.lineNo });
  const noradNum = Number(cat1);
  return {
    name: label,
    noradId: Number.isFinite(noradNum) ? noradNum : undefined,
    tle: [l1.text, l2.text],
  };
}

/** satellite.js / Vallado SGP4 error codes. */
export const SGP4_ERRORS: Readonly<Record<number, string>> = {
  1: 'mean elements out of range (eccentricity ≥ 1 or < -0.001, or semi-major axis < 0.95 Earth radii)',
  2: 'mean motion less than 0',
  3: 'perturbed eccentricity out of range',
  4: 'semi-latus rectum less than 0',
  5: 'epoch elements are sub-orbital',
  6: 'satellite has decayed',
};

/** Perigee height below which no orbit survives a revolution (the Kármán line is 100 km). */
export const MIN_PERIGEE_KM = 80;

function checkPerigee(satrec: { altp: number }, label: string, where: { file?: string; line?: number; field?: string }): void {
  const perigeeKm = satrec.altp * 6378.135;
  if (!(perigeeKm >= MIN_PERIGEE_KM)) {
    throw new InputError(`perigee of "${label}" is ${perigeeKm.toFixed(0)} km above the surface (< ${MIN_PERIGEE_KM} km: decayed or not an orbit)`, where);
  }
}

/**
 * Parse a file of many element sets: TLEs (two lines each, optionally after a name line), one
 * after another, as CelesTrak and Space-Track histories are written. Every set is validated as
 * parseTle does; errors name the set's own line.
 */
export function parseTleCatalogue(text: string, file?: string): SatelliteElements[] {
  const lines: { text: string; lineNo: number }[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const t = l.replace(/\s+$/, '');
    if (t.trim() !== '') lines.push({ text: t, lineNo: i + 1 });
  });
  if (lines.length === 0) throw new InputError('empty TLE file', { file });
  const out: SatelliteElements[] = [];
  let k = 0;
  while (k < lines.length) {
    let name: string | undefined;
    if (!/^1 /.test(lines[k].text)) {
      if (/^2 /.test(lines[k].text) && lines[k].text.length === TLE_LINE_LENGTH) {
        throw new InputError('found TLE line 2 where line 1 (or a name) was expected', { file, line: lines[k].lineNo, field: 'line number' });
      }
      name = lines[k].text.replace(/^0 /, '').trim();
      k++;
    }
    const l1 = lines[k];
    const l2 = lines[k + 1];
    if (!l1) throw new InputError('missing TLE line 1', { file, line: (lines[k - 1]?.lineNo ?? 0) + 1 });
    if (!l2) throw new InputError('missing TLE line 2', { file, line: l1.lineNo + 1 });
    out.push(tleElements(name, l1, l2, file));
    k += 2;
  }
  return out;
}

const numeric = z.union([z.number(), z.string().regex(/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/, 'not a number')]);
const OMM_SCHEMA = z.looseObject({
  OBJECT_NAME: z.string().min(1),
  OBJECT_ID: z.string().optional(),
  EPOCH: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/, 'EPOCH must be an ISO date-time'),
  MEAN_MOTION: numeric,
  ECCENTRICITY: numeric,
  INCLINATION: numeric,
  RA_OF_ASC_NODE: numeric,
  ARG_OF_PERICENTER: numeric,
  MEAN_ANOMALY: numeric,
  NORAD_CAT_ID: z.union([z.number().int(), z.string().regex(/^\s*\d+\s*$/)]),
  ELEMENT_SET_NO: numeric.optional(),
  BSTAR: numeric,
  MEAN_MOTION_DOT: numeric,
  MEAN_MOTION_DDOT: numeric,
});

const OMM_RANGES: Record<string, [number, number]> = {
  INCLINATION: [0, 180],
  ECCENTRICITY: [0, 0.9999999],
  RA_OF_ASC_NODE: [0, 360],
  ARG_OF_PERICENTER: [0, 360],
  MEAN_ANOMALY: [0, 360],
  MEAN_MOTION: [0.05, 20],
  // as for the TLE fields above: beyond these no physical object
  BSTAR: [-1, 1],
  MEAN_MOTION_DOT: [-1, 1],
  MEAN_MOTION_DDOT: [-1, 1],
};

/**
 * Parse OMM JSON (CCSDS 502.0-B-3, CelesTrak/Space-Track JSON flavour): an object, or an
 * array holding exactly one object, or its JSON text.
 */
export function parseOmm(json: unknown, file?: string): SatelliteElements {
  const list = parseOmmList(json, file);
  if (list.length !== 1) throw new InputError(`expected one OMM object, found ${list.length}`, { file });
  return list[0];
}

/** Parse OMM JSON holding one object or an array of them (a catalogue or a history). */
export function parseOmmList(json: unknown, file?: string): SatelliteElements[] {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message.replace(/\s+/g, " ")})`, { file });
    }
  }
  if (!Array.isArray(value)) return [parseOneOmm(value, file, '')];
  if (value.length === 0) throw new InputError('no OMM object in the array', { file });
  return value.map((v, i) => parseOneOmm(v, file, `[${i}].`));
}

function parseOneOmm(json: unknown, file: string | undefined, prefix: string): SatelliteElements {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message.replace(/\s+/g, " ")})`, { file });
    }
  }
  const r = OMM_SCHEMA.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issue.message, { file, field: prefix + issue.path.join('.') });
  }
  const omm = r.data;
  for (const [k, [lo, hi]] of Object.entries(OMM_RANGES)) {
    const v = Number(omm[k as keyof typeof omm]);
    if (!(v >= lo && v <= hi)) throw new InputError(`${v} is out of range [${lo}, ${hi}]`, { file, field: prefix + k });
  }
  const ommObj = { ELEMENT_SET_NO: 999, ...omm } as unknown as OMMJsonObject;
  let error = 0;
  try {
    error = json2satrec(ommObj).error;
  } catch (e) {
    throw new InputError(`SGP4 rejects these elements (${(e as Error).message})`, { file });
  }
  if (error !== 0) throw new InputError(`SGP4 rejects the elements of "${omm.OBJECT_NAME}" (satellite.js error ${error}: ${SGP4_ERRORS[error] ?? 'unknown'})`, { file });
  checkPerigee(json2satrec(ommObj), omm.OBJECT_NAME, { file });
  return {
    name: omm.OBJECT_NAME,
    noradId: Number(omm.NORAD_CAT_ID),
    omm: ommObj as Record<string, unknown>,
  };
}
