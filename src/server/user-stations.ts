/**
 * Stations added from the dashboard (POST /api/stations): a name, latitude, longitude and
 * altitude, with the receiver of one of the mission's stations or the reference receiver
 * (DEFAULT_RECEIVER: the Xinglong 1 m receiver without its city light). They join the mission's
 * stations for pass search, the timeline, the pass view and replays (the replay process gets
 * them with its parameters), and are kept in `<dataDir>/stations.json` across restarts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { DEFAULT_RECEIVER } from '../link/hardware.js';
import type { Mission, MissionStation } from '../mission/config.js';
import { checkSiteName } from '../kms/sites.js';

/** POST /api/stations body. */
export const stationBody = z
  .object({
    name: z.string().trim().min(1).max(40),
    latitudeDeg: z.number().min(-90).max(90),
    longitudeDeg: z.number().min(-180).max(180),
    altitudeM: z.number().min(-500).max(9000).default(0),
    /** Receiver: a station of the mission whose receiver to copy; absent: the reference receiver. */
    receiverOf: z.string().min(1).optional(),
  })
  .strict();
export type StationBody = z.infer<typeof stationBody>;

/** Lower-case id from a name ("Cape Town 2" → "cape-town-2"), a valid key-store site name. */
export function stationId(name: string): string {
  const id = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!id) throw new InputError(`"${name}" gives no usable station id (use letters or digits)`, { field: 'name' });
  checkSiteName(id, 'name');
  return id;
}

/** The user stations of each mission (by mission name), persisted in one JSON file. */
export class UserStations {
  private readonly byMission: Record<string, MissionStation[]>;

  constructor(private readonly file?: string) {
    this.byMission = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, MissionStation[]>) : {};
  }

  of(missionName: string): MissionStation[] {
    return this.byMission[missionName] ?? [];
  }

  /** The mission with its user stations appended. */
  apply(mission: Mission): Mission {
    const extra = this.of(mission.name);
    return extra.length ? { ...mission, stations: [...mission.stations, ...extra] } : mission;
  }

  /** Add a station to `mission` (its own stations, then the user's, must not have the id). */
  add(mission: Mission, body: StationBody): MissionStation {
    const id = stationId(body.name);
    const all = this.apply(mission).stations;
    if (all.some((s) => s.id === id)) throw new InputError(`station "${id}" exists already in mission ${mission.name}`, { field: 'name' });
    let receiver = DEFAULT_RECEIVER;
    if (body.receiverOf !== undefined) {
      const src = all.find((s) => s.id === body.receiverOf);
      if (!src) throw new InputError(`unknown station "${body.receiverOf}"; known: ${all.map((s) => s.id).join(', ')}`, { field: 'receiverOf' });
      receiver = src.receiver;
    }
    const st: MissionStation = {
      id,
      name: body.name,
      latitudeDeg: body.latitudeDeg,
      longitudeDeg: body.longitudeDeg,
      altitudeM: body.altitudeM,
      receiver,
      telescope: { apertureM: receiver.apertureM },
      description: `added from the dashboard (receiver of ${body.receiverOf ?? 'the reference station, without city light'})`,
    };
    (this.byMission[mission.name] ??= []).push(st);
    if (this.file) writeFileSync(this.file, JSON.stringify(this.byMission, null, 2) + '\n');
    return st;
  }
}
