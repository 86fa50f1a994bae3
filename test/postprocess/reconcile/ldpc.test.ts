import { describe, expect, it } from 'vitest';
import { BitArray } from '../../../src/core/bits.js';
import { InputError } from '../../../src/core/errors.js';
import {
  LdpcDecoder,
  LdpcReconciler,
  buildLdpcCode,
  frameBits,
  newDecoderState,
  noisyPair,
  planLdpc,
  prefixRanks,
  runPair,
  syndromeOf,
} from '../../../src/postprocess/reconcile/index.js';
import type { LdpcCode } from '../../../src/postprocess/reconcile/index.js';
import { Drbg } from '../../../src/core/rng/drbg.js';
import { memoryChannelPair } from '../../../src/postprocess/channel.js';
import { LeakageLedger } from '../../../src/postprocess/ledger.js';

describe('LDPC code construction', () => {
  it('prefixRanks: a 3-cycle H has rank 2 (columns sum to zero)', () => {
    const code: LdpcCode = {
      n: 3,
      m: 3,
      rowStart: Int32Array.from([0, 2, 4, 6]),
      cols: Int32Array.from([0, 1, 1, 2, 0, 2]),
      edges: 6,
    };
    expect(Array.from(prefixRanks(code, [0, 1, 2]))).toEqual([0, 1, 2, 2]);
  });
  it('is deterministic, has no repeated edges, concentrated check degrees', () => {
    const a = buildLdpcCode(1024, 200);
    const b = buildLdpcCode(1024, 200);
    expect(Array.from(a.cols)).toEqual(Array.from(b.cols));
    let dmin = Infinity;
    let dmax = 0;
    const colDeg = new Int32Array(1024);
    for (let c = 0; c < a.m; c++) {
      const row = Array.from(a.cols.subarray(a.rowStart[c], a.rowStart[c + 1]));
      expect(new Set(row).size).toBe(row.length);
      dmin = Math.min(dmin, row.length);
      dmax = Math.max(dmax, row.length);
      for (const v of row) colDeg[v]++;
    }
    expect(dmax - dmin).toBeLessThanOrEqual(4);
    expect(Math.min(...colDeg)).toBeGreaterThanOrEqual(2);
  });
});

describe('LDPC decoder', () => {
  it('finds the word with H·x = s from a noisy copy', () => {
    const code = buildLdpcCode(2048, 700);
    const x = BitArray.random(2048).toBits();
    const s = syndromeOf(code, x);
    const y = x.slice();
    for (const i of [3, 100, 999, 2047]) y[i] ^= 1;
    for (const rule of ['sum-product', 'min-sum'] as const) {
      const dec = new LdpcDecoder(code, rule);
      const st = newDecoderState(code);
      const lc = Math.log(0.99 / 0.01);
      for (let i = 0; i < 2048; i++) st.llr[i] = y[i] ? -lc : lc;
      const out = new Uint8Array(2048);
      const r = dec.decode(st, s, out, 50);
      expect(r.ok).toBe(true);
      expect(Array.from(out)).toEqual(Array.from(x));
    }
  });
});

