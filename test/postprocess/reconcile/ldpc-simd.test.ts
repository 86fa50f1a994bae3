import { describe, expect, it } from 'vitest';
import {
  LdpcDecoder,
  LdpcReconciler,
  SimdLdpcDecoder,
  buildLdpcCode,
  newDecoderState,
  noisyPair,
  runPair,
  simdAvailable,
  syndromeOf,
} from '../../../src/postprocess/reconcile/index.js';
import type { DecoderState, LdpcCode } from '../../../src/postprocess/reconcile/index.js';
import { Xoshiro128 } from '../../../src/postprocess/reconcile/prng.js';

const N = 4096;
const q = 0.03;
const lc = Math.log((1 - q) / q);

/** Error patterns with `count` errors each; decoding target: e with H·e = s, LLRs +lc. */
function patterns(k: number, count: number, seed: number): Uint8Array[] {
  const rng = new Xoshiro128(seed, 7);
  return Array.from({ length: k }, () => {
    const e = new Uint8Array(N);
    for (let i = 0; i < count; ) {
      const v = rng.below(N);
      if (!e[v]) {
        e[v] = 1;
        i++;
      }
    }
    return e;
  });
}

function fresh(code: LdpcCode, e: Uint8Array): { st: DecoderState; syndrome: Uint8Array; out: Uint8Array } {
  const st = newDecoderState(code);
  st.llr.fill(lc);
  return { st, syndrome: syndromeOf(code, e), out: new Uint8Array(code.n) };
}

describe.runIf(simdAvailable())('SIMD LDPC decoder (4 frames per f32x4 lane)', () => {
  // rate ≈ 0.75 at QBER 3 % (f ≈ 1.3): every frame decodes.
  const code = buildLdpcCode(N, 1024);
  it('decodes the same frames to the same words as the scalar sum-product decoder', () => {
    const es = patterns(6, Math.round(q * N), 11);
    const scalar = new LdpcDecoder(code);
    const simd = new SimdLdpcDecoder(code);
    const ref = es.map((e) => {
      const fr = fresh(code, e);
      const r = scalar.decode(fr.st, fr.syndrome, fr.out, 60);
      return { ok: r.ok, out: fr.out };
    });
    const got: { ok: boolean; out: Uint8Array }[] = [];
    for (const batch of [es.slice(0, 4), es.slice(4)]) {
      const frames = batch.map((e) => fresh(code, e));
      const rs = simd.decodeBatch(frames, 60);
      rs.forEach((r, i) => got.push({ ok: r.ok, out: frames[i].out }));
    }
    for (let i = 0; i < es.length; i++) {
      expect(ref[i].ok).toBe(true);
      expect(got[i].ok).toBe(true);
      expect(Array.from(got[i].out)).toEqual(Array.from(es[i]));
      expect(Array.from(got[i].out)).toEqual(Array.from(ref[i].out));
    }
  });
  it('lanes are independent: a frame decodes bit-identically alone or in a full batch', () => {
    const es = patterns(4, Math.round(q * N), 12);
    const simd = new SimdLdpcDecoder(code);
    const batch = es.map((e) => fresh(code, e));
    const rs = simd.decodeBatch(batch, 60);
    for (let i = 0; i < 4; i++) {
      const alone = fresh(code, es[i]);
      const r = simd.decodeBatch([alone], 60);
      expect(r[0]).toEqual(rs[i]);
      expect(Array.from(alone.out)).toEqual(Array.from(batch[i].out));
    }
  });
  it('streams more frames than lanes: decodable ones decode (whichever lane they get), undecodable ones fail', () => {
    const good = patterns(5, Math.round(q * N), 21);
    const bad = patterns(2, Math.round(0.12 * N), 22);
    const es = [good[0], bad[0], good[1], good[2], good[3], bad[1], good[4]];
    const simd = new SimdLdpcDecoder(code);
    const frames = es.map((e) => fresh(code, e));
    const rs = simd.decodeBatch(frames, 60);
    expect(rs.map((r) => r.ok)).toEqual([true, false, true, true, true, false, true]);
    rs.forEach((r, i) => {
      if (r.ok) expect(Array.from(frames[i].out)).toEqual(Array.from(es[i]));
      else expect(frames[i].st.msg.some((x) => x !== 0)).toBe(true);
    });
  });
  it('an undecodable frame fails (never a wrong ok) and its state is kept for a retry', () => {
    const [good] = patterns(1, Math.round(q * N), 13);
    const [bad] = patterns(1, Math.round(0.12 * N), 14);
    const simd = new SimdLdpcDecoder(code);
    const frames = [fresh(code, good), fresh(code, bad)];
    const rs = simd.decodeBatch(frames, 30);
    expect(rs[0].ok).toBe(true);
    expect(rs[1].ok).toBe(false);
    // ok ⇔ syndrome met; the failed frame's messages were written back.
    expect(Array.from(syndromeOf(code, frames[0].out))).toEqual(Array.from(frames[0].syndrome));
    const hard = Uint8Array.from(frames[1].st.llr, (x) => (x < 0 ? 1 : 0));
    expect(Array.from(syndromeOf(code, hard))).not.toEqual(Array.from(frames[1].syndrome));
    expect(frames[1].st.msg.some((x) => x !== 0)).toBe(true);
  });
  it('blind reconciliation with the SIMD decoder: every frame decodes, ledgers agree, same leakage rules', async () => {
    const params = { frameBits: 8192 };
    const { alice, bob } = noisyPair(40000, 0.03, 5);
    const a = await runPair(new LdpcReconciler({ ...params, decoder: 'simd' }), alice, bob, { qberEstimate: 0.03, seed: 3 });
    const b = await runPair(new LdpcReconciler({ ...params, decoder: 'scalar' }), alice, bob, { qberEstimate: 0.03, seed: 3 });
    for (const o of [a, b]) {
      expect(o.alice.leakedBits).toBe(o.bob.leakedBits);
      expect(o.bob.frames?.length).toBe(5);
      expect(o.bob.frames?.every((f) => f.ok)).toBe(true);
      expect(o.match).toBe(true);
    }
    // The first attempt's leakage (m − rank of the punctured columns) is the same plan for both;
    // frames that needed no reveal book exactly that.
    const first = Math.min(...(b.bob.frames ?? []).map((f) => f.leakedBits));
    for (const f of a.bob.frames ?? []) expect(f.leakedBits).toBeGreaterThanOrEqual(first);
  });
});
