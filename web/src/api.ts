/** Types of the dashboard API (src/server/dashboard.ts) and fetch helpers. */
import type { PassSummary } from '../../src/orbit/types.js';

export interface Meta {
  mission: { name: string; description: string | null; satellite: string; noradId: number | null };
  missions: string[];
  /** The mission's named passes. */
  presets: { id: string; label: string; station: string; pass: string }[];
  stations: { id: string; name: string; latitudeDeg: number; longitudeDeg: number; apertureM?: number; cityLight?: string | null }[];
  eves: string[];
  reconciliations: string[];
  bounds: string[];
  /** The mission's post-processing defaults (the selects start there). */
  defaults?: { reconciliation: string; bound: string };
}

/** A pass as the API lists it: the orbit layer's summary plus the predicted key. */
export type PassRow = PassSummary & { predictedKeyBits?: number | null };

export interface PassSample {
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

export interface PassDetail {
  summary: PassRow;
  station: { id: string; name: string; latitudeDeg: number; longitudeDeg: number };
  samples: PassSample[];
  track: { latitudeDeg: number; longitudeDeg: number; inPass?: boolean }[];
}

/** Per-second series of a replay (sifted rate, QBER, key accumulating). */
export interface RunSeries {
  t: number[];
  detectionRateHz?: number[];
  siftedRateBps?: number[];
  qber?: (number | null)[];
  keyBits?: number[];
}

export interface RunSummary {
  detections: number;
  siftedBits: number;
  qber: number;
  finalKeyBits: number;
  finalKeyRateBps: number;
  durationS: number;
  aborted: boolean;
  abortReason: string | null;
  noDecoyKeyBits?: number | null;
  published?: (Record<string, number> & { source?: string }) | null;
}

export interface KeyInventory {
  sites: { site: string; peers: string[]; blocks: number; storedKeys: number; storedBits: number; deliveredKeys: number }[];
  relays: { from: string; to: string; keys: number; bits: number; at: string }[];
}

async function asJson<T>(res: Response): Promise<T> {
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) msg = body.message;
    } catch {
      /* not JSON */
    }
    throw new Error(msg);
  }
  return (await res.json()) as T;
}

export const api = {
  meta: () => fetch('api/meta').then((r) => asJson<Meta>(r)),
  passes: (station: string, from: string, to: string, nightOnly: boolean) =>
    fetch(`api/passes?${new URLSearchParams({ station, from, to, nightOnly: nightOnly ? '1' : '0' })}`).then((r) =>
      asJson<{ passes: PassRow[] }>(r),
    ),
  pass: (station: string, pass: string) =>
    fetch(`api/pass?${new URLSearchParams({ station, pass })}`).then((r) => asJson<PassDetail>(r)),
  /** Replay any pass: the station and the pass spec (date or AOS) it was opened with. */
  startRun: (body: { station: string; pass: string; mission?: string; eve: string; reconciliation?: string; bound?: string }) =>
    fetch('api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      (r) => asJson<{ id: string }>(r),
    ),
  report: (id: string) => fetch(`api/runs/${id}/report`).then((r) => asJson<Record<string, unknown>>(r)),
  keys: () => fetch('api/keys').then((r) => asJson<KeyInventory>(r)),
};
