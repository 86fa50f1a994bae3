/**
 * What a replay produces: its events (for progress bars and the dashboard) and its result (for
 * the report). The schema of `report.json` (src/report/replay.ts) is this result without bulky arrays.
 */
import type { AbortReason } from '../core/errors.js';
import type { LedgerSummary } from '../postprocess/ledger.js';
import type { ReconciliationMethod } from '../protocol/types.js';
import type { SimulationSummary } from '../quantum/simulate.js';
import type { Bound, FiniteKeyResult, Protocol } from '../security/types.js';
import type { TimingDiagnostics } from '../timing/recover.js';
import type { PublishedFigures } from './config.js';

export const REPLAY_STAGES = ['orbit', 'link', 'simulation', 'timing', 'protocol', 'analysis'] as const;
export type ReplayStage = (typeof REPLAY_STAGES)[number];

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

export interface LinkPoint {
  t: number;
  elevationDeg: number;
  rangeKm: number;
  lossDb: number;
  diffractionDb: number;
  atmosphereDb: number;
  turbulenceDb: number;
  pointingDb: number;
}

export interface ClassicalLinkReport {
  bandwidthBps: number;
  latencyS: number;
  /** Bytes the satellite sent (frames incl. authentication tags) and the ground sent. */
  downlinkBytes: number;
  uplinkBytes: number;
  /** All message bytes both ways per final key bit (null without a key). */
  bytesPerFinalKeyBit: number | null;
  /** Conversation turns (the larger of the two ends' counts). */
  roundTrips: number;
  /** Wall time of the protocol stage over this link. */
  protocolS: number;
}

export interface ReplayResult {
  /** Mission name and replay id (a named pass of the mission, or `<station>/<pass spec>`). */
  mission: string;
  preset: string;
  seed: number;
  eve: string;
  reconciliation: ReconciliationMethod;
  bound: Bound;
  protocol: Protocol;
  pass: {
    satellite: string;
    /** Station name (display) and id. */
    station: string;
    stationId: string;
    windowStartUtc: string;
    windowEndUtc: string;
    tcaUtc: string;
    minRangeKm: number;
    maxElevationDeg: number;
  };
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
  /** Every bound's key length on the same counts and leakage, for comparison. */
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
  /** Bits the reconciliation disclosed (ledger) and its efficiency f = leak / Σ n·h(e). */
  reconciliationLeakage: { leakedBits: number; efficiency: number | null };
  authentication: { padBitsConsumed: number; messages: number };
  /** With an emulated classical link (`--link-…`): what it carried and how long the protocol took. */
  classicalLink?: ClassicalLinkReport;
  traffic: { satellite: Record<string, { messages: number; bytes: number }>; ground: Record<string, { messages: number; bytes: number }> };
  timing: TimingDiagnostics;
  simulation: SimulationSummary;
  series: SeriesPoint[];
  link: LinkPoint[];
  stageMs: Record<string, number>;
  partyStageMs: { satellite: Record<string, number>; ground: Record<string, number> };
  wallS: number;
  /** Worker threads the replay used (ReplayOptions.threads); the keys do not depend on it. */
  threads: number;
  /** Propagation-distance warnings of the pass. */
  warnings: string[];
  /** Published figures of this pass (absent for a pass without any). */
  published?: PublishedFigures;
}
