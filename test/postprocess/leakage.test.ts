/**
 * The leakage ledger against what really crossed the channel, in both directions (Tupkary &
 * Lütkenhaus, arXiv:2307.00576: Bob's messages count too). For every reconciler, the
 * verification and the estimation sample, a mock channel records each message per direction;
 * the test parses the transcript itself (from the wire formats, not from the reconciler's
 * bookkeeping), splits it into public fields (seeds, estimates, lengths, message types, zero
 * padding) and key-dependent content, and checks that the ledger books exactly that content —
 * or, where a message carries fewer bits of information than it has bits, the bound and why.
 */
import { describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { ByteReader } from '../../src/core/codec.js';
import { Drbg } from '../../src/core/rng/drbg.js';
import { Block } from '../../src/postprocess/block.js';
import { LeakageLedger } from '../../src/postprocess/ledger.js';
import {
  CASCADE_SCHEDULES,
  CascadeReconciler,
  HammingReconciler,
  LdpcReconciler,
  cascadePasses,
  hammingBlockLog2,
  noisyPair,
  planLdpc,
  type Reconciler,
  type ReconcileResult,
} from '../../src/postprocess/reconcile/index.js';
import { openingHeaderBits } from '../../src/postprocess/reconcile/opening.js';
import { Xoshiro128 } from '../../src/postprocess/reconcile/prng.js';
import { basisBits, basisMatch, classCounts, sift } from '../../src/postprocess/sift.js';
import { verifyAsAlice, verifyAsBob } from '../../src/postprocess/verify.js';
import { decodeMessage } from '../../src/protocol/messages.js';
import { Session } from '../../src/protocol/session.js';
import { estimation } from '../../src/protocol/stages/estimation.js';
import type { GroundContext, SatelliteContext } from '../../src/protocol/stages/stage.js';
import { bit, bitsOf, expectZeroPadding, recordingPair, type Transcript } from './recordingChannel.js';

const SEED = 0x5eed14;

interface Run {
  transcript: Transcript;
  alice: ReconcileResult;
  bob: ReconcileResult;
  aliceLedger: LeakageLedger;
  bobLedger: LeakageLedger;
}

async function run(rec: Reconciler, x: BitArray, y: BitArray, qber: number, seed: number): Promise<Run> {
  const { alice: ca, bob: cb, transcript } = recordingPair();
  const aliceLedger = new LeakageLedger('a');
  const bobLedger = new LeakageLedger('b');
  const [alice, bob] = await Promise.all([
    rec.alice(x, ca, aliceLedger, { qberEstimate: qber, seed }),
    rec.bob(y, cb, bobLedger, { qberEstimate: qber }),
  ]);
  return { transcript, alice, bob, aliceLedger, bobLedger };
}

/** The opening of Cascade and Hamming: public header (seed u32, QBER estimate f64, key length), then the payload. */
function readOpening(msg: Uint8Array, n: number): { qber: number; payload: Uint8Array } {
  const h = new ByteReader(msg, 'le');
  h.u32();
  const qber = h.f64();
  expect(h.varint()).toBe(n);
  const payload = h.rest();
  expect(msg.length - payload.length).toBe(openingHeaderBits(n) / 8);
  return { qber, payload };
}

/** Ledger bits of the entries whose label contains `part`. */
function booked(l: LeakageLedger, part: string): number {
  return l.summary().entries.filter((e) => e.what.includes(part)).reduce((s, e) => s + e.bits, 0);
}

function expectSameLedgers(r: Run): void {
  expect(r.bobLedger.summary().entries).toEqual(r.aliceLedger.summary().entries);
  expect(r.alice.leakedBits).toBe(r.aliceLedger.leakedBits());
  expect(r.bob.leakedBits).toBe(r.bobLedger.leakedBits());
  expect(r.alice.forwardBits + r.alice.backwardBits).toBe(r.alice.leakedBits);
}

/** Same error pattern, other keys: Alice's and Bob's keys both XOR a random mask. */
function masked(x: BitArray, y: BitArray, seed: number): [BitArray, BitArray] {
  const r = new Xoshiro128(seed, 7);
  const mask = new BitArray(x.length);
  for (let i = 0; i < mask.words.length; i++) mask.words[i] = r.nextU32();
  mask.clearTail();
  return [x.clone().xorInPlace(mask), y.clone().xorInPlace(mask)];
}

/**
 * Bob's messages must depend on the keys only through the error pattern x ⊕ y: rerun with both
 * keys masked by the same random string; Bob's messages must be byte-identical, Alice's not.
 */
async function expectBobSeesOnlyErrors(rec: Reconciler, x: BitArray, y: BitArray, qber: number, seed: number, first: Run): Promise<void> {
  const [x2, y2] = masked(x, y, seed + 99);
  const second = await run(rec, x2, y2, qber, seed);
  expect(second.transcript.bToA).toEqual(first.transcript.bToA);
  expect(second.transcript.aToB).not.toEqual(first.transcript.aToB);
}

describe('ledger = what crossed the channel, both directions', () => {
  const n = 20_000;
  const qber = 0.02;

  for (const schedule of CASCADE_SCHEDULES) {
    it(`cascade/${schedule}: Alice's parities, and one bit of Bob's per parity (seed ${SEED})`, async () => {
      const { alice: x, bob: y } = noisyPair(n, qber, SEED);
      const rec = new CascadeReconciler({ schedule });
      const r = await run(rec, x, y, qber, SEED);
      expect(r.bob.key.equals(x)).toBe(true);
      const { aToB, bToA } = r.transcript;
      // Alice → Bob, message 1: the public header, then the top-level parities.
      const { qber: q, payload } = readOpening(aToB[0], n);
      const top = cascadePasses(schedule, n, q).reduce((s, p) => s + p.disclosed, 0);
      expectZeroPadding(payload, top, 'top-level parities');
      let aliceParities = top;
      // Then: Bob's request (public structure; its content is what we bound below), Alice's reply
      // with exactly one parity per block named, zero padding.
      expect(bToA.length).toBe(aToB.length);
      for (let i = 0; i < bToA.length; i++) {
        const rq = new ByteReader(bToA[i], 'le');
        const type = rq.u8();
        if (type === 2) {
          expect(i).toBe(bToA.length - 1); // DONE, last
          rq.end('done');
          continue;
        }
        expect(type).toBe(1);
        const nPass = rq.varint();
        for (let k = 0; k < nPass; k++) rq.varint();
        const nAsk = rq.varint();
        for (let k = 0; k < 3 * nAsk; k++) rq.varint();
        rq.end('request');
        expectZeroPadding(aToB[i + 1], nPass + nAsk, `reply ${i}`);
        aliceParities += nPass + nAsk;
      }
      expect(aToB.length).toBe(bToA.length); // one reply per request, plus the opening, minus DONE
      // Every Alice→Bob bit is a public header bit, a parity, or zero padding:
      expect(bitsOf(aToB)).toBeGreaterThanOrEqual(openingHeaderBits(n) + aliceParities);
      expect(booked(r.aliceLedger, 'parities')).toBe(aliceParities);
      expect(r.alice.forwardBits).toBe(aliceParities);
      // Bob → Alice: his messages are a function of public values and of his mismatch bit for each
      // block Alice disclosed (checked: they depend on the keys only through the error pattern),
      // so they carry at most one bit per Alice parity; the ledger books exactly that bound.
      await expectBobSeesOnlyErrors(rec, x, y, qber, SEED, r);
      expect(booked(r.aliceLedger, '(Bob→Alice)')).toBe(aliceParities);
      expect(r.aliceLedger.leakedBits('reconciliation')).toBe(2 * aliceParities);
      expectSameLedgers(r);
    });
  }

  it(`hamming: parities + syndromes from Alice, the mismatch bitmaps from Bob (seed ${SEED + 1})`, async () => {
    const { alice: x, bob: y } = noisyPair(n, qber, SEED + 1);
    const rec = new HammingReconciler();
    const r = await run(rec, x, y, qber, SEED + 1);
    expect(r.bob.key.equals(x)).toBe(true);
    const { aToB, bToA } = r.transcript;
    const { qber: q, payload } = readOpening(aToB[0], n);
    const capM = Math.max(3, Math.min(12, Math.ceil(Math.log2(n))));
    let m = hammingBlockLog2(q, 0, capM);
    let nb = Math.ceil(n / 2 ** m);
    expectZeroPadding(payload, nb, 'iteration 0 parities');
    let parities = nb;
    let syndromes = 0;
    let bitmaps = 0;
    // Bob: [more u8][bitmap of nb bits]; Alice: [m-bit syndrome per flagged block][next parities if more].
    for (let it = 0; ; it++) {
      const b = bToA[it];
      const more = b[0];
      expect(more === 0 || more === 1).toBe(true);
      const bitmap = b.subarray(1);
      expectZeroPadding(bitmap, nb, `bitmap ${it}`);
      bitmaps += nb;
      let flagged = 0;
      for (let k = 0; k < nb; k++) flagged += bit(bitmap, k);
      const mNext = more ? hammingBlockLog2(q, it + 1, capM) : 0;
      const nbNext = more ? Math.ceil(n / 2 ** mNext) : 0;
      expectZeroPadding(aToB[it + 1], flagged * m + nbNext, `reply ${it}`);
      syndromes += flagged * m;
      parities += nbNext;
      if (!more) {
        expect(bToA[it + 1]).toHaveLength(1); // the converged flag: a function of the bitmaps
        expect(bToA).toHaveLength(it + 2);
        break;
      }
      m = mNext;
      nb = nbNext;
    }
    expect(booked(r.aliceLedger, 'block parities')).toBe(parities);
    expect(booked(r.aliceLedger, 'syndromes')).toBe(syndromes);
    expect(booked(r.aliceLedger, 'mismatch bitmaps (Bob→Alice)')).toBe(bitmaps);
    expect(r.alice.forwardBits).toBe(parities + syndromes);
    // The bitmaps are the only key-dependent content of Bob's messages (his flags follow from them).
    await expectBobSeesOnlyErrors(rec, x, y, qber, SEED + 1, r);
    expect(r.aliceLedger.leakedBits('reconciliation')).toBe(parities + syndromes + bitmaps);
    expectSameLedgers(r);
  });

  it.each([[{ frameBits: 4096 }], [{ frameBits: 4096, decoder: 'qc-minsum' as const }], [{ frameBits: 4096, decoder: 'qc-sp' as const }], [{ frameBits: 4096, decoder: 'qc-sp16' as const }]])(`ldpc %o: syndromes less the filler-masked rank, reveals, and Bob's per-frame feedback (seed ${SEED + 2})`, async (params) => {
    const q = 0.03;
    const { alice: x, bob: y } = noisyPair(n, q, SEED + 2);
    const rec = new LdpcReconciler(params);
    const r = await run(rec, x, y, q, SEED + 2);
    const { aToB, bToA } = r.transcript;
    const h = new ByteReader(aToB[0], 'le');
    expect(h.u32()).toBe(SEED + 2); // the public seed (drives the interleaver only)
    const qHat = h.f64();
    expect(h.varint()).toBe(n);
    const nFrames = h.varint();
    const plan = planLdpc({ ...(rec as unknown as { params: Parameters<typeof planLdpc>[0] }).params, decoder: 'decoder' in params ? params.decoder : undefined }, qHat, n);
    const { m, K, p0, ranks, step } = plan;
    expect(nFrames).toBe(Math.ceil(n / K));
    expectZeroPadding(h.rest(), nFrames * m, 'syndromes');
    // Each syndrome's rank(H on the punctured columns) dimensions are one-time-padded by the fresh
    // uniform filler bits on those columns: m − ranks[p0] bits of information per frame.
    let forward = nFrames * (m - ranks[p0]);
    const punct = new Int32Array(nFrames).fill(p0);
    const keyRevealed = new Int32Array(nFrames);
    let feedback = 0;
    let undecided = nFrames;
    for (let round = 0; round < bToA.length; round++) {
      const b = bToA[round];
      const final = b[0];
      const bitmap = b.subarray(1);
      expectZeroPadding(bitmap, nFrames, `feedback ${round}`);
      // A frame once decoded stays decoded: only the undecided frames' bits carry information.
      let still = 0;
      for (let f = 0; f < nFrames; f++) {
        if (round > 0 && bit(bitmap, f)) expect(bit(bToA[round - 1].subarray(1), f)).toBe(1);
        still += bit(bitmap, f);
      }
      feedback += undecided;
      undecided = still;
      if (final) {
        expect(round).toBe(bToA.length - 1);
        break;
      }
      // Alice's reveal for every frame still failing: filler bits (information: the rank they add)
      // or, once the fillers are exhausted, key bits (one bit each).
      let revealBits = 0;
      for (let f = 0; f < nFrames; f++) {
        if (!bit(bitmap, f)) continue;
        const p = punct[f];
        if (p > 0) {
          const np = Math.max(0, p - step);
          revealBits += p - np;
          forward += ranks[p] - ranks[np];
          punct[f] = np;
        } else {
          const cnt = Math.min(K, n - f * K);
          const r1 = Math.min(cnt, keyRevealed[f] + step);
          revealBits += r1 - keyRevealed[f];
          forward += r1 - keyRevealed[f];
          keyRevealed[f] = r1;
        }
      }
      expectZeroPadding(aToB[round + 1], revealBits, `reveal ${round}`);
    }
    expect(aToB).toHaveLength(bToA.length);
    expect(r.alice.forwardBits).toBe(forward);
    expect(booked(r.aliceLedger, 'decoding feedback (Bob→Alice)')).toBe(feedback);
    expect(r.aliceLedger.leakedBits('reconciliation')).toBe(forward + feedback);
    expectSameLedgers(r);
  });

  it('verification: the tag from Alice, one verdict bit from Bob; seeds and header are public', async () => {
    const key = noisyPair(5000, 0, SEED + 3).alice;
    const { alice, bob, transcript } = recordingPair();
    const la = new LeakageLedger('a');
    const lb = new LeakageLedger('b');
    const [ra] = await Promise.all([verifyAsAlice(key, alice, la), verifyAsBob(key.clone(), bob, lb)]);
    expect(transcript.aToB).toHaveLength(1);
    expect(transcript.bToA).toHaveLength(1);
    const msg = transcript.aToB[0];
    // [type][key length u32][tagBits u8][seeds 8 bytes per hash][tag]: only the tag depends on the key.
    const seedBytes = 8 * Math.ceil(ra.tagBits / 64);
    expect(msg.length).toBe(6 + seedBytes + ra.tagBits / 8);
    expect(transcript.bToA[0]).toEqual(Uint8Array.of(0x76, 1)); // [type][verdict]: one bit of information
    expect(la.leakedBits('verification')).toBe(ra.tagBits + 1);
    expect(lb.summary().entries).toEqual(la.summary().entries);
  });

  it(`estimation sample: the satellite's and the ground's bits at the sampled positions (seed ${SEED + 4})`, async () => {
    // Two parties' sifted strings (Bob's with errors) and the stage module run over recording channels.
    const nDet = 40_000;
    const rng = new Xoshiro128(SEED + 4, 3);
    const aBasis = Uint8Array.from({ length: nDet }, () => rng.below(2));
    const bBasis = Uint8Array.from({ length: nDet }, () => rng.below(2));
    const cls = Uint8Array.from({ length: nDet }, () => rng.below(3));
    const aBits = Uint8Array.from({ length: nDet }, () => rng.below(2));
    const bBits = aBits.map((b) => (rng.below(100) === 0 ? b ^ 1 : b));
    const match = basisMatch(aBasis, basisBits(bBasis));
    const params = { sampleFraction: 0.02 } as Block['parameters'];
    const blockOf = (basis: Uint8Array, bits: Uint8Array): Block => {
      const block = new Block('p', 0, 's');
      block.params = params;
      block.detections = nDet;
      block.sifted = sift(match, basis, cls, bits);
      block.detected = classCounts(block.sifted);
      return block;
    };
    const sat = blockOf(aBasis, aBits);
    const gnd = blockOf(bBasis, bBits);
    const { alice, bob, transcript } = recordingPair();
    const satCtx = { role: 'satellite', session: new Session(alice, 'satellite'), block: sat, rng: new Drbg('leak-test') } as unknown as SatelliteContext;
    const gndCtx = {
      role: 'ground',
      session: new Session(bob, 'ground'),
      block: gnd,
      rng: new Drbg('leak-test-g'),
      input: { pulseIndex: Float64Array.from({ length: nDet }, (_, i) => i) },
    } as unknown as GroundContext;
    await Promise.all([estimation.satellite(satCtx), estimation.ground(gndCtx)]);
    const a = decodeMessage(transcript.aToB[0]);
    const b = decodeMessage(transcript.bToA[0]);
    if (a.type !== 'sample' || b.type !== 'sample') throw new Error('expected sample messages');
    // Positions are the satellite's public random choice; each side's bits there are key material.
    const ns = a.positions.length;
    expect(ns).toBeGreaterThan(0);
    expect(a.bits.length).toBe(ns);
    expect(b.positions.length).toBe(0);
    expect(b.bits.length).toBe(ns);
    expect(sat.ledger.leakedBits('estimation')).toBe(2 * ns);
    expect(gnd.ledger.summary().entries).toEqual(sat.ledger.summary().entries);
    expect(gnd.sampleQber).toBe(sat.sampleQber);
  });
});
