/**
 * Scheduling passes under the two resource conflicts of a downlink network: a satellite's
 * transmitter points at one station at a time, and a station's telescope tracks one satellite
 * at a time. Two passes conflict when they share a satellite or a station and their [AOS, LOS]
 * intervals overlap. Policies:
 *
 * - `greedy`: most (weather-expected) key first, each pass taken when it conflicts with none
 *   taken before: the list heuristic that MILP schedulers are measured against (Polnik et al.,
 *   "Scheduling of space to ground quantum key distribution", EPJ Quantum Technol. 7:3 (2020)).
 * - `round-robin`: in time order; among a pass and the later-starting passes it conflicts with,
 *   the station served least recently wins (ties: more key), as in the opportunistic
 *   round-robin assignment of Hossain et al., arXiv:2512.12514 (2025), phase 1.
 * - `max-min`: in time order; the candidate whose station holds the least key so far (divided by
 *   its demand weight) wins, so the weakest station pair is fed first (Hossain et al., max-min
 *   fairness over pairs); the result is compared with the round-robin and greedy schedules and
 *   the one with the larger minimum over pairs is kept (ties: the max-min heuristic's own), so
 *   max-min never leaves the weakest pair below either baseline.
 *
 * Deterministic: every tie ends on (AOS, satellite index, station id).
 */
import type { Policy } from './types.js';

export interface Candidate {
  satelliteIndex: number;
  station: string;
  aosMs: number;
  losMs: number;
  /** What the policy maximises per pass (the weather-expected key). */
  valueBits: number;
}

export interface Schedule {
  scheduled: boolean[];
  /** Per pass not scheduled: the index of the pass that took its satellite or station. */
  blockedBy: number[];
}

/** Time bucket of the conflict index; a pass lasts far less than this. */
const BUCKET_MS = 3_600_000;

/** Bucket-number span of the conflict index per resource (an hour number is < 2^24 until 3884). */
const RESOURCE_STRIDE = 2 ** 24;

/**
 * Accepted intervals per resource, bucketed by hour (a pass never spans more than two buckets'
 * reach). A resource is a number: a satellite's (satKey) or a station's (stnKey, after the
 * satellites); one map holds resource × stride + bucket.
 */
class Occupancy {
  private readonly buckets = new Map<number, number[]>();
  constructor(private readonly cands: readonly Candidate[]) {}

  /** An accepted pass overlapping `c` on resource `key`, or -1. */
  conflict(key: number, c: Candidate): number {
    const b0 = Math.floor(c.aosMs / BUCKET_MS) - 1;
    const b1 = Math.floor(c.losMs / BUCKET_MS);
    for (let b = b0; b <= b1; b++) {
      const list = this.buckets.get(key * RESOURCE_STRIDE + b);
      if (!list) continue;
      for (const j of list) {
        const o = this.cands[j];
        if (o.aosMs < c.losMs && c.aosMs < o.losMs) return j;
      }
    }
    return -1;
  }

  add(key: number, i: number): void {
    const k = key * RESOURCE_STRIDE + Math.floor(this.cands[i].aosMs / BUCKET_MS);
    const list = this.buckets.get(k);
    if (list) list.push(i);
    else this.buckets.set(k, [i]);
  }
}

/** Resource numbers of the candidates' satellites and stations (stations after every satellite). */
function resources(cands: readonly Candidate[]): { satKey: (c: Candidate) => number; stnKey: (c: Candidate) => number } {
  let sats = 0;
  for (const c of cands) sats = Math.max(sats, c.satelliteIndex + 1);
  const stations = new Map<string, number>();
  for (const c of cands) if (!stations.has(c.station)) stations.set(c.station, sats + stations.size);
  return { satKey: (c) => c.satelliteIndex, stnKey: (c) => stations.get(c.station)! };
}

function tieOrder(a: Candidate, b: Candidate): number {
  return a.aosMs - b.aosMs || a.satelliteIndex - b.satelliteIndex || (a.station < b.station ? -1 : a.station > b.station ? 1 : 0);
}

function emptySchedule(n: number): Schedule {
  return { scheduled: new Array<boolean>(n).fill(false), blockedBy: new Array<number>(n).fill(-1) };
}

/** Most value first. */
export function greedySchedule(cands: readonly Candidate[]): Schedule {
  const order = cands.map((_, i) => i).sort((i, j) => cands[j].valueBits - cands[i].valueBits || tieOrder(cands[i], cands[j]));
  const out = emptySchedule(cands.length);
  const occ = new Occupancy(cands);
  const { satKey, stnKey } = resources(cands);
  for (const i of order) {
    const c = cands[i];
    const hit = Math.max(occ.conflict(satKey(c), c), occ.conflict(stnKey(c), c));
    if (hit >= 0) {
      out.blockedBy[i] = hit;
      continue;
    }
    out.scheduled[i] = true;
    occ.add(satKey(c), i);
    occ.add(stnKey(c), i);
  }
  return out;
}

