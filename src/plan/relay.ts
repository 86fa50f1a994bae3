/**
 * Trusted-relay key between station pairs. The satellite shares a key pool K_{s,X} with every
 * station X it served; to give stations A and B a common key it announces K_A ⊕ K_B, consuming
 * equal lengths of both pools (Liao et al., "Satellite-relayed intercontinental quantum
 * network", PRL 120, 030501 (2018)). A station's pool with a satellite is shared by all pairs
 * it belongs to, in proportion to the pairs' weights (their demand, or 1 each): pair (A, B) gets
 * Σ_s min(K_{s,A}·w_AB/W_{s,A}, K_{s,B}·w_AB/W_{s,B}), W_{s,X} the total weight of X's pairs.
 * That static proportional share is the default; `max-min` (maxMinPairKeys) is Hossain et al.'s
 * iterative max-min allocation over the same pools.
 */
import { solveLp } from './lp.js';

export interface PairSpec {
  a: string;
  b: string;
  /** Share weight (demand bits, or 1). */
  weight: number;
}

/** Pools: satellite index → station id → bits. */
export type Pools = Map<number, Map<string, number>>;

/** Total pair weight per station. */
export function stationWeights(pairs: readonly PairSpec[]): Map<string, number> {
  const w = new Map<string, number>();
  for (const p of pairs) {
    w.set(p.a, (w.get(p.a) ?? 0) + p.weight);
    w.set(p.b, (w.get(p.b) ?? 0) + p.weight);
  }
  return w;
}

/** One pair's key through one satellite's pools. */
export function pairShare(pool: Map<string, number> | undefined, pair: PairSpec, weights: Map<string, number>): number {
  if (!pool) return 0;
  return relayShare(pool.get(pair.a) ?? 0, pool.get(pair.b) ?? 0, pair.weight, weights.get(pair.a)!, weights.get(pair.b)!);
}

/**
 * The relay's share for one pair from its two stations' pools: min(K_a·w/W_a, K_b·w/W_b), with w
 * the pair's weight and W_a, W_b its stations' total weights (pairShare's arithmetic, also used on
 * the planner's pool arrays).
 */
export function relayShare(poolA: number, poolB: number, weight: number, weightsA: number, weightsB: number): number {
  return Math.min((poolA * weight) / weightsA, (poolB * weight) / weightsB);
}

/** Key of every pair from the pools (same order as `pairs`). */
export function pairKeys(pools: Pools, pairs: readonly PairSpec[]): number[] {
  const w = stationWeights(pairs);
  return pairs.map((p) => {
    let sum = 0;
    for (const pool of pools.values()) sum += pairShare(pool, p, w);
    return sum;
  });
}

export function addToPool(pools: Pools, satelliteIndex: number, station: string, bits: number): void {
  let m = pools.get(satelliteIndex);
  if (!m) pools.set(satelliteIndex, (m = new Map()));
  m.set(station, (m.get(station) ?? 0) + bits);
}

export const RELAY_MODES = ['proportional', 'max-min'] as const;
export type RelayMode = (typeof RELAY_MODES)[number];

/** Largest LP (variables: satellite × pair links with both pools positive) maxMinPairKeys takes. */
export const MAX_MIN_MAX_LINKS = 1500;

/**
 * Weighted max-min fair pair keys from the pools (Hossain et al., arXiv:2512.12514 (2025),
 * phase 2: iterative max-min allocation of inter-station keys from the per-link pools K_{s,g}).
 * Variables x_{s,p} ≥ 0, the key satellite s relays to pair p; station g's pool with s bounds
 * Σ_{p∋g} x_{s,p} ≤ K_{s,g}. Progressive filling: maximise the common level t with
 * Σ_s x_{s,p} ≥ t·w_p for every pair not yet fixed (the fixed ones keep their key); fix every
 * pair that cannot rise above t·w_p while the others stay at their levels (one LP each); repeat
 * until every pair is fixed. The result is the max-min fair vector (Bertsekas & Gallager, Data
 * Networks, §6.5.2): no pair's key can grow without lowering one that is no larger (÷ weight).
 * Exact LPs (lp.ts), so limited to MAX_MIN_MAX_LINKS links; larger plans use the proportional share.
 */
