/**
 * Values of the planner (layer 4): the options of a plan, the slices the pass search and the
 * per-pass prediction split into (planSlice), and the plan document assemblePlan builds. Every
 * value here is JSON-serialisable (a slice crosses a worker thread or a job queue as is).
 */
import type { Mission } from '../mission/config.js';

export const POLICIES = ['greedy', 'round-robin', 'max-min'] as const;
export type Policy = (typeof POLICIES)[number];

export const BLOCK_MODES = ['per-pass', 'combined'] as const;
export type BlockMode = (typeof BLOCK_MODES)[number];

/**
 * Link-budget slot of the planner's per-pass prediction, s. predictPassKey integrates on the
 * UTC grid of its step; at 10 s the total key of 120 days of Micius passes was 0.02 % below the
 * 1-s integration (test/plan/slice.test.ts holds six days to 0.5 %), at a fraction of the cost.
 * `mozi plan --step-s 1` gives keyrate's own step.
 */
export const PLANNING_STEP_S = 10;

export interface PlanOptions {
  fromMs: number;
  toMs: number;
  policy: Policy;
  block: BlockMode;
  /** Link-budget slot of the per-pass prediction, s (default PLANNING_STEP_S). */
  stepS: number;
  /** Monthly cloud-free probability per station id (12 values, January first). */
  weather: WeatherTable;
  /** A pair's latency is the time until it first holds this many bits (default 1e6). */
  latencyBits: number;
  /** Leave the per-pass array out of plan.json (`--summary`). */
  summaryOnly: boolean;
  /**
   * Trusted-relay allocation of the pools to station pairs (relay.ts): `proportional` (default,
   * a static share by pair weight) or `max-min` (Hossain et al.'s iterative max-min allocation).
   */
  relay?: 'proportional' | 'max-min';
}

export interface WeatherTable {
  /** Where the table came from (a file, or the shipped defaults). */
  source: string;
  /** Station id → 12 monthly probabilities of a cloud-free line of sight. */
  stations: Record<string, number[]>;
  /** Per station: the table's note (e.g. "assumption: …"). */
  notes?: Record<string, string>;
}

/**
 * One slice of the computation: one satellite of the mission over a set of its stations for the
 * whole window. `planSlices` gives the canonical layout (one slice per satellite, all stations):
 * a pass's refined AOS/LOS depend at the millisecond level on which stations are searched
 * together, so byte-identical plans need the same layout.
 */
export interface SliceInput {
  mission: Mission;
  satelliteIndex: number;
  stationIds: string[];
  fromMs: number;
  toMs: number;
  stepS: number;
}

/** A pass of a slice with its predicted key and the expected counts (for combined blocks). */
export interface SlicePass {
  satellite: string;
  satelliteIndex: number;
  station: string;
  aosMs: number;
  tcaMs: number;
  losMs: number;
  maxElevationDeg: number;
  minRangeKm: number;
  night: boolean;
  sunElevationDegAtTca: number;
  keyBits: number;
  /**
   * Expected counts, flat (packCounts): for basis X then Z, for intensity class 0..2, sent,
   * detected, errors: 18 numbers (a year of a large constellation has millions of passes).
   */
  counts: number[];
  pulses: number;
  durationS: number;
}

export interface SliceResult {
  satelliteIndex: number;
  satellite: string;
  stationIds: string[];
  passes: SlicePass[];
  warnings: string[];
}

/** A pass in plan.json. */
export interface PlannedPass {
  satellite: string;
  station: string;
  aos: string;
  tca: string;
  los: string;
  maxElevationDeg: number;
  minRangeKm: number;
  night: boolean;
  /** Clear-sky finite-key length of the pass as its own block (= keyrate --predict). */
  predictedKeyBits: number;
  /** predictedKeyBits × the station's cloud-free probability in the month of TCA. */
  expectedKeyBits: number;
  cloudFreeProbability: number;
  scheduled: boolean;
  /** Why not scheduled: the conflicting pass that won ("satellite busy: …", "station busy: …"). */
  reason?: string;
}
