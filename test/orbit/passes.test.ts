import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { elevationDeg, lookAngles, satrecOf, satState, stationFrame } from '../../src/orbit/sgp4.js';
import { elementsEphemeris, findPasses, horizonThresholdDeg, passGeometry, passLookAngles, resolvePass } from '../../src/orbit/passes.js';
import { parseOmm } from '../../src/orbit/tle.js';
import { MICIUS } from '../../src/mission/satellites.js';
import { getStation } from '../../src/mission/stations.js';
import type { Station } from '../../src/orbit/types.js';

const at = (iso: string) => Date.parse(iso);
const xinglong = getStation('xinglong');
const sat = satrecOf(MICIUS);
const frame = stationFrame(xinglong);
const el = (t: number) => {
  const s = satState(sat, t);
  if (!s) throw new Error('sgp4');
  return elevationDeg(frame, s.ecf);
};

describe('Micius reference orbit, 19 Dec 2016 UTC, Xinglong (Liao et al. 2017: shortest range 645 km)', () => {
  const p = resolvePass(MICIUS, xinglong, '2016-12-19');
  it('is the night pass around 16:52 UTC (00:52 Beijing time on 20 Dec)', () => {
    expect(p.night).toBe(true);
    expect(p.tca.slice(0, 16)).toBe('2016-12-19T16:52');
    expect(p.sunElevationDegAtTca).toBeLessThan(-60);
  });
  it('has min range ≈ 645 km and max elevation ≈ 48°', () => {
    expect(p.minRangeKm).toBeGreaterThan(635);
    expect(p.minRangeKm).toBeLessThan(655);
    expect(p.maxElevationDeg).toBeGreaterThan(46);
    expect(p.maxElevationDeg).toBeLessThan(50);
  });
  it('AOS and LOS are at the 10° threshold to within 1 s', () => {
    expect(el(p.aosMs - 1000)).toBeLessThan(10);
    expect(el(p.aosMs + 1000)).toBeGreaterThan(10);
    expect(el(p.losMs - 1000)).toBeGreaterThan(10);
    expect(el(p.losMs + 1000)).toBeLessThan(10);
  });
  it('TCA is the range minimum to within 1 s', () => {
    const r = (t: number) => {
      const s = satState(sat, t);
      if (!s) throw new Error('sgp4');
      return lookAngles(frame, s.ecf).rangeKm;
    };
    expect(r(p.tcaMs - 1000)).toBeGreaterThan(r(p.tcaMs));
    expect(r(p.tcaMs + 1000)).toBeGreaterThan(r(p.tcaMs));
  });
  it('per-slot geometry: range ~1,200 km near 15°/10°, receding after TCA, sub-satellite point near the station', () => {
    const g = passGeometry(MICIUS, xinglong, p.aosMs, p.losMs, 1);
    expect(g.samples.length).toBe(Math.floor(p.durationS) + 1);
    const first = g.samples[0];
    expect(first.elevationDeg).toBeCloseTo(10, 1);
    expect(first.rangeKm).toBeGreaterThan(1300);
    expect(first.rangeKm).toBeLessThan(1700);
    expect(first.rangeRateKmS).toBeLessThan(-4);
    expect(g.samples[g.samples.length - 1].rangeRateKmS).toBeGreaterThan(4);
    const mid = g.samples.reduce((a, b) => (b.rangeKm < a.rangeKm ? b : a));
    expect(Math.abs(mid.rangeRateKmS)).toBeLessThan(0.1);
    expect(Math.abs(mid.satLatitudeDeg - xinglong.latitudeDeg)).toBeLessThan(6);
    expect(mid.satAltitudeKm).toBeGreaterThan(480);
    expect(mid.satAltitudeKm).toBeLessThan(520);
    expect(g.summary.minRangeKm).toBeCloseTo(p.minRangeKm, 2);
  });
});

