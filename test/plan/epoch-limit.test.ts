import { describe, expect, it } from 'vitest';
import { parseMission } from '../../src/mission/config.js';
import { EPOCH_LIMIT_DAYS } from '../../src/orbit/epoch.js';
import { DEFAULT_WEATHER, planSlice, planSlices, runPlan } from '../../src/plan/index.js';
import { walkerMission } from './fixtures.js';

const EPOCH = Date.parse('2024-03-01T00:00:00Z');
const DAY = 86_400_000;
const LIMIT = EPOCH + EPOCH_LIMIT_DAYS * DAY;

describe('a plan window past the element epoch ± 365 d', () => {
  const mission = parseMission(walkerMission('53:2/1/0', '"xinglong", "graz", "ngari"'), 'w.json');
  const slice = (fromMs: number, toMs: number) => planSlices(mission, { fromMs, toMs, stepS: 30 }).map(planSlice);

  it('is clipped to the limit with a warning, and gives the passes of the window that ends at the limit', () => {
    const from = LIMIT - 1.5 * DAY;
    const crossing = slice(from, LIMIT + 2 * DAY);
    const inside = slice(from, LIMIT);
    for (const [k, s] of crossing.entries()) {
      expect(s.warnings.some((w) => /clipped to .*2025-03-01T00:00:00\.000Z \(2\.00 days of the window not planned\)/.test(w)), s.warnings.join('\n')).toBe(true);
      expect(s.passes.length).toBeGreaterThan(3);
      expect(s.passes.every((p) => p.losMs <= LIMIT && p.keyBits >= 0)).toBe(true);
      // the same search as the window that stops at the limit, less a pass reaching past it
      const expected = inside[k].passes.filter((p) => p.losMs <= LIMIT);
      expect(s.passes.map((p) => [p.station, p.aosMs, p.losMs, p.keyBits])).toEqual(expected.map((p) => [p.station, p.aosMs, p.losMs, p.keyBits]));
    }
  });

  it('a window wholly beyond the limit plans nothing and says so; runPlan carries the warnings to plan.json', async () => {
    const beyond = slice(LIMIT + DAY, LIMIT + 2 * DAY);
    expect(beyond.every((s) => s.passes.length === 0 && s.warnings.some((w) => /wholly outside and is not planned/.test(w)))).toBe(true);
    const plan = await runPlan(mission, { fromMs: LIMIT - DAY / 2, toMs: LIMIT + DAY, policy: 'greedy', block: 'per-pass', stepS: 30, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: true }, 1);
    expect(plan.warnings.filter((w) => /clipped/.test(w))).toHaveLength(2);
    expect(plan.summary.passes).toBeGreaterThan(0);
  });
});
