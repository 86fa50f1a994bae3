import { afterAll, describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { naiveToeplitz as naive } from './toeplitz-naive.js';
import { modifiedToeplitzHash, modifiedToeplitzReferenceBits, toeplitzHash, xorBitsAt } from '../../src/postprocess/toeplitz.js';
import { closeToeplitzWorkers, liveToeplitzWorkers, modifiedToeplitzHashParallel } from '../../src/postprocess/toeplitz-parallel.js';
import { fittedColumns, planSegments, segmentGrid, type Segment } from '../../src/postprocess/toeplitz-segment.js';
import { seededBytes, seededFloat } from '../support/seed.js';

const bytes = seededBytes('postprocess/toeplitz-parallel');
const random = seededFloat('postprocess/toeplitz-parallel');
const randomBits = (n: number) => BitArray.fromBytes(bytes((n + 7) >>> 3), n);


/** T·x as the XOR of the segments' products, each from its own seed window (in this thread). */
function bySegments(x: BitArray, s: BitArray, m: number, segs: Segment[]): BitArray {
  const y = new BitArray(m);
  for (const g of segs) {
    const part = toeplitzHash(x.slice(g.c0, g.c0 + g.cols), s.slice(g.seedFrom, g.seedFrom + g.cols + g.rows - 1), g.rows);
    xorBitsAt(y.words, part.words, g.rows, g.r0);
  }
  return y;
}

afterAll(() => closeToeplitzWorkers());

describe('Toeplitz class decomposition into segments', () => {
  it('every grid covers each matrix cell once, and the XOR of segment products is the naive product', () => {
    for (let t = 0; t < 40; t++) {
      const n = 1 + Math.floor(random() * 700);
      const m = 1 + Math.floor(random() * 300);
      const rp = 1 + Math.floor(random() * Math.min(4, m)), cp = 1 + Math.floor(random() * Math.min(9, n));
      const segs = segmentGrid(m, n, rp, cp);
      expect(segs.reduce((a, g) => a + g.rows * g.cols, 0)).toBe(m * n);
      const x = randomBits(n), s = randomBits(n + m - 1);
      expect(bySegments(x, s, m, segs).equals(naive(x, s, m)), `n ${n} m ${m} grid ${rp}×${cp}`).toBe(true);
    }
  });

  it('planned segmentations give the unsegmented product (large, non-power-of-two sizes)', () => {
    for (const [n, m, threads] of [[3_000_001, 428_571, 2], [917_503, 131_071, 3], [2_000_000, 1, 2]]) {
      const segs = planSegments(m, n, threads, 1 << 20);
      const x = randomBits(n), s = randomBits(n + m - 1);
      expect(bySegments(x, s, m, segs).equals(toeplitzHash(x, s, m)), `n ${n} m ${m}: ${segs.length} segments`).toBe(true);
    }
  });

  it('plans several segments for two threads on a large product, one for one thread', () => {
    expect(planSegments(1 << 21, 7 << 21, 2, 1 << 25).length).toBeGreaterThanOrEqual(2);
    expect(planSegments(1 << 21, 7 << 21, 1, 1 << 25).length).toBe(1);
  });

  it('power-of-two-fitted column cuts (uneven widths) are exact, and the plan for 2^24 bits on two threads', () => {
    for (const [m, n, N] of [[1 << 13, 7 << 13, 1 << 14], [5_000, 40_001, 1 << 13], [3, 1_000, 8]]) {
      const segs = fittedColumns(m, n, N);
      expect(segs.every((g) => g.cols + g.rows - 1 <= N)).toBe(true);
      const x = randomBits(n), s = randomBits(n + m - 1);
      expect(bySegments(x, s, m, segs).equals(toeplitzHash(x, s, m)), `m ${m} n ${n} N ${N}`).toBe(true);
    }
    // 2^24 bits at ratio 0.125 on two threads: two 2^23-sample convolutions and one of 2^22
    expect(planSegments(1 << 21, 7 << 21, 2, 1 << 25).map((g) => g.cols)).toEqual([(1 << 23) - (1 << 21) + 1, (1 << 23) - (1 << 21) + 1, 2_097_150]);
  });
});

describe('modified Toeplitz hash on worker threads', { timeout: 120_000 }, () => {
  it('equals the one-thread hash and the naive (I|T)·x product (small sizes, edge ratios, 1–3 threads)', async () => {
    const cases: [number, number, number][] = [[1, 1, 2], [2, 1, 2], [33, 1, 2], [64, 63, 2], [257, 32, 3], [1000, 999, 2], [4099, 512, 1], [12_345, 4_321, 2]];
    for (const [n, m, threads] of cases) {
      const x = randomBits(n), s = randomBits(n - 1);
      const y = await modifiedToeplitzHashParallel(x, s, m, { threads, minParallelBits: 1 });
      const ref = x.slice(0, m);
      if (m < n) ref.xorInPlace(naive(x.slice(m, n), s, m));
      expect(y.equals(ref), `n ${n} m ${m} threads ${threads}`).toBe(true);
      expect(y.equals(modifiedToeplitzHash(x, s, m)), `n ${n} m ${m}`).toBe(true);
    }
  });

  it('2^20 + 12 345 bits at ratios 0.125 / 0.375 on two threads: same bits as one thread, sampled rows as the reference', async () => {
    const n = (1 << 20) + 12_345;
    for (const ratio of [0.125, 0.375]) {
      const m = Math.round(n * ratio);
      const x = randomBits(n), s = randomBits(n - 1);
      const y = await modifiedToeplitzHashParallel(x, s, m, { threads: 2, maxConvLength: 1 << 19 });
      expect(y.equals(modifiedToeplitzHash(x, s, m))).toBe(true);
      const rows = [0, 1, m - 1, ...Array.from({ length: 30 }, () => Math.floor(random() * m))];
      expect(rows.map((i) => y.get(i))).toEqual(modifiedToeplitzReferenceBits(x, s, m, rows));
    }
    expect(liveToeplitzWorkers()).toBeGreaterThanOrEqual(2);
    await closeToeplitzWorkers();
    expect(liveToeplitzWorkers()).toBe(0);
  });

  it('rejects a negative thread count and a seed of the wrong length', async () => {
    const x = randomBits(100);
    await expect(modifiedToeplitzHashParallel(x, randomBits(99), 10, { threads: -1 })).rejects.toThrow('non-negative');
    await expect(modifiedToeplitzHashParallel(x, randomBits(98), 10)).rejects.toThrow('n − 1');
  });
});
