/**
 * `jobs`: the distributed plan on BullMQ + Redis with 1, 2 and 4 `mozi worker` processes (a
 * private redis-server, test/support/redis.ts), against the in-process plan, and the campaign
 * replay throughput (passes per minute, 60 s windows, two workers). Wall time of the client, CPU
 * time of the worker processes (from /proc), and the load average at the start of each run.
 * Size: a Walker 53:100/10/1 constellation over the six Micius stations for 7 days (quick: 20
 * satellites, 2 days); the year × 100 satellites × 50 stations is not run here (see README).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult, BenchSuite } from '../types.js';
import { parseMission } from '../../src/mission/config.js';
import { planJson, runPlan, DEFAULT_WEATHER, PLANNING_STEP_S } from '../../src/plan/index.js';
import { planOnRedis } from '../../src/jobs/plan.js';
import { startRedis } from '../../test/support/redis.js';

const CLI = ['--import', 'tsx', join(process.cwd(), 'src', 'cli', 'main.ts')];

function worker(url: string): ChildProcess {
  return spawn(process.execPath, [...CLI, 'worker', '--redis', url], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** User + system CPU seconds of a live process (/proc/PID/stat, clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const stop = (w: ChildProcess) => new Promise<void>((r) => (w.exitCode !== null ? r() : (w.once('exit', () => r()), process.kill(w.pid!, 'SIGTERM'))));

export const jobsSuite: BenchSuite = {
  name: 'jobs',
  description: 'distributed plan (1, 2, 4 worker processes on Redis) vs in-process; campaign replay passes/min',
  async run({ quick, log }) {
    const sats = quick ? 20 : 100;
    const days = quick ? 2 : 7;
    const mission = parseMission(
      `{ "name": "bench-walker", "constellation": { "walker": "53:${sats}/10/1", "altitudeKm": 550, "epoch": "2024-03-01T00:00:00Z" },
         "stations": ["xinglong", "nanshan", "delingha", "lijiang", "ngari", "graz"], "constraints": { "nightOnly": false, "minElevationDeg": 10 } }`,
      'bench-walker.json',
    );
    const fromMs = Date.parse('2024-03-01T00:00:00Z');
    const options = { fromMs, toMs: fromMs + days * 86_400_000, policy: 'greedy' as const, block: 'per-pass' as const, stepS: PLANNING_STEP_S, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: false };
    const params = { satellites: sats, stations: 6, days };
    const out: BenchResult[] = [];
    const c0 = process.cpuUsage();
    let t0 = performance.now();
    const load0 = loadavg()[0];
    const reference = planJson(await runPlan(mission, options, 1));
    const inWall = (performance.now() - t0) / 1000;
    const inCpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6;
    log(`jobs: in-process plan ${inWall.toFixed(1)} s wall, ${inCpu.toFixed(1)} s CPU, load ${load0.toFixed(1)}`);
    out.push({ name: 'jobs/plan-in-process', params, metric: 'wallTime', value: inWall, unit: 's' }, { name: 'jobs/plan-in-process', params, metric: 'cpuTime', value: inCpu, unit: 's' }, { name: 'jobs/plan-in-process', params, metric: 'loadAvg1', value: load0, unit: '' });
    for (const n of [1, 2, 4]) {
      const redis = await startRedis();
      const workers = Array.from({ length: n }, () => worker(redis.url));
      try {
        await new Promise((r) => setTimeout(r, 3000)); // workers start (tsx compile)
        const cpuStart = workers.reduce((a, w) => a + cpuSecondsOf(w.pid!), 0);
        const load = loadavg()[0];
        t0 = performance.now();
        const text = planJson(await planOnRedis(redis.url, mission, options));
        const wall = (performance.now() - t0) / 1000;
        const cpu = workers.reduce((a, w) => a + cpuSecondsOf(w.pid!), 0) - cpuStart;
        if (text !== reference) throw new Error(`plan.json with ${n} workers differs from the in-process plan`);
        log(`jobs: ${n} worker(s): ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s worker CPU, load ${load.toFixed(1)}, plan.json identical`);
        const name = `jobs/plan-redis-${n}-workers`;
        out.push({ name, params: { ...params, workers: n }, metric: 'wallTime', value: wall, unit: 's' }, { name, params: { ...params, workers: n }, metric: 'cpuTime', value: cpu, unit: 's' }, { name, params: { ...params, workers: n }, metric: 'loadAvg1', value: load, unit: '' });
      } finally {
        await Promise.all(workers.map(stop));
        await redis.stop();
      }
    }
    // campaign replay throughput: the first scheduled passes of a week of Micius, 60 s windows, two workers
    const dir = mkdtempSync(join(tmpdir(), 'mozi-bench-campaign-'));
    const redis = await startRedis();
    const workers = [worker(redis.url), worker(redis.url)];
    try {
      const { replayCampaign } = await import('../../src/jobs/campaign.js');
      const { loadMission } = await import('../../src/mission/presets.js');
      const micius = loadMission(join(process.cwd(), 'test', 'jobs', 'fixtures', 'micius-two.jsonc'));
      const wk = Date.parse('2016-12-16T00:00:00Z');
      const plan = await runPlan(micius, { ...options, fromMs: wk, toMs: wk + 7 * 86_400_000 }, 1);
      const passes = plan.passes!.filter((p) => p.scheduled).slice(0, quick ? 2 : 6);
      await new Promise((r) => setTimeout(r, 3000));
      const cpuStart = workers.reduce((a, w) => a + cpuSecondsOf(w.pid!), 0);
      const load = loadavg()[0];
      t0 = performance.now();
      const res = await replayCampaign({ mission: micius, passes, outDir: dir, seed: 1, windowS: 60, redis: redis.url });
      const wall = (performance.now() - t0) / 1000;
      const cpu = workers.reduce((a, w) => a + cpuSecondsOf(w.pid!), 0) - cpuStart;
      const perMin = (res.length / wall) * 60;
      log(`jobs: campaign ${res.length} passes (60 s windows) on 2 workers: ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s worker CPU, ${perMin.toFixed(2)} passes/min, load ${load.toFixed(1)}`);
      const p2 = { passes: res.length, windowS: 60, workers: 2 };
      out.push({ name: 'jobs/campaign-replay', params: p2, metric: 'passesPerMinute', value: perMin, unit: '1/min' }, { name: 'jobs/campaign-replay', params: p2, metric: 'wallTime', value: wall, unit: 's' }, { name: 'jobs/campaign-replay', params: p2, metric: 'cpuTime', value: cpu, unit: 's' }, { name: 'jobs/campaign-replay', params: p2, metric: 'loadAvg1', value: load, unit: '' });
    } finally {
      await Promise.all(workers.map(stop));
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return out;
  },
};
