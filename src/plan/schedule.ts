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
import { stableOrderByDouble } from '../core/radix-sort.js';
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

/**
 * The candidates as columns (what assemblePlan hands over: no object per pass). `station` is an
 * index into `stationIds`.
 */
export interface CandidateColumns {
  n: number;
  satelliteIndex: Int32Array;
  station: Int32Array;
  stationIds: readonly string[];
  aosMs: Float64Array;
  losMs: Float64Array;
  valueBits: Float64Array;
}

export type Candidates = readonly Candidate[] | CandidateColumns;

/** Candidates as columns (a Candidate[] is copied; columns are used as they are). */
export function candidateColumns(cands: Candidates): CandidateColumns {
  if (!Array.isArray(cands)) return cands as CandidateColumns;
  const list = cands as readonly Candidate[];
  const n = list.length;
  const stationIds: string[] = [];
  const at = new Map<string, number>();
  const c: CandidateColumns = { n, satelliteIndex: new Int32Array(n), station: new Int32Array(n), stationIds, aosMs: new Float64Array(n), losMs: new Float64Array(n), valueBits: new Float64Array(n) };
  list.forEach((x, i) => {
    let k = at.get(x.station);
    if (k === undefined) at.set(x.station, (k = stationIds.push(x.station) - 1));
    c.satelliteIndex[i] = x.satelliteIndex;
    c.station[i] = k;
    c.aosMs[i] = x.aosMs;
    c.losMs[i] = x.losMs;
    c.valueBits[i] = x.valueBits;
  });
  return c;
}

/** Time bucket of the conflict index; a pass lasts far less than this. */
const BUCKET_MS = 3_600_000;

/** Most buckets (resources × hours of the window) held in one array; beyond, a map (sparse). */
const MAX_DENSE_BUCKETS = 1 << 24;

/**
 * Accepted intervals per resource, bucketed by hour (a pass never spans more than two buckets'
 * reach). A resource is a number: a satellite's (satKey) or a station's (stnKey, after the
 * satellites). The buckets are one array over resources × the window's hours (a map keyed by
 * resource × 2^24 + hour when that array would be too large); the lists, and so the conflict
 * found first, are the same either way.
 */
class Occupancy {
  private readonly dense: (number[] | undefined)[] | null;
  private readonly sparse = new Map<number, number[]>();
  private readonly hour0: number;
  private readonly hours: number;
  constructor(
    private readonly c: CandidateColumns,
    resources: number,
  ) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < c.n; i++) {
      lo = Math.min(lo, c.aosMs[i]);
      hi = Math.max(hi, c.losMs[i]);
    }
    this.hour0 = Math.floor(lo / BUCKET_MS) - 2;
    this.hours = Math.floor(hi / BUCKET_MS) - this.hour0 + 2;
    const size = resources * this.hours;
    this.dense = c.n > 0 && Number.isSafeInteger(size) && size > 0 && size <= MAX_DENSE_BUCKETS ? new Array<number[] | undefined>(size) : null;
  }

  private list(key: number, b: number): number[] | undefined {
    return this.dense ? this.dense[key * this.hours + (b - this.hour0)] : this.sparse.get(key * 2 ** 24 + b);
  }

  /** An accepted pass overlapping pass i on resource `key`, or -1. */
  conflict(key: number, i: number): number {
    const { aosMs, losMs } = this.c;
    const b0 = Math.floor(aosMs[i] / BUCKET_MS) - 1;
    const b1 = Math.floor(losMs[i] / BUCKET_MS);
    for (let b = b0; b <= b1; b++) {
      const list = this.list(key, b);
      if (!list) continue;
      for (const j of list) if (aosMs[j] < losMs[i] && aosMs[i] < losMs[j]) return j;
    }
    return -1;
  }

  add(key: number, i: number): void {
    const b = Math.floor(this.c.aosMs[i] / BUCKET_MS);
    const list = this.list(key, b);
    if (list) list.push(i);
    else if (this.dense) this.dense[key * this.hours + (b - this.hour0)] = [i];
    else this.sparse.set(key * 2 ** 24 + b, [i]);
  }
}

/** Resource numbers of pass i's satellite and station (stations after every satellite). */
function resources(c: CandidateColumns): { satKey: (i: number) => number; stnKey: (i: number) => number; count: number } {
  let sats = 0;
  for (let i = 0; i < c.n; i++) sats = Math.max(sats, c.satelliteIndex[i] + 1);
  return { satKey: (i) => c.satelliteIndex[i], stnKey: (i) => sats + c.station[i], count: sats + c.stationIds.length };
}

/**
 * (AOS, satellite index, station id) order of passes i and j. Candidates already strictly in that
 * order (assemblePlan's, in plan order) compare by index: the same sign for every pair, a
 * subtraction instead of three column look-ups per comparison of a sort.
 */
