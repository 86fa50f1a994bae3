import { describe, expect, it } from 'vitest';
import { parseMission } from '../../src/mission/config.js';
import { parseWalker, walkerElements } from '../../src/mission/constellation.js';
import { satrecOf, satState } from '../../src/orbit/sgp4.js';
import { walkerMission } from './fixtures.js';
import { errorOf } from '../support/input-error.js';

describe('Walker-delta constellations', () => {
  it('parses i:T/P/F and lays out planes and phases as Walker (1984) defines them', () => {
    expect(parseWalker('53:100/10/1')).toEqual({ inclinationDeg: 53, satellites: 100, planes: 10, phasing: 1 });
    const sets = walkerElements({ walker: '53:6/3/1', altitudeKm: 550, epoch: '2024-03-01T00:00:00Z' });
    expect(sets).toHaveLength(6);
    const omm = sets.map((s) => s.omm as Record<string, number>);
    expect(omm.map((o) => o.RA_OF_ASC_NODE)).toEqual([0, 0, 120, 120, 240, 240]);
    // mean anomaly 360·s/(T/P) + 360·F·p/T: plane 1 is shifted by 60°
    expect(omm.map((o) => o.MEAN_ANOMALY)).toEqual([0, 180, 60, 240, 120, 300]);
    expect(omm.every((o) => o.INCLINATION === 53 && o.ECCENTRICITY === 0)).toBe(true);
  });

  it('puts the satellites at the requested altitude (SGP4 radius within 15 km of R + h over an orbit)', () => {
    const [e] = walkerElements({ walker: '53:1/1/0', altitudeKm: 550, epoch: '2024-03-01T00:00:00Z' });
    const rec = satrecOf(e);
    const t0 = Date.parse('2024-03-01T00:00:00Z');
    for (let t = t0; t < t0 + 96 * 60_000; t += 60_000) {
      const s = satState(rec, t)!;
      const rKm = Math.hypot(s.eci.x, s.eci.y, s.eci.z);
      expect(Math.abs(rKm - (6378.135 + 550))).toBeLessThan(15);
    }
  });

  it('rejects a bad Walker string, naming the field and its line', () => {
    for (const bad of ['53:100/7/1', '53:100/10/10', 'fifty-three', '200:10/2/0']) {
      const e = errorOf(() => parseMission(walkerMission(bad, '"xinglong"'), 'c.jsonc'));
      expect(e.field).toBe('constellation.walker');
      expect(e.file).toBe('c.jsonc');
      expect(e.line).toBe(3);
    }
    const e = errorOf(() => parseMission(walkerMission('53:4/2/1', '"xinglong"').replace('"altitudeKm": 550', '"altitudeKm": 50'), 'c.jsonc'));
    expect(e.field).toBe('constellation.altitudeKm');
  });

  it('a mission needs a satellite or a constellation', () => {
    const e = errorOf(() => parseMission('{ "stations": ["xinglong"] }', 'm.json'));
    expect(e.field).toBe('satellite');
    const m = parseMission(walkerMission('53:4/2/1', '"xinglong", "graz"'), 'm.json');
    expect(m.constellation?.satellites).toHaveLength(4);
    expect(m.satellite.name).toBe('walker-1-1');
  });

  it('rejects an unknown station in the demand matrix, naming the field', () => {
    const text = walkerMission('53:4/2/1', '"xinglong", "graz"', ',\n  "demand": [{ "a": "xinglong", "b": "tenerife", "bits": 1e6 }]');
    const e = errorOf(() => parseMission(text, 'm.json'));
    expect(e.field).toBe('demand.0.b');
    expect(e.message).toMatch(/no station "tenerife"/);
    const ok = parseMission(text.replace('tenerife', 'graz'), 'm.json');
    expect(ok.demand).toEqual([{ a: 'xinglong', b: 'graz', bits: 1e6 }]);
  });
});
