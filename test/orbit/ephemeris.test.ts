import { describe, expect, it } from 'vitest';
import { HermiteEphemeris, HERMITE_NODE_STEP_S } from '../../src/orbit/ephemeris.js';
import { findPasses } from '../../src/orbit/passes.js';
import { satrecOf, satState } from '../../src/orbit/sgp4.js';
import { MICIUS } from '../../src/mission/satellites.js';
import { getStation } from '../../src/mission/stations.js';

const FROM = Date.parse('2016-12-19T00:00:00Z');
const sat = satrecOf(MICIUS);
const exact = (t: number) => {
  const s = satState(sat, t);
  if (!s) throw new Error('sgp4');
  return s;
};

describe('HermiteEphemeris', () => {
  it('is SGP4 at its nodes and within 10 m of SGP4 between them (Micius, one day, every 7 s)', () => {
    const eph = new HermiteEphemeris(exact, FROM, FROM + 86_400_000);
    for (let k = 0; k < 50; k++) {
      const t = FROM + k * HERMITE_NODE_STEP_S * 1000;
      const p = eph.ecf(t);
      const q = exact(t).ecf;
      expect(Math.hypot(p.x - q.x, p.y - q.y, p.z - q.z)).toBeLessThan(1e-9);
    }
    let worstKm = 0;
    for (let t = FROM; t < FROM + 86_400_000; t += 7_000) {
      const p = eph.ecf(t);
      const q = exact(t).ecf;
      worstKm = Math.max(worstKm, Math.hypot(p.x - q.x, p.y - q.y, p.z - q.z));
    }
    expect(worstKm).toBeLessThan(0.01);
    expect(worstKm).toBeGreaterThan(1e-4); // an interpolant, not SGP4 everywhere
    expect(eph.evaluations).toBeLessThanOrEqual(86_400 / HERMITE_NODE_STEP_S + 2);
  });

  it('refuses an instant outside its nodes', () => {
    const eph = new HermiteEphemeris(exact, FROM, FROM + 3_600_000);
    expect(() => eph.ecf(FROM - 200_000)).toThrow(RangeError);
  });
});

describe('findPasses with interpolate', () => {
  it('finds the passes of the SGP4-at-every-instant search, AOS/LOS/TCA within 50 ms, peak and range to 1e-4', () => {
    const stations = ['xinglong', 'graz', 'nanshan', 'delingha'].map((id) => getStation(id));
    const opts = { elements: MICIUS, stations, fromMs: FROM, toMs: FROM + 3 * 86_400_000 };
    const a = findPasses(opts);
    const b = findPasses({ ...opts, interpolate: true });
    expect(a.length).toBeGreaterThan(10);
    expect(b.map((p) => p.station)).toEqual(a.map((p) => p.station));
    b.forEach((p, i) => {
      expect(Math.abs(p.aosMs - a[i].aosMs)).toBeLessThan(50);
      expect(Math.abs(p.losMs - a[i].losMs)).toBeLessThan(50);
      expect(Math.abs(p.tcaMs - a[i].tcaMs)).toBeLessThan(50);
      expect(Math.abs(p.maxElevationDeg - a[i].maxElevationDeg)).toBeLessThan(1e-4);
      expect(Math.abs(p.minRangeKm - a[i].minRangeKm)).toBeLessThan(1e-4);
      expect(p.night).toBe(a[i].night);
    });
  });
});