function tieOrderOf(c: CandidateColumns): (i: number, j: number) => number {
  const rank = new Int32Array(c.stationIds.length);
  c.stationIds
    .map((id, k) => ({ id, k }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .forEach((x, r) => (rank[x.k] = r));
  const tie = (i: number, j: number): number => c.aosMs[i] - c.aosMs[j] || c.satelliteIndex[i] - c.satelliteIndex[j] || rank[c.station[i]] - rank[c.station[j]];
  for (let i = 0; i + 1 < c.n; i++) if (!(tie(i, i + 1) < 0)) return tie;
  return indexOrder;
}

const indexOrder = (i: number, j: number): number => i - j;

function emptySchedule(n: number): Schedule {
  return { scheduled: new Array<boolean>(n).fill(false), blockedBy: new Array<number>(n).fill(-1) };
}

const indices = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Most value first. */
export function greedySchedule(cands: Candidates): Schedule {
  const c = candidateColumns(cands);
  const tie = tieOrderOf(c);
  // candidates in tie order (tie by index): the stable radix order by value, largest first, is the comparison sort's
  const byIndex = tie === indexOrder;
  const order: ArrayLike<number> = (byIndex ? stableOrderByDouble(Int32Array.from(indices(c.n)), c.valueBits, true) : null) ?? indices(c.n).sort((i, j) => c.valueBits[j] - c.valueBits[i] || tie(i, j));
  const out = emptySchedule(c.n);
  const { satKey, stnKey, count } = resources(c);
  const occ = new Occupancy(c, count);
  for (let x = 0; x < order.length; x++) {
    const i = order[x];
    const hit = Math.max(occ.conflict(satKey(i), i), occ.conflict(stnKey(i), i));
    if (hit >= 0) {
      out.blockedBy[i] = hit;
      continue;
    }
    out.scheduled[i] = true;
    occ.add(satKey(i), i);
    occ.add(stnKey(i), i);
  }
  return out;
}

/**
 * Time-ordered assignment: for each pass in AOS order that is still free, it and the
 * later-starting free passes it conflicts with compete; `better(i, j)` says i wins over j.
 * The winner is taken (it conflicts with nothing taken: its earlier rivals were settled first).
 */
function timeOrdered(c: CandidateColumns, better: (i: number, j: number) => boolean, onTake: (i: number) => void): Schedule {
  const n = c.n;
  const order = indices(n).sort(tieOrderOf(c));
  const out = emptySchedule(n);
  const settled = new Uint8Array(n);
  const { satKey, stnKey, count } = resources(c);
  const occ = new Occupancy(c, count);
  // per resource, its passes in AOS order, and each pass's position in its satellite's and its station's list
  const lists = new Map<number, number[]>();
  const where = [new Int32Array(n), new Int32Array(n)];
  for (const i of order) {
    [satKey(i), stnKey(i)].forEach((k, r) => {
      let l = lists.get(k);
      if (!l) lists.set(k, (l = []));
      where[r][i] = l.length;
      l.push(i);
    });
  }
  const take = (i: number): void => {
    out.scheduled[i] = true;
    settled[i] = 1;
    occ.add(satKey(i), i);
    occ.add(stnKey(i), i);
    onTake(i);
  };
  for (const i of order) {
    if (settled[i]) continue;
    const hit = Math.max(occ.conflict(satKey(i), i), occ.conflict(stnKey(i), i));
    if (hit >= 0) {
      settled[i] = 1;
      out.blockedBy[i] = hit;
      continue;
    }
    // rivals: free passes on the same satellite or station starting before pass i ends
    let best = i;
    [satKey(i), stnKey(i)].forEach((k, r) => {
      const l = lists.get(k)!;
      for (let x = where[r][i] + 1; x < l.length && c.aosMs[l[x]] < c.losMs[i]; x++) {
        const j = l[x];
        if (settled[j]) continue;
        if (occ.conflict(satKey(j), j) >= 0 || occ.conflict(stnKey(j), j) >= 0) continue;
        if (better(j, best)) best = j;
      }
    });
    take(best);
    if (best !== i) {
      settled[i] = 1;
      out.blockedBy[i] = best;
    }
  }
  return out;
}

/** Station served least recently wins; ties: more key, then time order. */
export function roundRobinSchedule(cands: Candidates): Schedule {
  const c = candidateColumns(cands);
  const tie = tieOrderOf(c);
  const lastServed = new Float64Array(c.stationIds.length).fill(-Infinity);
  const served = (i: number): number => lastServed[c.station[i]];
  return timeOrdered(
    c,
    (i, j) => served(i) < served(j) || (served(i) === served(j) && (c.valueBits[i] > c.valueBits[j] || (c.valueBits[i] === c.valueBits[j] && tie(i, j) < 0))),
    (i) => (lastServed[c.station[i]] = c.aosMs[i]),
  );
}

/** Station with the least key so far (÷ its weight) wins; ties: more key, then time order. */
export function maxMinHeuristicSchedule(cands: Candidates, weightOf: (station: string) => number): Schedule {
  const c = candidateColumns(cands);
  const tie = tieOrderOf(c);
  const held = new Float64Array(c.stationIds.length);
  const weight = Float64Array.from(c.stationIds, weightOf);
  const level = (i: number): number => held[c.station[i]] / weight[c.station[i]];
  return timeOrdered(
    c,
    (i, j) => level(i) < level(j) || (level(i) === level(j) && (c.valueBits[i] > c.valueBits[j] || (c.valueBits[i] === c.valueBits[j] && tie(i, j) < 0))),
    (i) => (held[c.station[i]] += c.valueBits[i]),
  );
}

/**
 * A schedule by policy. `minPair` evaluates a schedule's minimum key over station pairs (for
 * max-min's comparison with the baselines); `weightOf` a station's demand weight.
 */
export function schedulePasses(
  cands: Candidates,
  policy: Policy,
  minPair: (s: Schedule) => number,
  weightOf: (station: string) => number = () => 1,
): Schedule {
  const c = candidateColumns(cands);
  if (policy === 'greedy') return greedySchedule(c);
  if (policy === 'round-robin') return roundRobinSchedule(c);
  let best = maxMinHeuristicSchedule(c, weightOf);
  let bestMin = minPair(best);
  for (const alt of [roundRobinSchedule(c), greedySchedule(c)]) {
    const m = minPair(alt);
    if (m > bestMin) {
      best = alt;
      bestMin = m;
    }
  }
  return best;
}
