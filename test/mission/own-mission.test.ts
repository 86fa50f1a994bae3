/**
 * Acceptance of issue 15 at the library level: a mission file with a user-defined station and
 * receiver (Matera, 40.6486 N, 16.7046 E, 536 m, 1.5 m telescope) gives passes that agree with an
 * independent brute-force scan (satellite.js alone), a link budget without city light, a
 * predicted key and a full replay with identical keys; element-set catalogues pick the nearest
 * epoch; propagation far from the epoch is warned about or refused.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { degreesLat, degreesLong, ecfToLookAngles, eciToEcf, gstime, propagate, twoline2satrec } from 'satellite.js';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { linkBudget } from '../../src/link/budget.js';
import { loadMissionFile, missionStation } from '../../src/mission/config.js';
import { missionPasses, resolveMissionPass } from '../../src/mission/passes.js';
import { predictPassKey } from '../../src/mission/predict.js';
import { MISSIONS_DIR } from '../../src/mission/satellites.js';
import { runReplay } from '../../src/mission/replay.js';
import { findPasses, passGeometry } from '../../src/orbit/passes.js';
import { parseTle, tleChecksum } from '../../src/orbit/tle.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-own-'));
const MATERA = `{
  // my own station and receiver
  "name": "matera-test",
  "satellite": { "tleFile": "${join(MISSIONS_DIR, 'micius-2016-12-18.tle')}" },
  "stations": [
    {
      "id": "matera", "name": "Matera", "latitudeDeg": 40.6486, "longitudeDeg": 16.7046, "altitudeM": 536,
      "receiver": { "apertureM": 1.5, "obscurationM": 0.3, "opticsEfficiency": 0.2, "detectorEfficiency": 0.55, "darkCountHz": 50, "fieldOfViewUrad": 20 }
    }
  ],
  "postprocessing": { "reconciliation": "cascade", "bound": "hoeffding" }
}`;
writeFileSync(join(dir, 'matera.jsonc'), MATERA);
const mission = loadMissionFile(join(dir, 'matera.jsonc'));
const matera = missionStation(mission, 'matera');
const TLE = readFileSync(join(MISSIONS_DIR, 'micius-2016-12-18.tle'), 'utf8').trim().split('\n');

/** Passes above 10° from a 1 s look-angle scan with satellite.js's own functions (no Mozi geometry). */
function bruteForcePasses(l1: string, l2: string, fromMs: number, toMs: number, st: { latitudeDeg: number; longitudeDeg: number; altitudeM: number }) {
  const rec = twoline2satrec(l1, l2);
  const obs = { latitude: (st.latitudeDeg * Math.PI) / 180, longitude: (st.longitudeDeg * Math.PI) / 180, height: st.altitudeM / 1000 };
  const out: { aosMs: number; losMs: number; maxElevationDeg: number }[] = [];
  let cur: { aosMs: number; losMs: number; maxElevationDeg: number } | null = null;
  for (let t = fromMs; t <= toMs; t += 1000) {
    const d = new Date(t);
    const pv = propagate(rec, d);
    if (!pv) throw new Error('propagation failed');
    const la = ecfToLookAngles(obs, eciToEcf(pv.position, gstime(d)));
    const el = (la.elevation * 180) / Math.PI;
    if (el >= 10) {
      if (!cur) cur = { aosMs: t, losMs: t, maxElevationDeg: el };
      cur.losMs = t;
      cur.maxElevationDeg = Math.max(cur.maxElevationDeg, el);
    } else if (cur) {
      out.push(cur);
      cur = null;
    }
  }
  void degreesLat;
  void degreesLong;
  return out;
}