export function maxMinPairKeys(pools: Pools, pairs: readonly PairSpec[]): number[] {
  const sats = [...pools.keys()].sort((a, b) => a - b);
  let scale = 0;
  for (const m of pools.values()) for (const v of m.values()) scale = Math.max(scale, v);
  const out = new Array<number>(pairs.length).fill(0);
  if (!(scale > 0) || pairs.length === 0) return out;
  const wMax = Math.max(...pairs.map((p) => p.weight));
  const w = pairs.map((p) => p.weight / wMax);
  // links (s, p) with both pools positive; pool rows (s, g)
  const links: { s: number; p: number }[] = [];
  const poolRows = new Map<string, { cap: number; vars: number[] }>();
  for (const s of sats) {
    const pool = pools.get(s)!;
    pairs.forEach((pr, p) => {
      const ka = pool.get(pr.a) ?? 0;
      const kb = pool.get(pr.b) ?? 0;
      if (!(ka > 0 && kb > 0)) return;
      const v = links.length;
      links.push({ s, p });
      for (const [g, k] of [
        [pr.a, ka],
        [pr.b, kb],
      ] as const) {
        const key = `${s}\u0000${g}`;
        let row = poolRows.get(key);
        if (!row) poolRows.set(key, (row = { cap: k / scale, vars: [] }));
        row.vars.push(v);
      }
    });
  }
  if (links.length > MAX_MIN_MAX_LINKS) throw new RangeError(`max-min relay allocation: ${links.length} satellite–pair links, more than ${MAX_MIN_MAX_LINKS}`);
  const nv = links.length + 1; // + t
  const tCol = links.length;
  const byPair: number[][] = pairs.map(() => []);
  links.forEach((l, v) => byPair[l.p].push(v));
  const fixed = new Array<number | null>(pairs.length).fill(null);
  pairs.forEach((_, p) => {
    if (byPair[p].length === 0) fixed[p] = 0;
  });
  const base: number[][] = [];
  const baseB: number[] = [];
  for (const row of poolRows.values()) {
    const r = new Array<number>(nv).fill(0);
    for (const v of row.vars) r[v] = 1;
    base.push(r);
    baseB.push(row.cap);
  }
  /** Rows: pools; fixed pairs ≥ their key; free pairs ≥ level·w (level: a number, or the variable t). */
  const rows = (level: number | 't'): { A: number[][]; b: number[] } => {
    const A = base.map((r) => r.slice());
    const b = baseB.slice();
    pairs.forEach((_, p) => {
      if (byPair[p].length === 0) return;
      const r = new Array<number>(nv).fill(0);
      for (const v of byPair[p]) r[v] = -1;
      const f = fixed[p];
      if (f !== null) b.push(-f * (1 - 1e-9));
      else if (level === 't') {
        r[tCol] = w[p];
        b.push(0);
      } else b.push(-level * w[p] * (1 - 1e-9));
      A.push(r);
    });
    return { A, b };
  };
  for (let round = 0; fixed.some((f) => f === null) && round < pairs.length; round++) {
    const c = new Array<number>(nv).fill(0);
    c[tCol] = 1;
    const { A, b } = rows('t');
    const lp = solveLp(c, A, b);
    if (lp.status !== 'optimal') throw new Error(`max-min relay allocation: level LP ${lp.status}`);
    const t = lp.x[tCol];
    const free = pairs.map((_, p) => p).filter((p) => fixed[p] === null);
    const fix: number[] = [];
    const cons = rows(t);
    let lowest = -1;
    let lowestGain = Infinity;
    for (const p of free) {
      const cp = new Array<number>(nv).fill(0);
      for (const v of byPair[p]) cp[v] = 1;
      const best = solveLp(cp, cons.A, cons.b);
      const gain = best.status === 'optimal' ? best.value - t * w[p] : 0;
      if (gain <= 1e-7 * Math.max(t * w[p], 1e-12)) fix.push(p);
      if (gain < lowestGain) [lowest, lowestGain] = [p, gain];
    }
    if (!fix.length) fix.push(lowest);
    for (const p of fix) fixed[p] = t * w[p];
  }
  pairs.forEach((_, p) => (out[p] = (fixed[p] ?? 0) * scale));
  return out;
}

/** Pair keys from the pools by relay mode. */
export function relayPairKeys(pools: Pools, pairs: readonly PairSpec[], mode: RelayMode = 'proportional'): number[] {
  return mode === 'max-min' ? maxMinPairKeys(pools, pairs) : pairKeys(pools, pairs);
}
