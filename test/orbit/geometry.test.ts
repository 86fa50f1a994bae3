import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ecfToLookAngles, radiansToDegrees } from 'satellite.js';
import { DEG } from '../../src/core/units.js';
import { lookAngles, rangeRateKmS, satrecOf, satState, stationFrame, sunElevationDeg } from '../../src/orbit/sgp4.js';
import { findPasses, passGeometry, centralAngleForElevationRad } from '../../src/orbit/passes.js';
import { MICIUS } from '../../src/mission/satellites.js';
import type { Station } from '../../src/orbit/types.js';

const at = (iso: string) => Date.parse(iso);

describe('look angles', () => {
  it('agree with satellite.js ecfToLookAngles (which returns radians)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -89, max: 89, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.integer({ min: 0, max: 86_400 }),
        (latDeg, lonDeg, sec) => {
          const st: Station = { id: 't', name: 't', latitudeDeg: latDeg, longitudeDeg: lonDeg, altitudeM: 500 };
          const s = satState(satrecOf(MICIUS), at('2016-12-19T00:00:00Z') + sec * 1000);
          if (!s) return false;
          const ours = lookAngles(stationFrame(st), s.ecf);
          const ref = ecfToLookAngles({ latitude: latDeg * DEG, longitude: lonDeg * DEG, height: 0.5 }, s.ecf);
          expect(ours.elevationDeg).toBeCloseTo(radiansToDegrees(ref.elevation), 8);
          expect(ours.rangeKm).toBeCloseTo(ref.rangeSat, 6);
          const dAz = Math.abs(((ours.azimuthDeg - radiansToDegrees(ref.azimuth) + 540) % 360) - 180);
          expect(dAz).toBeLessThan(1e-6);
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('slant range of a circular orbit, L(ε) = sqrt(H² − R² cos² ε) − R sin ε', () => {
  // At the equator the geodetic and geocentric verticals coincide, so the spherical formula is exact
  // with R = |r_station| and H = |r_satellite| at each instant.
  it('holds along a pass over an equatorial station', () => {
    const st: Station = { id: 'eq', name: 'Equator', latitudeDeg: 0, longitudeDeg: 100, altitudeM: 0 };
    const passes = findPasses({ elements: MICIUS, stations: [st], fromMs: at('2016-12-19T00:00:00Z'), toMs: at('2016-12-20T12:00:00Z'), minElevationDeg: 5 });
    expect(passes.length).toBeGreaterThan(0);
    const p = passes[0];
    const g = passGeometry(MICIUS, st, p.aosMs, p.losMs, 10);
    const R = 6378.137;
    for (const smp of g.samples) {
      const s = satState(satrecOf(MICIUS), smp.timeMs);
      if (!s) throw new Error('sgp4');
      const H = Math.hypot(s.ecf.x, s.ecf.y, s.ecf.z);
      const e = smp.elevationDeg * DEG;
      const L = Math.sqrt(H * H - R * R * Math.cos(e) ** 2) - R * Math.sin(e);
      expect(Math.abs(smp.rangeKm - L)).toBeLessThan(1e-6 * L);
    }
  });

  it('central angle at 0° elevation of a 500 km orbit is acos(R/(R+h)) ≈ 22.0°', () => {
    expect(centralAngleForElevationRad(0, 500) / DEG).toBeCloseTo(Math.acos(6378.137 / 6878.137) / DEG, 12);
    expect(centralAngleForElevationRad(0, 500) / DEG).toBeCloseTo(22.0, 0);
  });
});

describe('synthetic overhead pass', () => {
  // A station placed exactly at the sub-satellite point at time T sees the satellite at zenith at T,
  // at a range equal to its geodetic altitude.
  const T = at('2016-12-20T03:00:00Z');
  const g0 = passGeometry(MICIUS, { id: 'x', name: 'x', latitudeDeg: 0, longitudeDeg: 0, altitudeM: 0 }, T, T + 1000, 1).samples[0];
  const st: Station = { id: 'zenith', name: 'Zenith', latitudeDeg: g0.satLatitudeDeg, longitudeDeg: g0.satLongitudeDeg, altitudeM: 0 };
  it('is found with TCA ≈ T, max elevation ≈ 90°, min range ≈ altitude', () => {
    const ps = findPasses({ elements: MICIUS, stations: [st], fromMs: T - 3_600_000, toMs: T + 3_600_000, minElevationDeg: 10 });
    expect(ps).toHaveLength(1);
    const p = ps[0];
    expect(Math.abs(p.tcaMs - T)).toBeLessThan(2000);
    expect(p.maxElevationDeg).toBeGreaterThan(89.5);
    expect(Math.abs(p.minRangeKm - g0.satAltitudeKm)).toBeLessThan(0.5);
    // a 500-km overhead pass above 10° lasts ~6–7 min (reference algorithms.md: ≈443 s above 10° at 500 km)
    expect(p.durationS).toBeGreaterThan(380);
    expect(p.durationS).toBeLessThan(480);
    expect(p.aosMs).toBeLessThan(p.tcaMs);
    expect(p.tcaMs).toBeLessThan(p.losMs);
  });
});

describe('range rate and sun elevation', () => {
  const xinglong: Station = { id: 'xinglong', name: 'Xinglong', latitudeDeg: 40.39587, longitudeDeg: 117.57746, altitudeM: 890 };
  it('range rate equals the numerical derivative of the range', () => {
    const f = stationFrame(xinglong);
    const sat = satrecOf(MICIUS);
    for (const t of [at('2016-12-19T16:49:00Z'), at('2016-12-19T16:52:13Z'), at('2016-12-19T16:55:00Z'), at('2016-12-19T10:00:00Z')]) {
      const s = satState(sat, t);
      const a = satState(sat, t - 500);
      const b = satState(sat, t + 500);
      if (!s || !a || !b) throw new Error('sgp4');
      const numeric = lookAngles(f, b.ecf).rangeKm - lookAngles(f, a.ecf).rangeKm; // per 1 s
      expect(rangeRateKmS(f, s)).toBeCloseTo(numeric, 3);
    }
  });
  it('sun elevation at Greenwich at the 2017 June solstice: 90° − φ + ε at upper culmination, φ + ε − 90° at lower', () => {
    // Greenwich 51.4769° N, obliquity 23.437°; the equation of time (−1.7 min) changes this by < 0.01°.
    const g = stationFrame({ id: 'g', name: 'Greenwich', latitudeDeg: 51.4769, longitudeDeg: 0, altitudeM: 0 });
    expect(sunElevationDeg(g, at('2017-06-21T12:00:00Z'))).toBeCloseTo(90 - 51.4769 + 23.437, 1);
    expect(sunElevationDeg(g, at('2017-06-21T00:00:00Z'))).toBeCloseTo(51.4769 + 23.437 - 90, 1);
  });
});
