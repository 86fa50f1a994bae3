/**
 * The end-to-end replay of one pass (default: Micius over Xinglong, 19 December 2016, Liao et
 * al., Nature 549, 43 (2017)): orbit → link → event simulation → timing recovery → the two
 * parties over an authenticated in-memory channel → keys. `runReplay` emits stage/progress
 * events and per-second time series (for the CLI's progress bars and the dashboard), and
 * returns everything the report needs. The satellite and the ground share nothing but frames;
 * the replay compares their key digests out of band.
 */
import { mkdirSync } from 'node:fs';
import { InputError, type AbortReason } from '../core/errors.js';
import { binaryEntropy } from '../core/entropy.js';
import { etaToLossDb } from '../core/units.js';
import { linkBudget } from '../link/budget.js';
import type { ReceiverConfig } from '../link/hardware.js';
import type { LinkBudget } from '../link/types.js';
import { passGeometry, resolvePass, type Pass } from '../orbit/passes.js';
import type { PassGeometry, SatelliteElements, Station } from '../orbit/types.js';
import type { LedgerSummary } from '../postprocess/ledger.js';
import { finiteKeyInput } from '../postprocess/finiteKeyInput.js';
import { RECONCILERS, isReconcilerName } from '../postprocess/reconcile/registry.js';
import { DEFAULT_F_EC } from '../security/defaults.js';
import { CLASSES } from '../postprocess/sift.js';
import { paramsMessage } from '../protocol/stages/index.js';
import { runLocalSession } from '../protocol/local.js';
import type { ParamsMsg } from '../protocol/messages.js';
import { defaultPostProcessing } from '../protocol/postprocessing.js';
import { groundDetections, passIdOf, satelliteSource } from '../protocol/records.js';
import {
  DEFAULT_POLICY,
  type KeySink,
  type PartyEvent,
  type PartyResult,
  type ReconciliationMethod,
  type SatellitePolicy,
} from '../protocol/types.js';
import { channelFromLinkBudget } from '../quantum/channel.js';
import { writeSimulation } from '../quantum/records.js';
import { simulatePass, type SimulationSummary } from '../quantum/simulate.js';
import { finiteKey } from '../security/finiteKey.js';
import { idealDecoyBitsPerPulse, plobBitsPerPulse } from '../security/limits.js';
import { BOUNDS, PROTOCOLS, type Bound, type FiniteKeyResult, type Protocol } from '../security/types.js';
import type { TimingDiagnostics } from '../timing/recover.js';
import { getSatellite } from './config.js';
import { getStation } from './stations.js';
import { MICIUS_MISSION, receiverForStation } from './config.js';

/** The paper's figures for the reference orbit (Liao et al. 2017, main text). */
export const PAPER_2016_12_19 = {
  source: 'Liao et al., Nature 549, 43 (2017), 19 Dec 2016 orbit',
  detections: 3_551_136,
  siftedBits: 1_671_072,
  qber: 0.011,
  finalKeyBits: 300_939,
  finalKeyRateBps: 1_100,
  durationS: 273,
  epsSec: 1e-9,
} as const;

export interface ReplayPreset {
  name: string;
  satellite: string;
  station: string;
  /** UTC date of the pass (resolvePass spec). */
  pass: string;
  /** Data window length, centred on the time of closest approach. */
  dataWindowS: number;
  /** Post-processing the paper used (defaults of the replay; the CLI flags override). */
  reconciliation: ReconciliationMethod;
  bound: Bound;
  /** The ground receiver of this station (default: the mission's, i.e. Xinglong's). */
  receiver?: ReceiverConfig;
  /** Published figures of this pass to compare with, when there are any. */
  paper?: typeof PAPER_2016_12_19;
}

/**
 * The Graz (Lustbühel) receiver: the Xinglong receiver without Beijing's stray light. Liao et al.
 * 2018 (PRL 120, 030501) print no Graz receiver parameters we could use instead [engineering
 * estimate]; Lustbühel lies on the south-eastern edge of Graz, whose light is not modelled.
 */
