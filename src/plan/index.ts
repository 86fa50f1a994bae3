/**
 * Plan layer (4): campaign and constellation planning. The API other code builds on:
 *   planSlices(mission, options) → SliceInput[]      the canonical independent slices (slice.ts)
 *   planSlice(input) → SliceResult                    passes and predicted keys of one slice (planSlicePacked: as columns)
 *   assemblePlan(mission, options, slices) → Plan     scheduling, accumulation, relay, figures (assemble.ts)
 *   planJson(plan) → text                             plan.json, byte-identical for equal inputs
 *   runSlices(inputs, threads) → SliceResult[]        planSlice on worker threads (pool.ts)
 *   runPlan(mission, options, threads) → Plan         all of it
 */
import type { Mission } from '../mission/config.js';
import { assemblePlan, type Plan } from './assemble.js';
import { runPackedSlices } from './pool.js';
import { planSlices } from './slice.js';
import type { PlannedPass, PlanOptions } from './types.js';

export { assemblePlan, planJson, planPairs, plannedPass } from './assemble.js';
export type { PairFigures, Plan, PlanSummary, StationFigures } from './assemble.js';
export { planSatellites, planSlice, planSlicePacked, planSlices } from './slice.js';
export { runPackedSlices, runSlices } from './pool.js';
export { packSlice, unpackSlice } from './packed.js';
export type { PackedSlice } from './packed.js';
export { schedulePasses, greedySchedule, roundRobinSchedule, maxMinHeuristicSchedule } from './schedule.js';
export type { Candidate, CandidateColumns, Candidates, Schedule } from './schedule.js';
export { maxMinPairKeys, pairKeys, RELAY_MODES, relayPairKeys, stationWeights } from './relay.js';
export { solveLp } from './lp.js';
export type { PairSpec, Pools, RelayMode } from './relay.js';
export { cloudFreeProbability, DEFAULT_WEATHER, loadWeather, parseWeather } from './weather.js';
export * from './types.js';

/** The whole plan: slices on `threads` workers, then assemblePlan. */
export async function runPlan(
  mission: Mission,
  options: PlanOptions,
  threads = 1,
  hooks: { onSlice?: (done: number, total: number) => void; onPass?: (p: PlannedPass) => void } = {},
): Promise<Plan> {
  const slices = await runPackedSlices(planSlices(mission, options), threads, hooks.onSlice);
  return assemblePlan(mission, options, slices, hooks.onPass);
}
