/**
 * The missions shipped with Mozi (missions/*.jsonc), loaded exactly like a user's mission file:
 *   micius   Micius with its six reference stations; replays of the 19 Dec 2016 Xinglong pass
 *            (Liao et al., Nature 549, 43 (2017)) and the Graz pass of the same night;
 *   jinan-1  a Jinan-1-class microsatellite (Li et al., Nature 640, 47 (2025)) with stations in
 *            China and at Stellenbosch.
 * `loadMission(arg)` takes a path or one of these names.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { loadMissionFile, missionReplay, type Mission, type ParseMissionOptions, type ReplayPreset } from './config.js';
import { MISSIONS_DIR } from './satellites.js';

/** Names of the shipped missions. */
export const SHIPPED_MISSIONS: readonly string[] = ['micius', 'jinan-1'];

/** The default mission of every command (the Micius reference mission). */
export const DEFAULT_MISSION = 'micius';

/** The default replay (`npm start`). */
export const DEFAULT_REPLAY = 'micius-2016-12-19';

const cache = new Map<string, Mission>();

/** Path of a shipped mission file. */
export function shippedMissionFile(name: string): string {
  return `${MISSIONS_DIR}${name}.jsonc`;
}

/**
 * Load a mission: a shipped mission's name ("micius", "jinan-1") or a path to a mission file.
 * Shipped missions are cached (they are read-only); files are read each time.
 */
export function loadMission(arg: string = DEFAULT_MISSION, options: ParseMissionOptions = {}): Mission {
  const name = arg.trim();
  if (SHIPPED_MISSIONS.includes(name) && !existsSync(name)) {
    if (options.schema) return loadMissionFile(shippedMissionFile(name), options);
    let m = cache.get(name);
    if (!m) {
      m = loadMissionFile(shippedMissionFile(name));
      cache.set(name, m);
    }
    return m;
  }
  if (!existsSync(name)) {
    throw new InputError(`no mission file "${name}" (give a path, or one of the shipped missions: ${SHIPPED_MISSIONS.join(', ')})`, { field: '--mission' });
  }
  return loadMissionFile(name, options);
}

/** The Micius reference mission (missions/micius.jsonc). */
export function miciusMission(): Mission {
  return loadMission('micius');
}

/** A replay preset by id, searched in the shipped missions: the preset and its mission. */
export function findReplayPreset(id: string): { mission: Mission; preset: ReplayPreset } {
  for (const name of SHIPPED_MISSIONS) {
    const mission = loadMission(name);
    const preset = mission.replays.find((r) => r.id === id);
    if (preset) return { mission, preset };
  }
  const known = SHIPPED_MISSIONS.flatMap((n) => loadMission(n).replays.map((r) => r.id));
  throw new InputError(`unknown preset "${id}"; known: ${known.join(', ')}`, { field: '--preset' });
}

export { missionReplay };
