import { describe, expect, it } from 'vitest';
import { miciusMission } from '../../src/mission/presets.js';
import { assemblePlan, DEFAULT_WEATHER, packSlice, planJson, planSlice, planSlices, unpackSlice, type PlanOptions } from '../../src/plan/index.js';

const DAY = 86_400_000;

describe('packed slices (columns, what the worker threads transfer)', () => {
  const mission = miciusMission();
  const from = Date.parse('2017-01-05T00:00:00Z');
  const base: PlanOptions = { fromMs: from, toMs: from + 5 * DAY, policy: 'greedy', block: 'per-pass', stepS: 10, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: false };
  const slices = planSlices(mission, base).map(planSlice);

  it('round-trip a slice exactly (every field, every count)', () => {
    expect(slices[0].passes.length).toBeGreaterThan(10);
    for (const s of slices) expect(unpackSlice(packSlice(s))).toEqual(s);
  });

  it('give the same plan.json as the SliceResults for every policy and block', () => {
    for (const policy of ['greedy', 'round-robin', 'max-min'] as const) {
      for (const block of ['per-pass', 'combined'] as const) {
        const o = { ...base, policy, block };
        const objects = planJson(assemblePlan(mission, o, slices));
        expect(planJson(assemblePlan(mission, o, slices.map(packSlice)))).toBe(objects);
        expect(JSON.parse(objects).passes.length).toBe(slices.reduce((a, s) => a + s.passes.length, 0));
      }
    }
  });
});
