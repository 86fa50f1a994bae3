/**
 * `jobs`: the distributed plan on BullMQ + Redis (issue 17). On a private redis-server
 * (test/support/redis.ts) per run, with `mozi worker` processes:
 * - per-job overhead: `noop` jobs (the queue's round trip alone), 500 in one batch on one worker
 *   (amortised cost per job) and 30 one after the other (submit → result latency, client poll 5 ms);
 * - the issue's plan, Walker 53:100/10/1 × 50 stations × the calendar year 2024 (element epoch
 *   1 July, so no pass is more than 184 days from it; quick: 20 satellites × 10 stations × 7 days),
 *   as its 100 canonical slice jobs on 4, 2 and 1 worker processes, then in this process on
 *   worker threads (all cores). Every run's plan.json must be byte-identical (sha256) or the suite
 *   fails. The plan is written with `summaryOnly` (the per-pass array of 3 M passes would exceed
 *   V8's largest string); the slices still carry every pass with its prediction through Redis;
 * - an Amdahl projection to N machines of 2 cores from the 1-worker run: W = the sum of the job
 *   durations (BullMQ processedOn → finishedOn), S = its wall − W (submission, result transfer,
 *   assembly: the serial part), T(N) = S + max(W / 2N, longest job); checked against the measured
 *   2-worker wall on this 2-core machine (N = 1);
 * - campaign replay throughput: 6 scheduled Micius passes (60 s windows) on two workers.
 * Wall time of the client, CPU of the worker processes (/proc) and of this process, the 1-min load
 * average at the start and at the end of each run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult, BenchSuite } from '../types.js';
import { walkerBenchMission } from '../plan-missions.js';
import { planJson, runPlan, DEFAULT_WEATHER, PLANNING_STEP_S, type PlanOptions } from '../../src/plan/index.js';
import { assemblePlan } from '../../src/plan/assemble.js';
import { planSlices } from '../../src/plan/slice.js';
import { jobId } from '../../src/jobs/job-id.js';
import { QUEUE_NAME, redisConnection, runOnRedis } from '../../src/jobs/queue.js';
import { startRedis } from '../../test/support/redis.js';

const CLI = ['--import', 'tsx', join(process.cwd(), 'src', 'cli', 'main.ts')];

/** A `mozi worker` process, resolved once it says it is on the queue. */
function worker(url: string): Promise<ChildProcess> {
  const w = spawn(process.execPath, [...CLI, 'worker', '--redis', url], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    w.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/worker: pid \d+ on /.test(err)) resolve(w);
    });
    w.once('exit', (code) => reject(new Error(`mozi worker exited (${code}) before it was ready: ${err}`)));
  });
}

/** User + system CPU seconds of a live process (/proc/PID/stat, clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
const cpuOf = (ws: readonly ChildProcess[]) => ws.reduce((a, w) => a + cpuSecondsOf(w.pid!), 0);
const ownCpu = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

const stop = (w: ChildProcess) => new Promise<void>((r) => (w.exitCode !== null ? r() : (w.once('exit', () => r()), process.kill(w.pid!, 'SIGTERM'))));
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Durations of finished jobs, ms (BullMQ's processedOn → finishedOn, read without their results). */
async function jobDurationsMs(url: string, ids: readonly string[]): Promise<number[]> {
  const r = redisConnection(url, false);
  try {
    const out: number[] = [];
    for (const id of ids) {
      const [p, f] = await r.hmget(`bull:${QUEUE_NAME}:${id}`, 'processedOn', 'finishedOn');
      if (p === null || f === null) throw new Error(`job ${id}: no processedOn/finishedOn`);
      out.push(Number(f) - Number(p));
    }
    return out;
  } finally {
    r.disconnect();
  }
}

