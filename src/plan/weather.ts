/**
 * Weather tables: per station, the monthly probability of a cloud-free line of sight (CFLOS),
 * from a JSON object `{ "station": [12 values] }` or a CSV file with a header
 * `station,jan,feb,…,dec` (or `station,month,probability` rows, month 1–12). Values in [0, 1].
 *
 * The shipped defaults for the six reference stations are ASSUMPTIONS, round numbers standing
 * for each site's climate character, not measurements: replace them with CFLOS statistics from
 * reanalysis cloud data (e.g. ERA-Interim/ERA5 as in Willstatter et al., SPIE 10408 (2017)); the
 * cloud data sets disagree with one another (del Portillo et al. 2018), so report the
 * uncertainty. A station missing from a table counts as always clear (probability 1), named in
 * the plan's notes.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { WeatherTable } from './types.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Default monthly cloud-free probabilities (ASSUMPTIONS, see the file comment): East-Asian
 * monsoon sites (Xinglong, Lijiang) cloudy in summer and clear in winter; the Tibetan-plateau and
 * Qinghai high-desert sites (Ngari, Delingha) mostly clear, with the summer monsoon's edge;
 * Nanshan (Tian Shan foothills) clear in winter and autumn; Graz (central European) cloudier in
 * winter (fog) than in late summer.
 */
export const DEFAULT_WEATHER: WeatherTable = {
  source: 'shipped defaults (assumptions; src/plan/weather.ts)',
  stations: {
    xinglong: [0.7, 0.7, 0.6, 0.55, 0.5, 0.35, 0.25, 0.3, 0.5, 0.65, 0.65, 0.7],
    nanshan: [0.6, 0.6, 0.55, 0.5, 0.5, 0.5, 0.5, 0.55, 0.6, 0.65, 0.6, 0.55],
    delingha: [0.75, 0.7, 0.65, 0.6, 0.55, 0.45, 0.45, 0.5, 0.55, 0.7, 0.75, 0.8],
    lijiang: [0.8, 0.75, 0.7, 0.6, 0.4, 0.2, 0.15, 0.2, 0.3, 0.55, 0.75, 0.8],
    ngari: [0.8, 0.8, 0.75, 0.75, 0.7, 0.6, 0.5, 0.55, 0.7, 0.85, 0.85, 0.85],
    graz: [0.3, 0.4, 0.45, 0.45, 0.45, 0.5, 0.55, 0.55, 0.5, 0.4, 0.3, 0.25],
  },
  notes: Object.fromEntries(
    ['xinglong', 'nanshan', 'delingha', 'lijiang', 'ngari', 'graz'].map((id) => [id, 'assumption: climate-character round numbers, not measured (src/plan/weather.ts)']),
  ),
};

function checkProbability(v: unknown, file: string, line: number | undefined, field: string): number {
  const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(`"${String(v)}" is not a number`, { file, line, field });
  if (!(x >= 0 && x <= 1)) throw new InputError(`probability ${x} is outside [0, 1]`, { file, line, field });
  return x;
}

/** Parse a weather table's text (JSON or CSV, by its first character). */
export function parseWeather(text: string, file: string): WeatherTable {
  const t = text.replace(/^\uFEFF/, '');
  const stations: Record<string, number[]> = {};
  if (/^\s*\{/.test(t)) {
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`, { file });
    }
    for (const [id, v] of Object.entries(json as Record<string, unknown>)) {
      if (!Array.isArray(v) || v.length !== 12) throw new InputError('12 monthly probabilities expected (January first)', { file, field: id });
      stations[id.toLowerCase()] = v.map((x, k) => checkProbability(x, file, undefined, `${id}[${k}]`));
    }
    return { source: file, stations };
  }
  const lines = t.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const wide = header.length === 13 && header[0] === 'station' && MONTHS.every((m, k) => header[k + 1] === m);
  const long = header.length === 3 && header[0] === 'station' && header[1] === 'month' && header[2] === 'probability';
  if (!wide && !long) throw new InputError(`header must be "station,${MONTHS.join(',')}" or "station,month,probability"`, { file, line: 1 });
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',').map((c) => c.trim());
    const line = i + 1;
    if (cells.length !== header.length) throw new InputError(`${cells.length} fields, the header has ${header.length}`, { file, line });
    const id = cells[0].toLowerCase();
    if (wide) {
      stations[id] = cells.slice(1).map((c, k) => checkProbability(c, file, line, MONTHS[k]));
    } else {
      const month = Number(cells[1]);
      if (!Number.isInteger(month) || month < 1 || month > 12) throw new InputError(`month "${cells[1]}" is not 1..12`, { file, line, field: 'month' });
      (stations[id] ??= new Array<number>(12).fill(Number.NaN))[month - 1] = checkProbability(cells[2], file, line, 'probability');
    }
  }
  for (const [id, v] of Object.entries(stations)) {
    const missing = v.findIndex((x) => Number.isNaN(x));
    if (missing >= 0) throw new InputError(`station "${id}" has no value for month ${missing + 1}`, { file, field: id });
  }
  return { source: file, stations };
}

/** Read a weather table file. */
export function loadWeather(file: string): WeatherTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, field: '--weather' });
  }
  return parseWeather(text, file);
}

/** Cloud-free probability of a station in the UTC month of `timeMs` (1 when the table lacks it). */
export function cloudFreeProbability(table: WeatherTable, stationId: string, timeMs: number): number {
  const row = table.stations[stationId];
  return row ? row[new Date(timeMs).getUTCMonth()] : 1;
}
