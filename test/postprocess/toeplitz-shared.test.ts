/**
 * The modified Toeplitz hash with one product shared by several worker threads (toeplitz-parallel.ts
 * FFT path: one shared kernel memory, fftconv.ts `SharedConvPlan` steps split between threads):
 * bit-identical to the one-thread hash and the textbook product, over seeded random sizes
 * (non-powers of two) and plans that reach every split — fused convolve with inverse passes split by
 * blocks and by chunks (ditBig and ditBig2), blockwise plans with an accumulator, 2 and 3 threads.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { BARRIER_INTS, abortBarrier, threadBarrier } from '../../src/core/thread-barrier.js';
import { modifiedToeplitzHash, modifiedToeplitzReferenceBits, toeplitzConvPlan } from '../../src/postprocess/toeplitz.js';
import { closeToeplitzWorkers, liveToeplitzWorkers, modifiedToeplitzHashParallel } from '../../src/postprocess/toeplitz-parallel.js';
import { naiveToeplitz } from './toeplitz-naive.js';
import { seededBytes, seededFloat } from '../support/seed.js';

const bytes = seededBytes('postprocess/toeplitz-shared');
const random = seededFloat('postprocess/toeplitz-shared');
const randomBits = (n: number) => BitArray.fromBytes(bytes((n + 7) >>> 3), n);

/** (I | T)·x by the textbook product. */
function naiveModified(x: BitArray, s: BitArray, m: number): BitArray {
  const ref = x.slice(0, m);
  if (m < x.length) ref.xorInPlace(naiveToeplitz(x.slice(m, x.length), s, m));
  return ref;
}

afterAll(() => closeToeplitzWorkers());

describe('Toeplitz hash, one product shared by worker threads', { timeout: 300_000 }, () => {
  it('equals the textbook (I|T)·x product on every row (seeded property: n ≤ 2000, 2–3 threads, small FFT limits)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 8, max: 12 }), fc.integer({ min: 2, max: 3 }),
        async (n, r, lg, threads) => {
          const m = Math.max(1, Math.min(n - 1, Math.round(n * r)));
          const x = randomBits(n), s = randomBits(n - 1);
          const y = await modifiedToeplitzHashParallel(x, s, m, { threads, minParallelBits: 1, maxConvLength: 1 << lg });
          return y.equals(naiveModified(x, s, m));
        }),
      { numRuns: 12 },
    );
  });

  it('large non-power-of-two sizes reaching every split: same bits as one thread, sampled rows as the reference', async () => {
    // [n, m, maxConvLength, threads]: fused N = 2^21 (ditBig2 by blocks, ditBig by chunks); N = 2^18
    // (one ditBig pass, by chunks); blockwise with an accumulator; 3 threads; ratio 0.375
    const cases: [number, number, number, number][] = [
      [2_000_003, 250_000, 1 << 25, 2],
      [(1 << 18) + 1, 1 << 15, 1 << 25, 2],
      [300_001, 37_501, 1 << 16, 2],
      [600_000 - 7, 150_001, 1 << 19, 3],
      [1_048_583, 393_219, 1 << 25, 2],
    ];
    for (const [n, m, maxConvLength, threads] of cases) {
      const x = randomBits(n), s = randomBits(n - 1);
      const y = await modifiedToeplitzHashParallel(x, s, m, { threads, maxConvLength, minParallelBits: 1 });
      const label = `n ${n} m ${m} limit ${maxConvLength} threads ${threads} (plan ${JSON.stringify(toeplitzConvPlan(n - m, m, maxConvLength))})`;
      expect(y.equals(modifiedToeplitzHash(x, s, m, { maxConvLength: Math.min(maxConvLength, 1 << 24) })), label).toBe(true);
      const rows = [0, 1, m - 1, ...Array.from({ length: 24 }, () => Math.floor(random() * m))];
      expect(rows.map((i) => y.get(i)), label).toEqual(modifiedToeplitzReferenceBits(x, s, m, rows));
    }
    expect(liveToeplitzWorkers()).toBeGreaterThanOrEqual(2);
    await closeToeplitzWorkers();
    expect(liveToeplitzWorkers()).toBe(0);
  });

  it('concurrent calls are serialised and each gets its own hash', async () => {
    const n = 200_003, m = 25_000;
    const inputs = Array.from({ length: 3 }, () => [randomBits(n), randomBits(n - 1)] as const);
    const ys = await Promise.all(inputs.map(([x, s]) => modifiedToeplitzHashParallel(x, s, m, { threads: 2, minParallelBits: 1 })));
    ys.forEach((y, k) => expect(y.equals(modifiedToeplitzHash(inputs[k][0], inputs[k][1], m)), `call ${k}`).toBe(true));
  });

  it('an aborted barrier throws instead of waiting', () => {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * BARRIER_INTS));
    const barrier = threadBarrier(ctl, 2, 10);
    abortBarrier(ctl);
    expect(() => barrier()).toThrow('aborted');
    expect(() => threadBarrier(new Int32Array(2), 2)).toThrow(RangeError);
  });
});
