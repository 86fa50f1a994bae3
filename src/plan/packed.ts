/**
 * A slice's passes as columns (typed arrays) instead of one object per pass: what a worker
 * thread sends back (its buffers are transferred, not cloned) and what assemblePlan works on.
 * A year of 100 satellites over 50 stations has about 3.1 million passes; as objects (strings,
 * an 18-number array and a dozen boxed numbers each) they took ~400 B apiece plus the structured
 * clone's copies, as columns 221 B. Values are the SliceResult's doubles, unchanged, so a plan of
 * packed slices is byte-identical to one of SliceResults.
 */
import { PACKED_COUNTS } from './counts.js';
import type { SlicePass, SliceResult } from './types.js';

/** The numeric fields of a pass, in their order in PackedSlice.num. */
export const NUM_FIELDS = ['aosMs', 'tcaMs', 'losMs', 'maxElevationDeg', 'minRangeKm', 'keyBits', 'pulses', 'durationS', 'sunElevationDegAtTca'] as const;
export const NUM = NUM_FIELDS.length;
export const F_AOS = 0;
export const F_TCA = 1;
export const F_LOS = 2;
export const F_MAX_EL = 3;
export const F_MIN_RANGE = 4;
export const F_KEY = 5;
export const F_PULSES = 6;
export const F_DURATION = 7;
export const F_SUN_EL = 8;

export interface PackedSlice {
  packed: true;
  satelliteIndex: number;
  satellite: string;
  stationIds: string[];
  warnings: string[];
  /** Passes. */
  n: number;
  /** Per pass: its station's index in stationIds. */
  station: Int32Array;
  /** Per pass: 1 at night. */
  night: Uint8Array;
  /** Per pass, NUM numbers (NUM_FIELDS). */
  num: Float64Array;
  /** Per pass, PACKED_COUNTS numbers (counts.ts). */
  counts: Float64Array;
}

export function isPacked(s: SliceResult | PackedSlice): s is PackedSlice {
  return (s as PackedSlice).packed === true;
}

/**
 * An empty PackedSlice of n passes with the slice's header, and the index of a station id in its
 * stationIds (ids not yet there appended, in order of first use).
 */
export function newPackedSlice(
  head: Pick<PackedSlice, 'satelliteIndex' | 'satellite' | 'stationIds' | 'warnings'>,
  n: number,
): { out: PackedSlice; stationIndex: (id: string) => number } {
  const out: PackedSlice = {
    packed: true,
    satelliteIndex: head.satelliteIndex,
    satellite: head.satellite,
    stationIds: [...head.stationIds],
    warnings: head.warnings,
    n,
    station: new Int32Array(n),
    night: new Uint8Array(n),
    num: new Float64Array(n * NUM),
    counts: new Float64Array(n * PACKED_COUNTS),
  };
  const at = new Map(out.stationIds.map((id, k) => [id, k]));
  const stationIndex = (id: string): number => {
    let k = at.get(id);
    if (k === undefined) {
      k = out.stationIds.push(id) - 1;
      at.set(id, k);
    }
    return k;
  };
  return { out, stationIndex };
}

export function packSlice(s: SliceResult): PackedSlice {
  const { out, stationIndex } = newPackedSlice(s, s.passes.length);
  s.passes.forEach((p, i) => {
    out.station[i] = stationIndex(p.station);
    out.night[i] = p.night ? 1 : 0;
    NUM_FIELDS.forEach((f, x) => (out.num[i * NUM + x] = p[f]));
    for (let x = 0; x < PACKED_COUNTS; x++) out.counts[i * PACKED_COUNTS + x] = p.counts[x];
  });
  return out;
}

export function unpackSlice(s: PackedSlice): SliceResult {
  const passes: SlicePass[] = [];
  for (let i = 0; i < s.n; i++) {
    const v = (x: number): number => s.num[i * NUM + x];
    passes.push({
      satellite: s.satellite,
      satelliteIndex: s.satelliteIndex,
      station: s.stationIds[s.station[i]],
      aosMs: v(F_AOS),
      tcaMs: v(F_TCA),
      losMs: v(F_LOS),
      maxElevationDeg: v(F_MAX_EL),
      minRangeKm: v(F_MIN_RANGE),
      night: s.night[i] === 1,
      sunElevationDegAtTca: v(F_SUN_EL),
      keyBits: v(F_KEY),
      counts: Array.from(s.counts.subarray(i * PACKED_COUNTS, (i + 1) * PACKED_COUNTS)),
      pulses: v(F_PULSES),
      durationS: v(F_DURATION),
    });
  }
  return { satelliteIndex: s.satelliteIndex, satellite: s.satellite, stationIds: [...s.stationIds], passes, warnings: s.warnings };
}

/** The typed arrays' buffers, for a transfer list. */
export function packedBuffers(s: PackedSlice): ArrayBuffer[] {
  return [s.station.buffer, s.night.buffer, s.num.buffer, s.counts.buffer] as ArrayBuffer[];
}
