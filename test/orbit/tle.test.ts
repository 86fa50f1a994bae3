import { describe, expect, it } from 'vitest';
import { sgp4 } from 'satellite.js';
import { InputError } from '../../src/core/errors.js';
import { parseOmm, parseTle, parseTleCatalogue, tleChecksum } from '../../src/orbit/tle.js';
import { epochMs, satState, satrecOf } from '../../src/orbit/sgp4.js';
import { MICIUS_TLE_TEXT } from '../../src/mission/satellites.js';
import { errorOf } from '../support/input-error.js';

// Vallado, Crawford, Hujsak & Kelso, "Revisiting Spacetrack Report #3", AIAA 2006-6753:
// verification TLE 00005 and its published output tcppver.out (TEME, km and km/s).
const V1 = '1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753';
const V2 = '2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667';
const VALLADO = [
  { min: 0, r: [7022.46529266, -1400.08296755, 0.03995155], v: [1.893841015, 6.405893759, 4.53480725] },
  { min: 360, r: [-7154.03120202, -3783.17682504, -3536.19412294], v: [4.741887409, -4.151817765, -2.093935425] },
];

describe('parseTle', () => {
  it('parses the Micius reference TLE', () => {
    const el = parseTle(MICIUS_TLE_TEXT);
    expect(el.name).toBe('MICIUS');
    expect(el.noradId).toBe(41731);
    expect(el.tle?.[1]).toMatch(/^2 41731/);
    // epoch 16353.90152003 = 2016-12-18 21:38:11.33 UTC
    expect(Math.abs(epochMs(el) - (Date.parse('2016-12-18T21:38:11Z') + 330.592))).toBeLessThan(1);
  });

  it('computes the published checksums (last digit of each line)', () => {
    for (const l of [V1, V2, ...MICIUS_TLE_TEXT.trim().split('\n').slice(1)]) expect(tleChecksum(l)).toBe(Number(l[68]));
  });

  it('rejects a wrong checksum naming file and line', () => {
    const bad = V2.slice(0, 68) + '2'; // correct is 7
    expect(errorOf(() => parseTle(`${V1}\n${bad}\n`, 'sat.tle')).message).toBe('sat.tle: line 2: checksum is 2, expected 7');
    const lines = MICIUS_TLE_TEXT.trim().split('\n');
    const m = errorOf(() => parseTle([lines[0], lines[1], lines[2].slice(0, 68) + '7'].join('\n'), 'micius.tle'));
    expect(m.message).toBe('micius.tle: line 3: checksum is 7, expected 3');
    expect(m.line).toBe(3);
  });

  it('rejects a line of the wrong length', () => {
    const e = errorOf(() => parseTle(`${V1}\n${V2.slice(0, 60)}`, 'x.tle'));
    expect(e.message).toBe('x.tle: line 2: TLE line 2 has length 60, expected 69');
  });

  it('rejects mismatched catalogue numbers, swapped lines and bad fields', () => {
    const other = '2 00006  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667';
    const fixed = other.slice(0, 68) + tleChecksum(other);
    expect(errorOf(() => parseTle(`${V1}\n${fixed}`)).field).toBe('catalogue number');
    expect(errorOf(() => parseTle(`${V2}\n${V1}`)).message).toMatch(/line 1/);
    const incl = V2.slice(0, 8) + '194.2682' + V2.slice(16, 68);
    const badIncl = incl + tleChecksum(incl);
    const e = errorOf(() => parseTle(`${V1}\n${badIncl}`, 'i.tle'));
    expect(e.field).toBe('inclination');
    expect(e.line).toBe(2);
    expect(errorOf(() => parseTle('')).message).toMatch(/empty/);
    expect(errorOf(() => parseTle(V1)).message).toMatch(/missing TLE line 2/);
  });
});

describe('satellite.js SGP4 through our wrappers (Vallado 2006 verification vector 00005)', () => {
  const el = parseTle(`TEST\n${V1}\n${V2}`);
  it.each(VALLADO)('tsince = $min min', ({ min, r, v }) => {
    const pv = sgp4(satrecOf(el), min);
    expect(pv).not.toBeNull();
    if (!pv) return;
    const got = [pv.position.x, pv.position.y, pv.position.z];
    const gotV = [pv.velocity.x, pv.velocity.y, pv.velocity.z];
    got.forEach((x, i) => expect(x).toBeCloseTo(r[i], 5));
    gotV.forEach((x, i) => expect(x).toBeCloseTo(v[i], 8));
  });
  it('satState at the epoch instant (Date path, ms resolution) matches to a few metres', () => {
    const s = satState(satrecOf(el), epochMs(el));
    expect(s).not.toBeNull();
    if (!s) return;
    const d = Math.hypot(s.eci.x - VALLADO[0].r[0], s.eci.y - VALLADO[0].r[1], s.eci.z - VALLADO[0].r[2]);
    expect(d).toBeLessThan(0.01);
  });
});

