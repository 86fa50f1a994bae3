/**
 * Passes of a mission's satellite over its stations, each computed with the element set whose
 * epoch is nearest (a catalogue of many sets is cut into time segments), with a warning for every
 * element set propagated more than EPOCH_WARN_DAYS from its epoch.
 */
import { InputError } from '../core/errors.js';
import { epochDistanceCheck } from '../orbit/epoch.js';
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
  /** findPasses' `interpolate` (the planner's long multi-station searches). */
  search: { interpolate?: boolean } = {},
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
    const found = findPasses({
      ...constraints,
      elements: seg.elements,
      stations,
      fromMs: seg.fromMs,
      toMs: seg.toMs,
      interpolate: search.interpolate,
      onProgress: onProgress ? (f) => onProgress((seg.fromMs - fromMs + f * (seg.toMs - seg.fromMs)) / span) : undefined,
    });
    const mine = found.filter((p) => (first || p.tcaMs >= seg.fromMs) && (last || p.tcaMs < seg.toMs));
    // one warning per element set, for its pass farthest from the epoch
    if (mine.length) addWarning(warnings, epochDistanceCheck(seg.elements, mine[0].aosMs, mine[mine.length - 1].losMs));
    for (const p of mine) passes.push({ ...p, elements: seg.elements });
  }
  passes.sort((a, b) => a.aosMs - b.aosMs || a.station.localeCompare(b.station));
  onProgress?.(1);
  return { passes, warnings };
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