export const jobsSuite: BenchSuite = {
  name: 'jobs',
  description: 'BullMQ + Redis: per-job overhead, the year × 100 × 50 plan on 1/2/4 worker processes vs in-process, Amdahl projection, campaign replay passes/min',
  async run({ quick, log }) {
    const out: BenchResult[] = [];
    const fig = (name: string, params: Record<string, unknown>, metric: string, value: number, unit: string) => {
      out.push({ name, params, metric, value, unit });
      log(`  ${name} ${metric} = ${+value.toPrecision(5)} ${unit}`);
    };

    // ---- per-job overhead: empty jobs on one worker
    {
      const redis = await startRedis();
      const ws = [await worker(redis.url)];
      try {
        const n = quick ? 100 : 500;
        await runOnRedis(redis.url, 'noop', [{ seq: -1 }]); // the worker's first job (connections, scripts)
        const load = loadavg()[0];
        const cpu0 = cpuOf(ws);
        const c0 = process.cpuUsage();
        let t0 = performance.now();
        const res = await runOnRedis(redis.url, 'noop', Array.from({ length: n }, (_, seq) => ({ seq })), { pollMs: 5 });
        const batchS = (performance.now() - t0) / 1000;
        if (res.some((r, seq) => r.seq !== seq)) throw new Error('noop results out of order');
        const p = { jobs: n, workers: 1, pollMs: 5 };
        fig('jobs/noop-batch', p, 'perJob', (batchS / n) * 1000, 'ms');
        fig('jobs/noop-batch', p, 'wallTime', batchS, 's');
        fig('jobs/noop-batch', p, 'cpuTime', cpuOf(ws) - cpu0, 's');
        fig('jobs/noop-batch', p, 'clientCpuTime', ownCpu(c0), 's');
        fig('jobs/noop-batch', p, 'loadAvg1', load, '');
        const rt: number[] = [];
        for (let k = 0; k < 30; k++) {
          t0 = performance.now();
          await runOnRedis(redis.url, 'noop', [{ seq: n + k }], { pollMs: 5 });
          rt.push(performance.now() - t0);
        }
        rt.sort((a, b) => a - b);
        const q = { jobs: 30, workers: 1, pollMs: 5, note: 'one job at a time, including the client connection' };
        fig('jobs/noop-round-trip', q, 'median', rt[15], 'ms');
        fig('jobs/noop-round-trip', q, 'max', rt[29], 'ms');
        fig('jobs/noop-round-trip', q, 'loadAvg1', loadavg()[0], '');
      } finally {
        await Promise.all(ws.map(stop));
        await redis.stop();
      }
    }

    // ---- campaign replay throughput: the first scheduled passes of a week of Micius, 60 s windows, two workers
    {
      const dir = mkdtempSync(join(tmpdir(), 'mozi-bench-campaign-'));
      const redis = await startRedis();
      const ws = await Promise.all([worker(redis.url), worker(redis.url)]);
      try {
        const { replayCampaign } = await import('../../src/jobs/campaign.js');
        const { loadMission } = await import('../../src/mission/presets.js');
        const micius = loadMission(join(process.cwd(), 'test', 'jobs', 'fixtures', 'micius-two.jsonc'));
        const wk = Date.parse('2016-12-16T00:00:00Z');
        const plan = await runPlan(micius, { fromMs: wk, toMs: wk + 7 * 86_400_000, policy: 'greedy', block: 'per-pass', stepS: PLANNING_STEP_S, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: false }, 1);
        const passes = plan.passes!.filter((p) => p.scheduled).slice(0, quick ? 2 : 6);
        const cpu0 = cpuOf(ws);
        const load = loadavg()[0];
        const t0 = performance.now();
        const res = await replayCampaign({ mission: micius, passes, outDir: dir, seed: 1, windowS: 60, redis: redis.url });
        const wall = (performance.now() - t0) / 1000;
        const p = { passes: res.length, windowS: 60, workers: 2 };
        fig('jobs/campaign-replay', p, 'passesPerMinute', (res.length / wall) * 60, '1/min');
        fig('jobs/campaign-replay', p, 'wallTime', wall, 's');
        fig('jobs/campaign-replay', p, 'cpuTime', cpuOf(ws) - cpu0, 's');
        fig('jobs/campaign-replay', p, 'loadAvg1', load, '');
        fig('jobs/campaign-replay', p, 'loadAvg1End', loadavg()[0], '');
      } finally {
        await Promise.all(ws.map(stop));
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }

    // ---- the plan: 4, 2, 1 worker processes, then in-process
    const sats = quick ? 20 : 100;
    const stations = quick ? 10 : 50;
    const fromMs = Date.parse('2024-01-01T00:00:00Z');
    const toMs = quick ? fromMs + 7 * 86_400_000 : Date.parse('2025-01-01T00:00:00Z');
    const mission = walkerBenchMission(`53:${sats}/10/1`, stations, quick ? '2024-01-01T00:00:00Z' : '2024-07-01T00:00:00Z');
    const options: PlanOptions = { fromMs, toMs, policy: 'greedy', block: 'per-pass', stepS: PLANNING_STEP_S, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: true };
    const slices = planSlices(mission, options);
    const ids = slices.map((s) => jobId('plan-slice', s));
    const params = { walker: `53:${sats}/10/1`, satellites: sats, stations, days: (toMs - fromMs) / 86_400_000, jobs: slices.length };
    let digest: string | undefined;
    let passes = 0;
    const same = (text: string, what: string) => {
      const d = sha256(text);
      if (digest !== undefined && d !== digest) throw new Error(`plan.json of ${what} (sha256 ${d}) differs from the first run's (${digest})`);
      digest = d;
    };
    const byWorkers = new Map<number, { wall: number; work: number; longest: number }>();
    for (const n of [4, 2, 1]) {
      const redis = await startRedis();
      const ws = await Promise.all(Array.from({ length: n }, () => worker(redis.url)));
      try {
        const cpu0 = cpuOf(ws);
        const c0 = process.cpuUsage();
        const load = loadavg()[0];
        const t0 = performance.now();
        const results = await runOnRedis(redis.url, 'plan-slice', slices);
        const tJobs = performance.now();
        const plan = assemblePlan(mission, options, results);
        const text = planJson(plan);
        const wall = (performance.now() - t0) / 1000;
        const assembleS = (performance.now() - tJobs) / 1000;
        passes = plan.summary.passes;
        const workerCpu = cpuOf(ws) - cpu0;
        const clientCpu = ownCpu(c0);
        const loadEnd = loadavg()[0];
        same(text, `${n} workers`);
        const d = await jobDurationsMs(redis.url, ids);
        const work = d.reduce((a, b) => a + b, 0) / 1000;
        const longest = Math.max(...d) / 1000;
        byWorkers.set(n, { wall, work, longest });
        const name = `jobs/plan-redis-${n}-workers`;
        const p = { ...params, workers: n, passes };
        log(`jobs: ${n} worker(s): ${passes} passes, ${wall.toFixed(1)} s wall, ${workerCpu.toFixed(1)} s worker CPU, load ${load.toFixed(1)} → ${loadEnd.toFixed(1)}, plan.json sha256 ${digest}`);
        fig(name, p, 'wallTime', wall, 's');
        fig(name, p, 'cpuTime', workerCpu, 's');
        fig(name, p, 'clientCpuTime', clientCpu, 's');
        fig(name, p, 'assembleTime', assembleS, 's');
        fig(name, p, 'jobTimeSum', work, 's');
        fig(name, p, 'jobTimeMax', longest, 's');
        fig(name, p, 'loadAvg1', load, '');
        fig(name, p, 'loadAvg1End', loadEnd, '');
      } finally {
        await Promise.all(ws.map(stop));
        await redis.stop();
      }
    }
    {
      const threads = availableParallelism();
      const c0 = process.cpuUsage();
      const load = loadavg()[0];
      const t0 = performance.now();
      const text = planJson(await runPlan(mission, options, threads));
      const wall = (performance.now() - t0) / 1000;
      same(text, 'the in-process plan');
      const p = { ...params, threads, passes };
      log(`jobs: in-process, ${threads} threads: ${wall.toFixed(1)} s wall, load ${load.toFixed(1)}; plan.json identical to the Redis runs (sha256 ${digest})`);
      fig('jobs/plan-in-process', p, 'wallTime', wall, 's');
      fig('jobs/plan-in-process', p, 'cpuTime', ownCpu(c0), 's');
      fig('jobs/plan-in-process', p, 'loadAvg1', load, '');
      fig('jobs/plan-in-process', p, 'loadAvg1End', loadavg()[0], '');
    }

    // ---- Amdahl projection from the 1-worker run, checked against the 2-worker run (one machine of 2 cores)
    const one = byWorkers.get(1)!;
    const serial = Math.max(0, one.wall - one.work);
    const project = (machines: number, cores = 2) => serial + Math.max(one.work / (machines * cores), one.longest);
    const basis = { ...params, from: '1-worker run', serialS: +serial.toFixed(2), workS: +one.work.toFixed(2), longestJobS: +one.longest.toFixed(2) };
    fig('jobs/amdahl', basis, 'serialFraction', serial / one.wall, '');
    fig('jobs/amdahl', { ...basis, machines: 1, cores: 2, measuredWithTwoWorkersS: +byWorkers.get(2)!.wall.toFixed(2) }, 'projectedWallTime', project(1), 's');
    for (const m of [2, 4, 8, 16, 50]) fig('jobs/amdahl', { ...basis, machines: m, cores: 2 }, 'projectedWallTime', project(m), 's');
    fig('jobs/amdahl', { ...basis, cores: 2 }, 'speedupLimit', one.wall / (serial + one.longest), '');
    return out;
  },
};