describe('findPasses against a brute-force 5 s scan', () => {
  it('finds the same passes above 10° over two days, with AOS/LOS within the scan resolution', () => {
    const from = at('2016-12-19T00:00:00Z');
    const to = at('2016-12-21T00:00:00Z');
    const brute: { aos: number; los: number }[] = [];
    let up: number | undefined;
    for (let t = from; t <= to; t += 5000) {
      const above = el(t) > 10;
      if (above && up === undefined) up = t;
      if (!above && up !== undefined) {
        brute.push({ aos: up, los: t });
        up = undefined;
      }
    }
    const found = findPasses({ elements: MICIUS, stations: [xinglong], fromMs: from, toMs: to, minElevationDeg: 10 });
    expect(found.length).toBe(brute.length);
    expect(found.length).toBeGreaterThanOrEqual(4);
    found.forEach((p, i) => {
      expect(Math.abs(p.aosMs - brute[i].aos)).toBeLessThan(5000);
      expect(Math.abs(p.losMs - brute[i].los)).toBeLessThan(5000);
      expect(p.maxElevationDeg).toBeGreaterThanOrEqual(10);
      expect(p.aosMs).toBeLessThan(p.tcaMs);
      expect(p.tcaMs).toBeLessThan(p.losMs);
    });
  });

  it('night-only is the night subset of all passes, over several stations, sorted by AOS', () => {
    const stations = ['xinglong', 'graz', 'ngari'].map((s) => getStation(s));
    const opts = { elements: MICIUS, stations, fromMs: at('2016-12-19T00:00:00Z'), toMs: at('2016-12-22T00:00:00Z') };
    const all = findPasses(opts);
    const night = findPasses({ ...opts, nightOnly: true });
    const expected = all.filter((p) => p.night);
    expect(night.map((p) => p.station)).toEqual(expected.map((p) => p.station));
    // the sampling grid differs (sunlit approaches are skipped), so refined times agree to the tolerance
    night.forEach((p, i) => expect(Math.abs(p.aosMs - expected[i].aosMs)).toBeLessThan(50));
    expect(night.length).toBeGreaterThan(0);
    expect(night.length).toBeLessThan(all.length);
    for (let i = 1; i < all.length; i++) expect(all[i].aosMs).toBeGreaterThanOrEqual(all[i - 1].aosMs);
  });
  it('searching several stations at once gives the union of single-station searches', () => {
    const ids = ['xinglong', 'delingha', 'graz'];
    const opts = { elements: MICIUS, fromMs: at('2016-12-19T00:00:00Z'), toMs: at('2016-12-21T00:00:00Z') };
    const together = findPasses({ ...opts, stations: ids.map((s) => getStation(s)) });
    const apart = ids.flatMap((id) => findPasses({ ...opts, stations: [getStation(id)] })).sort((a, b) => a.aosMs - b.aosMs);
    expect(together.map((p) => p.station)).toEqual(apart.map((p) => p.station));
    together.forEach((p, i) => {
      expect(Math.abs(p.aosMs - apart[i].aosMs)).toBeLessThan(50);
      expect(Math.abs(p.maxElevationDeg - apart[i].maxElevationDeg)).toBeLessThan(1e-3);
    });
  });
});

describe('resolvePass', () => {
  it('accepts an ISO AOS time and returns the pass whose AOS is nearest', () => {
    const ref = resolvePass(MICIUS, xinglong, '2016-12-19');
    const p = resolvePass(MICIUS, xinglong, '2016-12-19T16:47:00Z');
    expect(p.aos).toBe(ref.aos);
  });
  it('rejects a day with no pass and a malformed spec', () => {
    const st: Station = { id: 'pole', name: 'South Pole', latitudeDeg: -90, longitudeDeg: 0, altitudeM: 2800 };
    // inclination 97.4°: the ground track stays ≥ 7.4° of arc from the pole, so elevation there peaks near 27°
    expect(() => resolvePass(MICIUS, st, '2016-12-19', { minElevationDeg: 85 })).toThrow(InputError);
    expect(() => resolvePass(MICIUS, xinglong, '2016-02-30')).toThrow(/not a valid date/);
    expect(() => resolvePass(MICIUS, xinglong, 'tomorrow')).toThrow(/neither a date/);
  });
});

