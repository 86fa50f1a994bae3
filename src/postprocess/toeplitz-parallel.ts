/**
 * The modified Toeplitz hash (toeplitz.ts) on worker threads: y = x[0..m) ⊕ T·x[m..n), with T·x
 * cut into segments (toeplitz-segment.ts, planned for the thread count by the FFT cost model), each
 * computed by a worker (toeplitz-worker.ts) with its own FFT kernel, the outputs XORed in order.
 * Exact: the same bits as `modifiedToeplitzHash` for every input, seed and thread count.
 *
 * Inputs below `PARALLEL_MIN_BITS` (2²⁰ bits, unless `minParallelBits`), `threads: 0`, or a build without the worker module (a bundle)
 * hash in this thread. The workers' FFT length goes up to 2²⁵ (≈ 0.9 GiB kernel memory each);
 * one shared pool per thread count, its workers terminated after 2 s idle, which releases it.
 */
import { availableParallelism } from 'node:os';
import { BitArray } from '../core/bits.js';
import { InputError } from '../core/errors.js';
import { WorkerPools, siblingModuleUrl } from '../core/worker-pool.js';
import { checkModifiedArgs, modifiedToeplitzHash, xorBitsAt, type ToeplitzOptions } from './toeplitz.js';
import { planSegments, type SegmentRequest } from './toeplitz-segment.js';

export interface ParallelOptions extends ToeplitzOptions {
  /** Worker threads (default min(2, available cores)); 0 hashes in the calling thread. */
  threads?: number;
  /** Inputs shorter than this hash in the calling thread (default `PARALLEL_MIN_BITS`). */
  minParallelBits?: number;
}

/** Smaller inputs hash in the calling thread (a worker round trip costs more than it saves). */
export const PARALLEL_MIN_BITS = 1 << 20;
/** Default largest FFT length in a worker. */
export const WORKER_MAX_CONV = 1 << 25;

const workers = new WorkerPools<SegmentRequest, Uint32Array>(siblingModuleUrl(import.meta.url, 'toeplitz-worker'));

/** Terminate the hash's worker threads now (they also stop by themselves after 2 s idle). */
export function closeToeplitzWorkers(): Promise<void> {
  return workers.close();
}

/** Live worker threads of the hash (0 once idle long enough or closed). */
export function liveToeplitzWorkers(): number {
  return workers.liveWorkers;
}

/** `modifiedToeplitzHash` with T·x in segments on `opts.threads` worker threads (same output bits). */
export async function modifiedToeplitzHashParallel(input: BitArray, seed: BitArray, outBits: number, opts: ParallelOptions = {}): Promise<BitArray> {
  checkModifiedArgs(input, seed, outBits);
  const threads = opts.threads ?? Math.min(2, availableParallelism());
  if (!Number.isInteger(threads) || threads < 0) throw new InputError(`must be a non-negative integer, got ${threads}`, { field: 'threads' });
  const n = input.length;
  const m = outBits;
  if (threads === 0 || n < (opts.minParallelBits ?? PARALLEL_MIN_BITS) || m === 0 || m === n || !workers.available) return modifiedToeplitzHash(input, seed, m, opts);
  const cols = n - m;
  const maxConvLength = opts.maxConvLength ?? WORKER_MAX_CONV;
  const segments = planSegments(m, cols, threads, maxConvLength);
  const requests = segments.map((g): SegmentRequest => ({
    rows: g.rows,
    cols: g.cols,
    x: input.slice(m + g.c0, m + g.c0 + g.cols).words,
    seed: seed.slice(g.seedFrom, g.seedFrom + g.cols + g.rows - 1).words,
    maxConvLength,
    kernel: opts.kernel ?? 'fft',
  }));
  const results = await workers.get(threads).map(requests, (r) => [r.x.buffer as ArrayBuffer, r.seed.buffer as ArrayBuffer]);
  const y = input.slice(0, m);
  segments.forEach((g, k) => xorBitsAt(y.words, results[k], g.rows, g.r0));
  return y;
}
