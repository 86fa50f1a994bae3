import { describe, it, expect } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { ProtocolAbort } from '../../src/core/errors.js';
import { memoryChannelPair } from '../../src/postprocess/channel.js';
import { LeakageLedger } from '../../src/postprocess/ledger.js';
import {
  verifyAsAlice, verifyAsBob, verificationCollisionBound, chooseTagBits, verificationTag,
} from '../../src/postprocess/verify.js';
import { seededBytes } from '../support/seed.js';

/** Seeded stand-in for node:crypto's randomBytes (test/support/seed.ts). */
const randomBytes = seededBytes('postprocess/verify');

async function run(ka: BitArray, kb: BitArray, tagBits?: number) {
  const [a, b] = memoryChannelPair();
  const la = new LeakageLedger('a');
  const lb = new LeakageLedger('b');
  const opts = tagBits === undefined ? {} : { tagBits };
  const [ra, rb] = await Promise.allSettled([verifyAsAlice(ka, a, la, opts), verifyAsBob(kb, b, lb, opts)]);
  return { ra, rb, la, lb };
}

describe('error verification', { timeout: 30_000 }, () => {
  it('equal keys pass; ε_cor ≤ 1e-15 for 10^6 bits with a 64-bit tag (algorithms.md §3.1: 8.5e-16)', async () => {
    const k = BitArray.random(1_000_000);
    const { ra, rb, la, lb } = await run(k, k.clone());
    expect(ra.status).toBe('fulfilled');
    expect(rb.status).toBe('fulfilled');
    if (ra.status !== 'fulfilled') return;
    expect(ra.value.tagBits).toBe(64);
    expect(ra.value.epsCor).toBeCloseTo(15625 / 2 ** 64, 30);
    expect(ra.value.epsCor).toBeLessThan(1e-15);
    // the 64-bit tag (Alice→Bob) and Bob's verdict bit
    expect(la.leakedBits('verification')).toBe(65);
    expect(lb.leakedBits('verification')).toBe(65);
  });

  it('a single flipped bit is caught: both sides abort with verification-failed', async () => {
    const k = BitArray.random(100_000);
    const kb = k.clone();
    kb.flip(54321);
    const { ra, rb } = await run(k, kb);
    for (const r of [ra, rb]) {
      expect(r.status).toBe('rejected');
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(ProtocolAbort);
        expect((r.reason as ProtocolAbort).reason).toBe('verification-failed');
      }
    }
  });

  it('longer keys switch to a 128-bit tag to keep ε_cor ≤ 1e-15', () => {
    expect(chooseTagBits(1_000_000)).toBe(64);
    expect(chooseTagBits(4_000_000)).toBe(128);
    expect(verificationCollisionBound(4_000_000, 128)).toBeLessThan(1e-15);
  });

  it('8-bit tags: false-accept rate over many mismatched blocks matches 2^-8 (bound ⌈L/64⌉/2^8)', () => {
    // One 64-bit block: k ↦ d·k is a bijection, so the truncated tag of the difference is
    // uniform and the false-accept probability is exactly 2^-8 = the bound.
    const trials = 20_000;
    let accepted = 0;
    for (let t = 0; t < trials; t++) {
      const a = BitArray.random(64);
      const b = BitArray.random(64);
      if (a.equals(b)) continue;
      const seed = randomBytes(8);
      // The hash is GF(2)-linear: tag(a) = tag(b) ⇔ tag(a ⊕ b) = 0 (one table build per trial).
      if (verificationTag(a.xorInPlace(b), seed, 8).popcount() === 0) accepted++;
    }
    const p = verificationCollisionBound(64, 8);
    expect(p).toBe(1 / 256);
    const mean = trials * p;
    const sd = Math.sqrt(trials * p * (1 - p));
    expect(Math.abs(accepted - mean)).toBeLessThan(5 * sd);
  });

  it('8-bit tags on 1024-bit keys with 3 flipped bits: rate ≤ bound (16/2^8) and ≈ 2^-8', () => {
    const trials = 10_000;
    let accepted = 0;
    const a = BitArray.random(1024);
    for (let t = 0; t < trials; t++) {
      const b = a.clone();
      for (let e = 0; e < 3; e++) b.flip((t * 7 + e * 331) % 1024);
      if (a.equals(b)) continue;
      const seed = randomBytes(8);
      if (verificationTag(b.xorInPlace(a), seed, 8).popcount() === 0) accepted++;
    }
    const mean = trials / 256;
    expect(accepted).toBeLessThan(trials * verificationCollisionBound(1024, 8));
    expect(Math.abs(accepted - mean)).toBeLessThan(6 * Math.sqrt(mean));
  });

  it('key length mismatch is a protocol violation', async () => {
    const { ra, rb } = await run(BitArray.random(1000), BitArray.random(999));
    for (const r of [ra, rb]) {
      expect(r.status).toBe('rejected');
      if (r.status === 'rejected') expect((r.reason as ProtocolAbort).reason).toBe('protocol-violation');
    }
  });
});
