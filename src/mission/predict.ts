/**
 * The predicted key of one pass: orbit (the mission's element set nearest the pass) → link
 * budget with the station's own receiver (linkBudget) → expected counts (predictCounts) →
 * finite-key bound. ONE function, `predictPassKey(mission, station, pass)`, used by
 * `mozi keyrate --predict`, the dashboard's pass list and the planner, so they agree exactly on
 * any pass.
 */
import { InputError } from '../core/errors.js';
import { linkModel } from '../link/budget.js';
import type { ReceiverConfig, TransmitterConfig } from '../link/hardware.js';
import type { HermiteEphemeris } from '../orbit/ephemeris.js';
import { passLookAnglesInto, passSummary, type Pass, type SlotLookAngles } from '../orbit/passes.js';
import type { PassSummary, SatelliteElements } from '../orbit/types.js';
import { finiteKey } from '../security/finiteKey.js';
import { finiteKeyLengthBits, finiteKeyModel, type FiniteKeyModel } from '../security/keyLength.js';
import { passLimits, type PassLimits } from '../security/limits.js';
import { PACKED_PREDICTION, sumCountsColumns, toFiniteKeyInput, unpackPrediction, type LinkSampleLike, type PredictedCounts, type PredictParams } from '../security/predict.js';
import type { Bound, FiniteKeyResult, Protocol } from '../security/types.js';
import { missionStation, type Mission, type MissionStation } from './config.js';
import { elementsAt } from './elements.js';
import { resolveMissionPass } from './passes.js';

/** Source and detector parameters of the prediction, from the mission hardware. */
export function predictParamsFromHardware(tx: TransmitterConfig, rx: ReceiverConfig): PredictParams {
  const probX = 1 - tx.basisProbabilityZ;
  return {
    intensities: tx.intensities,
    probabilities: tx.intensityProbabilities,
    probX,
    bobProbX: probX,
    repetitionRateHz: tx.repetitionRateHz,
    // The link model's backgroundHz already contains the dark counts.
    darkCountHz: 0,
    gateWindowNs: rx.gateWindowNs,
    polarisationContrast: tx.polarisationContrast,
    // an afterpulse lands at a random time after the dead time; only those inside a gate count
    afterpulseProbability: rx.afterpulseProbability * Math.min(1, rx.gateWindowNs * 1e-9 * tx.repetitionRateHz),
    // passive BB84 decoder: one beam splitter, a detector pair per basis (Liao et al. 2017)
    passiveReceiver: true,
  };
}

export interface PredictOptions {
  /**
   * Link-budget slot length, s (default 1). Slots lie on the UTC grid of whole multiples of
   * stepS inside the pass (or window), so the same pass found by two searches (AOS refined to
   * 10 ms each) integrates the same slots; the planner may pass a coarser step (PLANNING_STEP_S).
   */
  stepS?: number;
  /** Finite-key bound (default: the mission's post-processing bound). */
  bound?: Bound;
  /** BB84 variant (default: the mission's). */
  protocol?: Protocol;
  /** Secrecy parameter (default: the mission's). */
  epsSec?: number;
  epsCor?: number;
  /** Reconciliation inefficiency of the λ_EC model (default that of security/finiteKey). */
  fEC?: number;
  /** Predict for [fromMs, toMs] instead of AOS → LOS. */
  window?: { fromMs: number; toMs: number };
  /**
   * The interpolated ephemeris of an element set, covering the pass (the planner shares one per
   * element set over a slice); default one over the pass. The same look angles either way
   * (passLookAngles), so the key does not depend on it.
   */
  ephemerisOf?: (elements: SatelliteElements) => HermiteEphemeris;
}

export interface PassPrediction {
  station: string;
  /** The pass as the orbit layer found it (AOS/LOS at the mission's minimum elevation). */
  pass: PassSummary;
  /** The element set used (nearest epoch to the pass). */
  elements: SatelliteElements;
  /** Per-slot link samples the counts were summed over. */
  samples: LinkSampleLike[];
  params: PredictParams;
  counts: PredictedCounts;
  result: FiniteKeyResult;
  keyBits: number;
  limits: PassLimits;
  /** Propagation-distance warnings. */
  warnings: string[];
}

/**
 * The finite-key result of expected counts under the mission's (or the options') bound,
 * protocol and ε: the one call predictPassKey makes, also used by the planner for blocks of
 * several passes combined.
 */
