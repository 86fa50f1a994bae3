/**
 * Worker-thread module of ldpc-parallel.ts for the QC decoders (min-sum, float or 16-bit sum-product): decodes one frame per task
 * with its own kernel instance per code (the lifted code is rebuilt from the base structure the
 * task carries, and kept while the worker lives) and moves the decoded word back by transfer.
 */
import { serveTasks, withTransfer } from '../../core/worker-pool.js';
import type { QcDecodeTask, QcDecodeTaskResult } from './ldpc-parallel.js';
import type { QcLdpcCode } from './ldpc-qc.js';
import { liftQc, qcDecoderFor } from './ldpc-qc.js';
import { qcSpDecoderFor } from './ldpc-qc-sp.js';
import { qcSp16DecoderFor } from './ldpc-qc-sp16.js';

const codes = new Map<string, QcLdpcCode>();

/** The task's code, reused across tasks (keyed by its shape and an FNV-1a digest of its base edges). */
function codeOf(t: QcDecodeTask): QcLdpcCode {
  let h = 0x811c9dc5;
  for (let e = 0; e < t.qc.edges.length; e++) h = Math.imul(h ^ t.qc.edges[e], 0x01000193);
  const key = `${t.qc.n0}:${t.qc.m0}:${t.qc.edges.length}:${h >>> 0}`;
  let c = codes.get(key);
  if (!c) {
    c = liftQc(t.qc);
    if (codes.size >= 8) codes.clear();
    codes.set(key, c);
  }
  return c;
}

serveTasks<QcDecodeTask, QcDecodeTaskResult>((t) => {
  const code = codeOf(t);
  const dec = t.rule === 'sum-product' ? qcSpDecoderFor(code) : t.rule === 'sum-product-16' ? qcSp16DecoderFor(code) : qcDecoderFor(code);
  dec.patience = t.patience;
  const out = new Uint8Array(code.n);
  const r = dec.decode(t.llr, t.lc, t.syndrome, out, t.maxIterations);
  return r.ok ? withTransfer({ ok: true, iterations: r.iterations, out }, [out.buffer]) : { ok: false, iterations: r.iterations, out: null };
});
