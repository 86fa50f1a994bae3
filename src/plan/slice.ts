/**
 * The planner's unit of work: one satellite × a set of stations × the window → every pass with
 * its predicted key (passKeyPredictor: predictPassKey's key, as `mozi keyrate --predict`, bit for bit) and the
 * expected counts a combined block needs. Pure and deterministic: the same SliceInput gives the
 * same SliceResult on any thread or machine. The worker-thread pool (pool.ts) and the
 * distributed engine run these; assemblePlan (assemble.ts) puts the results together.
 */
import { InputError } from '../core/errors.js';
import { missionStation, type Mission } from '../mission/config.js';
import type { ElementCatalogue } from '../mission/elements.js';
import { missionPasses } from '../mission/passes.js';
import type { HermiteEphemeris } from '../orbit/ephemeris.js';
import { elementsEphemeris } from '../orbit/passes.js';
import type { SatelliteElements } from '../orbit/types.js';
import { passKeyPredictor } from '../mission/predict.js';
import { PACKED_DURATION_S, PACKED_PULSES } from '../security/predict.js';
import { PACKED_COUNTS } from './counts.js';
import { F_AOS, F_DURATION, F_KEY, F_LOS, F_MAX_EL, F_MIN_RANGE, F_PULSES, F_SUN_EL, F_TCA, NUM, newPackedSlice, unpackSlice, type PackedSlice } from './packed.js';
import type { PlanOptions, SliceInput, SliceResult } from './types.js';

/** Span of a slice's shared ephemeris beyond its window (the search's 30-min edge margin and the passes straddling it), ms. */
const EPHEMERIS_MARGIN_MS = 2 * 3_600_000;

/** The mission's satellites: its constellation's, or its one satellite. */
export function planSatellites(mission: Mission): ElementCatalogue[] {
  return mission.constellation?.satellites ?? [mission.satellite];
}

/** The canonical slices of a plan: one per satellite, every station, the whole window. */
export function planSlices(mission: Mission, options: Pick<PlanOptions, 'fromMs' | 'toMs' | 'stepS'>): SliceInput[] {
  if (!(options.toMs > options.fromMs)) {
    throw new InputError(`the window ends (${new Date(options.toMs).toISOString()}) before it starts (${new Date(options.fromMs).toISOString()})`, { field: '--to' });
  }
  const stationIds = mission.stations.map((s) => s.id);
  return planSatellites(mission).map((_, satelliteIndex) => ({ mission, satelliteIndex, stationIds, fromMs: options.fromMs, toMs: options.toMs, stepS: options.stepS }));
}

/** Passes and predicted keys of one slice (planSlicePacked's, as objects). */
export function planSlice(input: SliceInput): SliceResult {
  return unpackSlice(planSlicePacked(input));
}

/**
 * Passes and predicted keys of one slice, written straight into the columns of a PackedSlice
 * (what a worker sends back): no object or count array per pass. The same values as planSlice.
 */
export function planSlicePacked(input: SliceInput): PackedSlice {
  const sats = planSatellites(input.mission);
  const cat = sats[input.satelliteIndex];
  if (!cat) throw new InputError(`no satellite ${input.satelliteIndex} (the mission has ${sats.length})`, { field: 'satelliteIndex' });
  const mission: Mission = { ...input.mission, satellite: cat };
  const stations = input.stationIds.map((id) => missionStation(mission, id, { field: 'stationIds' }));
  // one interpolated ephemeris per element set, shared by the search and every pass's prediction
  const ephemerides = new Map<SatelliteElements, HermiteEphemeris>();
  const ephemerisOf = (elements: SatelliteElements): HermiteEphemeris => {
    let e = ephemerides.get(elements);
    if (!e) ephemerides.set(elements, (e = elementsEphemeris(elements, input.fromMs - EPHEMERIS_MARGIN_MS, input.toMs + EPHEMERIS_MARGIN_MS)));
    return e;
  };
  const found = missionPasses(mission, stations, input.fromMs, input.toMs, mission.constraints, undefined, { interpolate: true, clipToEpochLimit: true, ephemerisOf });
  const predictor = passKeyPredictor(mission, { stepS: input.stepS, ephemerisOf });
  const packed = predictor.counts;
  const n = found.passes.length;
  const { out, stationIndex } = newPackedSlice({ satelliteIndex: input.satelliteIndex, satellite: cat.name, stationIds: input.stationIds, warnings: found.warnings }, n);
  found.passes.forEach((p, i) => {
    const keyBits = predictor.keyBits(p.station, p);
    out.station[i] = stationIndex(p.station);
    out.night[i] = p.night ? 1 : 0;
    const o = i * NUM;
    out.num[o + F_AOS] = p.aosMs;
    out.num[o + F_TCA] = p.tcaMs;
    out.num[o + F_LOS] = p.losMs;
    out.num[o + F_MAX_EL] = p.maxElevationDeg;
    out.num[o + F_MIN_RANGE] = p.minRangeKm;
    out.num[o + F_KEY] = keyBits;
    out.num[o + F_PULSES] = packed[PACKED_PULSES];
    out.num[o + F_DURATION] = packed[PACKED_DURATION_S];
    out.num[o + F_SUN_EL] = p.sunElevationDegAtTca;
    out.counts.set(packed.subarray(0, PACKED_COUNTS), i * PACKED_COUNTS);
  });
  return out;
}
