/**
 * Distributed planning with real processes: `mozi worker` processes on a private redis-server
 * (test/support/redis.ts) run the plan's slice jobs for `mozi plan --redis`, and the plan.json
 * must be byte-identical to the single-process `mozi plan` of the same inputs — with two workers,
 * and with a worker killed by SIGKILL in the middle of a job (its job is retried by another
 * worker after its lock expires, and no slice is lost or counted twice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { QUEUE_NAME, redisConnection } from '../../src/jobs/queue.js';
import { runCli, runCliAsync, spawnCli } from '../support/cli.js';
import { hasRedis, startRedis, type TestRedis } from '../support/redis.js';
import { stopChild, waitForStderr } from '../support/child-process.js';

const MISSION = 'test/jobs/fixtures/walker-6.jsonc';
const WINDOW = ['--from', '2024-03-01T00:00:00Z', '--to', '2024-03-05T00:00:00Z'];
const LOCK_MS = '1500';

function startWorker(url: string, extra: string[] = []): ChildProcess {
  return spawnCli(['worker', '--redis', url, '--lock-ms', LOCK_MS, ...extra]);
}

describe.skipIf(!hasRedis)('mozi plan --redis with mozi worker processes', () => {
  let redis: TestRedis;
  let dir = '';
  let reference = '';

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'mozi-plan-redis-'));
    const one = runCli(['plan', '--mission', MISSION, ...WINDOW, '--threads', '1', '--out', join(dir, 'single')]);
    expect(one.status, one.stderr).toBe(0);
    reference = readFileSync(join(dir, 'single', 'plan.json'), 'utf8');
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two workers give the single-process plan.json byte for byte', async () => {
    const plan = JSON.parse(reference) as { summary: { passes: number }; satellites: unknown[] };
    expect(plan.satellites.length).toBe(6);
    expect(plan.summary.passes).toBeGreaterThan(100);
    const workers = [startWorker(redis.url), startWorker(redis.url)];
    try {
      const r = await runCliAsync(['plan', '--mission', MISSION, ...WINDOW, '--redis', redis.url, '--out', join(dir, 'two')]);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'two', 'plan.json'), 'utf8')).toBe(reference);
    } finally {
      await Promise.all(workers.map((w) => stopChild(w)));
    }
  });

  it('a worker killed with SIGKILL mid-job: its job is retried elsewhere, plan.json unchanged', async () => {
    // a fresh queue: the first run's completed jobs would otherwise answer at once (same ids)
    await redis.restart();
    const victim = startWorker(redis.url, ['--verbose']);
    const active = waitForStderr(victim, /plan-slice \S+ active/);
    const client = runCliAsync(['plan', '--mission', MISSION, ...WINDOW, '--redis', redis.url, '--out', join(dir, 'killed')]);
    await active;
    process.kill(victim.pid!, 'SIGKILL');
    const survivor = startWorker(redis.url, ['--verbose']);
    try {
      const r = await client;
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'killed', 'plan.json'), 'utf8')).toBe(reference);
      // the killed worker's job went back through BullMQ's stalled-job check; every slice ran to completion once
      const connection = redisConnection(redis.url);
      const queue = new Queue(QUEUE_NAME, { connection });
      try {
        const jobs = await queue.getJobs(['completed', 'failed', 'active', 'wait']);
        expect(jobs.length).toBe(6);
        expect(jobs.every((j) => j.finishedOn !== undefined && !j.failedReason)).toBe(true);
        expect(jobs.filter((j) => (j.stalledCounter ?? 0) >= 1).length).toBe(1);
      } finally {
        await queue.close();
        connection.disconnect();
      }
    } finally {
      await stopChild(survivor);
    }
  });
});
