import { describe, expect, it } from 'vitest';
import { parseMission } from '../../src/mission/config.js';
import { missionPasses } from '../../src/mission/passes.js';
import { loadMission } from '../../src/mission/presets.js';
import { passKeyPredictor, predictPassKey, type PredictOptions } from '../../src/mission/predict.js';
import { PACKED_DURATION_S, PACKED_PULSES } from '../../src/security/predict.js';
import { planSlice, planSlices } from '../../src/plan/index.js';
import { walkerMission } from '../plan/fixtures.js';

const FROM = Date.parse('2024-03-01T00:00:00Z');
const DAY = 86_400_000;

/** predictPassKey's counts in PACKED_PREDICTION order. */
function packedOf(p: ReturnType<typeof predictPassKey>): number[] {
  const out: number[] = [];
  for (const b of [p.counts.counts.X, p.counts.counts.Z]) for (const c of b) out.push(c.sent ?? 0, c.detected, c.errors);
  return [...out, p.counts.pulses, p.counts.durationS];
}

describe('passKeyPredictor (the planner\'s per-pass path)', () => {
  // six satellites over four stations (one with Beijing's light) for two days, day and night: passes with and without key
  const mission = parseMission(walkerMission('53:6/3/1', '"xinglong", "graz", "delingha", "lijiang"'), 'w.json');
  const sats = mission.constellation!.satellites;

  it('gives predictPassKey\'s key and counts to the bit on every pass, under several bounds, protocols, ε and steps', () => {
    const variants: PredictOptions[] = [{ stepS: 10 }, { stepS: 1 }, { stepS: 10, bound: 'hoeffding' }, { stepS: 30, bound: 'asymptotic', protocol: 'efficient' }, { stepS: 10, bound: 'no-decoy' }, { stepS: 10, epsSec: 1e-12, fEC: 1.3 }];
    let zero = 0;
    let positive = 0;
    for (const [i, cat] of sats.entries()) {
      const m = { ...mission, satellite: cat };
      const { passes } = missionPasses(m, m.stations, FROM, FROM + 2 * DAY);
      expect(passes.length, cat.name).toBeGreaterThan(3);
      const options = variants[i % variants.length];
      const predictor = passKeyPredictor(m, options);
      for (const p of passes) {
        const want = predictPassKey(m, p.station, p, options);
        expect(predictor.keyBits(p.station, p), `${cat.name} ${p.station} ${p.aos}`).toBe(want.keyBits);
        expect(Array.from(predictor.counts)).toEqual(packedOf(want));
        if (want.keyBits > 0) positive++;
        else zero++;
      }
    }
    expect(zero).toBeGreaterThan(10);
    expect(positive).toBeGreaterThan(10);
  });

  it('the planner\'s slice keys are keyrate --predict\'s (predictPassKey on the planning grid)', () => {
    const [input] = planSlices(mission, { fromMs: FROM, toMs: FROM + DAY, stepS: 10 });
    const slice = planSlice(input);
    const m = { ...mission, satellite: sats[0] };
    expect(slice.passes.length).toBeGreaterThan(3);
    // the slice's search (interpolated ephemeris), here with an ephemeris of its own: the same passes
    const found = missionPasses(m, m.stations, FROM, FROM + DAY, m.constraints, undefined, { interpolate: true, clipToEpochLimit: true }).passes;
    expect(found.length).toBe(slice.passes.length);
    for (const sp of slice.passes) {
      const p = found.find((q) => q.aosMs === sp.aosMs && q.station === sp.station);
      expect(p, `${sp.station} ${sp.aosMs}`).toBeDefined();
      const want = predictPassKey(m, sp.station, p!, { stepS: 10 });
      expect(sp.keyBits).toBe(want.keyBits);
      const packed = packedOf(want);
      expect([...sp.counts, sp.pulses, sp.durationS]).toEqual(packed);
      expect(packed[PACKED_PULSES]).toBe(sp.pulses);
      expect(packed[PACKED_DURATION_S]).toBe(sp.durationS);
    }
  });

  it('the Micius reference pass: the same key as `mozi keyrate --predict` (Xinglong with Beijing\'s light, 5-s slots)', () => {
    const m = loadMission('micius');
    const want = predictPassKey(m, 'xinglong', '2016-12-19', { stepS: 5 });
    const p = missionPasses(m, [m.stations.find((s) => s.id === 'xinglong')!], Date.parse('2016-12-19T16:00:00Z'), Date.parse('2016-12-19T18:00:00Z')).passes[0];
    expect(passKeyPredictor(m, { stepS: 5 }).keyBits('xinglong', p)).toBe(want.keyBits);
    expect(want.keyBits).toBeGreaterThan(1e5);
  });
});
