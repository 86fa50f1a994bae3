/**
 * The kinds of job a worker runs, and how: `plan-slice` (planSlice of one SliceInput, pure),
 * `noop` (an empty job: returns its input; the queue's round trip alone, for the benchmark of
 * per-job overhead and as a check that workers answer) and `replay-pass` (the event-level replay of one scheduled pass, its final keys stored in the
 * station's and the satellite's key stores). A replay job first settles the pass's blocks in
 * both stores (a retried job whose first attempt died mid-store: pass-blocks.ts) and, when they
 * then hold it, returns what the stores hold and replays nothing, so no block is stored twice,
 * none is left on one end only, and no pass is counted twice.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { keyStoreSink } from '../kms/sink.js';
import type { Mission } from '../mission/config.js';
import { resolveReplayWindow, runReplay } from '../mission/replay.js';
import { InputError } from '../core/errors.js';
import { planSatellites, planSlice } from '../plan/slice.js';
import type { SliceInput, SliceResult } from '../plan/types.js';
import { holdingSink, type Hold } from './hold.js';
import { settlePassBlocks } from './pass-blocks.js';

export interface ReplayPassInput {
  mission: Mission;
  /** The pass's satellite, as plan.json names it (a constellation's member; default the mission's satellite). */
  satellite?: string;
  station: string;
  /** The pass: its AOS (ISO UTC), as plan.json gives it. */
  aos: string;
  /** Data window, s, centred on TCA (default: AOS → LOS). */
  windowS?: number;
  seed: number;
  /** Folder of the key stores: `<site>.sqlite` per site. */
  storeDir: string;
  /** The plan's predicted key of this pass (for the summary). */
  predictedKeyBits: number;
}

export interface ReplayPassResult {
  satellite: string;
  station: string;
  aos: string;
  passId: string;
  detections: number;
  qber: number;
  finalKeyBits: number;
  predictedKeyBits: number;
  aborted: boolean;
  abortReason: string | null;
  /** false when the stores already held the block (a retried job): nothing replayed or stored. */
  replayed: boolean;
  /** Blocks of this pass a killed earlier attempt left half-stored, completed / rolled back by this one (pass-blocks.ts). */
  completedBlocks: number;
  rolledBackBlocks: number;
}

/** An empty job; `seq` only makes jobs of one batch distinct (ids hash the input). */
export interface NoopInput {
  seq: number;
}

export type JobKind = 'plan-slice' | 'replay-pass' | 'noop';
export interface JobInputs {
  'plan-slice': SliceInput;
  'replay-pass': ReplayPassInput;
  noop: NoopInput;
}
export interface JobResults {
  'plan-slice': SliceResult;
  'replay-pass': ReplayPassResult;
  noop: NoopInput;
}

/**
 * The mission with the satellite plan.json names as its satellite (a constellation's member, as
 * planSlice does); an InputError naming the mission's satellites when it has none of that name
 * (a plan of another mission).
 */
export function missionWithSatellite(mission: Mission, name: string | undefined): Mission {
  if (name === undefined || name === mission.satellite.name) return mission;
  const sats = planSatellites(mission);
  const cat = sats.find((c) => c.name === name);
  if (!cat) {
    const names = sats.map((c) => c.name);
    throw new InputError(`"${name}" is not a satellite of mission "${mission.name}" (${names.length > 3 ? `${names.slice(0, 3).join(', ')} … ${names.length} satellites` : names.join(', ')}): give the plan's mission with --mission`, { field: 'satellite' });
  }
  return { ...mission, satellite: cat };
}

/** Path of a site's key store in a campaign's store folder. */
export function storePath(storeDir: string, site: string): string {
  return join(storeDir, `${site}.sqlite`);
}

/**
 * One scheduled pass replayed at event level, keys into both stores, idempotent per pass: the
 * pass's blocks are first settled between the two stores (pass-blocks.ts: a half-stored pass that
 * a killed worker left is completed or rolled back); if both then hold the pass, nothing is
 * replayed or stored again and the result says what the stores hold (detections and QBER -1:
 * not replayed by this attempt).
 */
export async function replayPassJob(input: ReplayPassInput, hold?: Hold): Promise<ReplayPassResult> {
  const mission = missionWithSatellite(input.mission, input.satellite);
  const window = resolveReplayWindow({ mission, station: input.station, pass: input.aos, windowS: input.windowS });
  const sat = window.satelliteSite;
  const gnd = window.station.id;
  mkdirSync(input.storeDir, { recursive: true });
  const satPath = storePath(input.storeDir, sat);
  const gndPath = storePath(input.storeDir, gnd);
  const base = { satellite: sat, station: gnd, aos: input.aos, passId: window.passId, predictedKeyBits: input.predictedKeyBits };
  const settled = settlePassBlocks({ path: satPath, site: sat }, { path: gndPath, site: gnd }, window.passId);
  const settledNote = { completedBlocks: settled.completed, rolledBackBlocks: settled.rolledBack };
  if (settled.blocks.length > 0) {
    // stored by an earlier attempt (possibly completed just now): the block is the stores'
    const bits = settled.blocks.reduce((a, b) => a + b.lengthBits, 0);
    return { ...base, detections: -1, qber: -1, finalKeyBits: bits, aborted: false, abortReason: null, replayed: false, ...settledNote };
  }
  const r = await runReplay({
    mission,
    station: input.station,
    pass: input.aos,
    windowS: input.windowS,
    seed: input.seed,
    satelliteSink: holdingSink(keyStoreSink(satPath), 'satellite', hold),
    groundSink: holdingSink(keyStoreSink(gndPath), 'ground', hold),
  });
  return { ...base, detections: r.detections, qber: r.qber, finalKeyBits: r.finalKeyBits, aborted: r.aborted, abortReason: r.abortReason, replayed: true, ...settledNote };
}

/** Run one job of `kind` on `input`. */
export async function runJob<K extends JobKind>(kind: K, input: JobInputs[K], hold?: Hold): Promise<JobResults[K]> {
  if (kind === 'plan-slice') return planSlice(input as SliceInput) as JobResults[K];
  if (kind === 'replay-pass') return (await replayPassJob(input as ReplayPassInput, hold)) as JobResults[K];
  if (kind === 'noop') return { seq: (input as NoopInput).seq } as JobResults[K];
  throw new Error(`unknown job kind ${String(kind)}`);
}
