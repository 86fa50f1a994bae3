/**
 * The end-to-end replay of one pass of a mission: orbit → link → event simulation → timing
 * recovery → the two parties over an authenticated in-memory channel → keys. Any pass of any
 * station of any mission (`{ mission, station, pass }`), or a named pass of a mission
 * (`{ preset }`; default: Micius over Xinglong on 19 December 2016, Liao et al., Nature 549, 43
 * (2017)). `runReplay` emits stage/progress events and per-second series (for the CLI's progress
 * bars and the dashboard) and returns the ReplayResult (result.ts); the analytics are in
 * analysis.ts. The satellite and the ground share nothing but frames; the replay compares their
 * key digests out of band.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { etaToLossDb } from '../core/units.js';
import { linkBudget } from '../link/budget.js';
import { passGeometry, type Pass } from '../orbit/passes.js';
import type { PassGeometry, SatelliteElements } from '../orbit/types.js';
import { CLASSES } from '../postprocess/sift.js';
import { paramsMessage } from '../protocol/stages/index.js';
import { DEFAULT_F_EC } from '../security/defaults.js';
import { runLocalSession } from '../protocol/local.js';
import type { LinkEmulatorOptions, LinkStats } from '../protocol/link-emulator.js';
import { classicalCost } from '../protocol/summary.js';
import type { ParamsMsg } from '../protocol/messages.js';
import { defaultPostProcessing, toeplitzAmplify } from '../protocol/postprocessing.js';
import { groundDetections, passIdOf, satelliteSource } from '../protocol/records.js';
import { DEFAULT_POLICY, type KeySink, type PartyEvent, type PartyResult, type ReconciliationMethod, type SatellitePolicy } from '../protocol/types.js';
import { channelFromLinkBudget } from '../quantum/channel.js';
import type { SimulationRecords } from '../quantum/records.js';
import { simulatePassParallel } from '../quantum/simulate-parallel.js';
import type { Bound, Protocol } from '../security/types.js';
import { boundsOnCounts, buildSeries, reconciliationEfficiency, windowLimits } from './analysis.js';
import { missionReplay, missionStation, type Mission, type MissionStation, type ReplayPreset } from './config.js';
import { resolveMissionPass } from './passes.js';
import { DEFAULT_REPLAY, findReplayPreset, loadMission } from './presets.js';
import type { ClassicalLinkReport, ReplayEvent, ReplayResult, ReplayStage } from './result.js';

export { REPLAY_STAGES } from './result.js';
export type { ReplayEvent, ReplayResult, ReplayStage, SeriesPoint } from './result.js';

/** Longest data window of a replay, s (a LEO pass above the horizon lasts < 15 min). */
export const MAX_WINDOW_S = 900;

export interface ReplayOptions {
  /** The mission (object, shipped name or file path); default: the mission of `preset`, else micius. */
  mission?: Mission | string;
  /** A named pass of the mission (default, without station/pass: the mission's first, micius-2016-12-19). */
  preset?: string;
  /** Any station of the mission … */
  station?: string;
  /** … and any of its passes: UTC date (the highest night pass) or ISO time near AOS. */
  pass?: string;
  /** Data window length (s), centred on TCA; default the preset's, else AOS → LOS. */
  windowS?: number;
  /** Eavesdropper spec for the simulation: none, intercept-resend[:f], pns, beam-splitting. */
  eve?: string;
  reconciliation?: ReconciliationMethod;
  bound?: Bound;
  protocol?: Protocol;
  seed?: number;
  epsSec?: number;
  epsCor?: number;
  qberThreshold?: number;
  sampleFraction?: number;
  /**
   * Receives the simulation's records (satellite, ground, truth, summary) as soon as they exist;
   * `mozi replay --out DIR --records` writes them to DIR with recording/mozi-files.ts.
   */
  onRecords?: (records: SimulationRecords) => void;
  /** Key sinks of the two parties (default: none; the replay compares digests). */
  satelliteSink?: KeySink;
  groundSink?: KeySink;
  /** The classical channel through an emulated link (bandwidth, latency, outages). */
  link?: LinkEmulatorOptions;
  /**
   * Worker threads for the simulation's segments and the privacy-amplification segments
   * (default 1: everything in this thread). The records and keys are the same for every count.
   */
  threads?: number;
  /**
   * Key block identity per settings: the stored block's pass id becomes
   * `<passId>~<12 hex of SHA-256 over the resolved policy, seed and eve>` (`settingsBlockTag`), so
   * replays of one pass with other settings store distinct blocks into the same key stores (the
   * dashboard) while a replay with the same settings (same seed: same key) is an idempotent re-add.
   * Default false: the pass id of the records, as the satellite and ground commands use.
   */
  blockPerSettings?: boolean;
}

