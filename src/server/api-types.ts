/**
 * The dashboard API's request and response shapes: the one definition both sides compile
 * against. The server (dashboard.ts, runs.ts, run-events.ts, replay-worker.ts) builds its replies
 * with these types and web/src/api.ts imports them (type-only: the page still talks to the
 * server over HTTP only), so changing a shape here or in the server breaks `npm run build`
 * (server: tsc -p tsconfig.json; page: tsc -p web/tsconfig.json) until both sides agree.
 *
 * Type declarations only, importing nothing but other type-only modules (web/tsconfig.json has no
 * Node types).
 */
import type { PassSummary } from '../orbit/types.js';
import type { Plan } from '../plan/assemble.js';
import type { ReplayResults } from '../report/replay.js';

export type { ReplayResults } from '../report/replay.js';

/** GET /api/plan: the plan the dashboard was started with (`mozi serve --plan`), as mozi plan wrote it. */
export type PlanResponse = Plan;

/** Body of every 4xx/5xx answer of the dashboard API. */
export interface ApiError {
  message: string;
}

/** A station as GET /api/meta lists it (and POST /api/stations answers). */
export interface MetaStation {
  id: string;
  name: string;
  latitudeDeg: number;
  longitudeDeg: number;
  altitudeM: number;
  apertureM: number;
  cityLight: string | null;
  /** Added from the dashboard (POST /api/stations), not in the mission file. */
  user: boolean;
}

/** GET /api/meta?mission */
export interface MetaResponse {
  mission: { name: string; description: string | null; satellite: string; noradId: number | null };
  /** The missions this dashboard serves (its own first). */
  missions: string[];
  /** The mission's named passes. */
  presets: { id: string; label: string; station: string; pass: string }[];
  stations: MetaStation[];
  eves: readonly string[];
  reconciliations: readonly string[];
  bounds: readonly string[];
  /** The mission's post-processing defaults (the page's selects start there). */
  defaults: { reconciliation: string; bound: string };
  /** The mission's pass constraints (the map's visibility circle uses the minimum elevation). */
  minElevationDeg: number;
  /** A plan is loaded (GET /api/plan answers). */
  hasPlan: boolean;
  /** The weather table's source (`mozi serve --weather`), or null. */
  weather: string | null;
}

/** A pass as GET /api/passes lists it: the orbit layer's summary plus the predicted key. */
export type PassRow = PassSummary & { predictedKeyBits?: number | null };

/** GET /api/passes?mission&station&from&to&nightOnly */
export interface PassesResponse {
  mission: string;
  /** Propagation-distance warnings (element sets far from the passes' epochs). */
  warnings: string[];
  passes: PassRow[];
}

/** GET /api/timeline?mission&from&to: every pass of the mission's satellites over all its stations (the planner's). */
export interface TimelineResponse {
  mission: string;
  from: string;
  to: string;
  /** The weather table's source (`mozi serve --weather`), or null: no expected key then. */
  weather: string | null;
  stations: { id: string; name: string }[];
  warnings: string[];
  passes: TimelinePass[];
}

export interface TimelinePass {
  satellite: string;
  station: string;
  aos: string;
  tca: string;
  los: string;
  maxElevationDeg: number;
  night: boolean;
  /** False for a pass the mission's constraints exclude (a daylight pass of a night-only mission): no key, not replayable. */
  operable: boolean;
  /** Clear-sky finite-key length of the pass as its own block (the planner's, = keyrate --predict); 0 when not operable. */
  predictedKeyBits: number;
  /** Cloud-free probability of the station in the month of TCA (null without a weather table). */
  cloudFreeProbability: number | null;
  /** predictedKeyBits × cloudFreeProbability (null without a weather table). */
  expectedKeyBits: number | null;
}

/** One time slot of GET /api/pass: geometry and link budget (the link terms are absent below the horizon). */
export interface PassSample {
  /** Seconds since AOS. */
  t: number;
  timeMs: number;
  elevationDeg: number;
  azimuthDeg: number;
  rangeKm: number;
  satLatitudeDeg: number;
  satLongitudeDeg: number;
  lossTotalDb?: number;
  etaDiffraction?: number;
  etaAtmosphere?: number;
  etaTurbulence?: number;
  etaPointing?: number;
  etaReceiver?: number;
  etaDetector?: number;
  backgroundHz?: number;
}

/** GET /api/pass?mission&station&pass */
export interface PassDetail {
  mission: string;
  /** The pass spec asked for (a date or an ISO time near AOS). */
  pass: string;
  warnings: string[];
  summary: PassRow;
  station: { id: string; name: string; latitudeDeg: number; longitudeDeg: number };
  samples: PassSample[];
  track: { latitudeDeg: number; longitudeDeg: number; inPass?: boolean }[];
}

