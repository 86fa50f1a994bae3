/**
 * Mission files: one JSON (with comments) document naming the satellite, the stations with
 * their own receivers, the transmitter, the operating constraints, the post-processing defaults
 * and named passes. `loadMission` reads one (a path, or the name of a shipped mission in
 * missions/), validates it with the schema of schema.ts, fills every default, checks the
 * complete hardware with the link layer's checks, and records where each value came from.
 * Errors are InputErrors naming file, line and field.
 *
 * Defaults, in this order (a later one overrides an earlier one):
 *   transmitter: MICIUS_TRANSMITTER ← mission `transmitter`;
 *   receiver of a station: DEFAULT_RECEIVER (the Xinglong 1 m receiver, no city light)
 *     ← mission `receiver` ← the station's `receiver`;
 *   constraints: min elevation 10°, night only, sun below −12°;
 *   post-processing: DEFAULT_POLICY (cascade, hoeffding, symmetric, ε = 1e-9).
 * Relative file names are resolved against the mission file's folder.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { InputError, type InputErrorLocation } from '../core/errors.js';
import {
  checkLinkPair,
  checkReceiver,
  checkTransmitter,
  DEFAULT_RECEIVER,
  MICIUS_TRANSMITTER,
  type ReceiverConfig,
  type TransmitterConfig,
} from '../link/hardware.js';
import type { PassConstraints } from '../orbit/passes.js';
import { parseOmmList, parseTleCatalogue } from '../orbit/tle.js';
import type { Station } from '../orbit/types.js';
import { DEFAULT_POLICY, type ReconciliationMethod } from '../protocol/types.js';
import type { Bound, Protocol } from '../security/types.js';
import { walkerElements, type ConstellationSpec } from './constellation.js';
import { catalogueOf, readElementSets, singleCatalogue, type ElementCatalogue } from './elements.js';
import { parseJsonDocument, type JsonDocument } from './jsonText.js';
import { missionSchema, type MissionFile } from './schema.js';
import { shippedCatalogue } from './satellites.js';
import { getStation } from './stations.js';

/** A station of a mission: coordinates, horizon mask and its own complete receiver. */
export interface MissionStation extends Station {
  receiver: ReceiverConfig;
  description?: string;
}

/** Published figures of a pass (to print next to the model). */
export interface PublishedFigures {
  source: string;
  detections?: number;
  siftedBits?: number;
  qber?: number;
  finalKeyBits?: number;
  finalKeyRateBps?: number;
  durationS?: number;
  epsSec?: number;
}

/** Post-processing of a replay. */
export interface PostProcessingChoice {
  reconciliation: ReconciliationMethod;
  bound: Bound;
  protocol: Protocol;
  epsSec: number;
}

/** A named pass of a mission (a replay preset). */
export interface ReplayPreset extends PostProcessingChoice {
  id: string;
  description?: string;
  /** The mission it belongs to (its name). */
  mission: string;
  station: string;
  /** UTC date (the highest night pass that day) or an ISO time near AOS (resolvePass). */
  pass: string;
  /** Data window centred on TCA (s); absent: AOS → LOS above the minimum elevation. */
  windowS?: number;
  published?: PublishedFigures;
}

/** A station pair's wanted key over a planning window. */
export interface DemandEntry {
  a: string;
  b: string;
  bits: number;
}

/** A resolved mission: every default filled in, every value checked. */
export interface Mission {
  name: string;
  description?: string;
  /** The file it was read from ("<inline>" for text). */
  file: string;
  /** The satellite (with a constellation and no `satellite` key: its first satellite). */
  satellite: ElementCatalogue;
  /** A Walker constellation's satellites, one catalogue each (absent: the one `satellite`). */
  constellation?: { spec: ConstellationSpec; satellites: ElementCatalogue[] };
  /** The demand matrix (planner), station ids checked against `stations`. */
  demand?: DemandEntry[];
  transmitter: TransmitterConfig;
  stations: MissionStation[];
  constraints: Required<PassConstraints>;
  postprocessing: PostProcessingChoice;
  replays: ReplayPreset[];
  /** Where each resolved value came from, by path ("stations.xinglong.receiver.apertureM" → "file line 42"). */
  origins: Record<string, string>;
  /** The validated file content, including keys an extended schema added (e.g. the planner's). */
  raw: Record<string, unknown>;
}

export interface ParseMissionOptions {
  /** A schema extending missionSchema (e.g. `z.object({ ...missionShape, constellation })`). */
  schema?: z.ZodType<MissionFile>;
}

export const DEFAULT_MISSION_CONSTRAINTS: Required<PassConstraints> = { minElevationDeg: 10, nightOnly: true, sunElevationMaxDeg: -12 };

