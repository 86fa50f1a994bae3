/**
 * LDPC frames decoded on worker threads (core/worker-pool.ts): Bob's first decoding pass sends its
 * chunks of frames (each chunk one `SimdLdpcDecoder.decodeBatch` call, as in the calling thread)
 * to `threads` workers (ldpc-worker.ts). A chunk's frames are decoded exactly as the calling
 * thread would decode them (same kernel, same lane order, fresh messages), so the keys, outcomes
 * and ledgers are identical for any number of threads. Keys of one chunk or less, `threads` ≤ 1,
 * or a build without the worker module (a bundle) decode in the calling thread.
 */
import { WorkerPools, siblingModuleUrl } from '../../core/worker-pool.js';
import type { LdpcCode } from './ldpc-code.js';

/** One chunk of frames on one code: initial LLRs (messages start at zero) and syndromes. */
export interface DecodeTask {
  n: number;
  m: number;
  rowStart: Int32Array;
  cols: Int32Array;
  llr: Float32Array[];
  syndromes: Uint8Array[];
  maxIterations: number;
  patience: number;
}

/** Per frame of the chunk: decoded word (ok) or the decoder state to continue from (failed). */
export interface DecodeTaskResult {
  ok: boolean[];
  out: (Uint8Array | null)[];
  llr: (Float32Array | null)[];
  msg: (Float32Array | null)[];
}

const workers = new WorkerPools<DecodeTask, DecodeTaskResult>(siblingModuleUrl(import.meta.url, 'ldpc-worker'));

/** Whether frames can go to worker threads in this build. */
export function ldpcWorkersAvailable(): boolean {
  return workers.available;
}

/** Terminate the decoder's worker threads now (they also stop by themselves after 2 s idle). */
export function closeLdpcWorkers(): Promise<void> {
  return workers.close();
}

/** Live worker threads of the decoder (0 once idle long enough or closed). */
export function liveLdpcWorkers(): number {
  return workers.liveWorkers;
}

/** Decode the chunks on `threads` workers; results in chunk order. The LLR arrays are moved (transferred). */
export function decodeChunksOnWorkers(
  code: LdpcCode,
  chunks: { llr: Float32Array[]; syndromes: Uint8Array[] }[],
  maxIterations: number,
  patience: number,
  threads: number,
): Promise<DecodeTaskResult[]> {
  const tasks: DecodeTask[] = chunks.map((c) => ({ n: code.n, m: code.m, rowStart: code.rowStart, cols: code.cols, llr: c.llr, syndromes: c.syndromes, maxIterations, patience }));
  return workers.get(threads).map(tasks, (t) => t.llr.map((a) => a.buffer as ArrayBuffer));
}