export const GRAZ_RECEIVER: ReceiverConfig = receiverForStation('graz');


/**
 * The reference orbit. The paper's window is 273 s with the range going ~1,200 km → 645 km →
 * ~1,200 km; a window of 273 s centred on TCA reproduces exactly that range profile (ends at
 * ~19.5° elevation, ~1,180 km), whereas "15° rising to 10° setting" would last 373 s.
 */
export const PRESETS: Record<string, ReplayPreset> = {
  'micius-2016-12-19': {
    name: 'micius-2016-12-19',
    satellite: 'micius',
    station: 'xinglong',
    pass: '2016-12-19',
    dataWindowS: 273,
    // "a Hamming algorithm is used for error correction" (Liao et al. 2017, Methods); Lim et al.
    // 2014 Hoeffding finite-key analysis at ε = 1e-9.
    reconciliation: 'hamming',
    bound: 'hoeffding',
    paper: PAPER_2016_12_19,
  },
  /**
   * Micius over Graz the same night, 6 h after the Xinglong pass (max elevation 51.8°, 615 km at
   * TCA 23:09 UTC): the second link of the trusted relay of Liao et al., PRL 120, 030501 (2018).
   * The 279 s window is the part of the pass within ~1,200 km (≈19.5° at both ends), as for
   * Xinglong. No published figures exist for this pass (no `paper`).
   */
  'micius-graz-2016-12-19': {
    name: 'micius-graz-2016-12-19',
    satellite: 'micius',
    station: 'graz',
    pass: '2016-12-19',
    dataWindowS: 279,
    reconciliation: 'hamming',
    bound: 'hoeffding',
    receiver: GRAZ_RECEIVER,
  },
};

export const REPLAY_STAGES = ['orbit', 'link', 'simulation', 'timing', 'protocol', 'analysis'] as const;
export type ReplayStage = (typeof REPLAY_STAGES)[number];

export interface ReplayOptions {
  preset?: string;
  /** Override the preset's data window length (s), still centred on TCA. */
  windowS?: number;
  /** Eavesdropper spec for the simulation: none, intercept-resend[:f], pns. */
  eve?: string;
  reconciliation?: ReconciliationMethod;
  bound?: Bound;
  protocol?: Protocol;
  seed?: number;
  epsSec?: number;
  epsCor?: number;
  qberThreshold?: number;
  sampleFraction?: number;
  /** Write the simulation records (DIR/satellite, DIR/ground, DIR/truth) here. */
  recordsDir?: string;
  /** Key sinks of the two parties (default: none; the replay compares digests). */
  satelliteSink?: KeySink;
  groundSink?: KeySink;
}

export interface SeriesPoint {
  /** Seconds since the start of the data window. */
  t: number;
  elevationDeg: number;
  rangeKm: number;
  lossDb: number;
  detections: number;
  siftedBits: number;
  errors: number;
  /** QBER in this second: over all sifted bits once reconciled, else over the disclosed sample (NaN when none). */
  qber: number;
  /** Key the finite-key bound would give for the pass cut at the end of this second. */
  keyBitsIfEndedHere: number;
}

export type ReplayEvent =
  | { type: 'stage'; stage: ReplayStage; status: 'start' | 'end'; elapsedMs: number; detail?: string }
  | { type: 'progress'; stage: ReplayStage; fraction: number }
  | { type: 'party'; role: 'satellite' | 'ground'; state: string; detail?: string }
  | { type: 'series'; series: SeriesPoint[] };

