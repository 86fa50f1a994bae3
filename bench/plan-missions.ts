/**
 * Missions of the `plan` bench suite: a Walker-delta constellation at 550 km over N stations
 * spread over the inhabited latitudes (a deterministic golden-angle spiral between 60° S and
 * 60° N, receivers as the mission defaults), night only, 10° minimum elevation.
 */
import { parseMission, type Mission } from '../src/mission/config.js';

export function walkerBenchMission(walker: string, stations: number, epoch = '2024-01-01T00:00:00Z'): Mission {
  const list = Array.from({ length: stations }, (_, k) => {
    const lat = -60 + (120 * (k + 0.5)) / stations;
    const lon = ((k * 137.508) % 360) - 180;
    return { id: `s${String(k + 1).padStart(2, '0')}`, latitudeDeg: Number(lat.toFixed(3)), longitudeDeg: Number(lon.toFixed(3)), altitudeM: 500 };
  });
  return parseMission(JSON.stringify({ name: `walker-${walker}`, constellation: { walker, altitudeKm: 550, epoch }, stations: list, constraints: { nightOnly: true, minElevationDeg: 10 } }), '<bench>');
}