/** POST /api/runs body: any pass (`station` + `pass`) or a named pass (`preset`) of a mission (default: the dashboard's). */
export interface StartRunRequest {
  mission?: string;
  station?: string;
  pass?: string;
  preset?: string;
  /** Default none. */
  eve?: string;
  /** Absent: the mission's (or the named pass's) post-processing. */
  reconciliation?: string;
  bound?: string;
  seed?: number;
  windowS?: number;
}

/** POST /api/runs → 201 */
export interface StartRunResponse {
  id: string;
}

/** Per-second series of a replay (sifted rate, QBER, key accumulating): event `series`. */
export interface RunSeries {
  t: number[];
  /** What the series holds so far: `expected` (link model, up to the second simulated), `detections` (measured, before sifting), `final`. */
  phase?: 'expected' | 'detections' | 'final';
  /** Expected detection rate from the link model (phase `expected`). */
  expectedDetectionRateHz?: number[];
  detectionRateHz?: number[];
  siftedRateBps?: number[];
  qber?: (number | null)[];
  keyBits?: number[];
}

/** Event `progress`: the stage running, its own fraction and the run's overall fraction (0..1). */
export interface RunProgress {
  /** A replay stage, or `queued` while another run is active. */
  stage: string;
  fraction: number;
  overall: number;
  /** While queued: 1 = the next to start. */
  queuePosition?: number;
  /** Seconds in this stage so far (the server's heartbeat, run-heartbeat.ts). */
  stageElapsedS?: number;
  /** Re-sent by the heartbeat (no new progress since the last event). */
  heartbeat?: boolean;
}

/** GET /api/runs/:id (and each entry of GET /api/runs, newest first): a run's settings and state. */
export interface RunInfo {
  id: string;
  startedAt: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  params: { mission: string; station?: string; pass?: string; preset?: string; eve: string; reconciliation?: string; bound?: string };
  queuePosition: number | null;
  summary?: RunSummary;
}

/** The figures of a finished replay. */
export interface RunSummary {
  detections: number;
  siftedBits: number;
  /** Sifted bits of the signal intensity only (the paper's sifted-key figure counts these). */
  siftedSignalBits?: number;
  qber: number;
  finalKeyBits: number;
  finalKeyRateBps: number;
  durationS: number;
  aborted: boolean;
  abortReason: string | null;
  keysMatch?: boolean;
  noDecoyKeyBits?: number | null;
  /** The published figures of a named pass (e.g. Liao et al. 2017 for 2016-12-19), else null. */
  published?: PublishedFigures | null;
  mission?: string;
  /** The named pass replayed, if one was. */
  preset?: string;
  pass?: {
    satellite: string;
    station: string;
    stationId: string;
    windowStartUtc: string;
    windowEndUtc: string;
    tcaUtc: string;
    minRangeKm: number;
    maxElevationDeg: number;
  };
  warnings?: string[];
}

/** Published figures of a pass (any subset of them). */
export interface PublishedFigures {
  source: string;
  detections?: number;
  siftedBits?: number;
  qber?: number;
  finalKeyBits?: number;
  finalKeyRateBps?: number;
  durationS?: number;
  epsSec?: number;
}

/** The server-sent events of GET /api/runs/:id/events (`event: <type>`, `data: <JSON of data>`). */
export type RunEvent =
  | { type: 'progress'; data: RunProgress }
  | { type: 'series'; data: RunSeries }
  | { type: 'done'; data: { summary: RunSummary; results?: ReplayResults } }
  | { type: 'failed'; data: { message: string } };

/** GET /api/keys: the sites' key stores, their keys per link, and the relays done. */
export interface KeyInventory {
  sites: { site: string; peers: string[]; blocks: number; storedKeys: number; storedBits: number; deliveredKeys: number }[];
  /** Per link (sites a < b), each end's own store. */
  links: KeyLink[];
  relays: { from: string; to: string; keys: number; bits: number; at: string }[];
}

/** One link of the key inventory: an unordered pair of sites and what each end's store holds for it. */
export interface KeyLink {
  a: string;
  b: string;
  /** `station-station` for two ground stations (trusted relay), else `satellite-station`. */
  kind: 'satellite-station' | 'station-station';
  ends: {
    site: string;
    /** Key blocks of the link in this store. */
    blocks: number;
    /** Final-key bits of those blocks (incl. each block's 256-bit key-ID key). */
    distilledBits: number;
    /** Keys not yet delivered (either direction). */
    availableKeys: number;
    availableBits: number;
    deliveredKeys: number;
    lastBlockAt: string | null;
  }[];
}
