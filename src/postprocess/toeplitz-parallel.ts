/**
 * The modified Toeplitz hash (toeplitz.ts) on worker threads: y = x[0..m) ⊕ T·x[m..n).
 *
 * FFT kernel (the default): T·x is one product that all `threads` workers compute together
 * (toeplitz-shared-worker.ts): one FFT kernel memory shared by the workers (a shared
 * WebAssembly.Memory), the same convolution plan as in one thread, each step split between them
 * (fftconv.ts `SharedConvPlan`: x and s forward transforms side by side, the product, the inverse
 * passes and the fused per-cache-block work by blocks or chunks), a barrier between steps. So two
 * threads do the work of one, not more: no segment overlap, no extra transforms. The memory
 * (≈ 28·N bytes for FFT length N) is kept for reuse and dropped `SHARED_MEMORY_IDLE_MS` after the
 * last product (or by `closeToeplitzWorkers`); calls are serialised (one memory).
 *
 * NTT kernel: T·x cut into segments (toeplitz-segment.ts, planned for the thread count by the cost
 * model), each computed by a worker (toeplitz-worker.ts) with its own kernel, the outputs XORed.
 *
 * Exact either way: the same bits as `modifiedToeplitzHash` for every input, seed and thread count.
 * Inputs below `PARALLEL_MIN_BITS` (2²⁰ bits, unless `minParallelBits`), `threads: 0`, or a build
 * without the worker modules (a bundle) hash in this thread. The workers' FFT length goes up to
 * 2²⁵ by default; one pool per thread count, its workers terminated after 2 s idle.
 */
import { availableParallelism } from 'node:os';
import { BitArray } from '../core/bits.js';
import { InputError } from '../core/errors.js';
import { WorkerPools, siblingModuleUrl } from '../core/worker-pool.js';
import { collectGarbage } from '../core/collect-garbage.js';
import { BARRIER_INTS } from '../core/thread-barrier.js';
import { sharedMemory } from '../core/wasm/instance.js';
import { SHARED_MAX_THREADS } from './fftconv.js';
import { checkModifiedArgs, modifiedToeplitzHash, toeplitzConvPlan, xorBitsAt, type ToeplitzOptions } from './toeplitz.js';
import { planSegments, type SegmentRequest } from './toeplitz-segment.js';
import type { SharedProductRequest } from './toeplitz-shared-worker.js';

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
const sharedWorkers = new WorkerPools<SharedProductRequest, boolean>(siblingModuleUrl(import.meta.url, 'toeplitz-shared-worker'));

/** The shared kernel memory is dropped this long after the last product (the workers stop after 2 s idle). */
export const SHARED_MEMORY_IDLE_MS = 2000;

let shared: { memory: WebAssembly.Memory; id: number } | null = null;
let sharedIds = 0;
let sharedTimer: NodeJS.Timeout | null = null;
/** The running shared product (calls queue behind it: one memory, one plan at a time). */
let sharedTail: Promise<unknown> = Promise.resolve();

/** Drop this thread's reference to the shared memory and collect it (it is unmapped once the workers holding it have ended too). */
function dropSharedMemory(): void {
  if (sharedTimer) clearTimeout(sharedTimer);
  sharedTimer = null;
  if (!shared) return;
  shared = null;
  collectGarbage();
}

/** Terminate the hash's worker threads and drop the shared kernel memory now (both also go by themselves after 2 s idle). */
export async function closeToeplitzWorkers(): Promise<void> {
  await sharedTail.catch(() => {});
  await Promise.all([workers.close(), sharedWorkers.close()]);
  dropSharedMemory();
}

/** Live worker threads of the hash (0 once idle long enough or closed). */
export function liveToeplitzWorkers(): number {
  return workers.liveWorkers + sharedWorkers.liveWorkers;
}

/** out ^= T·x[m..n) by `threads` workers on one shared kernel memory (see the module comment). */
async function sharedProduct(out: Uint32Array, input: BitArray, seed: BitArray, m: number, threads: number, maxConvLength: number): Promise<void> {
  const n = input.length - m;
  const plan = toeplitzConvPlan(n, m, maxConvLength);
  if (sharedTimer) clearTimeout(sharedTimer);
  sharedTimer = null;
  if (!shared) shared = { memory: sharedMemory(), id: ++sharedIds };
  const { memory, id } = shared;
  const have = memory.buffer.byteLength;
  if (plan.memoryBytes > have) memory.grow(Math.ceil((plan.memoryBytes - have) / 65536));
  const toShared = (words: Uint32Array): SharedArrayBuffer => {
    const b = new SharedArrayBuffer(Math.max(4, words.byteLength));
    new Uint32Array(b).set(words);
    return b;
  };
  const common = {
    memory,
    memoryId: id,
    control: new SharedArrayBuffer(4 * BARRIER_INTS),
    input: toShared(input.words),
    x0: m,
    n,
    seed: toShared(seed.words),
    seedBits: seed.length,
    out: toShared(out),
    m,
    maxConvLength,
    T: threads,
  };
  try {
    await sharedWorkers.get(threads).map(Array.from({ length: threads }, (_, t) => ({ ...common, t })));
  } catch (e) {
    Atomics.store(new Int32Array(common.control), 2, 1); // abort: wake workers still at a barrier
    Atomics.notify(new Int32Array(common.control), 1);
    throw e;
  } finally {
    sharedTimer = setTimeout(dropSharedMemory, SHARED_MEMORY_IDLE_MS);
    sharedTimer.unref();
  }
  out.set(new Uint32Array(common.out));
}

/** `modifiedToeplitzHash` with T·x in segments on `opts.threads` worker threads (same output bits). */
export async function modifiedToeplitzHashParallel(input: BitArray, seed: BitArray, outBits: number, opts: ParallelOptions = {}): Promise<BitArray> {
  checkModifiedArgs(input, seed, outBits);
  const threads = opts.threads ?? Math.min(2, availableParallelism());
  if (!Number.isInteger(threads) || threads < 0) throw new InputError(`must be a non-negative integer, got ${threads}`, { field: 'threads' });
  const n = input.length;
  const m = outBits;
  if (threads === 0 || n < (opts.minParallelBits ?? PARALLEL_MIN_BITS) || m === 0 || m === n || !workers.available || !sharedWorkers.available) {
    return modifiedToeplitzHash(input, seed, m, opts);
  }
  const cols = n - m;
  const maxConvLength = opts.maxConvLength ?? WORKER_MAX_CONV;
  if ((opts.kernel ?? 'fft') === 'fft') {
    const y = input.slice(0, m);
    const T = Math.min(threads, SHARED_MAX_THREADS);
    const run = sharedTail.catch(() => {}).then(() => sharedProduct(y.words, input, seed, m, T, maxConvLength));
    sharedTail = run;
    await run;
    return y;
  }
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