/** The settings part of a replay's block identity (see ReplayOptions.blockPerSettings). */
export function settingsBlockTag(policy: SatellitePolicy, seed: number, eve: string): string {
  const fields = Object.keys(policy).sort().map((k) => [k, policy[k as keyof SatellitePolicy]]);
  return createHash('sha256').update(JSON.stringify({ policy: fields, seed, eve })).digest('hex').slice(0, 12);
}

export interface ReplayWindow {
  mission: Mission;
  preset: ReplayPreset;
  station: MissionStation;
  elements: SatelliteElements;
  /** The satellite's site name (key stores, pass ids): its name in lower case. */
  satelliteSite: string;
  pass: Pass;
  /** 1 s geometry of the whole pass (AOS → LOS). */
  around: PassGeometry;
  tcaMs: number;
  windowS: number;
  windowStartMs: number;
  windowEndMs: number;
  /** Identifier of the key block the replay distils (both parties derive it from their records). */
  passId: string;
  warnings: string[];
}

/** The site name of a satellite in key stores and pass ids ("MICIUS" → "micius"). */
export function satelliteSiteName(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** The mission and replay preset that `options` designate. */
export function resolveReplayTarget(options: Pick<ReplayOptions, 'mission' | 'preset' | 'station' | 'pass'>): { mission: Mission; preset: ReplayPreset } {
  const given = options.mission === undefined ? undefined : typeof options.mission === 'string' ? loadMission(options.mission) : options.mission;
  if (options.station !== undefined || options.pass !== undefined) {
    if (options.preset !== undefined) throw new InputError('give either a preset or a station and a pass', { field: 'preset' });
    if (options.station === undefined || options.pass === undefined) throw new InputError('a replay of any pass needs both a station and a pass', { field: options.station === undefined ? 'station' : 'pass' });
    const mission = given ?? loadMission();
    const station = missionStation(mission, options.station, { field: 'station' });
    // the mission's named pass of that station and spec, if there is one (its window and published figures)
    const named = mission.replays.find((r) => r.station === station.id && r.pass === options.pass!.trim());
    if (named) return { mission, preset: named };
    return { mission, preset: { id: `${station.id}/${options.pass.trim()}`, mission: mission.name, station: station.id, pass: options.pass.trim(), ...mission.postprocessing } };
  }
  if (given) {
    if (options.preset !== undefined) return { mission: given, preset: missionReplay(given, options.preset, { field: 'preset' }) };
    if (given.replays.length === 0) throw new InputError(`mission ${given.name} names no replays: give a station and a pass`, { field: 'station' });
    return { mission: given, preset: given.replays[0] };
  }
  return findReplayPreset(options.preset ?? DEFAULT_REPLAY);
}

/** The pass and data window a replay covers. */
export function resolveReplayWindow(options: Pick<ReplayOptions, 'mission' | 'preset' | 'station' | 'pass' | 'windowS'> = {}): ReplayWindow {
  if (options.windowS !== undefined && !(options.windowS >= 1 && options.windowS <= MAX_WINDOW_S)) {
    throw new InputError(`data window must be 1..${MAX_WINDOW_S} s, got ${options.windowS}`, { field: 'windowS' });
  }
  const { mission, preset } = resolveReplayTarget(options);
  const station = missionStation(mission, preset.station, { field: 'station' });
  const { pass, elements, warnings } = resolveMissionPass(mission, station, preset.pass);
  const around: PassGeometry = passGeometry(elements, station, pass.aosMs, pass.losMs, 1, mission.constraints);
  const tcaMs = Date.parse(around.summary.tca);
  const w = options.windowS ?? preset.windowS;
  const satelliteSite = satelliteSiteName(mission.satellite.name);
  let windowStartMs: number;
  let windowEndMs: number;
  if (w !== undefined) {
    windowStartMs = Math.round(tcaMs - (w * 1000) / 2);
    windowEndMs = windowStartMs + w * 1000;
  } else {
    windowStartMs = Math.round(pass.aosMs);
    windowEndMs = windowStartMs + Math.min(MAX_WINDOW_S, Math.floor((pass.losMs - pass.aosMs) / 1000)) * 1000;
  }
  return {
    mission,
    preset,
    station,
    elements,
    satelliteSite,
    pass,
    around,
    tcaMs,
    windowS: (windowEndMs - windowStartMs) / 1000,
    windowStartMs,
    windowEndMs,
    passId: passIdOf(satelliteSite, windowStartMs),
    warnings,
  };
}

/** What the emulated classical link carried for the final key (ReplayResult.classicalLink). */
function classicalLinkReport(link: { satellite: LinkStats; ground: LinkStats }, sat: PartyResult, protocolMs: number): ClassicalLinkReport {
  const cost = classicalCost(sat);
  return {
    bandwidthBps: link.satellite.bandwidthBps,
    latencyS: link.satellite.latencyS,
    downlinkBytes: link.satellite.bytesSent,
    uplinkBytes: link.ground.bytesSent,
    bytesPerFinalKeyBit: cost.bytesPerFinalKeyBit,
    roundTrips: Math.max(link.satellite.roundTrips, link.ground.roundTrips),
    protocolS: protocolMs / 1000,
  };
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

export async function runReplay(options: ReplayOptions = {}, onEvent?: (e: ReplayEvent) => void): Promise<ReplayResult> {
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) throw new InputError('seed must be a non-negative integer', { field: 'seed' });
  const wall0 = performance.now();
  const seed = options.seed ?? 20161219;
  const eve = options.eve ?? 'none';
  const timer = stageTimer(onEvent);
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new InputError(`threads must be an integer in 1..64, got ${options.threads}`, { field: 'threads' });

  // 1. orbit
  timer.start('orbit');
  const w = resolveReplayWindow(options);
  const { mission, preset, station, elements, around, windowS, windowStartMs, windowEndMs, satelliteSite } = w;
  const policy: SatellitePolicy = {
    ...DEFAULT_POLICY,
    reconciliation: options.reconciliation ?? preset.reconciliation,
    bound: options.bound ?? preset.bound,
    protocol: options.protocol ?? preset.protocol,
    epsSec: options.epsSec ?? preset.epsSec,
    ...(options.epsCor !== undefined ? { epsCor: options.epsCor } : {}),
    ...(options.qberThreshold !== undefined ? { qberThreshold: options.qberThreshold } : {}),
    ...(options.sampleFraction !== undefined ? { sampleFraction: options.sampleFraction } : {}),
  };
  const geometry = passGeometry(elements, station, windowStartMs - 10_000, windowEndMs + 10_000, 1, mission.constraints);
  timer.end(`${around.summary.tca} TCA, ${around.summary.minRangeKm.toFixed(0)} km`);

  // 2. link (the station's own receiver)
  timer.start('link');
  const transmitter = mission.transmitter;
  const receiver = station.receiver;
  const budget = linkBudget(geometry, transmitter, receiver);
  const channel = channelFromLinkBudget(budget);
  timer.end();

  // 3. simulation
  timer.start('simulation');
  const sim = await simulatePassParallel({
    geometry,
    channel,
    transmitter,
    receiver,
    windowStartMs,
    windowEndMs,
    seed,
    eve,
    satellite: satelliteSite,
    station: station.id,
    onProgress: (f) => onEvent?.({ type: 'progress', stage: 'simulation', fraction: f }),
  }, threads);
  options.onRecords?.(sim);
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
  const blockPassId = options.blockPerSettings ? `${w.passId}~${settingsBlockTag(policy, seed, eve)}` : undefined;
  const source = blockPassId ? { ...satelliteSource(sim.satellite, satelliteSite), passId: blockPassId } : satelliteSource(sim.satellite, satelliteSite);
  // one thread: PA in this thread too; more: the PA segments on that many workers (same bits)
  const post = defaultPostProcessing(toeplitzAmplify(threads === 1 ? 0 : threads));
  const totalStates = 12;
  const seen = { satellite: 0, ground: 0 };
  const session = await runLocalSession({
    source,
    detections: blockPassId ? { ...ground.detections, passId: blockPassId } : ground.detections,
    policy,
    post,
    seed: String(seed),
    satelliteSink: options.satelliteSink,
    groundSink: options.groundSink,
    link: options.link,
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
  const fk = sat.finiteKey ?? sat.preliminary ?? null;
  const { bounds, noDecoy } = counts
    ? boundsOnCounts(params, counts, sent, sat.finiteKey ? ledger?.leakedBits : undefined, sat.finiteKey, policy.bound)
    : { bounds: {}, noDecoy: null };
  const recLeak = ledger ? ledger.byKind.reconciliation : 0;
  const efficiency = reconciliationEfficiency(counts, recLeak);
  const fixedLeak = ledger ? ledger.byKind.verification + ledger.byKind.estimation : 0;
  const durationS = windowS;
  const series = buildSeries(budget, windowStartMs, durationS, source.pulseRateHz, ground.detections.pulseIndex, gnd, gnd.finiteKey ? params : null, efficiency ?? DEFAULT_F_EC, fixedLeak);
  onEvent?.({ type: 'series', series });
  const limits = windowLimits(budget, windowStartMs, windowEndMs, source.pulseRateHz, policy.protocol);
  const perIntensity = (xs: number[]) => [0, 1, 2].map((k) => xs[k] + xs[3 + k]);
  timer.end();

  const aborted = sat.aborted || gnd.aborted;
  const reason = sat.abortReason ?? gnd.abortReason ?? null;
  const totalErr = counts ? counts.errors.reduce((a, b) => a + b, 0) : 0;
  const totalDet = counts ? counts.detected.reduce((a, b) => a + b, 0) : 0;
  return {
    mission: mission.name,
    preset: preset.id,
    seed,
    eve,
    reconciliation: policy.reconciliation,
    bound: policy.bound,
    protocol: policy.protocol,
    pass: {
      satellite: elements.name,
      station: station.name,
      stationId: station.id,
      windowStartUtc: new Date(windowStartMs).toISOString(),
      windowEndUtc: new Date(windowEndMs).toISOString(),
      tcaUtc: around.summary.tca,
      minRangeKm: around.summary.minRangeKm,
      maxElevationDeg: around.summary.maxElevationDeg,
    },
    detections: ground.detections.pulseIndex.length,
    siftedBits: counts ? counts.siftedBits : 0,
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
    limits: { ...limits, pulses: source.pulsesSent },
    counts: {
      siftedPerIntensity: counts ? perIntensity(counts.detected) : [0, 0, 0],
      errorsPerIntensity: counts ? perIntensity(counts.errors) : [0, 0, 0],
      perBasisIntensity: { detected: counts?.detected ?? [], errors: counts?.errors ?? [] },
      sampleBits: counts?.sampleBits ?? 0,
      sampleQber: sat.sampleQber ?? null,
    },
    reconciliationLeakage: { leakedBits: recLeak, efficiency },
    authentication: { padBitsConsumed: session.authPadBits, messages: session.authPadBits / 64 },
    ...(session.link ? { classicalLink: classicalLinkReport(session.link, sat, timer.stageMs.protocol ?? 0) } : {}),
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
    threads,
    warnings: w.warnings,
    ...(preset.published ? { published: preset.published } : {}),
  };
}