describe('a user-defined station and receiver (Matera, 1.5 m)', () => {
  it('passes agree with a brute-force satellite.js look-angle scan (AOS/LOS within 1 s, max elevation within 0.05°)', () => {
    const fromMs = Date.parse('2016-12-18T00:00:00Z');
    const toMs = Date.parse('2016-12-20T00:00:00Z');
    const ours = missionPasses(mission, [matera], fromMs, toMs, { ...mission.constraints, nightOnly: false }).passes;
    const ref = bruteForcePasses(TLE[1], TLE[2], fromMs, toMs, matera);
    expect(ref.length).toBeGreaterThanOrEqual(4);
    expect(ours.map((p) => Math.round(p.aosMs / 60_000))).toEqual(ref.map((p) => Math.round(p.aosMs / 60_000)));
    ours.forEach((p, i) => {
      expect(Math.abs(p.aosMs - ref[i].aosMs), `AOS of pass ${i}`).toBeLessThanOrEqual(1000);
      expect(Math.abs(p.losMs - ref[i].losMs), `LOS of pass ${i}`).toBeLessThanOrEqual(1000);
      expect(p.maxElevationDeg).toBeGreaterThanOrEqual(ref[i].maxElevationDeg - 1e-6);
      expect(p.maxElevationDeg - ref[i].maxElevationDeg).toBeLessThan(0.05);
      expect(p.station).toBe('matera');
    });
  });

  it('its link budget carries no city light: the background is the same at every azimuth and equals dark counts + sky', () => {
    const { pass, elements } = resolveMissionPass(mission, matera, '2016-12-19');
    const g = passGeometry(elements, matera, pass.aosMs, pass.losMs, 5);
    const b = linkBudget(g, mission.transmitter, matera.receiver);
    const noCity = linkBudget(g, mission.transmitter, matera.receiver, { cityLight: null });
    expect(matera.receiver.cityLight).toBeUndefined();
    expect(b.samples.map((s) => s.backgroundHz)).toEqual(noCity.samples.map((s) => s.backgroundHz));
    const bg = b.samples.map((s) => s.backgroundHz);
    expect(Math.max(...bg) - Math.min(...bg)).toBeLessThan(1e-9);
    expect(bg[0]).toBeGreaterThan(50);
    expect(bg[0]).toBeLessThan(60);
    // 1.5 m aperture: less diffraction loss than the 1 m Xinglong receiver at the same range
    expect(b.samples.every((s) => s.etaTotal > 0)).toBe(true);
  });

  it('predicts a key for its passes: one function, the same numbers from a pass object or a spec', () => {
    const fromSpec = predictPassKey(mission, matera, '2016-12-19');
    const { passes } = missionPasses(mission, [matera], Date.parse('2016-12-19T00:00:00Z'), Date.parse('2016-12-20T00:00:00Z'));
    const best = passes.reduce((a, p) => (p.maxElevationDeg > a.maxElevationDeg ? p : a));
    const fromPass = predictPassKey(mission, 'matera', best);
    expect(fromPass.keyBits).toBe(fromSpec.keyBits);
    expect(fromSpec.keyBits).toBeGreaterThan(1e5);
    expect(fromSpec.result.bound).toBe('hoeffding');
    expect(fromSpec.pass.station).toBe('matera');
  });

  it('a full replay of a 20 s window of its pass gives identical keys on both sides', async () => {
    const r = await runReplay({ mission, station: 'matera', pass: '2016-12-19', windowS: 20, seed: 5 });
    expect(r.pass.stationId).toBe('matera');
    expect(r.mission).toBe('matera-test');
    expect(r.aborted).toBe(false);
    expect(r.keysMatch).toBe(true);
    expect(r.finalKeyBits).toBeGreaterThan(0);
    expect(r.reconciliation).toBe('cascade');
    expect(r.published).toBeUndefined();
  }, 120_000);
});

/** The Micius TLE with its epoch moved and its mean anomaly changed (a second element set of the same satellite). */
function shiftedSet(days: number, meanAnomalyDeg: number): string {
  const l1 = TLE[1].slice(0, 18) + (16353.90152003 + days).toFixed(8) + TLE[1].slice(32, 68);
  const l2 = TLE[2].slice(0, 43) + meanAnomalyDeg.toFixed(4).padStart(8) + TLE[2].slice(51, 68);
  return `MICIUS\n${l1}${tleChecksum(l1)}\n${l2}${tleChecksum(l2)}\n`;
}

