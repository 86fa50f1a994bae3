import { describe, expect, it } from 'vitest';
import { parseMission } from '../../src/mission/config.js';
import { assemblePlan, DEFAULT_WEATHER, type PlanOptions, type SlicePass, type SliceResult } from '../../src/plan/index.js';
import { mulberry32 } from '../link/rng.js';
import { walkerMission } from './fixtures.js';

const MIN = 60_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');

// station ids whose code-unit order (the plan's tie order) is not the order they are listed in
const IDS = ['s9', 'b2', 'a1', 's10'];
const mission = parseMission(
  walkerMission('53:3/3/1', IDS.map((id, k) => `{ "id": "${id}", "latitudeDeg": ${10 * k}, "longitudeDeg": ${20 * k}, "altitudeM": 0 }`).join(',')),
  '<test>',
);
const options: PlanOptions = { fromMs: T0, toMs: T0 + 86_400_000, policy: 'greedy', block: 'per-pass', stepS: 10, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: false };

function pass(sat: number, station: string, aosMs: number, key: number): SlicePass {
  return {
    satellite: `sat-${sat}`,
    satelliteIndex: sat,
    station,
    aosMs,
    tcaMs: aosMs + 2 * MIN,
    losMs: aosMs + 4 * MIN,
    maxElevationDeg: 40,
    minRangeKm: 700,
    night: true,
    sunElevationDegAtTca: -30,
    keyBits: key,
    // sent, detected, errors per basis and intensity
    counts: Array.from({ length: 18 }, (_, x) => [1e8, 1000 + key, 10][x % 3]),
    pulses: 1e9,
    durationS: 240,
  };
}

/**
 * Slices of three satellites whose passes start at a few instants only, so that one AOS is
 * shared within a slice (several stations) and across slices; each slice in AOS order with its
 * ties in the reverse of the plan's station order (unless `shuffled`: any order).
 */
function slices(seed: number, shuffled: boolean): SliceResult[] {
  const rand = mulberry32(seed);
  return [0, 1, 2].map((sat) => {
    const passes: SlicePass[] = [];
    for (let k = 0; k < 40; k++) passes.push(pass(sat, IDS[Math.floor(rand() * IDS.length)], T0 + Math.floor(rand() * 8) * 7 * MIN, Math.floor(rand() * 5) * 1000));
    if (shuffled) {
      for (let k = passes.length - 1; k > 0; k--) {
        const j = Math.floor(rand() * (k + 1));
        [passes[k], passes[j]] = [passes[j], passes[k]];
      }
    }
    else passes.sort((a, b) => a.aosMs - b.aosMs || (a.station < b.station ? 1 : a.station > b.station ? -1 : 0));
    return { satelliteIndex: sat, satellite: `sat-${sat}`, stationIds: [...IDS], passes, warnings: [] };
  });
}

/** The plan order by its definition: (AOS, satellite index, station id in code-unit order), full ties in slice order. */
function referenceOrder(input: SliceResult[]): string[] {
  const all = input.flatMap((s) => s.passes).map((p, at) => ({ p, at }));
  all.sort((x, y) => x.p.aosMs - y.p.aosMs || x.p.satelliteIndex - y.p.satelliteIndex || (x.p.station < y.p.station ? -1 : x.p.station > y.p.station ? 1 : 0) || x.at - y.at);
  return all.map(({ p }) => `${p.satellite} ${p.station} ${new Date(p.aosMs).toISOString()} ${p.keyBits}`);
}

describe('plan order of the passes (assemblePlan)', () => {
  it.each([
    ['slices in AOS order (merged)', false],
    ['slices out of order (sorted)', true],
  ])('%s: (AOS, satellite, station id), ties within and across slices', (_, shuffled) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const input = slices(seed, shuffled as boolean);
      const plan = assemblePlan(mission, options, input);
      const got = plan.passes!.map((p) => `${p.satellite} ${p.station} ${p.aos} ${p.predictedKeyBits}`);
      expect(got, `seed ${seed}`).toEqual(referenceOrder(input));
    }
  });
});
