/**
 * The six reference optical ground stations of the Micius mission.
 * Coordinates: Liao et al., Nature 549, 43 (2017) and follow-ups (see shared reference micius-2017.md);
 * entries tagged approximate there are approximate here too.
 */
import { InputError } from '../core/errors.js';
import type { Station } from '../orbit/types.js';

/** Reference stations, keyed by lower-case id. */
export const STATIONS: Readonly<Record<string, Station>> = Object.freeze({
  xinglong: { id: 'xinglong', name: 'Xinglong', latitudeDeg: 40.39587, longitudeDeg: 117.57746, altitudeM: 890, horizonMaskDeg: 0 },
  nanshan: { id: 'nanshan', name: 'Nanshan', latitudeDeg: 43.47546, longitudeDeg: 87.17669, altitudeM: 2028, horizonMaskDeg: 0 },
  delingha: { id: 'delingha', name: 'Delingha', latitudeDeg: 37.37901, longitudeDeg: 97.72695, altitudeM: 3150, horizonMaskDeg: 0 },
  lijiang: { id: 'lijiang', name: 'Lijiang', latitudeDeg: 26.69393, longitudeDeg: 100.02932, altitudeM: 3200, horizonMaskDeg: 0 },
  ngari: { id: 'ngari', name: 'Ngari', latitudeDeg: 32.32502, longitudeDeg: 80.02616, altitudeM: 5100, horizonMaskDeg: 0 },
  graz: { id: 'graz', name: 'Graz', latitudeDeg: 47.067, longitudeDeg: 15.493, altitudeM: 495, horizonMaskDeg: 0 },
});

const ALIASES: Record<string, string> = { ali: 'ngari', urumqi: 'nanshan', lustbuehel: 'graz' };

/** Look up a reference station by id or name (case-insensitive); InputError lists the known ones. */
export function getStation(id: string, where: { file?: string; line?: number; field?: string } = {}): Station {
  const key = id.trim().toLowerCase();
  const found = STATIONS[key] ?? STATIONS[ALIASES[key] ?? ''];
  if (!found) {
    throw new InputError(`unknown station "${id}"; known stations: ${Object.keys(STATIONS).join(', ')}`, where);
  }
  return { ...found };
}