describe('element-set catalogues', () => {
  it('a TLE history: every pass uses the set whose epoch is nearest (two sets whose passes differ)', () => {
    const second = shiftedSet(6, 286.0824);
    writeFileSync(join(dir, 'history.tle'), readFileSync(join(MISSIONS_DIR, 'micius-2016-12-18.tle'), 'utf8') + second);
    writeFileSync(join(dir, 'history.jsonc'), MATERA.replace(`"${join(MISSIONS_DIR, 'micius-2016-12-18.tle')}"`, '"history.tle"'));
    const hist = loadMissionFile(join(dir, 'history.jsonc'));
    expect(hist.satellite.sets).toHaveLength(2);
    const setA = parseTle(readFileSync(join(MISSIONS_DIR, 'micius-2016-12-18.tle'), 'utf8'));
    const setB = parseTle(second);
    const fromMs = Date.parse('2016-12-18T00:00:00Z');
    const toMs = Date.parse('2016-12-26T00:00:00Z');
    const midMs = (hist.satellite.epochsMs[0] + hist.satellite.epochsMs[1]) / 2;
    const { passes } = missionPasses(hist, [matera], fromMs, toMs, { ...hist.constraints, nightOnly: false });
    const onlyA = findPasses({ elements: setA, stations: [matera], fromMs, toMs: midMs, minElevationDeg: 10 }).filter((p) => p.tcaMs < midMs);
    const onlyB = findPasses({ elements: setB, stations: [matera], fromMs: midMs, toMs, minElevationDeg: 10 }).filter((p) => p.tcaMs >= midMs);
    expect(passes.map((p) => p.aos)).toEqual([...onlyA, ...onlyB].map((p) => p.aos));
    for (const p of passes) expect(p.elements.tle![0]).toBe((p.tcaMs < midMs ? setA : setB).tle![0]);
    // the two sets disagree about the late passes: set A alone would put them minutes elsewhere
    const lateWithA = findPasses({ elements: setA, stations: [matera], fromMs: midMs, toMs, minElevationDeg: 10 });
    expect(lateWithA[0].aos).not.toBe(onlyB[0].aos);
    expect(Math.abs(lateWithA[0].aosMs - onlyB[0].aosMs)).toBeGreaterThan(60_000);
    // a named spec resolves with the nearest set too
    const late = resolveMissionPass(hist, matera, onlyB[0].aos);
    expect(late.elements.tle![0]).toBe(setB.tle![0]);
  });

  it('a file of several satellites needs "select" (name or NORAD id)', () => {
    const jinan = readFileSync(join(MISSIONS_DIR, 'jinan-1.tle'), 'utf8');
    writeFileSync(join(dir, 'two.tle'), readFileSync(join(MISSIONS_DIR, 'micius-2016-12-18.tle'), 'utf8') + jinan);
    const base = MATERA.replace(`{ "tleFile": "${join(MISSIONS_DIR, 'micius-2016-12-18.tle')}" }`, '{ "tleFile": "two.tle" }');
    writeFileSync(join(dir, 'two.jsonc'), base);
    let err: unknown;
    try {
      loadMissionFile(join(dir, 'two.jsonc'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/line 4: satellite\.select: two\.tle holds 2 satellites \(MICIUS \(41731\), JINAN-1-CLASS \(90001\)\); pick one/);
    writeFileSync(join(dir, 'two.jsonc'), base.replace('"tleFile": "two.tle"', '"tleFile": "two.tle", "select": 90001'));
    expect(loadMissionFile(join(dir, 'two.jsonc')).satellite.name).toBe('JINAN-1-CLASS');
    writeFileSync(join(dir, 'two.jsonc'), base.replace('"tleFile": "two.tle"', '"tleFile": "two.tle", "select": "micius"'));
    expect(loadMissionFile(join(dir, 'two.jsonc')).satellite.noradId).toBe(41731);
  });

  it('a pass > 30 days from the epoch is warned about; > 365 days (or year 1) is refused naming the satellite', () => {
    const warned = resolveMissionPass(mission, matera, '2017-02-01');
    expect(warned.warnings).toHaveLength(1);
    expect(warned.warnings[0]).toMatch(/"MICIUS": propagated 4[45] days after its element set's epoch/);
    for (const spec of ['2018-06-01', '0001-01-01']) {
      let e: unknown;
      try {
        resolveMissionPass(mission, matera, spec);
      } catch (x) {
        e = x;
      }
      expect(e, spec).toBeInstanceOf(InputError);
      expect((e as InputError).field).toBe('satellite');
      expect((e as InputError).message).toMatch(/days (after|before) the epoch of "MICIUS".*refused beyond 365 days/);
    }
  });
});
