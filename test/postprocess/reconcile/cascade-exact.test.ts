/**
 * Cascade's speed work must not change a single bit: the corrected keys, ledgers, round trips and
 * message counts of a fixed set of runs (every schedule, QBER 0.5–11 %, 10³–3·10⁴ bits, fixed
 * pair and public seeds) hash to the digest the implementation gave before the preorder trees,
 * the pooled buffers and the inlined shuffle (commit 6eb472e). Also: the inlined shuffle equals
 * Fisher–Yates on Xoshiro128.below, the permutation cache evicts the least recently used entry,
 * and concurrent runs (sharing the buffer pool) give what sequential runs give.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CASCADE_SCHEDULES,
  CascadeReconciler,
  Xoshiro128,
  cachedPermutation,
  noisyPair,
  randomPermutation,
  runPair,
} from '../../../src/postprocess/reconcile/index.js';
import type { CascadeSchedule } from '../../../src/postprocess/reconcile/index.js';

async function runLine(s: CascadeSchedule, n: number, q: number, r: number): Promise<string> {
  const { alice, bob } = noisyPair(n, q, 1000 * r + n + Math.round(q * 1000));
  const o = await runPair(new CascadeReconciler({ schedule: s }), alice, bob, { qberEstimate: q, seed: 31 * r + n });
  const keyHash = createHash('sha256').update(o.bob.key.toBytes()).digest('hex').slice(0, 16);
  return [s, n, q, r, o.bob.leakedBits, o.bob.forwardBits, o.alice.leakedBits, o.bob.correctedErrors, o.residual, o.bob.stats.roundTrips, o.bob.stats.messages, keyHash, JSON.stringify(o.bobLedger), JSON.stringify(o.aliceLedger)].join(' ');
}

const GRID: [CascadeSchedule, number, number, number][] = [];
for (const s of CASCADE_SCHEDULES) for (const n of [1000, 10_000, 30_000]) for (const q of [0.005, 0.02, 0.05, 0.11]) GRID.push([s, n, q, 1]);

describe('Cascade bit-exactness', () => {
  it('keys, ledgers, round trips and messages hash to the pre-optimisation digest', async () => {
    const h = createHash('sha256');
    for (const [s, n, q, r] of GRID) h.update(await runLine(s, n, q, r));
    expect(h.digest('hex')).toBe('893467427b7a7ff5346a6cf633a6711bea492436025ccab649dacb6440c9018e');
  }, 60_000);

  it('concurrent runs (sharing the tree buffer pool) equal sequential runs', async () => {
    const pick = GRID.filter(([, n]) => n === 10_000);
    const seq: string[] = [];
    for (const g of pick) seq.push(await runLine(...g));
    const par = await Promise.all(pick.map((g) => runLine(...g)));
    expect(par).toEqual(seq);
  }, 60_000);
});

describe('public permutations', () => {
  it('the inlined shuffle is Fisher–Yates on Xoshiro128.below', () => {
    for (const [n, seed, stream] of [[1, 3, 1], [2, 9, 2], [1000, 12345, 7], [65_537, 0xdeadbeef, 0x10001]]) {
      const ref = new Uint32Array(n);
      for (let i = 0; i < n; i++) ref[i] = i;
      const r = new Xoshiro128(seed, stream);
      for (let i = n - 1; i > 0; i--) {
        const j = r.below(i + 1);
        [ref[i], ref[j]] = [ref[j], ref[i]];
      }
      expect(randomPermutation(n, seed, stream)).toEqual(ref);
    }
  });

  it('inverse is the inverse; the cache keeps the most recently used 64 and evicts the oldest', () => {
    const p = cachedPermutation(5000, 77, 3);
    for (let i = 0; i < 5000; i++) expect(p.inv[p.perm[i]]).toBe(i);
    const first = cachedPermutation(100, 1, 0);
    const second = cachedPermutation(100, 2, 0);
    for (let s = 3; s <= 64; s++) cachedPermutation(100, s, 0);
    expect(cachedPermutation(100, 1, 0)).toBe(first); // a hit refreshes it
    cachedPermutation(100, 65, 0); // evicts the least recently used: seed 2
    expect(cachedPermutation(100, 1, 0)).toBe(first);
    expect(cachedPermutation(100, 2, 0)).not.toBe(second);
    expect(cachedPermutation(100, 2, 0).perm).toEqual(second.perm);
  });
});
