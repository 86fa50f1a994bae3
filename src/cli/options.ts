/**
 * Option parsers shared by the CLI commands. Each throws an InputError naming the flag, so the
 * CLI prints one line and exits 2. Each `…Option` helper returns a function usable with
 * commander's `.argParser()` (commander re-throws our InputError unchanged).
 *
 * Stable API (others depend on it): parseIsoTime, parseTimeWindow, parseNumber, parseInteger,
 * parseStationList, isoTimeOption, numberOption, integerOption, stationListOption.
 */
import { InputError } from '../core/errors.js';
import { getStation } from '../mission/stations.js';
import type { Station } from '../orbit/types.js';

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parse an ISO-8601 date or date-time to milliseconds since the Unix epoch.
 * A date alone means 00:00 UTC; a date-time without zone is taken as UTC.
 */
export function parseIsoTime(value: string, flag: string): number {
  const v = value.trim();
  const m = ISO_RE.exec(v);
  if (!m) {
    throw new InputError(`"${value}" is not an ISO-8601 UTC time (e.g. 2016-12-19 or 2016-12-19T17:00:00Z)`, { field: flag });
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 60) {
    throw new InputError(`"${value}" is not a valid calendar date/time`, { field: flag });
  }
  let iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ? '.' + frac.slice(0, 3).padEnd(3, '0') : ''}`;
  if (!zone || zone === 'Z') iso += 'Z';
  else iso += zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new InputError(`"${value}" is not a valid time`, { field: flag });
  return ms;
}

/** Parse --from/--to; InputError if the window ends before (or when) it starts. */
export function parseTimeWindow(
  from: string,
  to: string,
  flags: { from: string; to: string } = { from: '--from', to: '--to' },
): { fromMs: number; toMs: number } {
  const fromMs = parseIsoTime(from, flags.from);
  const toMs = parseIsoTime(to, flags.to);
  if (toMs <= fromMs) {
    throw new InputError(`time window ends (${new Date(toMs).toISOString()}) before it starts (${new Date(fromMs).toISOString()})`, {
      field: flags.to,
    });
  }
  return { fromMs, toMs };
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** Exclusive bounds when true. */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

/** Parse a finite number, optionally within [min, max]. */
export function parseNumber(value: string, flag: string, range: NumberRange = {}): number {
  const v = value.trim();
  const x = v === '' ? NaN : Number(v);
  if (!Number.isFinite(x)) throw new InputError(`"${value}" is not a number`, { field: flag });
  const { min, max, exclusiveMin, exclusiveMax } = range;
  if (min !== undefined && (exclusiveMin ? x <= min : x < min)) {
    throw new InputError(`${x} is out of range (must be ${exclusiveMin ? '>' : '≥'} ${min})`, { field: flag });
  }
  if (max !== undefined && (exclusiveMax ? x >= max : x > max)) {
    throw new InputError(`${x} is out of range (must be ${exclusiveMax ? '<' : '≤'} ${max})`, { field: flag });
  }
  return x;
}

/** Parse an integer (decimal, or 0x hex), optionally within [min, max]. */
export function parseInteger(value: string, flag: string, range: NumberRange = {}): number {
  const x = parseNumber(value, flag, range);
  if (!Number.isSafeInteger(x)) throw new InputError(`"${value}" is not an integer`, { field: flag });
  return x;
}

/** Parse a comma-separated list of reference station ids ("xinglong,graz"). */
export function parseStationList(value: string, flag = '--station'): Station[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) throw new InputError('no station given', { field: flag });
  const seen = new Set<string>();
  const out: Station[] = [];
  for (const id of ids) {
    const st = getStation(id, { field: flag });
    if (!seen.has(st.id)) {
      seen.add(st.id);
      out.push(st);
    }
  }
  return out;
}

/** `.argParser(isoTimeOption('--from'))` → epoch ms. */
export function isoTimeOption(flag: string): (value: string) => number {
  return (value) => parseIsoTime(value, flag);
}

/** `.argParser(numberOption('--min-elevation', { min: 0, max: 90 }))`. */
export function numberOption(flag: string, range: NumberRange = {}): (value: string) => number {
  return (value) => parseNumber(value, flag, range);
}

export function integerOption(flag: string, range: NumberRange = {}): (value: string) => number {
  return (value) => parseInteger(value, flag, range);
}

export function stationListOption(flag = '--station'): (value: string) => Station[] {
  return (value) => parseStationList(value, flag);
}
