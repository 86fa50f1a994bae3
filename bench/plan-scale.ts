/**
 * One plan of the bench's Walker mission (bench/plan-missions.ts) in its own process, for the
 * planner's growth table (README, "Plan a campaign"): peak RSS needs a process per case.
 *   /usr/bin/time -f %M npx tsx bench/plan-scale.ts DAYS THREADS WALKER STATIONS
 * Prints { days, passes, scheduled, wallS, slicesWallS, cpuS (all threads), maxRssMiB, warnings }.
 * Greedy, per-pass blocks, --summary; window from 2024-01-01 (the shell's epoch).
 */
import { walkerBenchMission } from './plan-missions.js';
import { DEFAULT_WEATHER, PLANNING_STEP_S, runPlan } from '../src/plan/index.js';
const DAY = 86_400_000;
const days = Number(process.argv[2] ?? 366);
const threads = Number(process.argv[3] ?? 2);
const m = walkerBenchMission(process.argv[4] ?? '53:100/10/1', Number(process.argv[5] ?? 50));
const from = Date.parse('2024-01-01T00:00:00Z');
const options = { fromMs: from, toMs: from + days * DAY, policy: 'greedy' as const, block: 'per-pass' as const, stepS: PLANNING_STEP_S, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: true };
const c0 = process.cpuUsage(); const t0 = performance.now();
let lastSlice = 0;
const plan = await runPlan(m, options, threads, { onSlice: (d, n) => { if (d % 10 === 0) console.error(`slice ${d}/${n} ${((performance.now() - t0) / 1000).toFixed(1)} s`); lastSlice = performance.now(); } });
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ days, passes: plan.summary.passes, scheduled: plan.summary.scheduledPasses, wallS: (performance.now() - t0) / 1000, slicesWallS: (lastSlice - t0) / 1000, cpuS: (c.user + c.system) / 1e6, maxRssMiB: process.resourceUsage().maxRSS / 1024, warnings: plan.warnings.length }));
