/**
 * Campaign replay of a constellation's plan (in this process, no Redis): each pass is replayed
 * with the satellite plan.json names, not the mission's first one. The pass is taken from the
 * plan of a 6-satellite Walker mission (the first scheduled pass of another satellite than the
 * first), replayed over 2 s of it: found, with detections, under that satellite's site. A plan
 * of another mission is refused before anything runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { campaignInputs, replayCampaign } from '../../src/jobs/campaign.js';
import { missionWithSatellite } from '../../src/jobs/kinds.js';
import { loadMission, miciusMission } from '../../src/mission/presets.js';
import { satelliteSiteName } from '../../src/mission/replay.js';
import { DEFAULT_WEATHER, PLANNING_STEP_S, runPlan } from '../../src/plan/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-campaign-constellation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('campaign replay of a constellation plan', () => {
  const mission = loadMission('test/jobs/fixtures/walker-6.jsonc');

  it("replays a pass with the plan's satellite, under that satellite's site", async () => {
    const fromMs = Date.parse('2024-03-01T00:00:00Z');
    const plan = await runPlan(mission, { fromMs, toMs: fromMs + 86_400_000, policy: 'greedy', block: 'per-pass', stepS: PLANNING_STEP_S, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: false }, 1);
    const first = mission.satellite.name;
    const pass = plan.passes!.find((p) => p.scheduled && p.satellite !== first && p.predictedKeyBits > 0);
    expect(pass, 'a scheduled keyed pass of another satellite than the first').toBeDefined();
    const p = pass!;
    expect(campaignInputs({ mission, passes: [p], outDir: dir, seed: 3 })[0].satellite).toBe(p.satellite);
    expect(missionWithSatellite(mission, p.satellite).satellite.name).toBe(p.satellite);

    // 2 s of the pass: too short for a finite key, long enough to find the pass and detect photons
    const [r] = await replayCampaign({ mission, passes: [p], outDir: dir, seed: 3, windowS: 2 });
    expect(r.satellite).toBe(satelliteSiteName(p.satellite));
    expect(r.passId.startsWith(satelliteSiteName(p.satellite))).toBe(true);
    expect(r.station).toBe(p.station);
    expect(r.replayed).toBe(true);
    expect(r.detections).toBeGreaterThan(0);
    expect(r.aborted).toBe(r.finalKeyBits === 0);
  }, 120_000);

  it('refuses a plan of another mission before replaying anything', async () => {
    const micius = miciusMission();
    const pass = { satellite: 'walker-2-1', station: 'xinglong', aos: '2024-03-01T00:17:54.000Z', scheduled: true, predictedKeyBits: 0 };
    await expect(replayCampaign({ mission: micius, passes: [pass], outDir: join(dir, 'other'), seed: 1 })).rejects.toThrow(InputError);
    await expect(replayCampaign({ mission: micius, passes: [pass], outDir: join(dir, 'other'), seed: 1 })).rejects.toThrow(/"walker-2-1" is not a satellite of mission "micius".*--mission/);
    expect(() => missionWithSatellite(mission, 'MICIUS')).toThrow(/walker-1-1, walker-1-2, walker-2-1 … 6 satellites/);
  });
});
