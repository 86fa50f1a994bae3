/**
 * `mozi worker --redis URL [--concurrency N]`: take jobs (plan slices, pass replays) from the
 * Redis queue and write their results back (src/jobs/worker.ts), until SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { holdPointFromEnv } from '../../jobs/hold.js';
import { startWorker } from '../../jobs/worker.js';
import { integerOption } from '../options.js';
import { log } from '../output.js';

/** How long a stopped worker waits for its running job before it exits anyway, ms. */
const CLOSE_WAIT_MS = 10_000;

interface WorkerCliOptions {
  redis?: string;
  concurrency: number;
  lockMs?: number;
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run jobs of `mozi plan --redis` and `mozi campaign replay --redis` from a Redis queue (BullMQ)')
    .option('--redis <url>', 'the Redis server, redis://HOST:PORT[/DB]')
    .option('--concurrency <n>', 'jobs at once in this process', integerOption('--concurrency', { min: 1, max: 64 }), 1)
    .option('--lock-ms <ms>', 'job lock duration: a worker silent this long is presumed dead and its job retried elsewhere (default 600000)', integerOption('--lock-ms', { min: 500 }))
    .option('--verbose', 'log every job on stderr')
    .action(async (o: WorkerCliOptions) => {
      if (o.redis === undefined) throw new InputError('missing --redis URL', { field: '--redis' });
      const holdAt = holdPointFromEnv(process.env.MOZI_WORKER_HOLD);
      const worker = await startWorker(o.redis, {
        concurrency: o.concurrency,
        ...(holdAt ? { hold: { point: holdAt, reached: (point: string, passId: string) => log(`worker: pid ${process.pid} holding at ${point} of pass ${passId} (MOZI_WORKER_HOLD)`) } } : {}),
        ...(o.lockMs !== undefined ? { lockDurationMs: o.lockMs, stalledIntervalMs: Math.max(250, Math.round(o.lockMs / 2)) } : {}),
        onJob: (e) => {
          if (e.state === 'failed' && e.error) log(`worker: ${e.kind || 'redis'} ${e.id} failed: ${e.error}`);
          else if (o.verbose) log(`worker: ${e.kind} ${e.id} ${e.state}`);
        },
      });
      log(`worker: pid ${process.pid} on ${o.redis}, concurrency ${o.concurrency}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          // finish the running job if it can; a job that cannot report back (Redis away or
          // restarted) is not waited for: BullMQ gives it to another worker (or the client
          // submits it again), so exit after CLOSE_WAIT_MS whatever the state
          const timer = setTimeout(() => {
            log(`worker: pid ${process.pid} did not close within ${CLOSE_WAIT_MS / 1000} s; exiting`);
            process.exit(process.exitCode ?? 0);
          }, CLOSE_WAIT_MS);
          timer.unref();
          void worker.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
