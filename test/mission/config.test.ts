import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { MICIUS, MICIUS_MISSION, getSatellite, loadMission, parseMission } from '../../src/mission/config.js';
import { STATIONS, getStation } from '../../src/mission/stations.js';
import { MICIUS_TRANSMITTER } from '../../src/link/hardware.js';

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('presets', () => {
  it('has Micius and the six reference stations (micius-2017.md)', () => {
    expect(MICIUS.noradId).toBe(41731);
    expect(Object.keys(STATIONS)).toEqual(['xinglong', 'nanshan', 'delingha', 'lijiang', 'ngari', 'graz']);
    expect(getStation('Xinglong').latitudeDeg).toBe(40.39587);
    expect(getStation('ali').id).toBe('ngari');
    expect(MICIUS_MISSION.stations).toHaveLength(6);
    expect(MICIUS_MISSION.constraints.nightOnly).toBe(true);
    expect(MICIUS_MISSION.hardware.transmitter.repetitionRateHz).toBe(100e6);
  });
  it('an unknown station or satellite lists the known ones', () => {
    expect(errorOf(() => getStation('atlantis')).message).toBe(
      'unknown station "atlantis"; known stations: xinglong, nanshan, delingha, lijiang, ngari, graz',
    );
    expect(errorOf(() => getSatellite('sputnik')).message).toMatch(/known satellites: micius/);
  });
});

const GOOD = `{
  "name": "test",
  "satellite": "micius",
  "stations": [
    "xinglong",
    {
      "name": "Tenerife OGS",
      "latitudeDeg": 28.3,
      "longitudeDeg": -16.51,
      "altitudeM": 2393,
      "telescope": { "apertureM": 1 },
      "horizonMaskDeg": 5
    }
  ],
  "hardware": { "transmitter": { "repetitionRateHz": 200000000 } },
  "constraints": { "minElevationDeg": 15 }
}`;

describe('parseMission / loadMission', () => {
  it('accepts a valid mission, filling defaults', () => {
    const m = parseMission(GOOD, 'm.json');
    expect(m.name).toBe('test');
    expect(m.stations.map((s) => s.id)).toEqual(['xinglong', 'tenerife-ogs']);
    expect(m.hardware.transmitter.repetitionRateHz).toBe(2e8);
    expect(m.hardware.transmitter.wavelengthNm).toBe(MICIUS_TRANSMITTER.wavelengthNm);
    expect(m.constraints).toEqual({ minElevationDeg: 15, nightOnly: true, sunElevationMaxDeg: -12 });
  });

  it('latitude outside ±90° names file, line and field', () => {
    const e = errorOf(() => parseMission(GOOD.replace('28.3', '95'), 'm.json'));
    expect(e.message).toBe('m.json: line 8: stations.1.latitudeDeg: latitude must be within ±90°');
    expect(e.line).toBe(8);
    expect(e.field).toBe('stations.1.latitudeDeg');
  });

  it('an unknown station id names its line and lists the known ones', () => {
    const e = errorOf(() => parseMission(GOOD.replace('"xinglong"', '"atlantis"'), 'm.json'));
    expect(e.message).toMatch(/^m\.json: line 5: stations\.0: unknown station "atlantis"; known stations: xinglong/);
  });

  it('bad hardware and bad JSON are located too', () => {
    const e = errorOf(() => parseMission(GOOD.replace('200000000', '-1'), 'm.json'));
    expect(e.line).toBe(15);
    expect(e.field).toBe('hardware.transmitter.repetitionRateHz');
    expect(errorOf(() => parseMission('{\n  "satellite": "micius",\n  "stations": [,]\n}', 'm.json')).line).toBe(3);
    expect(errorOf(() => parseMission(GOOD.replace('"name": "test",', '"nmae": "test",'), 'm.json')).message).toMatch(/line 1/);
  });

  it('reads a TLE file relative to the mission file and reports its checksum error with file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-mission-'));
    const tle = `MICIUS
1 41731U 16051A   16353.90152003  .00000364  00000-0  17957-4 0  9993
2 41731  97.3699 267.4500 0013200 178.5836 246.0824 15.23915303 19067
`;
    writeFileSync(join(dir, 'sat.tle'), tle);
    writeFileSync(join(dir, 'mission.json'), JSON.stringify({ satellite: { tleFile: 'sat.tle' }, stations: ['graz'] }));
    const e = errorOf(() => loadMission(join(dir, 'mission.json')));
    expect(e.message).toBe(`${join(dir, 'sat.tle')}: line 3: checksum is 7, expected 3`);
    writeFileSync(join(dir, 'sat.tle'), tle.replace('19067', '19063'));
    const m = loadMission(join(dir, 'mission.json'));
    expect(m.satellite.noradId).toBe(41731);
    expect(m.stations[0].id).toBe('graz');
    expect(errorOf(() => loadMission(join(dir, 'missing.json'))).message).toMatch(/cannot read file \(ENOENT\)/);
  });
});