export interface ReplayResult {
  preset: string;
  seed: number;
  eve: string;
  reconciliation: ReconciliationMethod;
  bound: Bound;
  protocol: Protocol;
  pass: { satellite: string; station: string; windowStartUtc: string; windowEndUtc: string; tcaUtc: string; minRangeKm: number; maxElevationDeg: number };
  detections: number;
  siftedBits: number;
  /** Sifted bits of signal-intensity pulses only (the paper's 'sifted key' matches this within 0.2 %). */
  siftedSignalBits: number;
  qber: number;
  finalKeyBits: number;
  finalKeyRateBps: number;
  durationS: number;
  aborted: boolean;
  abortReason: AbortReason | null;
  abortMessage: string | null;
  keysMatch: boolean;
  keyDigest: string | null;
  ledger: LedgerSummary | null;
  finiteKey: FiniteKeyResult | null;
  /** The same counts under the analysis without decoy states (what a naive analysis claims). */
  noDecoy: FiniteKeyResult | null;
  /** The other bounds on the same counts and leakage, for comparison. */
  bounds: Partial<Record<Bound, number>>;
  limits: { plobBits: number; idealDecoyBits: number; pulses: number };
  counts: {
    /** Sifted detections and errors per intensity class [signal, decoy, vacuum], both bases. */
    siftedPerIntensity: number[];
    errorsPerIntensity: number[];
    perBasisIntensity: { detected: number[]; errors: number[] };
    sampleBits: number;
    sampleQber: number | null;
  };
  reconciliation_: { leakedBits: number; efficiency: number | null };
  authentication: { padBitsConsumed: number; messages: number };
  traffic: { satellite: Record<string, { messages: number; bytes: number }>; ground: Record<string, { messages: number; bytes: number }> };
  timing: TimingDiagnostics;
  simulation: SimulationSummary;
  series: SeriesPoint[];
  link: { t: number; elevationDeg: number; rangeKm: number; lossDb: number; diffractionDb: number; atmosphereDb: number; turbulenceDb: number; pointingDb: number }[];
  stageMs: Record<string, number>;
  partyStageMs: { satellite: Record<string, number>; ground: Record<string, number> };
  wallS: number;
  /** The preset's published figures (absent for a pass without any). */
  paper?: typeof PAPER_2016_12_19;
}

function stageTimer(onEvent?: (e: ReplayEvent) => void) {
  const stageMs: Record<string, number> = {};
  let cur: { stage: ReplayStage; t: number } | null = null;
  return {
    stageMs,
    start(stage: ReplayStage, detail?: string) {
      cur = { stage, t: performance.now() };
      onEvent?.({ type: 'stage', stage, status: 'start', elapsedMs: 0, detail });
    },
    end(detail?: string) {
      if (!cur) return;
      const ms = performance.now() - cur.t;
      stageMs[cur.stage] = ms;
      onEvent?.({ type: 'stage', stage: cur.stage, status: 'end', elapsedMs: ms, detail });
      cur = null;
    },
  };
}

export function resolvePreset(name: string | undefined): ReplayPreset {
  const p = PRESETS[name ?? 'micius-2016-12-19'];
  if (!p) throw new InputError(`unknown preset "${name}"; known: ${Object.keys(PRESETS).join(', ')}`, { field: '--preset' });
  return p;
}

function checkOptions(o: ReplayOptions): void {
  if (o.bound !== undefined && !BOUNDS.includes(o.bound)) throw new InputError(`unknown bound "${o.bound}"; known: ${BOUNDS.join(', ')}`, { field: '--bound' });
  if (o.protocol !== undefined && !PROTOCOLS.includes(o.protocol)) {
    throw new InputError(`unknown protocol "${o.protocol}"; known: ${PROTOCOLS.join(', ')}`, { field: '--protocol' });
  }
  if (o.reconciliation !== undefined && !isReconcilerName(o.reconciliation)) {
    throw new InputError(`unknown reconciliation "${o.reconciliation}"; known: ${RECONCILERS.join(', ')}`, { field: '--reconciliation' });
  }
  if (o.seed !== undefined && !(Number.isSafeInteger(o.seed) && o.seed >= 0)) throw new InputError(`seed must be a non-negative integer`, { field: '--seed' });
  if (o.windowS !== undefined && !(o.windowS >= 1 && o.windowS <= 900)) throw new InputError(`data window must be 1..900 s, got ${o.windowS}`, { field: '--window-s' });
}

