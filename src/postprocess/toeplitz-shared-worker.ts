/**
 * Worker-thread module of toeplitz-parallel.ts for a product that T threads compute together: each
 * worker holds a kernel instance (fftconv.ts) on the caller's shared WebAssembly memory (kept while
 * the same memory comes back) and runs its share of `toeplitzInto` (toeplitz.ts), meeting the other
 * workers at a barrier (core/thread-barrier.ts) between steps. Thread 0 XORs T·x into the shared
 * output words. A failure aborts the barrier, so the other workers fail too instead of blocking.
 */
import { BitArray } from '../core/bits.js';
import { abortBarrier, threadBarrier } from '../core/thread-barrier.js';
import { serveTasks } from '../core/worker-pool.js';
import { fftKernelOn, type FftKernel } from './fftconv.js';
import { toeplitzInto } from './toeplitz.js';

/** One thread's task: out ^= T·x, T[i][j] = seed[i − j + n − 1] (m rows, n columns). */
export interface SharedProductRequest {
  /** The kernel memory (shared), grown by the caller to the plan's size; its id names it across tasks. */
  memory: WebAssembly.Memory;
  memoryId: number;
  /** Barrier control (SharedArrayBuffer of BARRIER_INTS int32, zero). */
  control: SharedArrayBuffer;
  /** x: bits [x0, x0 + n) of these words. */
  input: SharedArrayBuffer;
  x0: number;
  n: number;
  seed: SharedArrayBuffer;
  seedBits: number;
  /** ⌈m/32⌉ words, XORed with T·x by thread 0. */
  out: SharedArrayBuffer;
  m: number;
  maxConvLength: number;
  t: number;
  T: number;
}

let held: { id: number; kernel: FftKernel } | null = null;

serveTasks<SharedProductRequest, boolean>((r) => {
  if (!held || held.id !== r.memoryId) held = { id: r.memoryId, kernel: fftKernelOn(r.memory) };
  const ctl = new Int32Array(r.control);
  try {
    const seed = new BitArray(r.seedBits, new Uint32Array(r.seed));
    toeplitzInto(new Uint32Array(r.out), new Uint32Array(r.input), r.x0, r.n, seed, r.m, { maxConvLength: r.maxConvLength }, { t: r.t, T: r.T, barrier: threadBarrier(ctl, r.T), kernel: held.kernel });
  } catch (e) {
    abortBarrier(ctl);
    throw e;
  }
  return true;
});