describe('constraints and masks', () => {
  it('a window that ends before it starts is an InputError', () => {
    expect(() => findPasses({ elements: MICIUS, stations: [xinglong], fromMs: at('2016-12-20T00:00:00Z'), toMs: at('2016-12-19T00:00:00Z') })).toThrow(
      /ends .* before it starts/,
    );
  });
  it('horizon mask interpolates in azimuth and wraps through north', () => {
    const st: Station = { ...xinglong, horizonMaskDeg: [{ azimuthDeg: 90, elevationDeg: 20 }, { azimuthDeg: 270, elevationDeg: 0 }] };
    expect(horizonThresholdDeg(st, 90, 5)).toBe(20);
    expect(horizonThresholdDeg(st, 180, 5)).toBe(10);
    expect(horizonThresholdDeg(st, 0, 5)).toBe(10);
    expect(horizonThresholdDeg(st, 315, 0)).toBe(5);
    expect(horizonThresholdDeg({ ...xinglong, horizonMaskDeg: 15 }, 123, 10)).toBe(15);
  });
  it('a higher uniform mask shortens the reference pass', () => {
    const p10 = resolvePass(MICIUS, xinglong, '2016-12-19');
    const p15 = resolvePass(MICIUS, { ...xinglong, horizonMaskDeg: 15 }, '2016-12-19');
    expect(p15.durationS).toBeLessThan(p10.durationS);
    expect(el(p15.aosMs)).toBeCloseTo(15, 1);
  });
});

describe('a geostationary satellite', () => {
  it('never leaves the visibility circle: one pass covering the whole window, and the search terminates', () => {
    const geo = parseOmm({
      OBJECT_NAME: 'GEO TEST',
      EPOCH: '2016-12-19T00:00:00',
      MEAN_MOTION: 1.00273791,
      ECCENTRICITY: 0.0001,
      INCLINATION: 0.05,
      RA_OF_ASC_NODE: 0,
      ARG_OF_PERICENTER: 0,
      MEAN_ANOMALY: 0,
      NORAD_CAT_ID: 99999,
      BSTAR: 0,
      MEAN_MOTION_DOT: 0,
      MEAN_MOTION_DDOT: 0,
    });
    const from = at('2016-12-19T00:00:00Z');
    const sub = passGeometry(geo, xinglong, from, from + 1000, 1).samples[0];
    const st: Station = { id: 'under', name: 'Under', latitudeDeg: 0, longitudeDeg: sub.satLongitudeDeg, altitudeM: 0 };
    const ps = findPasses({ elements: geo, stations: [st], fromMs: from, toMs: from + 6 * 3_600_000 });
    expect(ps).toHaveLength(1);
    expect(ps[0].aosMs).toBeLessThanOrEqual(from);
    expect(ps[0].losMs).toBeGreaterThanOrEqual(from + 6 * 3_600_000);
    expect(ps[0].maxElevationDeg).toBeGreaterThan(89);
    expect(ps[0].minRangeKm).toBeCloseTo(35786, -2);
  });
});

describe('passLookAngles', () => {
  it("gives passGeometry's slots, the look angles from the interpolated ephemeris (within 0.001° and 10 m of SGP4's)", () => {
    const p = resolvePass(MICIUS, xinglong, '2016-12-19');
    const g = passGeometry(MICIUS, xinglong, p.aosMs, p.losMs, 3, {}, false);
    const la = passLookAngles(MICIUS, xinglong, p.aosMs, p.losMs, 3);
    expect(la.timeMs.length).toBe(g.samples.length);
    let worstDeg = 0;
    g.samples.forEach((s, k) => {
      expect(la.timeMs[k]).toBe(s.timeMs);
      worstDeg = Math.max(worstDeg, Math.abs(la.elevationDeg[k] - s.elevationDeg));
      expect(Math.abs(la.elevationDeg[k] - s.elevationDeg)).toBeLessThan(1e-3);
      expect(Math.abs(la.azimuthDeg[k] - s.azimuthDeg)).toBeLessThan(1e-3);
      expect(Math.abs(la.rangeKm[k] - s.rangeKm)).toBeLessThan(0.01);
    });
    expect(worstDeg).toBeGreaterThan(0); // interpolated, not SGP4 at each slot
  });

  it("a shared ephemeris over a week gives the pass's own numbers to the last bit (the planner = keyrate --predict)", () => {
    const p = resolvePass(MICIUS, xinglong, '2016-12-19');
    const own = passLookAngles(MICIUS, xinglong, p.aosMs, p.losMs, 1);
    const shared = elementsEphemeris(MICIUS, p.aosMs - 3 * 86_400_000 - 12_345, p.losMs + 4 * 86_400_000);
    const la = passLookAngles(MICIUS, xinglong, p.aosMs, p.losMs, 1, {}, shared);
    for (const key of ['timeMs', 'elevationDeg', 'azimuthDeg', 'rangeKm'] as const) expect(Array.from(la[key])).toEqual(Array.from(own[key]));
  });
});
