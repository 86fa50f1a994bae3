/**
 * A plan on Redis: the planner's canonical slices (plan/slice.ts planSlices) as `plan-slice`
 * jobs, then assemblePlan in this process on the results in slice order, so the plan (and
 * plan.json, planJson) is byte-identical to the single-process runPlan for the same inputs.
 */
import type { Mission } from '../mission/config.js';
import { assemblePlan, type Plan } from '../plan/assemble.js';
import { planSlices } from '../plan/slice.js';
import type { PlannedPass, PlanOptions } from '../plan/types.js';
import { runOnRedis, type RunOnRedisOptions } from './queue.js';

export async function planOnRedis(url: string, mission: Mission, options: PlanOptions, opts: RunOnRedisOptions = {}, onPass?: (p: PlannedPass) => void): Promise<Plan> {
  const slices = await runOnRedis(url, 'plan-slice', planSlices(mission, options), opts);
  return assemblePlan(mission, options, slices, onPass);
}
