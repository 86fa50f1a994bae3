/**
 * Worker-thread module of ldpc-parallel.ts: decodes one chunk of frames with the SIMD decoder
 * (its own kernel instance per code, kept while the worker lives) and moves the decoded words,
 * or the failed frames' decoder states, back by transfer.
 */
import { serveTasks, withTransfer } from '../../core/worker-pool.js';
import type { LdpcCode } from './ldpc-code.js';
import type { DecodeTask, DecodeTaskResult } from './ldpc-parallel.js';
import { simdDecoderFor } from './ldpc-simd.js';

const codes = new Map<string, LdpcCode>();

/** The task's code, reused across tasks (keyed by its shape and an FNV-1a digest of its edges). */
function codeOf(t: DecodeTask): LdpcCode {
  let h = 0x811c9dc5;
  for (let e = 0; e < t.cols.length; e++) h = Math.imul(h ^ t.cols[e], 0x01000193);
  const key = `${t.n}:${t.m}:${t.cols.length}:${h >>> 0}`;
  let c = codes.get(key);
  if (!c) {
    c = { n: t.n, m: t.m, rowStart: t.rowStart, cols: t.cols, edges: t.cols.length };
    if (codes.size >= 8) codes.clear();
    codes.set(key, c);
  }
  return c;
}

serveTasks<DecodeTask, DecodeTaskResult>((t) => {
  const code = codeOf(t);
  const dec = simdDecoderFor(code);
  dec.patience = t.patience;
  const frames = t.llr.map((llr, k) => ({ st: { llr, msg: new Float32Array(code.edges) }, syndrome: t.syndromes[k], out: new Uint8Array(code.n) }));
  const res = dec.decodeBatch(frames, t.maxIterations);
  const r: DecodeTaskResult = { ok: [], out: [], llr: [], msg: [] };
  const transfer: ArrayBuffer[] = [];
  res.forEach((x, k) => {
    r.ok.push(x.ok);
    r.out.push(x.ok ? frames[k].out : null);
    r.llr.push(x.ok ? null : frames[k].st.llr);
    r.msg.push(x.ok ? null : frames[k].st.msg);
    if (x.ok) transfer.push(frames[k].out.buffer as ArrayBuffer);
    else transfer.push(frames[k].st.llr.buffer as ArrayBuffer, frames[k].st.msg.buffer as ArrayBuffer);
  });
  return withTransfer(r, transfer);
});
