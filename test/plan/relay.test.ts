import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { miciusMission } from '../../src/mission/presets.js';
import { assemblePlan, DEFAULT_WEATHER, planSlice, planSlices } from '../../src/plan/index.js';
import { solveLp } from '../../src/plan/lp.js';
import { maxMinPairKeys, pairKeys, type PairSpec, type Pools } from '../../src/plan/relay.js';

const pools = (sats: Record<string, number>[]): Pools => new Map(sats.map((m, s) => [s, new Map(Object.entries(m))]));
const triangle: PairSpec[] = [
  { a: 'A', b: 'B', weight: 1 },
  { a: 'A', b: 'C', weight: 1 },
  { a: 'B', b: 'C', weight: 1 },
];

/**
 * Independent computation for one satellite: there the pair keys d are feasible exactly when
 * every station's pairs sum to at most its pool (x = d itself), so max-min fairness is the
 * classic water-filling over stations (Bertsekas & Gallager, Data Networks, §6.5.2): raise the
 * free pairs' keys together (∝ weight) until a station's pool is spent, fix its pairs, repeat.
 */
function waterFill(pool: Map<string, number>, pairs: readonly PairSpec[]): number[] {
  const key = new Array<number>(pairs.length).fill(0);
  const free = pairs.map((p) => (pool.get(p.a) ?? 0) > 0 && (pool.get(p.b) ?? 0) > 0);
  for (;;) {
    const left = new Map<string, number>();
    const rate = new Map<string, number>();
    for (const [g, k] of pool) left.set(g, k);
    pairs.forEach((p, i) => {
      for (const g of [p.a, p.b]) {
        left.set(g, left.get(g)! - key[i]);
        if (free[i]) rate.set(g, (rate.get(g) ?? 0) + p.weight);
      }
    });
    let step = Infinity;
    for (const [g, r] of rate) step = Math.min(step, left.get(g)! / r);
    if (!Number.isFinite(step)) return key;
    pairs.forEach((p, i) => free[i] && (key[i] += step * p.weight));
    const full = [...rate.keys()].filter((g) => left.get(g)! - step * rate.get(g)! <= 1e-9 * pool.get(g)!);
    pairs.forEach((p, i) => {
      if (full.includes(p.a) || full.includes(p.b)) free[i] = false;
    });
  }
}

describe('solveLp', () => {
  it('solves a textbook LP (Chvátal ch. 2: max 5x1 + 4x2 + 3x3 → 13 at (2, 0, 1)) and one needing phase 1', () => {
    const r = solveLp([5, 4, 3], [[2, 3, 1], [4, 1, 2], [3, 4, 2]], [5, 11, 8]);
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(13, 9);
    expect([...r.x].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([2, 0, 1]);
    // min x + y s.t. x + 2y ≥ 4, 3x + y ≥ 6 → (8/5, 6/5), 14/5
    const p = solveLp([-1, -1], [[-1, -2], [-3, -1]], [-4, -6]);
    expect(p.status).toBe('optimal');
    expect(-p.value).toBeCloseTo(14 / 5, 9);
    expect(solveLp([1], [[1], [-1]], [1, -2]).status).toBe('infeasible');
  });
});

describe('max-min relay allocation (Hossain et al. phase 2)', () => {
  it('hand-solved cases: one satellite (2, 8, 2); two satellites routing AB through the second (11, 1, 1)', () => {
    const one = pools([{ A: 10, B: 4, C: 10 }]);
    expect(maxMinPairKeys(one, triangle).map((v) => +v.toFixed(6))).toEqual([2, 8, 2]);
    expect(pairKeys(one, triangle)).toEqual([2, 5, 2]);
    const two = pools([{ A: 2, B: 2, C: 2 }, { A: 10, B: 10, C: 0 }]);
    expect(maxMinPairKeys(two, triangle).map((v) => +v.toFixed(6))).toEqual([11, 1, 1]);
    expect(pairKeys(two, triangle)).toEqual([6, 1, 1]);
  });

  it('equals water-filling on random one-satellite instances, and never has a lower minimum than the proportional share', () => {
    const stations = ['A', 'B', 'C', 'D', 'E'];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 10, maxLength: 10 }),
        fc.array(fc.record({ A: fc.integer({ min: 0, max: 500 }), B: fc.integer({ min: 0, max: 500 }), C: fc.integer({ min: 0, max: 500 }) }), { minLength: 2, maxLength: 3 }),
        (ks, ws, multi) => {
          const pool = new Map(stations.map((g, i) => [g, ks[i]]));
          const pairs: PairSpec[] = [];
          for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) pairs.push({ a: stations[i], b: stations[j], weight: ws[pairs.length] });
          const got = maxMinPairKeys(new Map([[0, pool]]), pairs);
          const want = waterFill(pool, pairs);
          got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6 * 1000));
          // several satellites: the proportional share is a feasible allocation, so its (weighted) minimum is no larger
          const mp = pools(multi);
          const mm = maxMinPairKeys(mp, triangle);
          const pr = pairKeys(mp, triangle);
          expect(Math.min(...mm)).toBeGreaterThanOrEqual(Math.min(...pr) - 1e-6);
        },
      ),
      { numRuns: 60, seed: 16 },
    );
  });
});

describe('plan --relay max-min', () => {
  it("on Micius over three days (60-s slots): no pair below the proportional minimum, the same station totals", () => {
    const from = Date.parse('2017-01-05T00:00:00Z');
    const base = { fromMs: from, toMs: from + 3 * 86_400_000, policy: 'greedy' as const, block: 'per-pass' as const, stepS: 60, weather: DEFAULT_WEATHER, latencyBits: 1e6, summaryOnly: true };
    const mission = miciusMission();
    const slices = planSlices(mission, base).map(planSlice);
    const prop = assemblePlan(mission, base, slices);
    const mm = assemblePlan(mission, { ...base, relay: 'max-min' }, slices);
    expect([prop.options.relay, mm.options.relay]).toEqual(['proportional', 'max-min']);
    expect(mm.summary.minPairExpectedKeyBits).toBeGreaterThanOrEqual(prop.summary.minPairExpectedKeyBits * (1 - 1e-9));
    expect(mm.stationFigures).toEqual(prop.stationFigures);
    // one satellite: a station's pairs never use more than its pool
    for (const st of mm.stationFigures) {
      const used = mm.pairs.filter((p) => p.a === st.id || p.b === st.id).reduce((a, p) => a + p.expectedKeyBits, 0);
      expect(used).toBeLessThanOrEqual(st.expectedKeyBits * (1 + 1e-9));
    }
  });
});
