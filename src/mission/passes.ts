/**
 * Passes of a mission's satellite over its stations, each computed with the element set whose
 * epoch is nearest (a catalogue of many sets is cut into time segments), with a warning for every
 * element set propagated more than EPOCH_WARN_DAYS from its epoch.
 */
import { InputError } from '../core/errors.js';
import { EPOCH_LIMIT_DAYS, epochDistanceCheck } from '../orbit/epoch.js';
import { epochMs } from '../orbit/sgp4.js';
import type { HermiteEphemeris } from '../orbit/ephemeris.js';
import { findPasses, resolvePass, type Pass, type PassConstraints } from '../orbit/passes.js';
import type { SatelliteElements, Station } from '../orbit/types.js';
import type { Mission } from './config.js';
import { catalogueSegments, elementsAt } from './elements.js';

export interface MissionPass extends Pass {
  /** The element set the pass was computed with. */
  elements: SatelliteElements;
}

export interface MissionPassList {
  passes: MissionPass[];
  /** Propagation-distance warnings (each once). */
  warnings: string[];
}

function addWarning(list: string[], w: string | undefined): void {
  if (w !== undefined && !list.includes(w)) list.push(w);
}

/** All passes over `stations` overlapping [fromMs, toMs], sorted by AOS. */
export function missionPasses(
  mission: Mission,
  stations: Station[],
  fromMs: number,
  toMs: number,
  constraints: PassConstraints = mission.constraints,
  onProgress?: (fraction: number) => void,
  /**
   * findPasses' `interpolate` (the planner's long multi-station searches); `clipToEpochLimit`:
   * search each element set only within EPOCH_LIMIT_DAYS of its epoch (the rest of the window
   * gets a warning instead of an error, and a pass reaching past the limit is left out);
   * `ephemerisOf`: with `interpolate`, the ephemeris of an element set (covering the window ± 31 min).
   */
  search: { interpolate?: boolean; clipToEpochLimit?: boolean; ephemerisOf?: (elements: SatelliteElements) => HermiteEphemeris } = {},
): MissionPassList {
  if (!(toMs > fromMs)) throw new InputError(`time window ends (${new Date(toMs).toISOString()}) before it starts (${new Date(fromMs).toISOString()})`, { field: 'to' });
  const segments = catalogueSegments(mission.satellite, fromMs, toMs);
  const warnings: string[] = [];
  const passes: MissionPass[] = [];
  const span = toMs - fromMs;
  for (const seg of segments) {
    // the segment's passes (by TCA), searched with the segment's element set
    const first = seg === segments[0];
    const last = seg === segments[segments.length - 1];
    let segFrom = seg.fromMs;
    let segTo = seg.toMs;
    let limit: { lo: number; hi: number } | undefined;
    if (search.clipToEpochLimit) {
      const clip = clipToEpochLimit(seg.elements, seg.fromMs, seg.toMs);
      addWarning(warnings, clip.warning);
      if (clip.fromMs === undefined || clip.toMs === undefined) continue;
      [segFrom, segTo] = [clip.fromMs, clip.toMs];
      limit = clip.limit;
    }
    const found = findPasses({
      ...constraints,
      elements: seg.elements,
      stations,
      fromMs: segFrom,
      toMs: segTo,
      interpolate: search.interpolate,
      ephemeris: search.interpolate ? search.ephemerisOf?.(seg.elements) : undefined,
      onProgress: onProgress ? (f) => onProgress((seg.fromMs - fromMs + f * (seg.toMs - seg.fromMs)) / span) : undefined,
    });
    const mine = found.filter((p) => (first || p.tcaMs >= seg.fromMs) && (last || p.tcaMs < seg.toMs) && (!limit || (p.aosMs >= limit.lo && p.losMs <= limit.hi)));
    // one warning per element set, for its pass farthest from the epoch
    if (mine.length) addWarning(warnings, epochDistanceCheck(seg.elements, mine[0].aosMs, mine[mine.length - 1].losMs));
    // findPasses' passes are this call's own objects: tag them rather than copy them
    for (const p of mine) {
      const mp = p as MissionPass;
      mp.elements = seg.elements;
      passes.push(mp);
    }
  }
  passes.sort((a, b) => a.aosMs - b.aosMs || a.station.localeCompare(b.station));
  onProgress?.(1);
  return { passes, warnings };
}

const DAY_MS = 86_400_000;
const isoOf = (ms: number): string => new Date(ms).toISOString();

/**
 * [fromMs, toMs] cut to the element set's epoch ± EPOCH_LIMIT_DAYS (SGP4 is refused beyond):
 * the clipped window (undefined ends when nothing is left), the limit itself, and a warning
 * naming the part left out (none when the window fits).
 */
export function clipToEpochLimit(
  elements: SatelliteElements,
  fromMs: number,
  toMs: number,
): { fromMs?: number; toMs?: number; limit: { lo: number; hi: number }; warning?: string } {
  const e = epochMs(elements);
  const limit = { lo: e - EPOCH_LIMIT_DAYS * DAY_MS, hi: e + EPOCH_LIMIT_DAYS * DAY_MS };
  if (fromMs >= limit.lo && toMs <= limit.hi) return { fromMs, toMs, limit };
  const a = Math.max(fromMs, limit.lo);
  const b = Math.min(toMs, limit.hi);
  const lost = ((toMs - fromMs) - Math.max(0, b - a)) / DAY_MS;
  const head = `"${elements.name}": element set epoch ${isoOf(e)}; SGP4 is refused beyond ${EPOCH_LIMIT_DAYS} days of it`;
  if (!(b > a)) return { limit, warning: `${head}: ${isoOf(fromMs)} → ${isoOf(toMs)} lies wholly outside and is not planned` };
  return { fromMs: a, toMs: b, limit, warning: `${head}: the pass search is clipped to ${isoOf(a)} → ${isoOf(b)} (${lost.toFixed(2)} days of the window not planned)` };
}

export interface ResolvedPass {
  pass: Pass;
  elements: SatelliteElements;
  warnings: string[];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One pass of a station by `spec` (a UTC date: the highest night pass that day; or an ISO time
 * near AOS), computed with the element set nearest to it.
 */
export function resolveMissionPass(mission: Mission, station: Station, spec: string, constraints: PassConstraints = mission.constraints): ResolvedPass {
  const s = spec.trim();
  const guessMs = DATE_RE.test(s) ? Date.parse(`${s}T12:00:00Z`) : Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s}Z`);
  let elements = elementsAt(mission.satellite, Number.isFinite(guessMs) ? guessMs : mission.satellite.epochsMs[mission.satellite.epochsMs.length - 1]);
  let pass = resolvePass(elements, station, s, constraints);
  const nearest = elementsAt(mission.satellite, pass.tcaMs);
  if (nearest !== elements) {
    elements = nearest;
    pass = resolvePass(elements, station, s, constraints);
  }
  const warnings: string[] = [];
  addWarning(warnings, epochDistanceCheck(elements, pass.aosMs, pass.losMs));
  return { pass, elements, warnings };
}