export function keyOfCounts(mission: Mission, counts: PredictedCounts, options: PredictOptions = {}): FiniteKeyResult {
  return finiteKey(
    toFiniteKeyInput(counts, {
      bound: options.bound ?? mission.postprocessing.bound,
      protocol: options.protocol ?? mission.postprocessing.protocol,
      epsSec: options.epsSec ?? mission.postprocessing.epsSec,
      ...(options.epsCor !== undefined ? { epsCor: options.epsCor } : {}),
      ...(options.fEC !== undefined ? { fEC: options.fEC } : {}),
    }),
  );
}

/**
 * `make(tx, rx)` kept per transmitter and receiver object (a pure function of them, asked once
 * per pass by the planner).
 */
function perHardware<T>(make: (tx: TransmitterConfig, rx: ReceiverConfig) => T): (tx: TransmitterConfig, rx: ReceiverConfig) => T {
  const byTx = new WeakMap<TransmitterConfig, WeakMap<ReceiverConfig, T>>();
  return (tx, rx) => {
    let byRx = byTx.get(tx);
    if (!byRx) byTx.set(tx, (byRx = new WeakMap()));
    let v = byRx.get(rx);
    if (v === undefined) byRx.set(rx, (v = make(tx, rx)));
    return v;
  };
}

/** linkModel(tx, rx), kept per transmitter and receiver. */
const linkModelOf = perHardware((tx, rx) => linkModel(tx, rx));
/** predictParamsFromHardware(tx, rx), kept per transmitter and receiver. */
const predictParamsOf = perHardware(predictParamsFromHardware);

/** Per-slot columns of a pass's prediction, reused from pass to pass by the planner (entries past the pass's slots are stale). */
interface SlotBuffers {
  look?: SlotLookAngles;
  eta: Float64Array;
  bg: Float64Array;
}

/**
 * The expected counts of pass `p` of station `st` with `elements`: its slots on the UTC grid of
 * stepS, their look angles (passLookAngles), the link model's η and background (= linkBudget's)
 * and predictCounts's sums, into `out` (PACKED_PREDICTION). Returns the number of slots (their
 * columns in `buffers`). The one path of predictPassKey and passKeyPredictor.
 */
function passCountsInto(
  mission: Mission,
  st: MissionStation,
  p: Pass,
  elements: SatelliteElements,
  options: PredictOptions,
  buffers: SlotBuffers,
  out: Float64Array,
): number {
  const stepS = options.stepS ?? 1;
  if (!(stepS > 0)) throw new InputError(`${stepS} must be > 0`, { field: 'stepS' });
  const startMs = options.window?.fromMs ?? p.aosMs;
  const endMs = options.window?.toMs ?? p.losMs;
  if (!(endMs > startMs)) throw new InputError('the prediction window ends before it starts', { field: 'window' });
  const stepMs = stepS * 1000;
  let fromMs = Math.ceil(startMs / stepMs) * stepMs;
  let toMs = Math.floor(endMs / stepMs) * stepMs;
  // a window shorter than one grid step: one slot at its start
  if (!(toMs > fromMs)) [fromMs, toMs] = [startMs, endMs];
  // the slots' look angles (SGP4 at each) and the link model's η and background (= linkBudget's)
  const n = passLookAnglesInto(buffers, elements, st, fromMs, toMs, stepS, mission.constraints, options.ephemerisOf?.(elements));
  const look = buffers.look!;
  if (buffers.eta.length < n) {
    const size = Math.max(n, 2 * buffers.eta.length);
    buffers.eta = new Float64Array(size);
    buffers.bg = new Float64Array(size);
  }
  linkModelOf(mission.transmitter, st.receiver).slots(n, look.rangeKm, look.elevationDeg, look.azimuthDeg, buffers.eta, buffers.bg);
  // predictCounts over these slots (each stepS long), without a sample object per slot
  sumCountsColumns(buffers.eta, buffers.bg, n, stepS, predictParamsOf(mission.transmitter, st.receiver), out);
  return n;
}

/**
 * Predict the finite-key length of one pass of `station` (an id or a station of the mission):
 * `pass` is a Pass from missionPasses/findPasses or a spec (UTC date or ISO time near AOS).
 */
