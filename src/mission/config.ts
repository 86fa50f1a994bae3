/**
 * Mission configuration: satellite (TLE or OMM), ground stations, hardware and operating
 * constraints, read from JSON and validated with zod. Errors are InputErrors naming file, line
 * and field.
 *
 * File format (all keys but `satellite` and `stations` optional):
 * {
 *   "name": "my-mission",
 *   "satellite": "micius" | { "tle": "1 …\n2 …" } | { "tleFile": "sat.tle" } | { "omm": {…} } | { "ommFile": "omm.json" },
 *   "stations": [ "xinglong", { "id": "ogs", "name": "OGS", "latitudeDeg": 28.3, "longitudeDeg": -16.5,
 *                  "altitudeM": 2393, "telescope": { "apertureM": 1 }, "horizonMaskDeg": 5 } ],
 *   "hardware": { "transmitter": { …partial TransmitterConfig }, "receiver": { …partial ReceiverConfig } },
 *   "constraints": { "minElevationDeg": 10, "nightOnly": true, "sunElevationMaxDeg": -12 }
 * }
 * Relative file names are resolved against the mission file's folder.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import {
  MICIUS_TRANSMITTER,
  XINGLONG_RECEIVER,
  parseReceiver,
  parseTransmitter,
  receiverSchema,
  transmitterSchema,
  type ReceiverConfig,
  type TransmitterConfig,
} from '../link/hardware.js';
import { DEFAULT_CONSTRAINTS, type PassConstraints } from '../orbit/passes.js';
import { parseOmm, parseTle } from '../orbit/tle.js';
import type { SatelliteElements, Station } from '../orbit/types.js';
import { jsonErrorOffset, jsonValueLines, lineOfOffset, lineOfPath } from './jsonLines.js';
import { MICIUS_TLE_TEXT } from './presets/micius.js';
import { getStation, STATIONS } from './stations.js';

export interface MissionHardware {
  transmitter: TransmitterConfig;
  receiver: ReceiverConfig;
}

export interface MissionConfig {
  name: string;
  satellite: SatelliteElements;
  stations: Station[];
  hardware: MissionHardware;
  constraints: Required<PassConstraints>;
}

/** Micius elements (TLE epoch 2016-12-18 21:38 UTC). */
export const MICIUS: SatelliteElements = parseTle(MICIUS_TLE_TEXT, 'presets/micius-2016-12-18.tle');

/** Satellite presets by id. */
export const SATELLITES: Readonly<Record<string, SatelliteElements>> = Object.freeze({ micius: MICIUS });

/** Look up a satellite preset; InputError lists the known ones. */
export function getSatellite(id: string, where: { file?: string; line?: number; field?: string } = {}): SatelliteElements {
  const s = SATELLITES[id.trim().toLowerCase()];
  if (!s) throw new InputError(`unknown satellite "${id}"; known satellites: ${Object.keys(SATELLITES).join(', ')}`, where);
  return s;
}

/** Micius with the six reference stations, its transmitter, the Xinglong receiver, night-only above 10°. */
export const MICIUS_MISSION: MissionConfig = {
  name: 'micius',
  satellite: MICIUS,
  stations: Object.values(STATIONS).map((s) =>
    s.id === 'xinglong' ? { ...s, telescope: { apertureM: XINGLONG_RECEIVER.apertureM, obscurationM: XINGLONG_RECEIVER.obscurationM } } : { ...s },
  ),
  hardware: { transmitter: MICIUS_TRANSMITTER, receiver: XINGLONG_RECEIVER },
  constraints: { minElevationDeg: 10, nightOnly: true, sunElevationMaxDeg: DEFAULT_CONSTRAINTS.sunElevationMaxDeg },
};

const stationSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'id must be lower-case letters, digits, - or _').optional(),
    name: z.string().min(1),
    latitudeDeg: z.number().min(-90, 'latitude must be within ±90°').max(90, 'latitude must be within ±90°'),
    longitudeDeg: z.number().min(-180, 'longitude must be within ±180°').max(360, 'longitude must be within -180°..360°'),
    altitudeM: z.number().min(-500).max(9000),
    telescope: z
      .object({ apertureM: z.number().positive(), obscurationM: z.number().nonnegative().optional(), description: z.string().optional() })
      .strict()
      .optional(),
    horizonMaskDeg: z
      .union([
        z.number().min(-5).max(90),
        z.array(z.object({ azimuthDeg: z.number().min(0).max(360), elevationDeg: z.number().min(-5).max(90) }).strict()).min(1),
      ])
      .optional(),
  })
  .strict();

const satelliteSchema = z.union([
  z.string(),
  z.object({ preset: z.string() }).strict(),
  z.object({ tle: z.string() }).strict(),
  z.object({ tleFile: z.string() }).strict(),
  z.object({ omm: z.unknown() }).strict(),
  z.object({ ommFile: z.string() }).strict(),
]);

