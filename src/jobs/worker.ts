/**
 * `mozi worker`: a BullMQ worker on the `mozi` queue that runs jobs (kinds.ts) and hands their
 * results back through Redis. A worker killed mid-job stops renewing its job's lock; after
 * `lockDurationMs` another worker's stalled-job check (every `stalledIntervalMs`) puts the job
 * back in the wait list, so the job is retried elsewhere (`maxStalledCount` times at most).
 * Jobs run on the worker's main thread: a job longer than the lock duration is seen as stalled
 * and may run twice, which is harmless (plan slices are pure; a replay job finds its block in
 * the stores), so keep the lock duration above the longest job (default 10 min).
 */
import { Worker } from 'bullmq';
import { QUEUE_NAME, redisConnection, type JobData } from './queue.js';
import { runJob, type JobKind } from './kinds.js';
import type { Hold } from './hold.js';

export interface WorkerOptions {
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /** Fault injection for the crash tests (hold.ts): stop for good at this store write. */
  hold?: Hold;
  onJob?: (e: { id: string; kind: string; state: 'active' | 'completed' | 'failed'; error?: string }) => void;
}

/** Start a worker on the queue at `url`; resolves once it is connected. */
export async function startWorker(url: string, opts: WorkerOptions = {}): Promise<Worker> {
  const lockDuration = opts.lockDurationMs ?? 600_000;
  const connection = redisConnection(url);
  const worker = new Worker<JobData, unknown>(
    QUEUE_NAME,
    async (job) => {
      opts.onJob?.({ id: job.id ?? '', kind: job.data.kind, state: 'active' });
      return runJob(job.data.kind as JobKind, job.data.input as never, opts.hold);
    },
    {
      connection,
      concurrency: opts.concurrency ?? 1,
      lockDuration,
      stalledInterval: opts.stalledIntervalMs ?? Math.min(30_000, lockDuration),
      maxStalledCount: opts.maxStalledCount ?? 3,
    },
  );
  worker.on('completed', (job) => opts.onJob?.({ id: job.id ?? '', kind: job.data.kind, state: 'completed' }));
  worker.on('failed', (job, err) => opts.onJob?.({ id: job?.id ?? '', kind: job?.data.kind ?? '', state: 'failed', error: err.message }));
  worker.on('error', (err) => opts.onJob?.({ id: '', kind: '', state: 'failed', error: err.message }));
  worker.on('closed', () => connection.disconnect());
  await worker.waitUntilReady();
  return worker;
}
