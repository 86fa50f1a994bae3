import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_RECEIVER, MICIUS_TRANSMITTER } from '../../src/link/hardware.js';
import { loadMissionFile, missionStation, parseMission } from '../../src/mission/config.js';
import { EXAMPLE_MISSION } from '../../src/mission/example.js';
import { loadMission, SHIPPED_MISSIONS } from '../../src/mission/presets.js';
import { getSatellite, MICIUS } from '../../src/mission/satellites.js';
import { missionShape } from '../../src/mission/schema.js';
import { STATIONS, getStation } from '../../src/mission/stations.js';
import { errorOf } from '../support/input-error.js';

describe('shipped missions (missions/*.jsonc)', () => {
  it('Micius: the six reference stations, Beijing stray light at Xinglong only, the two named passes', () => {
    const m = loadMission('micius');
    expect(MICIUS.noradId).toBe(41731);
    expect(m.satellite.noradId).toBe(41731);
    expect(m.stations.map((s) => s.id)).toEqual(Object.keys(STATIONS));
    expect(getStation('Xinglong').latitudeDeg).toBe(40.39587);
    expect(getStation('ali').id).toBe('ngari');
    expect(missionStation(m, 'xinglong').receiver.cityLight).toEqual({ name: 'Beijing', azimuthDeg: 241, backgroundHzAt20Deg: 550 });
    for (const s of m.stations.filter((x) => x.id !== 'xinglong')) expect(s.receiver.cityLight, s.id).toBeUndefined();
    expect(m.constraints).toEqual({ minElevationDeg: 10, nightOnly: true, sunElevationMaxDeg: -12 });
    expect(m.transmitter).toEqual(MICIUS_TRANSMITTER);
    expect(m.postprocessing).toMatchObject({ reconciliation: 'hamming', bound: 'hoeffding' });
    expect(m.replays.map((r) => [r.id, r.station, r.windowS])).toEqual([
      ['micius-2016-12-19', 'xinglong', 273],
      ['micius-graz-2016-12-19', 'graz', 279],
    ]);
    expect(m.replays[0].published?.finalKeyBits).toBe(300_939);
    expect(m.replays[1].published).toBeUndefined();
  });

  it('every shipped mission and the `mission init` example validate', () => {
    for (const name of SHIPPED_MISSIONS) expect(loadMission(name).stations.length).toBeGreaterThan(0);
    const ex = parseMission(EXAMPLE_MISSION, 'example.jsonc');
    expect(ex.stations.map((s) => s.id)).toEqual(['graz', 'matera']);
    expect(missionStation(ex, 'matera').receiver.apertureM).toBe(1.5);
  });

  it('an unknown station, satellite or mission lists the known ones', () => {
    expect(errorOf(() => getStation('atlantis')).message).toBe('unknown station "atlantis"; known stations: xinglong, nanshan, delingha, lijiang, ngari, graz');
    expect(errorOf(() => getSatellite('sputnik')).message).toMatch(/known satellites: micius, jinan-1/);
    expect(errorOf(() => loadMission('nowhere.jsonc')).message).toMatch(/shipped missions: micius, jinan-1/);
    expect(errorOf(() => missionStation(loadMission('micius'), 'matera')).message).toMatch(/known stations: xinglong, nanshan/);
  });
});

const GOOD = `{
  // a comment
  "name": "test",
  "satellite": "micius",
  "stations": [
    "xinglong",
    {
      "name": "Tenerife OGS",
      "latitudeDeg": 28.3,
      "longitudeDeg": -16.51,
      "altitudeM": 2393,
      "receiver": { "apertureM": 1 },
      "horizonMaskDeg": 5,
    }
  ],
  "transmitter": { "repetitionRateHz": 200000000 },
  "constraints": { "minElevationDeg": 15 }
}`;