/**
 * Time-ordered assignment: for each pass in AOS order that is still free, it and the
 * later-starting free passes it conflicts with compete; `better(i, j)` says i wins over j.
 * The winner is taken (it conflicts with nothing taken: its earlier rivals were settled first).
 */
function timeOrdered(cands: readonly Candidate[], better: (i: number, j: number) => boolean, onTake: (i: number) => void): Schedule {
  const n = cands.length;
  const order = cands.map((_, i) => i).sort((i, j) => tieOrder(cands[i], cands[j]));
  const out = emptySchedule(n);
  const settled = new Array<boolean>(n).fill(false);
  const occ = new Occupancy(cands);
  const { satKey, stnKey } = resources(cands);
  // per resource, its passes in AOS order, and each pass's position there
  const lists = new Map<number, number[]>();
  for (const i of order) {
    for (const k of [satKey(cands[i]), stnKey(cands[i])]) {
      const l = lists.get(k);
      if (l) l.push(i);
      else lists.set(k, [i]);
    }
  }
  const where = new Map<number, Map<number, number>>();
  for (const [k, l] of lists) l.forEach((i, x) => (where.get(i) ?? where.set(i, new Map()).get(i)!).set(k, x));
  const take = (i: number): void => {
    out.scheduled[i] = true;
    settled[i] = true;
    occ.add(satKey(cands[i]), i);
    occ.add(stnKey(cands[i]), i);
    onTake(i);
  };
  for (const i of order) {
    if (settled[i]) continue;
    const c = cands[i];
    const hit = Math.max(occ.conflict(satKey(c), c), occ.conflict(stnKey(c), c));
    if (hit >= 0) {
      settled[i] = true;
      out.blockedBy[i] = hit;
      continue;
    }
    // rivals: free passes on the same satellite or station starting before c ends
    let best = i;
    for (const k of [satKey(c), stnKey(c)]) {
      const l = lists.get(k)!;
      for (let x = where.get(i)!.get(k)! + 1; x < l.length && cands[l[x]].aosMs < c.losMs; x++) {
        const j = l[x];
        if (settled[j]) continue;
        const cj = cands[j];
        if (occ.conflict(satKey(cj), cj) >= 0 || occ.conflict(stnKey(cj), cj) >= 0) continue;
        if (better(j, best)) best = j;
      }
    }
    take(best);
    if (best !== i) {
      settled[i] = true;
      out.blockedBy[i] = best;
    }
  }
  return out;
}

/** Station served least recently wins; ties: more key, then time order. */
export function roundRobinSchedule(cands: readonly Candidate[]): Schedule {
  const lastServed = new Map<string, number>();
  const served = (i: number): number => lastServed.get(cands[i].station) ?? -Infinity;
  return timeOrdered(
    cands,
    (i, j) => served(i) < served(j) || (served(i) === served(j) && (cands[i].valueBits > cands[j].valueBits || (cands[i].valueBits === cands[j].valueBits && tieOrder(cands[i], cands[j]) < 0))),
    (i) => lastServed.set(cands[i].station, cands[i].aosMs),
  );
}

/** Station with the least key so far (÷ its weight) wins; ties: more key, then time order. */
export function maxMinHeuristicSchedule(cands: readonly Candidate[], weightOf: (station: string) => number): Schedule {
  const held = new Map<string, number>();
  const level = (i: number): number => (held.get(cands[i].station) ?? 0) / weightOf(cands[i].station);
  return timeOrdered(
    cands,
    (i, j) => level(i) < level(j) || (level(i) === level(j) && (cands[i].valueBits > cands[j].valueBits || (cands[i].valueBits === cands[j].valueBits && tieOrder(cands[i], cands[j]) < 0))),
    (i) => held.set(cands[i].station, (held.get(cands[i].station) ?? 0) + cands[i].valueBits),
  );
}

/**
 * A schedule by policy. `minPair` evaluates a schedule's minimum key over station pairs (for
 * max-min's comparison with the baselines); `weightOf` a station's demand weight.
 */
export function schedulePasses(
  cands: readonly Candidate[],
  policy: Policy,
  minPair: (s: Schedule) => number,
  weightOf: (station: string) => number = () => 1,
): Schedule {
  if (policy === 'greedy') return greedySchedule(cands);
  if (policy === 'round-robin') return roundRobinSchedule(cands);
  let best = maxMinHeuristicSchedule(cands, weightOf);
  let bestMin = minPair(best);
  for (const alt of [roundRobinSchedule(cands), greedySchedule(cands)]) {
    const m = minPair(alt);
    if (m > bestMin) {
      best = alt;
      bestMin = m;
    }
  }
  return best;
}