const DEFAULTS_LABEL = {
  transmitter: 'default: MICIUS_TRANSMITTER (link/hardware.ts)',
  receiver: 'default: DEFAULT_RECEIVER (link/hardware.ts; no city light)',
  constraints: 'default: DEFAULT_MISSION_CONSTRAINTS (mission/config.ts)',
  postprocessing: 'default: DEFAULT_POLICY (protocol/types.ts)',
};

function readText(path: string, where: InputErrorLocation = {}): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path, ...where });
  }
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

interface Ctx {
  file: string;
  doc: JsonDocument;
  origins: Record<string, string>;
  base: string;
}

const pathText = (p: readonly (string | number | symbol)[]) => p.map(String).join('.');

function where(ctx: Ctx, path: readonly (string | number | symbol)[]): InputErrorLocation {
  return { file: ctx.file, line: ctx.doc.lineOf(path), field: pathText(path) };
}

function fromFile(ctx: Ctx, path: (string | number)[]): string {
  const line = ctx.doc.lineOf(path);
  return line !== undefined ? `file line ${line}` : 'file';
}

function resolveSatellite(ctx: Ctx, s: NonNullable<MissionFile['satellite']>): ElementCatalogue {
  const at = where(ctx, ['satellite']);
  if (typeof s === 'string') return shippedCatalogue(s, at);
  if ('preset' in s) return shippedCatalogue(s.preset, where(ctx, ['satellite', 'preset']));
  if ('tle' in s) return catalogueOf(parseTleCatalogue(s.tle, `${ctx.file}: satellite.tle`), 'satellite.tle', s.select, at);
  if ('omm' in s) return catalogueOf(parseOmmList(s.omm, `${ctx.file}: satellite.omm`), 'satellite.omm', s.select, at);
  const [key, format] = 'tleFile' in s ? (['tleFile', 'tle'] as const) : 'ommFile' in s ? (['ommFile', 'omm'] as const) : (['elementsFile', 'auto'] as const);
  const name = (s as Record<string, string>)[key];
  const path = resolve(ctx.base, name);
  return catalogueOf(readElementSets(path, where(ctx, ['satellite', key]), format), name, s.select, at);
}

function mergeTracked<T extends object>(
  ctx: Ctx,
  prefix: string,
  layers: { values: Record<string, unknown> | undefined; label: (key: string) => string }[],
): T {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer.values) continue;
    for (const [k, v] of Object.entries(layer.values)) {
      out[k] = v;
      ctx.origins[`${prefix}.${k}`] = layer.label(k);
    }
  }
  return out as T;
}

