/**
 * `plan`: campaign planning end to end (pass search, per-pass prediction on worker threads,
 * scheduling, accumulation, relay, figures). Targets (issue 16): one year of Micius over its six
 * stations ≤ 2 s; Walker 53:100/10/1 × 50 stations × one year ≤ 60 s with peak RSS ≤ 2 GiB.
 * CPU time is the process's (all threads, process.cpuUsage); maxRss is the process peak so far.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { BenchResult, BenchSuite } from '../types.js';
import { miciusMission } from '../../src/mission/presets.js';
import { epochMs } from '../../src/orbit/sgp4.js';
import type { Mission } from '../../src/mission/config.js';
import { DEFAULT_WEATHER, PLANNING_STEP_S, runPlan, type PlanOptions } from '../../src/plan/index.js';
import { walkerBenchMission } from '../plan-missions.js';

const DAY_MS = 86_400_000;

async function timed(mission: Mission, fromMs: number, days: number, threads: number): Promise<{ wallS: number; cpuS: number; passes: number; scheduled: number; keyBits: number }> {
  const options: PlanOptions = { fromMs, toMs: fromMs + days * DAY_MS, policy: 'greedy', block: 'per-pass', stepS: PLANNING_STEP_S, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: true };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = await runPlan(mission, options, threads);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wallS, cpuS: (cpu.user + cpu.system) / 1e6, passes: plan.summary.passes, scheduled: plan.summary.scheduledPasses, keyBits: plan.summary.keyBits };
}

export const planSuite: BenchSuite = {
  name: 'plan',
  description: 'mozi plan: Micius year over six stations; Walker constellations × stations × days (scaling)',
  async run({ quick, log }) {
    const threads = availableParallelism();
    const out: BenchResult[] = [];
    const push = (name: string, params: Record<string, unknown>, r: Awaited<ReturnType<typeof timed>>): void => {
      const load = loadavg()[0];
      log(`load average (1 min) ${load.toFixed(2)}`);
      log(`${name}: ${r.passes} passes (${r.scheduled} scheduled), ${r.wallS.toFixed(2)} s wall, ${r.cpuS.toFixed(2)} s CPU, ${((r.cpuS / Math.max(1, r.passes)) * 1e6).toFixed(0)} µs CPU/pass`);
      out.push(
        { name, params, metric: 'wallTime', value: r.wallS, unit: 's' },
        { name, params, metric: 'cpuTime', value: r.cpuS, unit: 's' },
        { name, params, metric: 'passCount', value: r.passes, unit: '' },
        { name, params, metric: 'cpuPerPass', value: (r.cpuS / Math.max(1, r.passes)) * 1e6, unit: 'µs' },
        { name, params, metric: 'loadAverage1m', value: load, unit: '' },
      );
    };
    // Micius: from the day after its element set's epoch (SGP4 is refused beyond 365 days from it)
    const mission = miciusMission();
    const epoch = epochMs(mission.satellite.sets[0]);
    const days = quick ? 30 : 364;
    const micius = await timed(mission, Math.ceil(epoch / DAY_MS) * DAY_MS, days, threads);
    push(quick ? 'plan/micius-month-6-stations' : 'plan/micius-year-6-stations', { days, stations: 6, threads, stepS: PLANNING_STEP_S }, micius);

    // scaling: satellites × stations × days, each doubled from a base case
    const from = Date.parse('2024-01-01T00:00:00Z');
    const cases: [string, number, number][] = quick
      ? [['53:4/2/1', 10, 2], ['53:8/2/1', 10, 2]]
      : [['53:4/2/1', 10, 7], ['53:8/2/1', 10, 7], ['53:4/2/1', 20, 7], ['53:4/2/1', 10, 14], ['53:100/10/1', 50, 2]];
    for (const [walker, stations, d] of cases) {
      const sats = Number(walker.split(':')[1].split('/')[0]);
      const r = await timed(walkerBenchMission(walker, stations), from, d, threads);
      push(`plan/walker-${sats}x${stations}x${d}d`, { walker, satellites: sats, stations, days: d, threads, stepS: PLANNING_STEP_S }, r);
    }
    const rssMiB = process.resourceUsage().maxRSS / 1024;
    log(`plan: peak RSS of the bench process ${rssMiB.toFixed(0)} MiB`);
    out.push({ name: 'plan/peak-rss', params: { threads }, metric: 'maxRss', value: rssMiB, unit: 'MiB' });
    return out;
  },
};
