/**
 * LDPC frames decoded on worker threads (core/worker-pool.ts): Bob's first decoding pass sends its
 * chunks of frames (each chunk one `SimdLdpcDecoder.decodeBatch` call, as in the calling thread)
 * to `threads` workers (ldpc-worker.ts). A chunk's frames are decoded exactly as the calling
 * thread would decode them (same kernel, same lane order, fresh messages), so the keys, outcomes
 * and ledgers are identical for any number of threads. Keys of one chunk or less, `threads` ≤ 1,
 * or a build without the worker module (a bundle) decode in the calling thread.
 */
import { WorkerPools, siblingModuleUrl } from '../../core/worker-pool.js';
import { weakMemo } from '../../core/weak-memo.js';
import type { LdpcCode } from './ldpc-code.js';
import type { QcLdpcCode, QcStructure } from './ldpc-qc.js';

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
export async function closeLdpcWorkers(): Promise<void> {
  await Promise.all([workers.close(), qcWorkers.close()]);
}

/** Live worker threads of the decoder (0 once idle long enough or closed). */
export function liveLdpcWorkers(): number {
  return workers.liveWorkers + qcWorkers.liveWorkers;
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

/** One frame for the QC min-sum decoder (ldpc-qc-worker.ts): the code's base structure, LLRs, syndrome. */
export interface QcDecodeTask {
  qc: QcStructure;
  llr: Float32Array;
  lc: number;
  syndrome: Uint8Array;
  maxIterations: number;
  patience: number;
  /** Kernel: the 8-bit min-sum one (ldpc-qc.ts), the float sum-product one (ldpc-qc-sp.ts) or the 16-bit fixed-point sum-product one (ldpc-qc-sp16.ts). */
  rule: 'min-sum' | 'sum-product' | 'sum-product-16';
}

export interface QcDecodeTaskResult {
  ok: boolean;
  iterations: number;
  out: Uint8Array | null;
}

const qcWorkers = new WorkerPools<QcDecodeTask, QcDecodeTaskResult>(siblingModuleUrl(import.meta.url, 'ldpc-qc-worker'));

/**
 * The base structure with its arrays on SharedArrayBuffers (made once per structure): a task
 * then carries views of them, not copies (N = 125,632: 200 kB of edges per frame otherwise).
 * The arrays are read-only for everyone (the workers lift and hash them).
 */
const sharedQc: (qc: QcStructure) => QcStructure = weakMemo((qc: QcStructure): QcStructure => {
  const copy = (a: Int32Array): Int32Array => {
    const b = new Int32Array(new SharedArrayBuffer(a.byteLength));
    b.set(a);
    return b;
  };
  return { n0: qc.n0, m0: qc.m0, rowStart: copy(qc.rowStart), edges: copy(qc.edges) };
});

/** Whether QC frames can go to worker threads in this build. */
export function ldpcQcWorkersAvailable(): boolean {
  return qcWorkers.available;
}

/**
 * Decode QC frames on `threads` workers, one task per frame (the pool gives each idle worker the
 * next frame); results in frame order. Each worker decodes with the same kernel and options as
 * the calling thread (`qcDecoderFor(code)`, `qcSpDecoderFor(code)` or `qcSp16DecoderFor(code)`), so the outcome of every frame is the same. The LLR
 * arrays are copied, the callers keep theirs.
 */
export function decodeQcOnWorkers(
  code: QcLdpcCode,
  frames: { llr: Float32Array; syndrome: Uint8Array }[],
  lc: number,
  maxIterations: number,
  patience: number,
  threads: number,
  rule: QcDecodeTask['rule'] = 'min-sum',
): Promise<QcDecodeTaskResult[]> {
  const qc = sharedQc(code.qc);
  const tasks: QcDecodeTask[] = frames.map((f) => ({ qc, llr: f.llr.slice(), lc, syndrome: f.syndrome, maxIterations, patience, rule }));
  return qcWorkers.get(threads).map(tasks, (t) => [t.llr.buffer as ArrayBuffer]);
}
