import { describe, expect, it } from 'vitest';
import { walkerElements } from '../../src/mission/constellation.js';
import { MICIUS } from '../../src/mission/satellites.js';
import { findPasses, type Pass } from '../../src/orbit/passes.js';
import type { SatelliteElements, Station } from '../../src/orbit/types.js';
import { seededFloat, TEST_SEED } from '../support/seed.js';

const DAY = 86_400_000;

/** Random stations anywhere between 70° S and 70° N, some with a horizon mask of sectors. */
function randomStations(r: () => number, n: number): Station[] {
  return Array.from({ length: n }, (_, k) => ({
    id: `r${k}`,
    name: `r${k}`,
    latitudeDeg: -70 + 140 * r(),
    longitudeDeg: -180 + 360 * r(),
    altitudeM: Math.round(3000 * r()),
    ...(k % 3 === 2
      ? {
          horizonMaskDeg: [
            { azimuthDeg: 0, elevationDeg: 5 + 20 * r() },
            { azimuthDeg: 120, elevationDeg: 5 + 20 * r() },
            { azimuthDeg: 240, elevationDeg: 5 + 20 * r() },
          ],
        }
      : {}),
  }));
}

/** The fields of a pass that must agree to the bit. */
const key = (p: Pass): string => `${p.station} ${p.aosMs} ${p.tcaMs} ${p.losMs} ${p.maxElevationDeg} ${p.minRangeKm} ${p.sunElevationDegAtTca} ${p.night}`;

describe('the interpolated scan with its skips finds the passes of the scan that looks at every grid instant', () => {
  it('same passes to the bit (AOS/TCA/LOS, peak, range, sun) for random stations and satellites, day and night (seeded)', () => {
    const r = seededFloat('skip-exact');
    const walker = walkerElements({ walker: '53:20/5/1', altitudeKm: 550, epoch: '2024-03-01T00:00:00Z' });
    const polar = walkerElements({ walker: '97.6:4/2/1', altitudeKm: 500, epoch: '2024-03-01T00:00:00Z' });
    const sats: SatelliteElements[] = [walker[Math.floor(r() * 20)], walker[Math.floor(r() * 20)], polar[Math.floor(r() * 4)]];
    const stations = randomStations(r, 6);
    let passes = 0;
    for (const [i, elements] of sats.entries()) {
      // a window start off the whole minutes, so the grid is not the UTC one
      const fromMs = Date.parse('2024-03-02T00:00:00Z') + Math.floor(r() * DAY);
      for (const nightOnly of [false, true]) {
        const opts = { elements, stations, fromMs, toMs: fromMs + 1.5 * DAY, interpolate: true, nightOnly, minElevationDeg: i === 2 ? 15 : 10 };
        const fast = findPasses(opts).map(key);
        const every = findPasses({ ...opts, skipAhead: false }).map(key);
        expect(fast, `seed ${TEST_SEED}, ${elements.name}, night-only ${nightOnly}`).toEqual(every);
        passes += every.length;
      }
    }
    expect(passes).toBeGreaterThan(60);
  });

  it('same passes for Micius over its stations for two days', () => {
    const stations: Station[] = [
      { id: 'xinglong', name: 'Xinglong', latitudeDeg: 40.39587, longitudeDeg: 117.57746, altitudeM: 890, horizonMaskDeg: 0 },
      { id: 'graz', name: 'Graz', latitudeDeg: 47.067, longitudeDeg: 15.493, altitudeM: 495 },
    ];
    const elements = MICIUS;
    const fromMs = Date.parse('2016-12-20T00:00:00Z');
    for (const nightOnly of [false, true]) {
      const opts = { elements, stations, fromMs, toMs: fromMs + 2 * DAY, interpolate: true, nightOnly };
      const every = findPasses({ ...opts, skipAhead: false }).map(key);
      expect(findPasses(opts).map(key)).toEqual(every);
      expect(every.length).toBeGreaterThan(nightOnly ? 2 : 6);
    }
  });
});
