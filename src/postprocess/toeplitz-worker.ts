/**
 * Worker-thread module of toeplitz-parallel.ts: computes one segment's Toeplitz product T·x
 * (toeplitz.ts, its own FFT kernel instance) and hands the output words back by transfer. The
 * kernel's WebAssembly memory lives as long as the worker; the pool terminates idle workers.
 */
import { BitArray } from '../core/bits.js';
import { serveTasks, withTransfer } from '../core/worker-pool.js';
import { toeplitzHash } from './toeplitz.js';
import type { SegmentRequest } from './toeplitz-segment.js';

serveTasks<SegmentRequest, Uint32Array>((r) => {
  const x = new BitArray(r.cols, r.x);
  const seed = new BitArray(r.cols + r.rows - 1, r.seed);
  const y = toeplitzHash(x, seed, r.rows, { maxConvLength: r.maxConvLength, kernel: r.kernel });
  return withTransfer(y.words, [y.words.buffer as ArrayBuffer]);
});
