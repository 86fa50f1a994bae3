/**
 * A mission's satellite as a catalogue of element sets. A file may hold several sets of one
 * satellite (a TLE history: each pass uses the set whose epoch is nearest to it) or sets of
 * several satellites (one is selected by name or NORAD id).
 */
import { readFileSync } from 'node:fs';
import { InputError, type InputErrorLocation } from '../core/errors.js';
import { epochMs } from '../orbit/sgp4.js';
import { parseOmmList, parseTleCatalogue } from '../orbit/tle.js';
import type { SatelliteElements } from '../orbit/types.js';

export interface ElementCatalogue {
  /** The satellite's name (of its latest element set). */
  name: string;
  noradId?: number;
  /** Element sets of this one satellite, sorted by epoch. */
  sets: SatelliteElements[];
  /** Their epochs, ms since the Unix epoch (same order). */
  epochsMs: number[];
  /** Where the sets came from (file or "inline"). */
  source: string;
}

/** The element set whose epoch is nearest to `timeMs`. */
export function elementsAt(cat: ElementCatalogue, timeMs: number): SatelliteElements {
  let best = 0;
  for (let i = 1; i < cat.sets.length; i++) if (Math.abs(cat.epochsMs[i] - timeMs) < Math.abs(cat.epochsMs[best] - timeMs)) best = i;
  return cat.sets[best];
}

/**
 * Instants where the nearest element set changes (midpoints between consecutive epochs), so a
 * time window can be cut into pieces that each use one set.
 */
export function catalogueSegments(cat: ElementCatalogue, fromMs: number, toMs: number): { fromMs: number; toMs: number; elements: SatelliteElements }[] {
  const out: { fromMs: number; toMs: number; elements: SatelliteElements }[] = [];
  for (let i = 0; i < cat.sets.length; i++) {
    const lo = i === 0 ? -Infinity : (cat.epochsMs[i - 1] + cat.epochsMs[i]) / 2;
    const hi = i === cat.sets.length - 1 ? Infinity : (cat.epochsMs[i] + cat.epochsMs[i + 1]) / 2;
    const a = Math.max(lo, fromMs);
    const b = Math.min(hi, toMs);
    if (b > a) out.push({ fromMs: a, toMs: b, elements: cat.sets[i] });
  }
  return out;
}

const keyOf = (e: SatelliteElements): string => (e.noradId !== undefined ? `#${e.noradId}` : e.name.toLowerCase());

/**
 * Build the catalogue of one satellite from element sets, selecting by name or NORAD id when
 * they describe several satellites. Duplicate epochs are kept once.
 */
export function catalogueOf(all: SatelliteElements[], source: string, select: string | number | undefined, where: InputErrorLocation): ElementCatalogue {
  const groups = new Map<string, SatelliteElements[]>();
  for (const e of all) {
    const k = keyOf(e);
    const g = groups.get(k) ?? [];
    g.push(e);
    groups.set(k, g);
  }
  let chosen: SatelliteElements[];
  const describe = () => [...groups.values()].map((g) => `${g[g.length - 1].name}${g[0].noradId !== undefined ? ` (${g[0].noradId})` : ''}`).join(', ');
  if (select !== undefined) {
    const s = String(select).trim().toLowerCase();
    const hit = [...groups.values()].find((g) => g.some((e) => String(e.noradId) === s || e.name.trim().toLowerCase() === s));
    if (!hit) throw new InputError(`no satellite "${select}" in ${source}; it holds ${describe()}`, { ...where, field: where.field ? `${where.field}.select` : 'select' });
    chosen = hit;
  } else if (groups.size > 1) {
    throw new InputError(`${source} holds ${groups.size} satellites (${describe()}); pick one with "select": name or NORAD id`, { ...where, field: where.field ? `${where.field}.select` : 'select' });
  } else chosen = [...groups.values()][0];
  const pairs = chosen.map((e) => ({ e, t: epochMs(e) })).sort((a, b) => a.t - b.t);
  const sets: SatelliteElements[] = [];
  const epochs: number[] = [];
  for (const p of pairs) {
    if (epochs.length && epochs[epochs.length - 1] === p.t) continue;
    sets.push(p.e);
    epochs.push(p.t);
  }
  const last = sets[sets.length - 1];
  return { name: last.name, noradId: last.noradId, sets, epochsMs: epochs, source };
}

/** A catalogue of exactly one element set. */
export function singleCatalogue(e: SatelliteElements, source: string): ElementCatalogue {
  return { name: e.name, noradId: e.noradId, sets: [e], epochsMs: [epochMs(e)], source };
}

function readText(path: string, where: InputErrorLocation): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, where);
  }
}

/** Element sets from a file: OMM JSON when it starts with `[` or `{`, TLE text otherwise. */
export function readElementSets(path: string, where: InputErrorLocation = {}, format: 'auto' | 'tle' | 'omm' = 'auto'): SatelliteElements[] {
  const text = readText(path, where);
  const isJson = format === 'omm' || (format === 'auto' && /^\s*[[{]/.test(text));
  if (!isJson) return parseTleCatalogue(text, path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`, { file: path });
  }
  return parseOmmList(json, path);
}
