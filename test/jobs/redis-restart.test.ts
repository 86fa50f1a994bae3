/**
 * Redis lost in the middle of a distributed plan, with real processes: `mozi plan --redis` and
 * two `mozi worker` processes on a private redis-server (no persistence), which the test kills
 * with SIGKILL by its PID once the first slice job has completed.
 * - Restarted on the same port (empty: every job and result it held is gone): the run must
 *   resume and write the single-process plan.json byte for byte.
 * - Not back within --redis-wait-s: the CLI must exit non-zero with one line on stderr naming
 *   Redis, and write no plan.json (nor a partial passes.csv).
 * Never exit 0 with a partial plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliAsync, spawnCli } from '../support/cli.js';
import { hasRedis, startRedis, type TestRedis } from '../support/redis.js';
import { stopChild } from '../support/child-process.js';

const MISSION = 'test/jobs/fixtures/walker-6.jsonc';
// a month: six slices of a few seconds each, so the kill lands with most of them still to run
const WINDOW = ['--from', '2024-03-01T00:00:00Z', '--to', '2024-03-31T00:00:00Z'];

/** Resolves once any of the workers' stderr has shown `pattern`. */
function firstOf(workers: ChildProcess[], pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    for (const w of workers) {
      let text = '';
      w.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        if (pattern.test(text)) resolve();
      });
      w.once('exit', (code) => reject(new Error(`worker exited (${code}) before ${pattern}: ${text}`)));
    }
  });
}

describe.skipIf(!hasRedis)('mozi plan --redis when Redis is killed mid-run', () => {
  let redis: TestRedis;
  let dir = '';
  let reference = '';
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'mozi-redis-restart-'));
    const one = runCli(['plan', '--mission', MISSION, ...WINDOW, '--threads', '1', '--out', join(dir, 'single')]);
    expect(one.status, one.stderr).toBe(0);
    reference = readFileSync(join(dir, 'single', 'plan.json'), 'utf8');
  }, 300_000);
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('killed and restarted empty on the same port: the run resumes, plan.json byte-identical', async () => {
    const workers = [spawnCli(['worker', '--redis', redis.url, '--verbose']), spawnCli(['worker', '--redis', redis.url, '--verbose'])];
    const firstDone = firstOf(workers, /plan-slice \S+ completed/);
    try {
      const client = runCliAsync(['plan', '--mission', MISSION, ...WINDOW, '--redis', redis.url, '--redis-wait-s', '120', '--out', join(dir, 'restarted')]);
      await firstDone;
      const pid = redis.pid();
      await redis.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      await redis.start();
      expect(redis.pid()).not.toBe(pid);
      const r = await client;
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'restarted', 'plan.json'), 'utf8')).toBe(reference);
    } finally {
      await Promise.all(workers.map((w) => stopChild(w)));
    }
  }, 300_000);

  it('killed and not back within --redis-wait-s: exit 1, one line naming Redis, no plan.json', async () => {
    await redis.restart();
    const workers = [spawnCli(['worker', '--redis', redis.url, '--verbose']), spawnCli(['worker', '--redis', redis.url, '--verbose'])];
    const firstDone = firstOf(workers, /plan-slice \S+ completed/);
    const out = join(dir, 'lost');
    try {
      const client = runCliAsync(['plan', '--mission', MISSION, ...WINDOW, '--redis', redis.url, '--redis-wait-s', '3', '--out', out], { timeoutMs: 120_000 });
      await firstDone;
      await redis.kill('SIGKILL');
      const r = await client;
      expect(r.status, r.stderr).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(new RegExp(`^mozi: error: Redis at ${redis.url.replace(/[/.]/g, '\\$&')} unreachable for 3 s .*jobs done, no result written$`));
      expect(existsSync(join(out, 'plan.json'))).toBe(false);
      expect(existsSync(join(out, 'passes.csv'))).toBe(false);
    } finally {
      // the workers keep reconnecting; bring Redis back so they close cleanly
      await redis.start();
      await Promise.all(workers.map((w) => stopChild(w)));
    }
  }, 300_000);
});