export interface ReplayWindow {
  preset: ReplayPreset;
  elements: SatelliteElements;
  station: Station;
  pass: Pass;
  /** 1 s geometry of the whole pass (AOS → LOS). */
  around: PassGeometry;
  tcaMs: number;
  windowS: number;
  windowStartMs: number;
  windowEndMs: number;
  /** Identifier of the key block the replay distils (both parties derive it from their records). */
  passId: string;
}

/** The pass and data window a replay of `preset` (with an optional window override) covers. */
export function resolveReplayWindow(presetName?: string, windowS?: number): ReplayWindow {
  checkOptions({ windowS });
  const preset = resolvePreset(presetName);
  const elements = getSatellite(preset.satellite, { field: '--preset' });
  const station = getStation(preset.station, { field: '--preset' });
  const constraints = MICIUS_MISSION.constraints;
  const pass = resolvePass(elements, station, preset.pass, constraints);
  const around: PassGeometry = passGeometry(elements, station, pass.aosMs, pass.losMs, 1, constraints);
  const tcaMs = Date.parse(around.summary.tca);
  const w = windowS ?? preset.dataWindowS;
  const windowStartMs = Math.round(tcaMs - (w * 1000) / 2);
  return { preset, elements, station, pass, around, tcaMs, windowS: w, windowStartMs, windowEndMs: windowStartMs + w * 1000, passId: passIdOf(preset.satellite, windowStartMs) };
}

/** Per-second series from the ground's sifted detail and the link budget. */
function buildSeries(
  budget: LinkBudget,
  windowStartMs: number,
  durationS: number,
  pulseRateHz: number,
  detectionsIdx: Float64Array,
  ground: PartyResult,
  params: ParamsMsg | null,
  reconciliationEfficiency: number,
  fixedLeakBits: number,
): SeriesPoint[] {
  const nSec = Math.ceil(durationS);
  const det = new Array<number>(nSec).fill(0);
  for (let i = 0; i < detectionsIdx.length; i++) det[Math.min(nSec - 1, Math.floor(detectionsIdx[i] / pulseRateHz))]++;
  const sifted = new Array<number>(nSec).fill(0);
  const errs = new Array<number>(nSec).fill(0);
  // the bits whose errors are known: all after reconciliation, else the estimation sample only
  const checked = new Array<number>(nSec).fill(0);
  // cumulative per (basis, class) counts at the end of each second
  const cumDet: number[][] = [];
  const cumErr: number[][] = [];
  const d = ground.siftedDetail;
  const runDet = new Array<number>(2 * CLASSES).fill(0);
  const runErr = new Array<number>(2 * CLASSES).fill(0);
  let j = 0;
  for (let s = 0; s < nSec; s++) {
    if (d) {
      while (j < d.pulseIndex.length && (Math.floor(d.pulseIndex[j] / pulseRateHz) <= s || s === nSec - 1)) {
        const k = d.basis[j] * CLASSES + d.intensity[j];
        runDet[k]++;
        sifted[s]++;
        if (d.errorsExact || d.sampled[j]) checked[s]++;
        if (d.error[j]) {
          runErr[k]++;
          errs[s]++;
        }
        j++;
      }
    }
    cumDet.push(runDet.slice());
    cumErr.push(runErr.slice());
  }
  const at = (tMs: number) => {
    const ss = budget.samples;
    let lo = 0;
    while (lo < ss.length - 1 && ss[lo + 1].timeMs <= tMs) lo++;
    return ss[lo];
  };
  const out: SeriesPoint[] = [];
  for (let s = 0; s < nSec; s++) {
    const ls = at(windowStartMs + (s + 0.5) * 1000);
    let key = 0;
    if (params && ground.finiteKey && (s % 5 === 4 || s === nSec - 1)) {
      const dd = cumDet[s];
      const ee = cumErr[s];
      let leak = fixedLeakBits;
      for (let b = 0; b < 2; b++) {
        const n = dd[b * 3] + dd[b * 3 + 1] + dd[b * 3 + 2];
        const e = ee[b * 3] + ee[b * 3 + 1] + ee[b * 3 + 2];
        leak += reconciliationEfficiency * n * binaryEntropy(n > 0 ? e / n : 0);
      }
      try {
        key = finiteKey(finiteKeyInput(params, dd, ee, { leakageBits: Math.round(leak) })).keyLengthBits;
      } catch {
        key = 0;
      }
    } else if (out.length) key = out[out.length - 1].keyBitsIfEndedHere;
    out.push({
      t: s,
      elevationDeg: ls.elevationDeg,
      rangeKm: ls.rangeKm,
      lossDb: ls.lossTotalDb,
      detections: det[s],
      siftedBits: sifted[s],
      errors: errs[s],
      qber: checked[s] > 0 ? errs[s] / checked[s] : Number.NaN,
      keyBitsIfEndedHere: key,
    });
  }
  // fill the skipped seconds by linear interpolation between computed points
  let last = -1;
  for (let s = 0; s < nSec; s++) {
    if (s % 5 === 4 || s === nSec - 1) {
      for (let q = last + 1; q < s; q++) {
        const a = last < 0 ? 0 : out[last].keyBitsIfEndedHere;
        const f = (q - last) / (s - last);
        out[q].keyBitsIfEndedHere = Math.round(a + f * (out[s].keyBitsIfEndedHere - a));
      }
      last = s;
    }
  }
  return out;
}