describe('LDPC reconciliation', () => {
  const params = { frameBits: 2048, delta: 0.1, iterations: 50, retryIterations: 25 };
  it('rate-adaptive single shot: leakage = frames·(m − rank(H_punctured)), hand-derived from the plan', async () => {
    const rec = new LdpcReconciler({ ...params, maxRetries: 0, fStart: 1.6 });
    const { alice, bob } = noisyPair(5000, 0.02, 1);
    const o = await runPair(rec, alice, bob, { qberEstimate: 0.02, seed: 9 });
    const plan = planLdpc({ frameBits: 2048, delta: 0.1, fStart: 1.6, fStep: 0.05, maxRetries: 0, iterations: 50, retryIterations: 25, adaptableMinDegree: 3 }, 0.02, 5000);
    const frames = Math.ceil(5000 / plan.K);
    expect(o.bob.frames).toHaveLength(frames);
    expect(frames).toBe(3); // 5000 bits over ≤ 1843-bit frames → 3 frames of ~1667 bits, N shrunk to 1856
    expect(plan.N).toBe(1856);
    expect(o.alice.forwardBits).toBe(frames * (plan.m - plan.ranks[plan.p0]));
    // Bob's one feedback bitmap: one bit per frame
    expect(o.alice.backwardBits).toBe(frames);
    expect(o.bob.leakedBits).toBe(o.alice.leakedBits);
    expect(o.bob.stats.roundTrips).toBe(0); // syndromes → one bitmap back
    for (const f of o.bob.frames ?? []) {
      const same = frameBits(alice, f).equals(frameBits(o.bob.key, f));
      if (f.ok) expect(same).toBe(true);
    }
  });

  it('filler bits come from the caller\'s secret generator: the same Drbg seed replays the same syndromes, another one changes them', async () => {
    const rec = new LdpcReconciler({ ...params, maxRetries: 0, fStart: 1.6 });
    const { alice } = noisyPair(3000, 0.02, 2);
    const firstMessage = async (secretBits?: Drbg): Promise<Uint8Array> => {
      const [ca, cb] = memoryChannelPair();
      const sent = rec.alice(alice, ca, new LeakageLedger('a'), { qberEstimate: 0.02, seed: 7, secretBits });
      const msg = await cb.receive();
      await cb.send(new Uint8Array([1, 0])); // final, no frame failed: Alice returns
      await sent;
      return msg;
    };
    const a = await firstMessage(new Drbg('fill/1'));
    const b = await firstMessage(new Drbg('fill/1'));
    const c = await firstMessage(new Drbg('fill/2'));
    const d = await firstMessage();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(d))).toBe(false);
    // the header (public seed, QBER, length, frames) is the same: only the masked syndromes differ
    expect(Buffer.from(a.subarray(0, 12)).equals(Buffer.from(c.subarray(0, 12)))).toBe(true);
  });

  it('blind: failed frames get reveals; leakage grows by the rank drop; every frame matches or is reported', async () => {
    const rec = new LdpcReconciler({ ...params, fStart: 1.0, fStep: 0.1, maxRetries: 5 });
    for (const [q, seed] of [
      [0.02, 2],
      [0.05, 3],
    ] as const) {
      const { alice, bob } = noisyPair(6000, q, seed);
      const o = await runPair(rec, alice, bob, { qberEstimate: q, seed });
      expect(o.alice.leakedBits).toBe(o.bob.leakedBits);
      expect(o.aliceLedger.leakedBits()).toBe(o.bobLedger.leakedBits());
      const fa = o.alice.frames ?? [];
      const fb = o.bob.frames ?? [];
      expect(fa.map((f) => f.ok)).toEqual(fb.map((f) => f.ok));
      expect(fb.reduce((s, f) => s + f.leakedBits, 0)).toBe(o.bob.forwardBits);
      const plan = planLdpc({ frameBits: 2048, delta: 0.1, fStart: 1.0, fStep: 0.1, maxRetries: 5, iterations: 50, retryIterations: 25, adaptableMinDegree: 3 }, q, 6000);
      // f = 1.0 first attempt fails at this length, so reveals must have happened.
      expect(o.bob.forwardBits).toBeGreaterThan(fb.length * (plan.m - plan.ranks[plan.p0]));
      for (const f of fb) {
        const same = frameBits(alice, f).equals(frameBits(o.bob.key, f));
        if (f.ok) expect(same).toBe(true);
        else expect(o.bob.ok).toBe(false);
      }
    }
  });

  it('QBER underestimated 2× and errors in a burst: frames match or are reported failed', async () => {
    const rec = new LdpcReconciler(params);
    const { alice } = noisyPair(4000, 0, 4);
    const bob = alice.clone();
    for (let i = 0; i < 80; i++) bob.flip(3900 - i);
    const o = await runPair(rec, alice, bob, { qberEstimate: 0.01, seed: 4 });
    for (const f of o.bob.frames ?? []) {
      if (f.ok) expect(frameBits(alice, f).equals(frameBits(o.bob.key, f))).toBe(true);
    }
    expect(o.alice.leakedBits).toBe(o.bob.leakedBits);
  });

  it('frame positions (interleaved order) partition the key; a failed frame does not spoil the others', async () => {
    const rec = new LdpcReconciler(params);
    const { alice, bob } = noisyPair(8000, 0.02, 9);
    const o0 = await runPair(rec, alice, bob, { qberEstimate: 0.02, seed: 9 });
    const fb0 = o0.bob.frames ?? [];
    expect(fb0.length).toBeGreaterThan(2);
    expect(o0.bob.ok).toBe(true);
    const seen = new Uint8Array(8000);
    for (const f of fb0) for (const p of f.positions ?? []) seen[p]++;
    expect(seen.every((c) => c === 1)).toBe(true);
    // wreck the first frame: flip 25 % of its bits in Bob's key
    const wrecked = bob.clone();
    const p0 = fb0[0].positions ?? new Uint32Array(0);
    for (let i = 0; i < p0.length; i += 4) wrecked.flip(p0[i]);
    const o = await runPair(rec, alice, wrecked, { qberEstimate: 0.02, seed: 9 });
    const fb = o.bob.frames ?? [];
    expect(fb[0].ok).toBe(false);
    expect(o.bob.ok).toBe(false);
    for (const f of fb.slice(1)) {
      expect(f.ok).toBe(true);
      expect(frameBits(alice, f).equals(frameBits(o.bob.key, f))).toBe(true);
    }
  });

  it('rejects bad parameters', () => {
    expect(() => new LdpcReconciler({ frameBits: 10 })).toThrow(InputError);
    expect(() => new LdpcReconciler({ delta: 0.9 })).toThrow(InputError);
    expect(() => new LdpcReconciler({ maxRetries: -1 })).toThrow(InputError);
  });
});

describe('LDPC interleaving', () => {
  it('a key whose errors crowd at its end (as a pass ending in city light) still reconciles at the average QBER', async () => {
    const n = 60_000;
    const { alice } = noisyPair(n, 0, 3);
    const bob = alice.clone();
    // 0.4 % errors over the first 80 %, 4 % over the last 20 %: average ≈ 1.1 %
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    let errors = 0;
    for (let i = 0; i < n; i++) {
      if (rand() < (i < 0.8 * n ? 0.004 : 0.04)) {
        bob.flip(i);
        errors++;
      }
    }
    const o = await runPair(new LdpcReconciler(), alice, bob, { qberEstimate: errors / n, seed: 5 });
    expect(o.residual).toBe(0);
    expect(o.bob.ok).toBe(true);
  }, 120_000); // ≈ 5 s quiet, 12 s at load 8: ≥ 20× the quiet time
});