describe('parseMission / loadMission', () => {
  it('accepts JSONC (comments, trailing commas), filling defaults and recording where each value came from', () => {
    const m = parseMission(GOOD, 'm.json');
    expect(m.name).toBe('test');
    expect(m.stations.map((s) => s.id)).toEqual(['xinglong', 'tenerife-ogs']);
    expect(m.transmitter.repetitionRateHz).toBe(2e8);
    expect(m.transmitter.wavelengthNm).toBe(MICIUS_TRANSMITTER.wavelengthNm);
    expect(m.constraints).toEqual({ minElevationDeg: 15, nightOnly: true, sunElevationMaxDeg: -12 });
    // a reference station by id: its coordinates, the default receiver WITHOUT Beijing's light
    expect(m.stations[0].receiver).toEqual(DEFAULT_RECEIVER);
    expect(m.stations[0].receiver.cityLight).toBeUndefined();
    expect(m.origins['transmitter.repetitionRateHz']).toBe('file line 16');
    expect(m.origins['transmitter.wavelengthNm']).toMatch(/^default: MICIUS_TRANSMITTER/);
    expect(m.origins['stations.xinglong.latitudeDeg']).toMatch(/^reference station xinglong/);
    expect(m.origins['stations.tenerife-ogs.receiver.apertureM']).toBe('file line 12');
    expect(m.origins['stations.tenerife-ogs.receiver.darkCountHz']).toMatch(/^default: DEFAULT_RECEIVER/);
    expect(m.origins['constraints.nightOnly']).toMatch(/^default/);
    expect(m.postprocessing).toEqual({ reconciliation: 'cascade', bound: 'hoeffding', protocol: 'symmetric', epsSec: 1e-9 });
  });

  it.each([
    ['latitude outside ±90°', GOOD.replace('28.3', '95'), 'm.json: line 9: stations.1.latitudeDeg: latitude must be within ±90°'],
    ['an unknown reference station', GOOD.replace('"xinglong"', '"atlantis"'), /^m\.json: line 6: stations\.0: missing latitudeDeg \(required unless "id" is a reference station/],
    ['a typo in a key', GOOD.replace('"name": "test"', '"nmae": "test"'), 'm.json: line 3: nmae: unknown key "nmae"'],
    ['an aperture of 1e300 m', GOOD.replace('"apertureM": 1 }', '"apertureM": 1e300 }'), /^m\.json: line 12: stations\.1\.receiver\.apertureM: must be ≤ 40 \(a receiving telescope/],
    ['a 10¹⁵ Hz source', GOOD.replace('200000000', '1e15'), /^m\.json: line 16: transmitter\.repetitionRateHz: must be ≤ 10000000000 \(QKD sources/],
    ['a signal weaker than decoy + vacuum', GOOD.replace('"repetitionRateHz": 200000000', '"intensities": [0.1, 0.2, 0]'), /^m\.json: line 16: transmitter\.intensities\.1: decoy intensity 0\.2 must exceed|^m\.json: line 16: transmitter\.intensities\.0: signal intensity 0\.1 must exceed decoy \+ vacuum/],
    ['a gate wider than the pulse period', GOOD.replace('"repetitionRateHz": 200000000', '"repetitionRateHz": 1e9'), /^m\.json: line 6: stations\.0: coincidence window 2 ns is wider than the pulse period 1\.00 ns/],
    ['an efficiency above 1', GOOD.replace('"apertureM": 1 }', '"detectorEfficiency": 1.2 }'), /stations\.1\.receiver\.detectorEfficiency: must be ≤ 1 \(an efficiency/],
    ['a JSON syntax error', '{\n  "satellite": "micius",\n  "stations": [,]\n}', /^m\.json: line 3: not valid JSON/],
  ])('%s is rejected naming file, line and field', (_what, text, message) => {
    const e = errorOf(() => parseMission(text, 'm.json'));
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('the signal/decoy condition μ1 > μ2 + μ3 is checked the same way the link layer checks it', () => {
    const e = errorOf(() => parseMission(GOOD.replace('"repetitionRateHz": 200000000', '"intensities": [0.3, 0.2, 0.15]'), 'm.json'));
    expect(e.message).toBe('m.json: line 16: transmitter.intensities.0: signal intensity 0.3 must exceed decoy + vacuum 0.35 (μ1 > μ2 + μ3, Lim et al. 2014)');
  });

  it('reads element sets relative to the mission file; a bad checksum names its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-mission-'));
    const tle = `MICIUS
1 41731U 16051A   16353.90152003  .00000364  00000-0  17957-4 0  9993
2 41731  97.3699 267.4500 0013200 178.5836 246.0824 15.23915303 19067
`;
    writeFileSync(join(dir, 'sat.tle'), tle);
    writeFileSync(join(dir, 'mission.json'), JSON.stringify({ satellite: { tleFile: 'sat.tle' }, stations: ['graz'] }));
    const e = errorOf(() => loadMissionFile(join(dir, 'mission.json')));
    expect(e.message).toBe(`${join(dir, 'sat.tle')}: line 3: checksum is 7, expected 3`);
    writeFileSync(join(dir, 'sat.tle'), tle.replace('19067', '19063'));
    const m = loadMissionFile(join(dir, 'mission.json'));
    expect(m.satellite.noradId).toBe(41731);
    expect(m.stations[0].id).toBe('graz');
    expect(errorOf(() => loadMissionFile(join(dir, 'missing.json'))).message).toMatch(/cannot read file \(ENOENT\)/);
    // NaN in B* (columns 54-61) is refused, naming the field (satellite.js would propagate NaN silently)
    const nan = tle.replace('19067', '19063').replace(' 17957-4', '     NaN');
    writeFileSync(join(dir, 'sat.tle'), nan.split('\n').map((l) => (l.startsWith('1 ') ? l.slice(0, 68) + fixChecksum(l) : l)).join('\n'));
    expect(errorOf(() => loadMissionFile(join(dir, 'mission.json'))).message).toMatch(/line 2: BSTAR drag term: "NaN" \(columns 54-61\) is not a TLE exponent number/);
  });

  it('a schema extended with missionShape accepts the extension keys and keeps them in `raw` (the planner)', () => {
    const planner = z.object({ ...missionShape, campaign: z.array(z.object({ from: z.string(), to: z.string(), bits: z.number() }).strict()) }).strict();
    const text = GOOD.replace('"name": "test",', '"name": "test", "campaign": [{ "from": "xinglong", "to": "tenerife-ogs", "bits": 1e6 }],');
    expect(errorOf(() => parseMission(text, 'm.json')).message).toMatch(/unknown key "campaign"/);
    const m = parseMission(text, 'm.json', { schema: planner });
    expect(m.raw.campaign).toEqual([{ from: 'xinglong', to: 'tenerife-ogs', bits: 1e6 }]);
  });
});

function fixChecksum(line: string): string {
  let sum = 0;
  for (const c of line.slice(0, 68)) {
    if (c >= '0' && c <= '9') sum += Number(c);
    else if (c === '-') sum += 1;
  }
  return String(sum % 10);
}
