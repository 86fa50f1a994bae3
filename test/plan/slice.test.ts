import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseMission } from '../../src/mission/config.js';
import { keyOfCounts, predictParamsFromHardware } from '../../src/mission/predict.js';
import { lookAngles, satrecOf, satState, stationFrame } from '../../src/orbit/sgp4.js';
import { addCounts, PACKED_COUNTS, unpackCounts } from '../../src/plan/counts.js';
import { DEFAULT_WEATHER, planJson, planSlice, planSlices, runPlan, runSlices } from '../../src/plan/index.js';
import { miciusMission } from '../../src/mission/presets.js';
import { walkerMission } from './fixtures.js';

const FROM = Date.parse('2024-03-01T00:00:00Z');
const DAY = 86_400_000;

describe('planSlice: passes of a small constellation against a brute-force scan', () => {
  it('finds every pass above 10° with AOS/LOS within 2 s and the peak elevation within 0.05°', () => {
    const mission = parseMission(walkerMission('53:4/2/1', '"xinglong", "graz"'), 'w.json');
    const toMs = FROM + DAY;
    const slices = planSlices(mission, { fromMs: FROM, toMs, stepS: 10 });
    expect(slices).toHaveLength(4);
    for (const input of slices) {
      const got = planSlice(input);
      const rec = satrecOf(mission.constellation!.satellites[input.satelliteIndex].sets[0]);
      for (const st of mission.stations) {
        const frame = stationFrame(st);
        // brute force: every second, elevation above 10°; intervals overlapping the window
        const intervals: { aos: number; los: number; maxEl: number }[] = [];
        let open: { aos: number; los: number; maxEl: number } | null = null;
        for (let t = FROM - 1_800_000; t <= toMs + 1_800_000; t += 1000) {
          const el = lookAngles(frame, satState(rec, t)!.ecf).elevationDeg;
          if (el > 10) {
            if (!open) open = { aos: t, los: t, maxEl: el };
            open.los = t;
            open.maxEl = Math.max(open.maxEl, el);
          } else if (open) {
            intervals.push(open);
            open = null;
          }
        }
        const brute = intervals.filter((p) => p.los >= FROM && p.aos <= toMs);
        const mine = got.passes.filter((p) => p.station === st.id);
        expect(mine.length, `${got.satellite} over ${st.id}`).toBe(brute.length);
        expect(brute.length).toBeGreaterThan(0);
        mine.forEach((p, k) => {
          expect(Math.abs(p.aosMs - brute[k].aos)).toBeLessThan(2000);
          expect(Math.abs(p.losMs - brute[k].los)).toBeLessThan(2000);
          expect(p.maxElevationDeg).toBeGreaterThanOrEqual(brute[k].maxEl - 1e-6);
          expect(p.maxElevationDeg - brute[k].maxEl).toBeLessThan(0.05);
        });
      }
    }
  });

  it('gives a byte-identical plan.json whatever the number of worker threads', async () => {
    const mission = parseMission(walkerMission('53:6/2/1', '"xinglong", "delingha", "lijiang"'), 'w.json');
    const options = { fromMs: FROM, toMs: FROM + DAY / 2, policy: 'max-min' as const, block: 'combined' as const, stepS: 30, weather: DEFAULT_WEATHER, latencyBits: 1e5, summaryOnly: false };
    const one = planJson(await runPlan(mission, options, 1));
    const two = planJson(await runPlan(mission, options, 2));
    expect(two).toBe(one);
    const plan = JSON.parse(one);
    expect(plan.passes.length).toBe(plan.summary.passes);
    expect(plan.passes.some((p: { scheduled: boolean }) => !p.scheduled)).toBe(true);
    // slices cross a thread as JSON: the same results as computed here
    const slices = planSlices(mission, options);
    expect(JSON.parse(JSON.stringify(await runSlices(slices, 2)))).toEqual(slices.map(planSlice));
  });
});

describe('the planning step', () => {
  it('10-s prediction slots give the total key of 1-s slots to 0.5 %', () => {
    const from = Date.parse('2017-01-05T00:00:00Z');
    const total = (stepS: number) => planSlice(planSlices(miciusMission(), { fromMs: from, toMs: from + 6 * DAY, stepS })[0]).passes.reduce((a, p) => a + p.keyBits, 0);
    const fine = total(1);
    expect(fine).toBeGreaterThan(1e6);
    expect(Math.abs(total(10) / fine - 1)).toBeLessThan(0.005);
  });
});

describe('combined blocks', () => {
  it('never give less key than the sum of per-pass blocks when each is positive', () => {
    const mission = miciusMission();
    const from = Date.parse('2017-01-05T00:00:00Z');
    const [input] = planSlices(mission, { fromMs: from, toMs: from + 6 * DAY, stepS: 10 });
    const passes = planSlice(input).passes.filter((p) => p.keyBits > 0);
    expect(passes.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.subarray(passes, { minLength: 2 }), (subset) => {
        const byStation = new Map<string, typeof subset>();
        for (const p of subset) byStation.set(p.station, [...(byStation.get(p.station) ?? []), p]);
        for (const [id, list] of byStation) {
          const st = mission.stations.find((s) => s.id === id)!;
          const src = predictParamsFromHardware(mission.transmitter, st.receiver);
          const acc = new Array<number>(PACKED_COUNTS).fill(0);
          let pulses = 0;
          let durationS = 0;
          for (const p of list) {
            addCounts(acc, p.counts);
            pulses += p.pulses;
            durationS += p.durationS;
          }
          const combined = keyOfCounts(mission, unpackCounts(acc, { intensities: src.intensities, probabilities: src.probabilities, bobProbX: src.bobProbX! }, pulses, durationS)).keyLengthBits;
          const sum = list.reduce((a, p) => a + p.keyBits, 0);
          expect(combined).toBeGreaterThanOrEqual(sum);
        }
      }),
      { numRuns: 40 },
    );
  });
});
