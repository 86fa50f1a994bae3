/**
 * The kinds of job a worker runs, and how: `plan-slice` (planSlice of one SliceInput, pure) and
 * `replay-pass` (the event-level replay of one scheduled pass, its final keys stored in the
 * station's and the satellite's key stores). A replay job first asks both stores whether the
 * pass's block is already there (a retried job whose first attempt stored it): then it returns
 * what the stores hold and replays nothing, so no block is stored twice and no pass is counted
 * twice.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KeyStore } from '../kms/keystore.js';
import { keyStoreSink } from '../kms/sink.js';
import type { Mission } from '../mission/config.js';
import { resolveReplayWindow, runReplay } from '../mission/replay.js';
import { planSlice } from '../plan/slice.js';
import type { SliceInput, SliceResult } from '../plan/types.js';

export interface ReplayPassInput {
  mission: Mission;
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
}

export type JobKind = 'plan-slice' | 'replay-pass';
export interface JobInputs {
  'plan-slice': SliceInput;
  'replay-pass': ReplayPassInput;
}
export interface JobResults {
  'plan-slice': SliceResult;
  'replay-pass': ReplayPassResult;
}

/** Path of a site's key store in a campaign's store folder. */
export function storePath(storeDir: string, site: string): string {
  return join(storeDir, `${site}.sqlite`);
}

function storedBlock(path: string, site: string, passId: string, peerSite: string): { lengthBits: number } | undefined {
  if (!existsSync(path)) return undefined;
  const store = KeyStore.open(path, { site });
  try {
    return store.blocks().find((b) => b.passId === passId && b.peerSite === peerSite);
  } finally {
    store.close();
  }
}

/** One scheduled pass replayed at event level, keys into both stores (idempotent per pass). */
export async function replayPassJob(input: ReplayPassInput): Promise<ReplayPassResult> {
  const window = resolveReplayWindow({ mission: input.mission, station: input.station, pass: input.aos, windowS: input.windowS });
  const sat = window.satelliteSite;
  const gnd = window.station.id;
  mkdirSync(input.storeDir, { recursive: true });
  const satPath = storePath(input.storeDir, sat);
  const gndPath = storePath(input.storeDir, gnd);
  const base = { satellite: sat, station: gnd, aos: input.aos, passId: window.passId, predictedKeyBits: input.predictedKeyBits };
  const atSat = storedBlock(satPath, sat, window.passId, gnd);
  const atGnd = storedBlock(gndPath, gnd, window.passId, sat);
  if (atSat && atGnd) {
    // a retried job whose first attempt got as far as storing: the block is the stores'
    return { ...base, detections: -1, qber: -1, finalKeyBits: atSat.lengthBits, aborted: false, abortReason: null, replayed: false };
  }
  if (atSat || atGnd) {
    throw new Error(`pass ${window.passId}: only the ${atSat ? sat : gnd} store holds its block (a worker died between the two stores' writes); remove it there and run the job again`);
  }
  const r = await runReplay({
    mission: input.mission,
    station: input.station,
    pass: input.aos,
    windowS: input.windowS,
    seed: input.seed,
    satelliteSink: keyStoreSink(satPath),
    groundSink: keyStoreSink(gndPath),
  });
  return { ...base, detections: r.detections, qber: r.qber, finalKeyBits: r.finalKeyBits, aborted: r.aborted, abortReason: r.abortReason, replayed: true };
}

/** Run one job of `kind` on `input`. */
export async function runJob<K extends JobKind>(kind: K, input: JobInputs[K]): Promise<JobResults[K]> {
  if (kind === 'plan-slice') return planSlice(input as SliceInput) as JobResults[K];
  if (kind === 'replay-pass') return (await replayPassJob(input as ReplayPassInput)) as JobResults[K];
  throw new Error(`unknown job kind ${String(kind)}`);
}
