/**
 * Trusted-relay key between station pairs. The satellite shares a key pool K_{s,X} with every
 * station X it served; to give stations A and B a common key it announces K_A ⊕ K_B, consuming
 * equal lengths of both pools (Liao et al., "Satellite-relayed intercontinental quantum
 * network", PRL 120, 030501 (2018)). A station's pool with a satellite is shared by all pairs
 * it belongs to, in proportion to the pairs' weights (their demand, or 1 each): pair (A, B) gets
 * Σ_s min(K_{s,A}·w_AB/W_{s,A}, K_{s,B}·w_AB/W_{s,B}), W_{s,X} the total weight of X's pairs.
 * A static proportional share, not Hossain et al.'s iterative max-min allocation.
 */
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
  const ka = pool.get(pair.a) ?? 0;
  const kb = pool.get(pair.b) ?? 0;
  return Math.min((ka * pair.weight) / weights.get(pair.a)!, (kb * pair.weight) / weights.get(pair.b)!);
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
