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

/** Body of every 4xx/5xx answer of the dashboard API. */
export interface ApiError {
  message: string;
}

/** GET /api/meta */
export interface MetaResponse {
  presets: { id: string; label: string; station: string; pass: string }[];
  stations: { id: string; name: string; latitudeDeg: number; longitudeDeg: number }[];
  eves: string[];
  reconciliations: string[];
  bounds: string[];
}

/** A pass as GET /api/passes lists it: the orbit layer's summary plus the predicted key. */
export type PassRow = PassSummary & { predictedKeyBits?: number | null };

/** GET /api/passes?station&from&to&nightOnly */
export interface PassesResponse {
  passes: PassRow[];
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

/** GET /api/pass?station&pass */
export interface PassDetail {
  summary: PassRow;
  station: { id: string; name: string; latitudeDeg: number; longitudeDeg: number };
  samples: PassSample[];
  track: { latitudeDeg: number; longitudeDeg: number; inPass?: boolean }[];
}

/** POST /api/runs body (defaults: eve none, hamming, hoeffding). */
export interface StartRunRequest {
  preset: string;
  eve?: string;
  reconciliation?: string;
  bound?: string;
  seed?: number;
}

/** POST /api/runs → 201 */
export interface StartRunResponse {
  id: string;
}

/** Per-second series of a replay (sifted rate, QBER, key accumulating): event `series`. */
export interface RunSeries {
  t: number[];
  detectionRateHz?: number[];
  siftedRateBps?: number[];
  qber?: (number | null)[];
  keyBits?: number[];
}

/** Event `progress`: the stage running, its own fraction and the run's overall fraction (0..1). */
export interface RunProgress {
  stage: string;
  fraction: number;
  overall: number;
}

/** The figures of a finished replay. */
export interface RunSummary {
  detections: number;
  siftedBits: number;
  qber: number;
  finalKeyBits: number;
  finalKeyRateBps: number;
  durationS: number;
  aborted: boolean;
  abortReason: string | null;
  keysMatch?: boolean;
  noDecoyKeyBits?: number | null;
  /** The published figures of the preset's pass, if any. */
  paper?: PaperFigures;
}

/** Published figures of a reference pass (e.g. Liao et al. 2017 for 2016-12-19). */
export interface PaperFigures {
  source: string;
  detections: number;
  siftedBits: number;
  qber: number;
  finalKeyBits: number;
  finalKeyRateBps: number;
  durationS: number;
  epsSec: number;
}

/** The server-sent events of GET /api/runs/:id/events (`event: <type>`, `data: <JSON of data>`). */
export type RunEvent =
  | { type: 'progress'; data: RunProgress }
  | { type: 'series'; data: RunSeries }
  | { type: 'done'; data: { summary: RunSummary } }
  | { type: 'failed'; data: { message: string } };

/** GET /api/keys: the sites' key stores and the relays done. */
export interface KeyInventory {
  sites: { site: string; peers: string[]; blocks: number; storedKeys: number; storedBits: number; deliveredKeys: number }[];
  relays: { from: string; to: string; keys: number; bits: number; at: string }[];
}