export async function runReplay(options: ReplayOptions = {}, onEvent?: (e: ReplayEvent) => void): Promise<ReplayResult> {
  checkOptions(options);
  const wall0 = performance.now();
  const preset = resolvePreset(options.preset);
  const seed = options.seed ?? 20161219;
  const eve = options.eve ?? 'none';
  const timer = stageTimer(onEvent);
  const policy: SatellitePolicy = {
    ...DEFAULT_POLICY,
    reconciliation: preset.reconciliation,
    bound: preset.bound,
    ...(options.bound ? { bound: options.bound } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.reconciliation ? { reconciliation: options.reconciliation } : {}),
    ...(options.epsSec !== undefined ? { epsSec: options.epsSec } : {}),
    ...(options.epsCor !== undefined ? { epsCor: options.epsCor } : {}),
    ...(options.qberThreshold !== undefined ? { qberThreshold: options.qberThreshold } : {}),
    ...(options.sampleFraction !== undefined ? { sampleFraction: options.sampleFraction } : {}),
  };

  // 1. orbit
  timer.start('orbit');
  const { elements, station, around, windowS, windowStartMs, windowEndMs } = resolveReplayWindow(preset.name, options.windowS);
  const constraints = MICIUS_MISSION.constraints;
  const geometry = passGeometry(elements, station, windowStartMs - 10_000, windowEndMs + 10_000, 1, constraints);
  timer.end(`${around.summary.tca} TCA, ${around.summary.minRangeKm.toFixed(0)} km`);

  // 2. link
  timer.start('link');
  const transmitter = MICIUS_MISSION.hardware.transmitter;
  const receiver = preset.receiver ?? MICIUS_MISSION.hardware.receiver;
  const budget = linkBudget(geometry, transmitter, receiver);
  const channel = channelFromLinkBudget(budget);
  timer.end();

  // 3. simulation
  timer.start('simulation');
  const sim = simulatePass({
    geometry,
    channel,
    transmitter,
    receiver,
    windowStartMs,
    windowEndMs,
    seed,
    eve,
    satellite: preset.satellite,
    station: preset.station,
    onProgress: (f) => onEvent?.({ type: 'progress', stage: 'simulation', fraction: f }),
  });
  if (options.recordsDir) {
    mkdirSync(options.recordsDir, { recursive: true });
    writeSimulation(options.recordsDir, sim);
  }
  timer.end(`${sim.summary.detections.tags} tags`);

  // 4. timing recovery (ground side, from its own record only)
  timer.start('timing');
  const ground = groundDetections(sim.ground, {
    seed: String(seed),
    satellite: sim.satellite.satellite,
    timing: { onProgress: (f) => onEvent?.({ type: 'progress', stage: 'timing', fraction: f }) },
  });
  timer.end(`${ground.detections.pulseIndex.length} detections`);

  // 5. the two parties
  timer.start('protocol');
  const source = satelliteSource(sim.satellite, preset.satellite);
  const post = defaultPostProcessing();
  const totalStates = 12;
  const seen = { satellite: 0, ground: 0 };
  const session = await runLocalSession({
    source,
    detections: ground.detections,
    policy,
    post,
    seed: String(seed),
    satelliteSink: options.satelliteSink,
    groundSink: options.groundSink,
    onEvent: (e: PartyEvent) => {
      seen[e.role]++;
      onEvent?.({ type: 'party', role: e.role, state: e.state, detail: e.detail });
      onEvent?.({ type: 'progress', stage: 'protocol', fraction: Math.min(1, (seen.satellite + seen.ground) / (2 * totalStates)) });
    },
  });
  timer.end(session.satellite.aborted ? `aborted: ${session.satellite.abortReason}` : `${session.satellite.keyBits} key bits`);

  // 6. analysis for the report
  timer.start('analysis');
  const sat = session.satellite;
  const gnd = session.ground;
  const counts = sat.counts ?? gnd.counts;
  const params: ParamsMsg = paramsMessage(source, policy, '0');
  const sent: number[] = [];
  for (let b = 0; b < 2; b++) for (let k = 0; k < CLASSES; k++) sent.push(source.pulsesSent * (b === 0 ? source.pZ : 1 - source.pZ) * source.p[k]);
  const ledger = sat.ledger ?? null;
  const leaked = ledger ? ledger.leakedBits : undefined;
  const fk = sat.finiteKey ?? sat.preliminary ?? null;
  const bounds: Partial<Record<Bound, number>> = {};
  let noDecoy: FiniteKeyResult | null = null;
  if (counts) {
    for (const b of BOUNDS) {
      try {
        const r = finiteKey(finiteKeyInput(params, counts.detected, counts.errors, { bound: b, sent, leakageBits: sat.finiteKey ? leaked : undefined }));
        bounds[b] = r.keyLengthBits;
        if (b === 'no-decoy') noDecoy = r;
      } catch {
        /* a bound that cannot be evaluated on these counts is left out */
      }
    }
  }
  const recLeak = ledger ? ledger.byKind.reconciliation : 0;
  let nh = 0;
  if (counts) {
    for (let b = 0; b < 2; b++) {
      const n = counts.detected[b * 3] + counts.detected[b * 3 + 1] + counts.detected[b * 3 + 2];
      const e = counts.errors[b * 3] + counts.errors[b * 3 + 1] + counts.errors[b * 3 + 2];
      nh += (n - 0) * binaryEntropy(n > 0 ? e / n : 0);
    }
  }
  const efficiency = recLeak > 0 && nh > 0 ? recLeak / nh : null;
  const fixedLeak = ledger ? ledger.byKind.verification + ledger.byKind.estimation : 0;
  const durationS = windowS;
  const series = buildSeries(
    budget,
    windowStartMs,
    durationS,
    source.pulseRateHz,
    ground.detections.pulseIndex,
    gnd,
    gnd.finiteKey ? params : null,
    efficiency ?? DEFAULT_F_EC,
    fixedLeak,
  );
  onEvent?.({ type: 'series', series });
  let plob = 0;
  let ideal = 0;
  for (const s of budget.samples) {
    if (s.timeMs < windowStartMs || s.timeMs >= windowEndMs) continue;
    const n = source.pulseRateHz * budget.stepS;
    plob += n * plobBitsPerPulse(s.etaTotal);
    ideal += n * idealDecoyBitsPerPulse(s.etaTotal, policy.protocol);
  }
  const perIntensity = (xs: number[]) => [0, 1, 2].map((k) => xs[k] + xs[3 + k]);
  timer.end();

  const aborted = sat.aborted || gnd.aborted;
  const reason = sat.abortReason ?? gnd.abortReason ?? null;
  const siftedBits = counts ? counts.siftedBits : 0;
  const totalErr = counts ? counts.errors.reduce((a, b) => a + b, 0) : 0;
  const totalDet = counts ? counts.detected.reduce((a, b) => a + b, 0) : 0;
  return {
    preset: preset.name,
    seed,
    eve,
    reconciliation: policy.reconciliation,
    bound: policy.bound,
    protocol: policy.protocol,
    pass: {
      satellite: elements.name,
      station: station.name,
      windowStartUtc: new Date(windowStartMs).toISOString(),
      windowEndUtc: new Date(windowEndMs).toISOString(),
      tcaUtc: around.summary.tca,
      minRangeKm: around.summary.minRangeKm,
      maxElevationDeg: around.summary.maxElevationDeg,
    },
    detections: ground.detections.pulseIndex.length,
    siftedBits,
    siftedSignalBits: counts ? counts.detected[0] + counts.detected[3] : 0,
    qber: totalDet > 0 ? totalErr / totalDet : 0,
    finalKeyBits: aborted ? 0 : sat.keyBits,
    finalKeyRateBps: aborted ? 0 : sat.keyBits / durationS,
    durationS,
    aborted,
    abortReason: reason,
    abortMessage: sat.abortMessage ?? gnd.abortMessage ?? null,
    keysMatch: session.keysMatch,
    keyDigest: session.keysMatch ? (sat.keyDigest ?? null) : null,
    ledger,
    finiteKey: fk,
    noDecoy,
    bounds,
    limits: { plobBits: plob, idealDecoyBits: ideal, pulses: source.pulsesSent },
    counts: {
      siftedPerIntensity: counts ? perIntensity(counts.detected) : [0, 0, 0],
      errorsPerIntensity: counts ? perIntensity(counts.errors) : [0, 0, 0],
      perBasisIntensity: { detected: counts?.detected ?? [], errors: counts?.errors ?? [] },
      sampleBits: counts?.sampleBits ?? 0,
      sampleQber: sat.sampleQber ?? null,
    },
    reconciliation_: { leakedBits: recLeak, efficiency },
    authentication: { padBitsConsumed: session.authPadBits, messages: session.authPadBits / 64 },
    traffic: { satellite: sat.traffic, ground: gnd.traffic },
    timing: ground.timing,
    simulation: sim.summary,
    series,
    link: budget.samples
      .filter((s) => s.timeMs >= windowStartMs - 10_000 && s.timeMs <= windowEndMs + 10_000)
      .map((s) => ({
        t: (s.timeMs - windowStartMs) / 1000,
        elevationDeg: s.elevationDeg,
        rangeKm: s.rangeKm,
        lossDb: s.lossTotalDb,
        diffractionDb: etaToLossDb(s.etaDiffraction),
        atmosphereDb: etaToLossDb(s.etaAtmosphere),
        turbulenceDb: etaToLossDb(s.etaTurbulence),
        pointingDb: etaToLossDb(s.etaPointing),
      })),
    stageMs: timer.stageMs,
    partyStageMs: { satellite: sat.stageMs as Record<string, number>, ground: gnd.stageMs as Record<string, number> },
    wallS: (performance.now() - wall0) / 1000,
    paper: preset.paper,
  };
}
