/** Fetch helpers of the dashboard API; its shapes come from the server's src/server/api-types.ts. */
import type {
  KeyInventory, MetaResponse, MetaStation, PassDetail, PassesResponse, RunInfo, StartRunRequest, StartRunResponse, TimelineResponse,
} from '../../src/server/api-types.js';

export type {
  KeyInventory, MetaStation, PassDetail, PassRow, PassSample, ReplayResults, RunInfo, RunProgress, RunSeries, RunSummary, TimelinePass, TimelineResponse,
} from '../../src/server/api-types.js';
export type Meta = MetaResponse;

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
  meta: () => fetch('api/meta').then((r) => asJson<MetaResponse>(r)),
  passes: (station: string, from: string, to: string, nightOnly: boolean) =>
    fetch(`api/passes?${new URLSearchParams({ station, from, to, nightOnly: nightOnly ? '1' : '0' })}`).then((r) => asJson<PassesResponse>(r)),
  /** Every pass over all the mission's stations, with predicted (and weather-expected) key, from the planner. */
  timeline: (from: string, to: string) => fetch(`api/timeline?${new URLSearchParams({ from, to })}`).then((r) => asJson<TimelineResponse>(r)),
  pass: (station: string, pass: string) =>
    fetch(`api/pass?${new URLSearchParams({ station, pass })}`).then((r) => asJson<PassDetail>(r)),
  /** Replay any pass: the station and the pass spec (date or AOS) it was opened with. */
  startRun: (body: StartRunRequest & { station: string; pass: string }) =>
    fetch('api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
      asJson<StartRunResponse>(r),
    ),
  /** Add a ground station (name, latitude, longitude, altitude; receiver of a station or the reference one). */
  addStation: (body: { name: string; latitudeDeg: number; longitudeDeg: number; altitudeM: number; receiverOf?: string }) =>
    fetch('api/stations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => asJson<MetaStation>(r)),
  run: (id: string) => fetch(`api/runs/${id}`).then((r) => asJson<RunInfo>(r)),
  runs: () => fetch('api/runs').then((r) => asJson<{ runs: RunInfo[] }>(r)),
  report: (id: string) => fetch(`api/runs/${id}/report`).then((r) => asJson<Record<string, unknown>>(r)),
  keys: () => fetch('api/keys').then((r) => asJson<KeyInventory>(r)),
};
