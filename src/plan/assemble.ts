/**
 * assemblePlan: the slices' passes → one plan document. Sorts the passes (AOS, satellite,
 * station), applies the weather, schedules (schedule.ts), accumulates key per link per pass and
 * as combined blocks (the finite-key bound of a link's summed expected counts, keyOfCounts: the
 * same bound as predictPassKey), the trusted-relay pair keys (relay.ts) and the figures of
 * merit. Pure and deterministic: the same mission, options and slice results give the same
 * document, byte for byte once serialised (planJson), however the slices were computed.
 */
import { isoOfRoundedMs as iso } from '../core/iso-time.js';
import { stableOrderByDouble, stableOrderBySmallInt } from '../core/radix-sort.js';
import type { Mission } from '../mission/config.js';
import { keyOfCounts, predictParamsFromHardware } from '../mission/predict.js';
import { PACKED_COUNTS, unpackCounts } from './counts.js';
import { F_AOS, F_KEY, F_LOS, F_MAX_EL, F_MIN_RANGE, F_DURATION, F_PULSES, F_TCA, isPacked, NUM, packSlice, type PackedSlice } from './packed.js';
import { addToPool, MAX_MIN_MAX_LINKS, relayPairKeys, relayShare, stationWeights, type PairSpec, type Pools } from './relay.js';
import { schedulePasses, type CandidateColumns, type Schedule } from './schedule.js';
import type { PlanOptions, PlannedPass, SliceResult } from './types.js';
import { cloudFreeProbability } from './weather.js';
import type { Triple } from '../security/types.js';

export interface StationFigures {
  id: string;
  name: string;
  latitudeDeg: number;
  longitudeDeg: number;
  passes: number;
  scheduledPasses: number;
  /** Clear-sky key of the scheduled passes, each its own block. */
  keyBits: number;
  expectedKeyBits: number;
  /** The same passes as one combined block per satellite link. */
  combinedKeyBits: number;
  combinedExpectedKeyBits: number;
  /** Weather-expected key per UTC month of the window ("YYYY-MM" → bits), in the chosen block mode. */
  expectedKeyBitsPerMonth: Record<string, number>;
  expectedKeyBitsPerDay: number;
  expectedKeyBitsPerYear: number;
  /** Mean over the window's days of P(at least one scheduled pass that day has a clear sky). */
  availability: number;
  cloudFreeSource: string;
}

export interface PairFigures {
  a: string;
  b: string;
  /** Clear-sky relay key in the chosen block mode. */
  keyBits: number;
  expectedKeyBits: number;
  demandBits?: number;
  /** expectedKeyBits / demand, at most 1 (with a demand). */
  demandServed?: number;
  /** Time from the window's start until the pair first holds latencyBits (expected, per-pass blocks); null: never. */
  latencyS: number | null;
}

export interface PlanSummary {
  passes: number;
  scheduledPasses: number;
  keyBits: number;
  expectedKeyBits: number;
  combinedKeyBits: number;
  combinedExpectedKeyBits: number;
  /** combinedExpectedKeyBits / expectedKeyBits − 1. */
  combinedGain: number;
  minPairKeyBits: number;
  minPairExpectedKeyBits: number;
  /** Mean over the demand pairs of min(1, expected key / demand); null without a demand. */
  demandServed: number | null;
  meanAvailability: number;
}

export interface Plan {
  format: 'mozi-plan/1';
  mission: string;
  satellites: string[];
  stations: string[];
  window: { from: string; to: string; days: number };
  options: { policy: string; block: string; relay: string; stepS: number; latencyBits: number; weather: string };
  summary: PlanSummary;
  stationFigures: StationFigures[];
  pairs: PairFigures[];
  warnings: string[];
  /** Absent with --summary; passes.csv always holds every pass. */
  passes?: PlannedPass[];
}

const DAY_MS = 86_400_000;