export function predictPassKey(mission: Mission, station: MissionStation | string, pass: Pass | string, options: PredictOptions = {}): PassPrediction {
  const st = typeof station === 'string' ? missionStation(mission, station) : station;
  const warnings: string[] = [];
  let p: Pass;
  let elements: SatelliteElements;
  if (typeof pass === 'string') {
    const r = resolveMissionPass(mission, st, pass);
    p = r.pass;
    elements = r.elements;
    warnings.push(...r.warnings);
  } else {
    p = pass;
    elements = elementsAt(mission.satellite, pass.tcaMs);
  }
  const stepS = options.stepS ?? 1;
  // fresh buffers: exactly the pass's slots, kept by the samples and limits below
  const buffers: SlotBuffers = { eta: new Float64Array(0), bg: new Float64Array(0) };
  const packed = new Float64Array(PACKED_PREDICTION);
  const n = passCountsInto(mission, st, p, elements, options, buffers, packed);
  const { eta, bg } = buffers;
  const look = buffers.look!;
  const params = { ...predictParamsOf(mission.transmitter, st.receiver), stepS };
  const counts = unpackPrediction(packed, params);
  let samples: LinkSampleLike[] | undefined;
  const slotSamples = (): LinkSampleLike[] =>
    (samples ??= Array.from({ length: n }, (_, k) => ({ etaTotal: eta[k], backgroundHz: bg[k], timeMs: look.timeMs[k], durationS: stepS })));
  const result = keyOfCounts(mission, counts, options);
  let limits: PassLimits | undefined;
  return {
    station: st.id,
    pass: passSummary(p),
    elements,
    // built when read (the planner never reads them)
    get samples(): LinkSampleLike[] {
      return slotSamples();
    },
    params,
    counts,
    result,
    keyBits: result.keyLengthBits,
    // computed when read (the planner never reads it)
    get limits(): PassLimits {
      return (limits ??= passLimits(slotSamples(), params.repetitionRateHz, stepS));
    },
    warnings,
  };
}

/** The planner's per-pass prediction (passKeyPredictor). */
export interface PassKeyPredictor {
  /**
   * predictPassKey(mission, station, pass, options).keyBits, bit for bit: the same counts
   * (one path, passCountsInto) and the same bound's key length (finiteKeyLengthBits = finiteKey's,
   * test/mission/predictor.test.ts), with buffers reused from pass to pass and no result object.
   * The pass's packed counts (PACKED_PREDICTION) are in `counts` until the next call.
   */
  keyBits(station: MissionStation | string, pass: Pass): number;
  readonly counts: Float64Array;
}

/** A PassKeyPredictor for the passes of `mission` (its satellite, stations and post-processing) under `options`. */
export function passKeyPredictor(mission: Mission, options: PredictOptions = {}): PassKeyPredictor {
  const buffers: SlotBuffers = { eta: new Float64Array(64), bg: new Float64Array(64) };
  const counts = new Float64Array(PACKED_PREDICTION);
  const stations = new Map<string, MissionStation>();
  // one finite-key model while the source settings stay those of the last pass (every receiver of a mission shares them)
  let model: FiniteKeyModel | undefined;
  const modelOf = (params: PredictParams): FiniteKeyModel => {
    const bobProbX = params.bobProbX ?? params.probX;
    if (model && model.settings.intensities === params.intensities && model.settings.probabilities === params.probabilities && model.settings.bobProbX === bobProbX) return model;
    const pp = mission.postprocessing;
    return (model = finiteKeyModel({
      intensities: params.intensities,
      probabilities: params.probabilities,
      bobProbX,
      bound: options.bound ?? pp.bound,
      protocol: options.protocol ?? pp.protocol,
      epsSec: options.epsSec ?? pp.epsSec,
      ...(options.epsCor !== undefined ? { epsCor: options.epsCor } : {}),
      ...(options.fEC !== undefined ? { fEC: options.fEC } : {}),
    }));
  };
  return {
    counts,
    keyBits(station, pass) {
      let st: MissionStation | undefined;
      if (typeof station === 'string') {
        st = stations.get(station);
        if (!st) stations.set(station, (st = missionStation(mission, station)));
      } else st = station;
      passCountsInto(mission, st, pass, elementsAt(mission.satellite, pass.tcaMs), options, buffers, counts);
      return finiteKeyLengthBits(modelOf(predictParamsOf(mission.transmitter, st.receiver)), counts);
    },
  };
}