/** Validate a mission from its JSON/JSONC text (`file` names it in messages and anchors relative paths). */
export function parseMission(text: string, file = '<inline>', options: ParseMissionOptions = {}): Mission {
  const doc = parseJsonDocument(text, file);
  const ctx: Ctx = { file, doc, origins: {}, base: dirname(resolve(file)) };
  const schema = options.schema ?? missionSchema;
  const r = schema.safeParse(doc.value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.code === 'unrecognized_keys' && issue.keys.length ? [...issue.path, issue.keys[0]] : issue.path;
    const message = issue.code === 'unrecognized_keys' && issue.keys.length ? `unknown key "${issue.keys[0]}"` : issue.message;
    throw new InputError(message, where(ctx, path));
  }
  const m = r.data;
  const raw = doc.value as Record<string, unknown>;

  let constellation: Mission['constellation'];
  if (m.constellation) {
    const spec: ConstellationSpec = m.constellation;
    const sets = walkerElements(spec, { file: ctx.file, line: ctx.doc.lineOf(['constellation']) });
    constellation = { spec, satellites: sets.map((e) => singleCatalogue(e, `constellation ${spec.walker}`)) };
    ctx.origins.constellation = `${fromFile(ctx, ['constellation'])}: Walker ${spec.walker} at ${spec.altitudeKm} km, epoch ${spec.epoch}`;
  }
  if (m.satellite === undefined && !constellation) throw new InputError('missing "satellite" (or a "constellation")', where(ctx, ['satellite']));
  const satellite = m.satellite !== undefined ? resolveSatellite(ctx, m.satellite) : constellation!.satellites[0];
  ctx.origins.satellite = `${m.satellite === undefined ? `the first of the constellation's ${constellation!.satellites.length} satellites` : fromFile(ctx, ['satellite'])}: ${satellite.sets.length} element set(s) of ${satellite.name}${satellite.noradId !== undefined ? ` (${satellite.noradId})` : ''} from ${satellite.source}`;

  // transmitter
  const txMerged = mergeTracked<Record<string, unknown>>(ctx, 'transmitter', [
    { values: MICIUS_TRANSMITTER as unknown as Record<string, unknown>, label: () => DEFAULTS_LABEL.transmitter },
    { values: m.transmitter, label: (k) => fromFile(ctx, ['transmitter', k]) },
  ]);
  const tx = checkTransmitter(txMerged);
  if (!tx.ok) throw new InputError(tx.message, where(ctx, m.transmitter && tx.path[0] !== undefined && String(tx.path[0]) in m.transmitter ? ['transmitter', ...tx.path] : ['transmitter']));
  const transmitter = tx.value;

  // stations, each with its own receiver
  const seen = new Set<string>();
  const stations: MissionStation[] = m.stations.map((st, k) => {
    const spec = typeof st === 'string' ? { id: st } : st;
    const ref = spec.id !== undefined ? tryReference(spec.id) : undefined;
    const id = spec.id ?? (spec.name ? slug(spec.name) : '');
    if (!id) throw new InputError('a station needs an "id" or a "name"', where(ctx, ['stations', k]));
    if (seen.has(id)) throw new InputError(`duplicate station id "${id}"`, where(ctx, ['stations', k]));
    seen.add(id);
    const prefix = `stations.${id}`;
    const coord = (key: 'latitudeDeg' | 'longitudeDeg' | 'altitudeM'): number => {
      const v = spec[key];
      if (v !== undefined) {
        ctx.origins[`${prefix}.${key}`] = fromFile(ctx, ['stations', k, key]);
        return v;
      }
      if (ref) {
        ctx.origins[`${prefix}.${key}`] = `reference station ${ref.id} (src/mission/stations.ts)`;
        return ref[key];
      }
      throw new InputError(`missing ${key} (required unless "id" is a reference station: ${referenceIds()})`, where(ctx, ['stations', k]));
    };
    const station: MissionStation = {
      id,
      name: spec.name ?? ref?.name ?? id,
      latitudeDeg: coord('latitudeDeg'),
      longitudeDeg: coord('longitudeDeg'),
      altitudeM: coord('altitudeM'),
      horizonMaskDeg: spec.horizonMaskDeg ?? ref?.horizonMaskDeg ?? 0,
      receiver: DEFAULT_RECEIVER,
      ...(spec.description ? { description: spec.description } : {}),
    };
    ctx.origins[`${prefix}.name`] = spec.name !== undefined ? fromFile(ctx, ['stations', k, 'name']) : ref ? `reference station ${ref.id}` : 'the id';
    ctx.origins[`${prefix}.horizonMaskDeg`] = spec.horizonMaskDeg !== undefined ? fromFile(ctx, ['stations', k, 'horizonMaskDeg']) : 'default: 0° (the minimum elevation applies)';
    if (station.longitudeDeg > 180) station.longitudeDeg -= 360;
    const rxMerged = mergeTracked<Record<string, unknown>>(ctx, `${prefix}.receiver`, [
      { values: DEFAULT_RECEIVER as unknown as Record<string, unknown>, label: () => DEFAULTS_LABEL.receiver },
      { values: m.receiver, label: (key) => `mission receiver, ${fromFile(ctx, ['receiver', key])}` },
      { values: spec.receiver, label: (key) => fromFile(ctx, ['stations', k, 'receiver', key]) },
    ]);
    const rx = checkReceiver(rxMerged);
    const rxWhere = (path: (string | number)[]): InputErrorLocation => {
      const key = path[0] !== undefined ? String(path[0]) : undefined;
      if (key && spec.receiver && key in spec.receiver) return where(ctx, ['stations', k, 'receiver', ...path]);
      if (key && m.receiver && key in m.receiver) return where(ctx, ['receiver', ...path]);
      return where(ctx, ['stations', k]);
    };
    if (!rx.ok) throw new InputError(rx.message, rxWhere(rx.path));
    const pair = checkLinkPair(transmitter, rx.value);
    if (!pair.ok) throw new InputError(pair.message, rxWhere(pair.path));
    station.receiver = rx.value;
    station.telescope = { apertureM: rx.value.apertureM, obscurationM: rx.value.obscurationM };
    return station;
  });

  // constraints
  const c = m.constraints ?? {};
  const constraints: Required<PassConstraints> = { ...DEFAULT_MISSION_CONSTRAINTS };
  for (const key of Object.keys(DEFAULT_MISSION_CONSTRAINTS) as (keyof PassConstraints)[]) {
    const v = c[key];
    if (v !== undefined) (constraints as Record<string, unknown>)[key] = v;
    ctx.origins[`constraints.${key}`] = v !== undefined ? fromFile(ctx, ['constraints', key]) : DEFAULTS_LABEL.constraints;
  }

  // post-processing defaults and named passes
  const pp = m.postprocessing ?? {};
  const postprocessing: PostProcessingChoice = {
    reconciliation: pp.reconciliation ?? DEFAULT_POLICY.reconciliation,
    bound: pp.bound ?? DEFAULT_POLICY.bound,
    protocol: pp.protocol ?? DEFAULT_POLICY.protocol,
    epsSec: pp.epsSec ?? DEFAULT_POLICY.epsSec,
  };
  for (const key of Object.keys(postprocessing) as (keyof PostProcessingChoice)[]) {
    ctx.origins[`postprocessing.${key}`] = pp[key] !== undefined ? fromFile(ctx, ['postprocessing', key]) : DEFAULTS_LABEL.postprocessing;
  }
  const demand = m.demand?.map((d, k) => {
    for (const key of ['a', 'b'] as const) {
      if (!seen.has(d[key])) throw new InputError(`no station "${d[key]}" in this mission (stations: ${[...seen].join(', ')})`, where(ctx, ['demand', k, key]));
    }
    if (d.a === d.b) throw new InputError(`a pair needs two stations, got "${d.a}" twice`, where(ctx, ['demand', k, 'b']));
    return { a: d.a, b: d.b, bits: d.bits };
  });
  const name = m.name ?? slug(m.constellation ? (m.constellation.name ?? `walker-${m.constellation.walker}`) : satellite.name);
  ctx.origins.name = m.name !== undefined ? fromFile(ctx, ['name']) : 'the satellite name';
  const replayIds = new Set<string>();
  const replays: ReplayPreset[] = (m.replays ?? []).map((rp, k) => {
    if (!seen.has(rp.station)) throw new InputError(`no station "${rp.station}" in this mission (stations: ${[...seen].join(', ')})`, where(ctx, ['replays', k, 'station']));
    if (replayIds.has(rp.id)) throw new InputError(`duplicate replay id "${rp.id}"`, where(ctx, ['replays', k, 'id']));
    replayIds.add(rp.id);
    return {
      id: rp.id,
      mission: name,
      station: rp.station,
      pass: rp.pass,
      reconciliation: rp.reconciliation ?? postprocessing.reconciliation,
      bound: rp.bound ?? postprocessing.bound,
      protocol: rp.protocol ?? postprocessing.protocol,
      epsSec: rp.published?.epsSec ?? postprocessing.epsSec,
      ...(rp.windowS !== undefined ? { windowS: rp.windowS } : {}),
      ...(rp.description ? { description: rp.description } : {}),
      ...(rp.published ? { published: rp.published } : {}),
    };
  });

  return {
    name,
    ...(m.description ? { description: m.description } : {}),
    file,
    satellite,
    ...(constellation ? { constellation } : {}),
    ...(demand ? { demand } : {}),
    transmitter,
    stations,
    constraints,
    postprocessing,
    replays,
    origins: ctx.origins,
    raw,
  };
}

