import { describe, expect, it } from 'vitest';
import { walkerElements } from '../../src/mission/constellation.js';
import { MICIUS } from '../../src/mission/satellites.js';
import { findPasses, PLANE_NORMAL_RATE_RAD_S } from '../../src/orbit/passes.js';
import { epochMs, satrecOf, satState } from '../../src/orbit/sgp4.js';
import type { SatelliteElements, Station } from '../../src/orbit/types.js';

const FROM = Date.parse('2024-06-01T00:00:00Z');
const DAY = 86_400_000;
/** 16 stations from 70° S to 70° N (golden-angle spiral), one at a pole's edge, one on the equator. */
const stations: Station[] = Array.from({ length: 16 }, (_, k) => ({
  id: `s${k}`,
  name: `s${k}`,
  latitudeDeg: k === 15 ? 0 : -70 + (140 * (k + 0.5)) / 15,
  longitudeDeg: ((k * 137.508) % 360) - 180,
  altitudeM: 500,
}));

/** Largest angular rate of the osculating normal r × v (TEME) over two days, every 10 s. */
function worstNormalRateRadS(elements: SatelliteElements, fromMs: number): number {
  const rec = satrecOf(elements);
  const normal = (t: number) => {
    const s = satState(rec, t)!;
    const r = s.eci;
    const v = s.velEci;
    const h = [r.y * v.z - r.z * v.y, r.z * v.x - r.x * v.z, r.x * v.y - r.y * v.x];
    const n = Math.hypot(h[0], h[1], h[2]);
    return h.map((x) => x / n);
  };
  let worst = 0;
  let prev = normal(fromMs);
  for (let t = fromMs + 10_000; t <= fromMs + 2 * DAY; t += 10_000) {
    const h = normal(t);
    const d = Math.hypot(h[0] - prev[0], h[1] - prev[1], h[2] - prev[2]);
    worst = Math.max(worst, d / 10);
    prev = h;
  }
  return worst;
}

describe('the plane-distance skip of the interpolated search', () => {
  it('bounds the orbital-plane normal rate with a 4× margin (Walker 550 km 53°, Micius)', () => {
    const walker = walkerElements({ walker: '53:2/2/1', altitudeKm: 550, epoch: '2024-06-01T00:00:00Z' })[0];
    const rates = [worstNormalRateRadS(walker, FROM), worstNormalRateRadS(MICIUS, epochMs(MICIUS))];
    for (const r of rates) {
      expect(r).toBeGreaterThan(1e-7); // the normal does move
      expect(r).toBeLessThan(PLANE_NORMAL_RATE_RAD_S / 4);
    }
  });

  it('gives the same passes as the scan without it, day and night, 10° and 25°', () => {
    const sets = walkerElements({ walker: '53:4/2/1', altitudeKm: 550, epoch: '2024-06-01T00:00:00Z' });
    let total = 0;
    for (const elements of sets) {
      for (const [nightOnly, minElevationDeg] of [[false, 10], [true, 10], [false, 25]] as const) {
        const run = (skipByPlane: boolean) => findPasses({ elements, stations, fromMs: FROM, toMs: FROM + 3 * DAY, nightOnly, minElevationDeg, interpolate: true, skipByPlane });
        const a = run(true);
        expect(a).toEqual(run(false));
        total += a.length;
      }
    }
    expect(total).toBeGreaterThan(300);
  });
});