/**
 * Every pass of the slices in plan order (AOS, satellite index, station id), as columns: the
 * slices' own typed arrays (packed.ts) addressed through `sl`/`row`, plus the columns the
 * scheduler and the figures read on every pass, copied in plan order. No object per pass.
 */
export interface PassTable {
  n: number;
  slices: PackedSlice[];
  /** Plan index → index in `slices`, and row in that slice. */
  sl: Int32Array;
  row: Int32Array;
  /** Plan index → satellite index, station (index in stationIds). */
  sat: Int32Array;
  stn: Int32Array;
  stationIds: string[];
  aos: Float64Array;
  tca: Float64Array;
  los: Float64Array;
  key: Float64Array;
}

/** Field `f` (packed.ts NUM_FIELDS) of pass i. */
const numOf = (t: PassTable, i: number, f: number): number => t.slices[t.sl[i]].num[t.row[i] * NUM + f];

/** All passes of the slices in plan order. */
function gather(input: readonly (SliceResult | PackedSlice)[]): PassTable {
  const slices = input.map((s) => (isPacked(s) ? s : packSlice(s))).sort((a, b) => a.satelliteIndex - b.satelliteIndex);
  const stationIds: string[] = [];
  const stationAt = new Map<string, number>();
  const local = slices.map((s) =>
    Int32Array.from(s.stationIds, (id) => {
      let k = stationAt.get(id);
      if (k === undefined) stationAt.set(id, (k = stationIds.push(id) - 1));
      return k;
    }),
  );
  // rank of each station id in string order (the tie-break of the plan order)
  const rank = new Int32Array(stationIds.length);
  stationIds
    .map((id, k) => ({ id, k }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .forEach((x, r) => (rank[x.k] = r));
  let n = 0;
  for (const s of slices) n += s.n;
  // global rows: the slices concatenated in satellite order
  const gSl = new Int32Array(n);
  const gRow = new Int32Array(n);
  const gAos = new Float64Array(n);
  const gSat = new Int32Array(n);
  const gStn = new Int32Array(n);
  let g = 0;
  slices.forEach((s, k) => {
    for (let r = 0; r < s.n; r++, g++) {
      gSl[g] = k;
      gRow[g] = r;
      gAos[g] = s.num[r * NUM + F_AOS];
      gSat[g] = s.satelliteIndex;
      gStn[g] = local[k][s.station[r]];
    }
  });
  // plan order: (AOS, satellite index, station id), full ties in slice order
  const byRank = new Int32Array(n);
  let satRange = 0;
  for (let x = 0; x < n; x++) {
    byRank[x] = rank[gStn[x]];
    if (gSat[x] + 1 > satRange) satRange = gSat[x] + 1;
  }
  const order = mergedPlanOrder(slices, gAos, gSat, byRank) ?? sortedPlanOrder(n, gAos, gSat, byRank, stationIds.length, satRange);
  const t: PassTable = { n, slices, stationIds, sl: new Int32Array(n), row: new Int32Array(n), sat: new Int32Array(n), stn: new Int32Array(n), aos: new Float64Array(n), tca: new Float64Array(n), los: new Float64Array(n), key: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const x = order[i];
    const k = gSl[x];
    const o = gRow[x] * NUM;
    const num = slices[k].num;
    t.sl[i] = k;
    t.row[i] = gRow[x];
    t.sat[i] = gSat[x];
    t.stn[i] = gStn[x];
    t.aos[i] = gAos[x];
    t.tca[i] = num[o + F_TCA];
    t.los[i] = num[o + F_LOS];
    t.key[i] = num[o + F_KEY];
  }
  return t;
}

/**
 * The plan order of the concatenated slices (global rows, slices in satellite order) by sorting:
 * (AOS, satellite index, station rank), full ties in row order.
 */
function sortedPlanOrder(n: number, gAos: Float64Array, gSat: Int32Array, byRank: Int32Array, stations: number, satRange: number): Int32Array | number[] {
  const all = new Int32Array(n);
  for (let x = 0; x < n; x++) all[x] = x;
  return (
    stableOrderByDouble(stableOrderBySmallInt(stableOrderBySmallInt(all, byRank, stations), gSat, satRange), gAos) ??
    Array.from({ length: n }, (_, x) => x).sort((a, b) => gAos[a] - gAos[b] || gSat[a] - gSat[b] || byRank[a] - byRank[b])
  );
}

/**
 * sortedPlanOrder's order by merging instead, when each slice's passes are already in AOS order
 * (missionPasses sorts them so) and the slices' satellite indices strictly increase: a k-way merge
 * by (AOS, slice) — a binary heap of the slices' next passes — is the stable order by AOS and
 * satellite; the runs of one AOS within one slice are then ordered by (station rank, row), the
 * rest of the tie order. Null when the slices are not so (the caller sorts).
 */
function mergedPlanOrder(slices: readonly PackedSlice[], gAos: Float64Array, gSat: Int32Array, byRank: Int32Array): Int32Array | null {
  const k = slices.length;
  const start = new Int32Array(k + 1);
  for (let s = 0; s < k; s++) {
    if (s > 0 && !(slices[s].satelliteIndex > slices[s - 1].satelliteIndex)) return null;
    start[s + 1] = start[s] + slices[s].n;
  }
  const n = start[k];
  for (let s = 0; s < k; s++) for (let g = start[s]; g < start[s + 1]; g++) if (!(gAos[g] === gAos[g]) || (g > start[s] && !(gAos[g] >= gAos[g - 1]))) return null;
  // heap of slices by (their next pass's AOS, slice)
  const next = start.slice(0, k);
  const heap = new Int32Array(k);
  let size = 0;
  const less = (a: number, b: number): boolean => gAos[next[a]] < gAos[next[b]] || (gAos[next[a]] === gAos[next[b]] && a < b);
  const down = (at: number): void => {
    const v = heap[at];
    for (;;) {
      let c = 2 * at + 1;
      if (c >= size) break;
      if (c + 1 < size && less(heap[c + 1], heap[c])) c++;
      if (!less(heap[c], v)) break;
      heap[at] = heap[c];
      at = c;
    }
    heap[at] = v;
  };
  for (let s = 0; s < k; s++) if (start[s + 1] > start[s]) heap[size++] = s;
  for (let at = (size >> 1) - 1; at >= 0; at--) down(at);
  const order = new Int32Array(n);
  for (let x = 0; x < n; x++) {
    const s = heap[0];
    order[x] = next[s]++;
    if (next[s] === start[s + 1]) heap[0] = heap[--size];
    if (size > 0) down(0);
  }
  // one AOS within one slice (rows in sequence): by station rank, then row
  for (let x = 0; x + 1 < n; ) {
    let e = x + 1;
    while (e < n && order[e] === order[e - 1] + 1 && gSat[order[e]] === gSat[order[x]] && gAos[order[e]] === gAos[order[x]]) e++;
    if (e - x > 1) {
      const run = Array.from(order.subarray(x, e)).sort((a, b) => byRank[a] - byRank[b] || a - b);
      order.set(run, x);
    }
    x = e;
  }
  return order;
}

/** The station pairs: the demand's, else every pair of the mission's stations. */
export function planPairs(mission: Mission): PairSpec[] {
  if (mission.demand?.length) return mission.demand.map((d) => ({ a: d.a, b: d.b, weight: d.bits }));
  const ids = mission.stations.map((s) => s.id);
  const out: PairSpec[] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push({ a: ids[i], b: ids[j], weight: 1 });
  return out;
}

/**
 * The (satellite, station) links of the scheduled passes, numbered in the order of their first
 * scheduled pass (plan order): what the pools' maps are built in, so their iteration order (and
 * the order of every sum over them) is that of adding pass by pass to nested maps.
 */
interface ScheduledLinks {
  /** Links. */
  count: number;
  /** Per plan index: its link's number, −1 when not scheduled. */
  linkOf: Int32Array;
  /** Per link: satellite index and station (index in PassTable.stationIds). */
  sat: Int32Array;
  stn: Int32Array;
}

function scheduledLinks(t: PassTable, scheduled: readonly boolean[]): ScheduledLinks {
  const stations = t.stationIds.length;
  let sats = 0;
  for (let i = 0; i < t.n; i++) if (t.sat[i] + 1 > sats) sats = t.sat[i] + 1;
  const number = new Map<number, number>();
  const linkOf = new Int32Array(t.n).fill(-1);
  const sat: number[] = [];
  const stn: number[] = [];
  // one number per satellite × station, dense when that table is small, else a map
  const dense = sats * stations <= 1 << 22 ? new Int32Array(sats * stations).fill(-1) : null;
  for (let i = 0; i < t.n; i++) {
    if (!scheduled[i]) continue;
    const k = t.sat[i] * stations + t.stn[i];
    let l = dense ? dense[k] : (number.get(k) ?? -1);
    if (l < 0) {
      l = sat.push(t.sat[i]) - 1;
      stn.push(t.stn[i]);
      if (dense) dense[k] = l;
      else number.set(k, l);
    }
    linkOf[i] = l;
  }
  return { count: sat.length, linkOf, sat: Int32Array.from(sat), stn: Int32Array.from(stn) };
}

/** Pools from per-link bits, links in ScheduledLinks order: satellite → station id → bits. */
function poolsOfLinks(t: PassTable, links: ScheduledLinks, bits: ArrayLike<number>): Pools {
  const pools: Pools = new Map();
  for (let l = 0; l < links.count; l++) addToPool(pools, links.sat[l], t.stationIds[links.stn[l]], bits[l]);
  return pools;
}

/**
 * Per link, the scheduled passes' counts summed in plan order (clear and weather-weighted), as
 * rows of PACKED_COUNTS numbers, with their pulses (clear and weighted) and seconds.
 */
interface LinkBlocks {
  clear: Float64Array;
  expected: Float64Array;
  pulses: Float64Array;
  expectedPulses: Float64Array;
  durationS: Float64Array;
}

function linkBlocks(t: PassTable, links: ScheduledLinks, prob: ArrayLike<number>): LinkBlocks {
  const m = links.count;
  const b: LinkBlocks = { clear: new Float64Array(m * PACKED_COUNTS), expected: new Float64Array(m * PACKED_COUNTS), pulses: new Float64Array(m), expectedPulses: new Float64Array(m), durationS: new Float64Array(m) };
  for (let i = 0; i < t.n; i++) {
    const l = links.linkOf[i];
    if (l < 0) continue;
    const c = t.slices[t.sl[i]].counts;
    const o = t.row[i] * PACKED_COUNTS;
    const lo = l * PACKED_COUNTS;
    const p = prob[i];
    for (let x = 0; x < PACKED_COUNTS; x++) {
      b.clear[lo + x] += c[o + x];
      b.expected[lo + x] += p * c[o + x];
    }
    const pulses = numOf(t, i, F_PULSES);
    b.pulses[l] += pulses;
    b.expectedPulses[l] += p * pulses;
    b.durationS[l] += numOf(t, i, F_DURATION);
  }
  return b;
}

/** Combined-block key of every link, clear and weather-expected (the expected counts' key). */
function combinedPools(mission: Mission, t: PassTable, links: ScheduledLinks, prob: ArrayLike<number>): { clear: Pools; expected: Pools } {
  const b = linkBlocks(t, links, prob);
  const clearBits = new Float64Array(links.count);
  const expectedBits = new Float64Array(links.count);
  const sources = new Map<string, { intensities: Triple; probabilities: Triple; bobProbX: number }>();
  for (let l = 0; l < links.count; l++) {
    const station = t.stationIds[links.stn[l]];
    let source = sources.get(station);
    if (!source) {
      const st = mission.stations.find((s) => s.id === station)!;
      const src = predictParamsFromHardware(mission.transmitter, st.receiver);
      sources.set(station, (source = { intensities: src.intensities, probabilities: src.probabilities, bobProbX: src.bobProbX ?? src.probX }));
    }
    const rows = (a: Float64Array): number[] => Array.from(a.subarray(l * PACKED_COUNTS, (l + 1) * PACKED_COUNTS));
    clearBits[l] = keyOfCounts(mission, unpackCounts(rows(b.clear), source, b.pulses[l], b.durationS[l])).keyLengthBits;
    expectedBits[l] = b.expectedPulses[l] > 0 ? keyOfCounts(mission, unpackCounts(rows(b.expected), source, b.expectedPulses[l], b.durationS[l])).keyLengthBits : 0;
  }
  return { clear: poolsOfLinks(t, links, clearBits), expected: poolsOfLinks(t, links, expectedBits) };
}

/** Per-pass-block key of every link: its scheduled passes' keys summed in plan order (clear and weather-weighted). */
function perPassPools(t: PassTable, links: ScheduledLinks, prob: ArrayLike<number>): { clear: Pools; expected: Pools } {
  const clear = new Float64Array(links.count);
  const expected = new Float64Array(links.count);
  for (let i = 0; i < t.n; i++) {
    const l = links.linkOf[i];
    if (l < 0) continue;
    clear[l] += t.key[i];
    expected[l] += t.key[i] * prob[i];
  }
  return { clear: poolsOfLinks(t, links, clear), expected: poolsOfLinks(t, links, expected) };
}

const minOf = (xs: readonly number[]): number => (xs.length ? Math.min(...xs) : 0);

/** Build the plan from the slices' results; `onPass` sees every pass in plan order (for streaming). */
export function assemblePlan(mission: Mission, options: PlanOptions, slices: readonly (SliceResult | PackedSlice)[], onPass?: (p: PlannedPass) => void): Plan {
  const passes = gather(slices);
  const n = passes.n;
  const prob = new Float64Array(n);
  const expected = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    prob[i] = cloudFreeProbability(options.weather, passes.stationIds[passes.stn[i]], passes.tca[i]);
    expected[i] = passes.key[i] * prob[i];
  }
  const pairs = planPairs(mission);
  const weights = stationWeights(pairs);
  const cands: CandidateColumns = { n, satelliteIndex: passes.sat, station: passes.stn, stationIds: passes.stationIds, aosMs: passes.aos, losMs: passes.los, valueBits: expected };
  const poolsOf = (s: Schedule) => {
    const links = scheduledLinks(passes, s.scheduled);
    return options.block === 'combined' ? combinedPools(mission, passes, links, prob) : perPassPools(passes, links, prob);
  };
  // the relay allocation; max-min beyond its LP size falls back to the proportional share, with a warning
  const notes: string[] = [];
  let relay = options.relay ?? 'proportional';
  const pairKeys = (pools: Pools): number[] => {
    if (relay === 'max-min') {
      try {
        return relayPairKeys(pools, pairs, 'max-min');
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        relay = 'proportional';
        notes.push(`${e.message} (MAX_MIN_MAX_LINKS ${MAX_MIN_MAX_LINKS}): the pair keys use the proportional relay share`);
      }
    }
    return relayPairKeys(pools, pairs, 'proportional');
  };
  const minPair = (s: Schedule): number => minOf(pairKeys(poolsOf(s).expected));
  const sched = schedulePasses(cands, options.policy, minPair, (id) => weights.get(id) ?? 1);

  const links = scheduledLinks(passes, sched.scheduled);
  const perPass = perPassPools(passes, links, prob);
  const combined = combinedPools(mission, passes, links, prob);
  const chosen = options.block === 'combined' ? combined : perPass;
  const sumPool = (pools: Pools, station?: string): number => {
    let s = 0;
    for (const m of pools.values()) for (const [id, v] of m) if (station === undefined || id === station) s += v;
    return s;
  };

  const days = (options.toMs - options.fromMs) / DAY_MS;
  // the window's UTC months, and per station (one pass over the passes, in plan order): counts,
  // weather-expected key per month, and per day the probability that no scheduled pass is clear
  const monthStarts: number[] = [];
  const monthKeys: string[] = [];
  for (let t = Date.UTC(new Date(options.fromMs).getUTCFullYear(), new Date(options.fromMs).getUTCMonth(), 1); t < options.toMs; ) {
    const d = new Date(t);
    monthStarts.push(t);
    monthKeys.push(d.toISOString().slice(0, 7));
    t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  const monthsEnd = monthStarts.length ? Date.UTC(new Date(monthStarts[monthStarts.length - 1]).getUTCFullYear(), new Date(monthStarts[monthStarts.length - 1]).getUTCMonth() + 1, 1) : -Infinity;
  const stationAt = new Map(mission.stations.map((st, k) => [st.id, k]));
  const missionStationOf = passes.stationIds.map((id) => stationAt.get(id));
  const tally = mission.stations.map(() => ({ n: 0, ns: 0, perMonth: new Array<number>(monthStarts.length).fill(0), noClearByDay: new Map<number, number>() }));
  let month = 0;
  for (let i = 0; i < n; i++) {
    const k = missionStationOf[passes.stn[i]];
    if (k === undefined) continue;
    const tl = tally[k];
    tl.n++;
    if (!sched.scheduled[i]) continue;
    tl.ns++;
    // the month of the TCA as plan.json prints it (rounded to the ms)
    const t = Math.round(passes.tca[i]);
    if (t >= monthStarts[0] && t < monthsEnd) {
      while (month > 0 && t < monthStarts[month]) month--;
      while (month + 1 < monthStarts.length && t >= monthStarts[month + 1]) month++;
      tl.perMonth[month] += expected[i];
    }
    const day = Math.floor((passes.tca[i] - options.fromMs) / DAY_MS);
    tl.noClearByDay.set(day, (tl.noClearByDay.get(day) ?? 1) * (1 - prob[i]));
  }
  const stationFigures: StationFigures[] = mission.stations.map((st, si) => {
    const { n, ns, noClearByDay } = tally[si];
    const perMonth: Record<string, number> = {};
    monthKeys.forEach((key, m) => (perMonth[key] = tally[si].perMonth[m]));
    // combined blocks: a month's share of a link's key in proportion to its per-pass expected key
    const exp = sumPool(chosen.expected, st.id);
    const perPassExp = sumPool(perPass.expected, st.id);
    if (options.block === 'combined' && perPassExp > 0) for (const k of Object.keys(perMonth)) perMonth[k] *= exp / perPassExp;
    let avail = 0;
    for (const v of noClearByDay.values()) avail += 1 - v;
    return {
      id: st.id,
      name: st.name,
      latitudeDeg: st.latitudeDeg,
      longitudeDeg: st.longitudeDeg,
      passes: n,
      scheduledPasses: ns,
      keyBits: sumPool(perPass.clear, st.id),
      expectedKeyBits: perPassExp,
      combinedKeyBits: sumPool(combined.clear, st.id),
      combinedExpectedKeyBits: sumPool(combined.expected, st.id),
      expectedKeyBitsPerMonth: perMonth,
      expectedKeyBitsPerDay: exp / days,
      expectedKeyBitsPerYear: (exp * 365.25) / days,
      availability: avail / Math.max(1, Math.ceil(days)),
      cloudFreeSource: options.weather.stations[st.id] ? (options.weather.notes?.[st.id] ?? options.weather.source) : 'not in the weather table: always clear',
    };
  });

  // pair keys in the chosen block mode; latency on per-pass expected keys in time order
  const clearPairs = pairKeys(chosen.clear);
  const expPairs = pairKeys(chosen.expected);
  const latency = pairLatencies(passes, sched.scheduled, expected, pairs, options.latencyBits, options.fromMs);
  const pairFigures: PairFigures[] = pairs.map((p, k) => {
    const d = mission.demand?.find((x) => (x.a === p.a && x.b === p.b) || (x.a === p.b && x.b === p.a));
    return {
      a: p.a,
      b: p.b,
      keyBits: clearPairs[k],
      expectedKeyBits: expPairs[k],
      ...(d ? { demandBits: d.bits, demandServed: Math.min(1, expPairs[k] / d.bits) } : {}),
      latencyS: latency[k],
    };
  });
  const served = pairFigures.filter((p) => p.demandServed !== undefined).map((p) => p.demandServed!);

  // every pass, in plan order, to the caller (passes.csv is written as they come) and to plan.json unless --summary
  const plannedPasses: PlannedPass[] | undefined = options.summaryOnly ? undefined : [];
  if (plannedPasses || onPass) {
    for (let i = 0; i < n; i++) {
      const pp = plannedPass(passes, i, sched, prob[i]);
      onPass?.(pp);
      plannedPasses?.push(pp);
    }
  }
  const totalExp = sumPool(perPass.expected);
  const combExp = sumPool(combined.expected);
  return {
    format: 'mozi-plan/1',
    mission: mission.name,
    satellites: (mission.constellation?.satellites ?? [mission.satellite]).map((s) => s.name),
    stations: mission.stations.map((s) => s.id),
    window: { from: iso(options.fromMs), to: iso(options.toMs), days },
    options: { policy: options.policy, block: options.block, relay, stepS: options.stepS, latencyBits: options.latencyBits, weather: options.weather.source },
    summary: {
      passes: n,
      scheduledPasses: sched.scheduled.filter(Boolean).length,
      keyBits: sumPool(perPass.clear),
      expectedKeyBits: totalExp,
      combinedKeyBits: sumPool(combined.clear),
      combinedExpectedKeyBits: combExp,
      combinedGain: totalExp > 0 ? combExp / totalExp - 1 : 0,
      minPairKeyBits: minOf(clearPairs),
      minPairExpectedKeyBits: minOf(expPairs),
      demandServed: served.length ? served.reduce((a, b) => a + b, 0) / served.length : null,
      meanAvailability: stationFigures.length ? stationFigures.reduce((a, s) => a + s.availability, 0) / stationFigures.length : 0,
    },
    stationFigures,
    pairs: pairFigures,
    warnings: [...new Set([...slices.flatMap((s) => s.warnings), ...notes])].sort(),
    ...(plannedPasses ? { passes: plannedPasses } : {}),
  };
}

/** One pass as plan.json and passes.csv show it. */
export function plannedPass(t: PassTable, i: number, sched: Schedule, cloudFree: number): PlannedPass {
  const by = sched.blockedBy[i];
  const satName = (j: number): string => t.slices[t.sl[j]].satellite;
  const reason = sched.scheduled[i] ? undefined : by >= 0 ? (t.sat[by] === t.sat[i] ? `satellite busy: ${t.stationIds[t.stn[by]]} ${iso(t.aos[by])}` : `station busy: ${satName(by)} ${iso(t.aos[by])}`) : 'not chosen';
  return {
    satellite: satName(i),
    station: t.stationIds[t.stn[i]],
    aos: iso(t.aos[i]),
    tca: iso(t.tca[i]),
    los: iso(t.los[i]),
    maxElevationDeg: numOf(t, i, F_MAX_EL),
    minRangeKm: numOf(t, i, F_MIN_RANGE),
    night: t.slices[t.sl[i]].night[t.row[i]] === 1,
    predictedKeyBits: t.key[i],
    expectedKeyBits: t.key[i] * cloudFree,
    cloudFreeProbability: cloudFree,
    scheduled: sched.scheduled[i],
    ...(reason ? { reason } : {}),
  };
}

/**
 * Seconds from `fromMs` to the LOS of the pass after which each pair first holds `bits`. The
 * scheduled passes in LOS order add their bits to their (satellite, station) pool, and each pair
 * of the station not yet there gains its relay share's change (relay.ts relayShare, pairShare's
 * arithmetic on pools held in one array per satellite × station instead of maps).
 */
function pairLatencies(t: PassTable, scheduled: readonly boolean[], bits: ArrayLike<number>, pairs: readonly PairSpec[], target: number, fromMs: number): (number | null)[] {
  const w = stationWeights(pairs);
  const nSt = t.stationIds.length;
  const stIndex = new Map(t.stationIds.map((id, k) => [id, k]));
  const np = pairs.length;
  // the pairs' ends as station indices (−1: no passes, an empty pool), weights and their stations' total weights
  const ia = Int32Array.from(pairs, (p) => stIndex.get(p.a) ?? -1);
  const ib = Int32Array.from(pairs, (p) => stIndex.get(p.b) ?? -1);
  const pw = Float64Array.from(pairs, (p) => p.weight);
  const wa = Float64Array.from(pairs, (p) => w.get(p.a)!);
  const wb = Float64Array.from(pairs, (p) => w.get(p.b)!);
  const byStation: number[][] = t.stationIds.map(() => []);
  pairs.forEach((p, k) => {
    for (const id of [p.a, p.b]) {
      const s = stIndex.get(id);
      if (s !== undefined) byStation[s].push(k);
    }
  });
  let nSat = 0;
  for (let i = 0; i < t.n; i++) if (t.sat[i] + 1 > nSat) nSat = t.sat[i] + 1;
  const pool = new Float64Array(nSat * nSt);
  const hasPool = new Uint8Array(nSat);
  /** pairShare of pair k through satellite s's pools (0 before the satellite has any). */
  const share = (s: number, k: number): number => {
    if (hasPool[s] === 0) return 0;
    const o = s * nSt;
    const ka = ia[k] >= 0 ? pool[o + ia[k]] : 0;
    const kb = ib[k] >= 0 ? pool[o + ib[k]] : 0;
    return relayShare(ka, kb, pw[k], wa[k], wb[k]);
  };
  const value = new Float64Array(np);
  const out: (number | null)[] = new Array<number | null>(np).fill(null);
  let maxList = 0;
  for (const l of byStation) maxList = Math.max(maxList, l.length);
  const ks = new Int32Array(maxList);
  const before = new Float64Array(maxList);
  const inPlanOrder: number[] = [];
  for (let i = 0; i < t.n; i++) if (scheduled[i]) inPlanOrder.push(i);
  // by LOS, ties in plan order (a stable radix sort; the comparison sort when a LOS is NaN)
  const order = stableOrderByDouble(Int32Array.from(inPlanOrder), t.los) ?? inPlanOrder.sort((i, j) => t.los[i] - t.los[j] || i - j);
  for (const i of order) {
    const st = t.stn[i];
    const s = t.sat[i];
    let nk = 0;
    for (const k of byStation[st]) if (out[k] === null) ks[nk++] = k;
    if (nk === 0) continue;
    for (let x = 0; x < nk; x++) before[x] = share(s, ks[x]);
    pool[s * nSt + st] += bits[i];
    hasPool[s] = 1;
    for (let x = 0; x < nk; x++) {
      const k = ks[x];
      value[k] += share(s, k) - before[x];
      if (value[k] >= target) out[k] = (t.los[i] - fromMs) / 1000;
    }
  }
  return out;
}

/** plan.json text: the plan with 2-space indentation and a final newline. */
export function planJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