const missionSchema = z
  .object({
    name: z.string().min(1).optional(),
    satellite: satelliteSchema,
    stations: z.array(z.union([z.string(), stationSchema])).min(1, 'at least one station'),
    hardware: z
      .object({ transmitter: z.record(z.string(), z.unknown()).optional(), receiver: z.record(z.string(), z.unknown()).optional() })
      .strict()
      .optional(),
    constraints: z
      .object({
        minElevationDeg: z.number().min(-5).max(89.9).optional(),
        nightOnly: z.boolean().optional(),
        sunElevationMaxDeg: z.number().min(-90).max(90).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

function readText(path: string, field?: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path, field });
  }
}

/** Read a TLE file. */
export function loadTle(path: string): SatelliteElements {
  return parseTle(readText(path), path);
}

/** Read an OMM JSON file. */
export function loadOmm(path: string): SatelliteElements {
  const text = readText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.replace(/\s+/g, " ")})`, { file: path, line: jsonErrorLine(text, e) });
  }
  return parseOmm(json, path);
}

function jsonErrorLine(text: string, e: unknown): number | undefined {
  const at = jsonErrorOffset(text);
  if (at !== undefined) return lineOfOffset(text, at);
  const m = /position (\d+)/.exec((e as Error).message);
  return m ? lineOfOffset(text, Number(m[1])) : undefined;
}

/** Validate a mission from JSON text (file names for messages and relative paths). */
export function parseMission(text: string, file = '<mission>'): MissionConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.replace(/\s+/g, " ")})`, { file, line: jsonErrorLine(text, e) });
  }
  const lines = jsonValueLines(text);
  const where = (path: (string | number | symbol)[]) => ({ file, line: lineOfPath(lines, path), field: path.map(String).join('.') });
  const r = missionSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issue.message, where(issue.path));
  }
  const m = r.data;
  const base = dirname(resolve(file));

  let satellite: SatelliteElements;
  const s = m.satellite;
  if (typeof s === 'string') satellite = getSatellite(s, where(['satellite']));
  else if ('preset' in s) satellite = getSatellite(s.preset, where(['satellite', 'preset']));
  else if ('tle' in s) satellite = parseTle(s.tle, `${file}: satellite.tle`);
  else if ('tleFile' in s) satellite = loadTle(resolve(base, s.tleFile));
  else if ('omm' in s) satellite = parseOmm(s.omm, `${file}: satellite.omm`);
  else satellite = loadOmm(resolve(base, s.ommFile));

  const seen = new Set<string>();
  const stations: Station[] = m.stations.map((st, k) => {
    const station: Station =
      typeof st === 'string'
        ? getStation(st, where(['stations', k]))
        : { ...st, id: st.id ?? st.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') };
    if (station.longitudeDeg > 180) station.longitudeDeg -= 360;
    if (seen.has(station.id)) throw new InputError(`duplicate station id "${station.id}"`, where(['stations', k]));
    seen.add(station.id);
    return station;
  });

  const hw = m.hardware ?? {};
  const tx = transmitterSchema.safeParse({ ...MICIUS_TRANSMITTER, ...(hw.transmitter ?? {}) });
  if (!tx.success) throw new InputError(tx.error.issues[0].message, where(['hardware', 'transmitter', ...tx.error.issues[0].path]));
  const rx = receiverSchema.safeParse({ ...XINGLONG_RECEIVER, ...(hw.receiver ?? {}) });
  if (!rx.success) throw new InputError(rx.error.issues[0].message, where(['hardware', 'receiver', ...rx.error.issues[0].path]));
  // cross-field checks (probability sums, obscuration) live in the link layer's parsers
  const transmitter = parseTransmitter(tx.data, file);
  const receiver = parseReceiver(rx.data, file);

  const c = m.constraints ?? {};
  return {
    name: m.name ?? satellite.name.toLowerCase(),
    satellite,
    stations,
    hardware: { transmitter, receiver },
    constraints: {
      minElevationDeg: c.minElevationDeg ?? MICIUS_MISSION.constraints.minElevationDeg,
      nightOnly: c.nightOnly ?? MICIUS_MISSION.constraints.nightOnly,
      sunElevationMaxDeg: c.sunElevationMaxDeg ?? MICIUS_MISSION.constraints.sunElevationMaxDeg,
    },
  };
}

/** Read and validate a mission JSON file. */
export function loadMission(file: string): MissionConfig {
  return parseMission(readText(file), file);
}

function withoutCityLight(r: ReceiverConfig): ReceiverConfig {
  const copy: ReceiverConfig = { ...r };
  delete copy.cityLight;
  return copy;
}

/**
 * The ground receiver of a station: the Xinglong receiver (with Beijing's stray light) at Xinglong,
 * and the same hardware without that city light elsewhere [engineering estimate: the paper prints
 * receiver parameters for Xinglong only].
 */
export function receiverForStation(stationId: string): ReceiverConfig {
  return stationId === 'xinglong' ? MICIUS_MISSION.hardware.receiver : withoutCityLight(MICIUS_MISSION.hardware.receiver);
}
