/**
 * The job queue on Redis (BullMQ): one queue, `mozi`, whose jobs carry `{ kind, input }` under
 * a deterministic id (job-id.ts). `runOnRedis` submits a batch, waits for every job with a
 * progress callback, and returns the results in submission order. Faults:
 * - a worker that dies mid-job (kill -9) stops renewing its lock; BullMQ's stalled-job check
 *   moves the job back to the wait list for another worker (worker.ts sets the durations);
 * - Redis lost mid-run: the client's commands fail fast (`maxRetriesPerRequest` 1, no blocking
 *   command on this connection) and are retried every 0.5 s for `reconnectS`; when Redis is back,
 *   jobs it no longer knows (a restart without persistence) are submitted again under the same
 *   ids and the run resumes; results already collected are kept (a job's result depends only on
 *   its input, which its id hashes). If Redis stays away longer, or a job fails for good, the run
 *   throws a one-line RunError naming Redis (or the job) and returns nothing: never a partial
 *   result.
 */
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { InputError, RunError } from '../core/errors.js';
import { jobId } from './job-id.js';
import type { JobInputs, JobKind, JobResults } from './kinds.js';

export const QUEUE_NAME = 'mozi';

/**
 * ioredis options from a redis:// URL (host, port, db, password). `blocking` (a worker's
 * connection, which BullMQ requires to queue commands while Redis is away:
 * maxRetriesPerRequest null) or not (a client's: a command fails after one reconnection attempt,
 * so the caller sees the outage and bounds it).
 */
export function redisOptions(url: string, blocking = true): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--redis: not a URL: ${url}`, { field: '--redis' });
  }
  if (u.protocol !== 'redis:') throw new InputError(`--redis: expected redis://HOST:PORT, got ${url}`, { field: '--redis' });
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new InputError(`--redis: bad database number in ${url}`, { field: '--redis' });
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    maxRetriesPerRequest: blocking ? null : 1,
    connectTimeout: 5000,
    // keep reconnecting (the callers bound the outage), at most every second
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  };
}

/** A connected-on-demand ioredis client for BullMQ (which needs a constructed client under ESM). */
export function redisConnection(url: string, blocking = true): Redis {
  const client = new Redis(redisOptions(url, blocking));
  client.on('error', () => {}); // reported by the callers (runOnRedis, the worker's events)
  return client;
}

export interface JobData<K extends JobKind = JobKind> {
  kind: K;
  input: JobInputs[K];
}

export interface RunOnRedisOptions {
  /** Progress: jobs done out of total. */
  onProgress?: (done: number, total: number) => void;
  /** How long Redis may be unreachable before the run fails, s (default 30; `--redis-wait-s`). */
  reconnectS?: number;
  /** Poll period, ms (default 200). */
  pollMs?: number;
  /**
   * Jobs with the same key run one at a time, in input order: the next is submitted once the
   * previous has completed (campaign replay: the passes of one satellite–station link, whose
   * replays share the link's two stores and resolve the link's pending blocks at their start).
   */
  serialKey?: (input: unknown, index: number) => string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Submit `inputs` as jobs of `kind`, wait for all, results in input order. */
export async function runOnRedis<K extends JobKind>(url: string, kind: K, inputs: readonly JobInputs[K][], opts: RunOnRedisOptions = {}): Promise<JobResults[K][]> {
  const connection = redisConnection(url, false);
  const queue = new Queue<JobData<K>>(QUEUE_NAME, { connection });
  queue.on('error', () => {}); // connection errors surface through the calls below
  const ids = inputs.map((input) => jobId(kind, input));
  const results = new Array<JobResults[K] | undefined>(inputs.length);
  const reconnectMs = (opts.reconnectS ?? 30) * 1000;
  const pollMs = opts.pollMs ?? 200;
  let done = 0;
  // serial groups: each group's jobs in input order; `following[j]` is the job submitted after j completes
  const following = new Array<number | undefined>(inputs.length);
  const first: number[] = [];
  if (opts.serialKey) {
    const last = new Map<string, number>();
    inputs.forEach((input, j) => {
      const key = opts.serialKey!(input, j);
      const prev = last.get(key);
      if (prev === undefined) first.push(j);
      else following[prev] = j;
      last.set(key, j);
    });
  } else first.push(...inputs.map((_, j) => j));
  const submitted = new Array<boolean>(inputs.length).fill(false);
  const submit = async (which: number[]) => {
    for (let i = 0; i < which.length; i += 500) {
      const chunk = which.slice(i, i + 500);
      await queue.addBulk(
        chunk.map((j) => ({
          name: kind,
          data: { kind, input: inputs[j] },
          opts: { jobId: ids[j], attempts: 3, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: false, removeOnFail: false },
        })),
      );
      for (const j of chunk) submitted[j] = true;
    }
  };
  /** Run `f`, retrying while Redis is unreachable, for at most reconnectMs. */
  const withRedis = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    for (;;) {
      try {
        return await f();
      } catch (e) {
        if (e instanceof RunError) throw e;
        const msg = (e as Error).message.split('\n')[0];
        const lost = connection.status !== 'ready' || /ECONNREFUSED|ECONNRESET|Connection is closed|ETIMEDOUT|EPIPE|LOADING|max retries per request|Stream isn't writeable/i.test(msg);
        if (!lost) throw new RunError(`Redis at ${url}: ${msg} while ${what}; ${done} of ${inputs.length} jobs done, no result written`);
        if (Date.now() - t0 > reconnectMs) {
          throw new RunError(`Redis at ${url} unreachable for ${Math.round(reconnectMs / 1000)} s while ${what} (${msg}); ${done} of ${inputs.length} jobs done, no result written`);
        }
        await sleep(500);
      }
    }
  };
  try {
    await withRedis('submitting jobs', () => submit(first));
    opts.onProgress?.(0, inputs.length);
    while (done < inputs.length) {
      await withRedis('waiting for jobs', async () => {
        const missing: number[] = [];
        for (let j = 0; j < inputs.length; j++) {
          if (results[j] !== undefined || !submitted[j]) continue;
          const job = await queue.getJob(ids[j]);
          if (!job) {
            missing.push(j);
            continue;
          }
          if (!job.finishedOn) continue;
          // a job retried after a failed attempt keeps that attempt's failedReason: ask its state
          const state = await job.getState();
          if (state === 'failed') {
            throw new RunError(`job ${ids[j]} (${kind} ${j + 1} of ${inputs.length}) failed on a worker: ${(job.failedReason ?? '').split('\n')[0]}; no result written`);
          }
          if (state === 'completed' && job.returnvalue !== null && job.returnvalue !== undefined) {
            results[j] = job.returnvalue as JobResults[K];
            done++;
            opts.onProgress?.(done, inputs.length);
          }
        }
        // jobs Redis forgot (restarted without persistence): submit them again, same ids
        if (missing.length > 0) await submit(missing);
        // a serial group's next job, once its previous one has completed
        const next = following.filter((f, j): f is number => f !== undefined && results[j] !== undefined && !submitted[f]);
        if (next.length > 0) await submit(next);
      });
      if (done < inputs.length) await sleep(pollMs);
    }
  } finally {
    // with Redis away, close() would wait for it: give it a moment, then drop the connection
    await Promise.race([queue.close().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
    connection.disconnect();
  }
  return results as JobResults[K][];
}
