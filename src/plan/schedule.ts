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

/** Most buckets (resources × hours of the window) held in one table with their first pass inline (32 B each). */
const MAX_INLINE_BUCKETS = 1 << 22;
/** Most buckets held in one array of lists (8 B each); beyond, a map (sparse). */
const MAX_DENSE_BUCKETS = 1 << 24;

/** Per dense bucket: its first pass's AOS, LOS, index (−1: empty), and how many passes it holds. */
const SLOT = 4;

/**
 * Accepted intervals per resource, bucketed by hour (a pass never spans more than two buckets'
 * reach). A resource is a number: a satellite's (satKey) or a station's (stnKey, after the
 * satellites). A bucket's passes are (AOS, LOS, index) triples in the order they were accepted.
 * Inline (resources × the window's hours at most MAX_INLINE_BUCKETS): the first pass of a bucket
 * in one Float64Array, the rest in a list, so the common check (a bucket empty or holding one
 * pass) reads one table at one place per resource instead of an array object and its elements at
 * random addresses. Dense (at most MAX_DENSE_BUCKETS): one array of lists over the buckets.
 * Sparse: a map of lists keyed by resource × 2^24 + hour. The lists, and so the conflict found
 * first, are the same every way.
 */
class Occupancy {
  private readonly first: Float64Array | null;
  private readonly more: (number[] | undefined)[] | null;
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
    const fits = c.n > 0 && Number.isSafeInteger(size) && size > 0;
    const inline = fits && size <= MAX_INLINE_BUCKETS;
    this.first = inline ? new Float64Array(size * SLOT) : null;
    if (this.first) for (let o = 2; o < this.first.length; o += SLOT) this.first[o] = -1;
    this.more = inline ? new Array<number[] | undefined>(size) : null;
    this.dense = fits && !inline && size <= MAX_DENSE_BUCKETS ? new Array<number[] | undefined>(size) : null;
  }

  /** An accepted pass overlapping pass i on resource `key`, or -1. */
  conflict(key: number, i: number): number {
    return this.conflictOf(key, this.c.aosMs[i], this.c.losMs[i]);
  }

  /**
   * An accepted pass overlapping [aosMs, losMs] on resource `key`, or -1: the first in bucket
   * order, then in the order they were accepted.
   */
  conflictOf(key: number, aosMs: number, losMs: number): number {
    const b0 = Math.floor(aosMs / BUCKET_MS) - 1;
    const b1 = Math.floor(losMs / BUCKET_MS);
    const first = this.first;
    if (first) {
      for (let b = b0, at = key * this.hours + (b0 - this.hour0); b <= b1; b++, at++) {
        const o = at * SLOT;
        const j = first[o + 2];
        if (j < 0) continue;
        if (first[o] < losMs && aosMs < first[o + 1]) return j;
        if (first[o + 3] > 1) {
          const list = this.more![at]!;
          for (let q = 0; q < list.length; q += 3) if (list[q] < losMs && aosMs < list[q + 1]) return list[q + 2];
        }
      }
      return -1;
    }
    for (let b = b0; b <= b1; b++) {
      const list = this.list(key, b);
      if (!list) continue;
      for (let q = 0; q < list.length; q += 3) if (list[q] < losMs && aosMs < list[q + 1]) return list[q + 2];
    }
    return -1;
  }

  add(key: number, i: number): void {
    this.addOf(key, i, this.c.aosMs[i], this.c.losMs[i]);
  }

  /** Accept pass i, [aosMs, losMs], on resource `key`. */
  addOf(key: number, i: number, aosMs: number, losMs: number): void {
    const b = Math.floor(aosMs / BUCKET_MS);
    const first = this.first;
    if (first) {
      const at = key * this.hours + (b - this.hour0);
      const o = at * SLOT;
      if (first[o + 2] < 0) {
        first[o] = aosMs;
        first[o + 1] = losMs;
        first[o + 2] = i;
      } else {
        const list = this.more![at];
        if (list) list.push(aosMs, losMs, i);
        else this.more![at] = [aosMs, losMs, i];
      }
      first[o + 3]++;
      return;
    }
    const list = this.list(key, b);
    if (list) list.push(aosMs, losMs, i);
    else if (this.dense) this.dense[key * this.hours + (b - this.hour0)] = [aosMs, losMs, i];
    else this.sparse.set(key * 2 ** 24 + b, [aosMs, losMs, i]);
  }

  private list(key: number, b: number): number[] | undefined {
    return this.dense ? this.dense[key * this.hours + (b - this.hour0)] : this.sparse.get(key * 2 ** 24 + b);
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
  const { count } = resources(c);
  const sats = count - c.stationIds.length;
  const occ = new Occupancy(c, count);
  // the columns in visiting order: one pass of independent reads at random rows, then the loop reads in sequence
  const m = order.length;
  const aos = new Float64Array(m);
  const los = new Float64Array(m);
  const satKey = new Int32Array(m);
  const stnKey = new Int32Array(m);
  for (let x = 0; x < m; x++) {
    const i = order[x];
    aos[x] = c.aosMs[i];
    los[x] = c.losMs[i];
    satKey[x] = c.satelliteIndex[i];
    stnKey[x] = sats + c.station[i];
  }
  for (let x = 0; x < m; x++) {
    const i = order[x];
    const hit = Math.max(occ.conflictOf(satKey[x], aos[x], los[x]), occ.conflictOf(stnKey[x], aos[x], los[x]));
    if (hit >= 0) {
      out.blockedBy[i] = hit;
      continue;
    }
    out.scheduled[i] = true;
    occ.addOf(satKey[x], i, aos[x], los[x]);
    occ.addOf(stnKey[x], i, aos[x], los[x]);
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