describe('parseOmm', () => {
  // The Micius TLE written as OMM (epoch 16353.90152003 → 21:38:11.330592).
  const omm = {
    OBJECT_NAME: 'MICIUS',
    OBJECT_ID: '2016-051A',
    EPOCH: '2016-12-18T21:38:11.330592',
    MEAN_MOTION: 15.23915303,
    ECCENTRICITY: 0.00132,
    INCLINATION: 97.3699,
    RA_OF_ASC_NODE: 267.45,
    ARG_OF_PERICENTER: 178.5836,
    MEAN_ANOMALY: 246.0824,
    EPHEMERIS_TYPE: 0,
    CLASSIFICATION_TYPE: 'U',
    NORAD_CAT_ID: 41731,
    ELEMENT_SET_NO: 999,
    REV_AT_EPOCH: 1906,
    BSTAR: 1.7957e-5,
    MEAN_MOTION_DOT: 3.64e-6,
    MEAN_MOTION_DDOT: 0,
  };
  it('gives the same trajectory as the equivalent TLE', () => {
    const a = parseOmm(omm, 'm.json');
    const b = parseTle(MICIUS_TLE_TEXT);
    expect(a.name).toBe('MICIUS');
    expect(a.noradId).toBe(41731);
    const t = Date.parse('2016-12-19T16:52:13Z');
    const sa = satState(satrecOf(a), t);
    const sb = satState(satrecOf(b), t);
    if (!sa || !sb) throw new Error('propagation failed');
    expect(Math.hypot(sa.eci.x - sb.eci.x, sa.eci.y - sb.eci.y, sa.eci.z - sb.eci.z)).toBeLessThan(0.01);
  });
  it('accepts JSON text and a one-element array', () => {
    expect(parseOmm(JSON.stringify([omm])).noradId).toBe(41731);
  });
  it('names the missing or out-of-range field', () => {
    const { MEAN_MOTION: _drop, ...noMm } = omm;
    void _drop;
    expect(errorOf(() => parseOmm(noMm, 'o.json')).field).toBe('MEAN_MOTION');
    const e = errorOf(() => parseOmm({ ...omm, INCLINATION: 200 }, 'o.json'));
    expect(e.message).toBe('o.json: INCLINATION: 200 is out of range [0, 180]');
    expect(errorOf(() => parseOmm('{nope', 'o.json')).message).toMatch(/^o\.json: not valid JSON/);
    expect(errorOf(() => parseOmm([omm, omm])).message).toMatch(/found 2/);
  });
});

describe('element sets with absurd or missing fields are refused (issue 15)', () => {
  const L1 = '1 41731U 16051A   16353.90152003  .00000364  00000-0  17957-4 0  999';
  const L2 = '2 41731  97.3699 267.4500 0013200 178.5836 246.0824 15.23915303 1906';
  const fix = (l: string) => l + tleChecksum(l);
  it.each([
    [L1.replace(' 17957-4', '     NaN'), L2, 'BSTAR drag term', /is not a TLE exponent number/],
    [L1.replace(' 17957-4', ' 17957+3'), L2, 'BSTAR drag term', /out of range \[-1, 1\] \(no physical object\)/],
    [L1.replace(' .00000364', ' 9.9999999'), L2, 'mean motion derivative', /out of range/],
  ])('%#: %s', (l1, l2, field, message) => {
    let e: InputError | undefined;
    try {
      parseTle(`${fix(l1)}\n${fix(l2)}\n`, 'x.tle');
    } catch (x) {
      e = x as InputError;
    }
    expect(e).toBeInstanceOf(InputError);
    expect(e!.field).toBe(field);
    expect(e!.message).toMatch(message);
  });

  it('a perigee inside the atmosphere is refused naming the satellite', () => {
    // mean motion 16.5 rev/day with e = 0.05: perigee far below 80 km
    const l2 = L2.replace('0013200', '0500000').replace('15.23915303', '16.50000000');
    expect(() => parseTle(`MICIUS\n${fix(L1)}\n${fix(l2)}\n`, 'x.tle')).toThrow(/perigee of "MICIUS" is -?\d+ km above the surface|SGP4 rejects the elements of "MICIUS"/);
  });

  it('a file of many element sets parses as a catalogue, each set checked', () => {
    const set = `MICIUS\n${fix(L1)}\n${fix(L2)}\n`;
    expect(parseTleCatalogue(set + set.replace('MICIUS', 'MICIUS B'), 'h.tle').map((e) => e.name)).toEqual(['MICIUS', 'MICIUS B']);
    expect(() => parseTle(set + set, 'h.tle')).toThrow(/a file of many element sets is a catalogue/);
  });
});
