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
];
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
    throw new InputError('unexpected text after TLE line 2 (one satellite per file)', { file, line: lines[k + 2].lineNo });
  }
  checkTleLine(l1.text, '1', file, l1.lineNo);
  checkTleLine(l2.text, '2', file, l2.lineNo);
  const cat1 = l1.text.slice(2, 7).trim();
  const cat2 = l2.text.slice(2, 7).trim();
  if (cat1 !== cat2) {
    throw new InputError(`catalogue number ${cat2} differs from line 1's ${cat1}`, { file, line: l2.lineNo, field: 'catalogue number' });
  }
  checkFields(l1.text, LINE1_FIELDS, file, l1.lineNo);
  checkFields(l2.text, LINE2_FIELDS, file, l2.lineNo);
  const satrec = twoline2satrec(l1.text, l2.text);
  if (satrec.error !== 0) {
    throw new InputError(`SGP4 rejects these elements (satellite.js error ${satrec.error})`, { file, line: l1.lineNo });
  }
  const noradNum = Number(cat1);
  return {
    name: name && name !== '' ? name : cat1,
    noradId: Number.isFinite(noradNum) ? noradNum : undefined,
    tle: [l1.text, l2.text],
  };
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
};

/**
 * Parse OMM JSON (CCSDS 502.0-B-3, CelesTrak/Space-Track JSON flavour): an object, or an
 * array holding exactly one object, or its JSON text.
 */
export function parseOmm(json: unknown, file?: string): SatelliteElements {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message.replace(/\s+/g, " ")})`, { file });
    }
  }
  let prefix = '';
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new InputError(`expected one OMM object, found ${value.length}`, { file });
    value = value[0];
    prefix = '[0].';
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
  if (error !== 0) throw new InputError(`SGP4 rejects these elements (satellite.js error ${error})`, { file });
  return {
    name: omm.OBJECT_NAME,
    noradId: Number(omm.NORAD_CAT_ID),
    omm: ommObj as Record<string, unknown>,
  };
}