function tryReference(id: string): Station | undefined {
  try {
    return getStation(id);
  } catch {
    return undefined;
  }
}

function referenceIds(): string {
  return ['xinglong', 'nanshan', 'delingha', 'lijiang', 'ngari', 'graz'].join(', ');
}

/** Read and validate a mission file. */
export function loadMissionFile(file: string, options: ParseMissionOptions = {}): Mission {
  return parseMission(readText(file), file, options);
}

/** A station of the mission by id (or name); InputError lists the mission's stations. */
export function missionStation(mission: Mission, id: string, where: InputErrorLocation = { field: '--station' }): MissionStation {
  const key = id.trim().toLowerCase();
  const st = mission.stations.find((s) => s.id === key) ?? mission.stations.find((s) => s.name.toLowerCase() === key);
  if (!st) throw new InputError(`unknown station "${id}"; known stations: ${mission.stations.map((s) => s.id).join(', ')} (mission ${mission.name})`, where);
  return st;
}

/** The mission with another satellite (the `--tle/--omm/--satellite` shorthands). */
export function withSatellite(mission: Mission, satellite: ElementCatalogue, origin: string): Mission {
  return { ...mission, satellite, origins: { ...mission.origins, satellite: `${origin}: ${satellite.sets.length} element set(s) of ${satellite.name}` } };
}

/** A named pass of the mission; InputError lists them. */
export function missionReplay(mission: Mission, id: string, where: InputErrorLocation = { field: '--preset' }): ReplayPreset {
  const r = mission.replays.find((x) => x.id === id);
  if (!r) throw new InputError(`no replay "${id}" in mission ${mission.name}; known: ${mission.replays.map((x) => x.id).join(', ') || 'none'}`, where);
  return r;
}
