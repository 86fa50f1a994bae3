/**
 * The dashboard's JSON API: passes with predicted key, one pass's geometry and link budget with
 * its ground track, replay runs (started in child processes, streamed as server-sent events), and
 * the key inventory of the sites' key stores.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { linkBudget } from '../link/index.js';
import { loadMission, missionPasses, missionStation, predictPassKey, resolveMissionPass, SHIPPED_MISSIONS, type Mission, type MissionStation } from '../mission/index.js';
import { stationBody, UserStations } from './user-stations.js';
import { passGeometry, passSummary } from '../orbit/index.js';
import { RECONCILERS } from '../postprocess/reconcile/registry.js';
import { EAVESDROPPERS } from '../quantum/eve.js';
import { BOUNDS } from '../security/types.js';
import type { ApiError, PlanResponse, MetaResponse, MetaStation, PassDetail, PassesResponse, StartRunResponse, TimelineResponse } from './api-types.js';
import { RunManager } from './runs.js';
import { missionTimeline } from './timeline.js';
import { keyInventory } from './key-inventory.js';
import type { WeatherTable } from '../plan/types.js';

// The lists come from their one source each (quantum/eve.ts, reconcile/registry.ts, security/types.ts).
export const EVES: readonly string[] = EAVESDROPPERS;
export const RECONCILIATIONS: readonly string[] = RECONCILERS;

const MAX_WINDOW_DAYS = 31;

function isoParam(value: string | undefined, field: string): number {
  const t = value ? Date.parse(value) : NaN;
  if (!Number.isFinite(t)) throw new InputError(`"${value ?? ''}" is not an ISO-8601 time`, { field });
  return t;
}

/** The missions a dashboard serves: its own (`mozi serve --mission`) first, then the shipped ones; each with the stations added from the page. */
export class MissionRegistry {
  private readonly byName = new Map<string, { mission: Mission; arg: string }>();

  constructor(
    readonly main: Mission,
    mainArg: string,
    readonly userStations: UserStations = new UserStations(),
  ) {
    this.byName.set(main.name, { mission: main, arg: mainArg });
    for (const name of SHIPPED_MISSIONS) if (!this.byName.has(name)) this.byName.set(name, { mission: loadMission(name), arg: name });
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** A mission by name (default: the dashboard's own) with its user stations; InputError names the known ones. */
  get(name: string | undefined): { mission: Mission; arg: string; userStations: MissionStation[] } {
    const e = this.byName.get(name ?? this.main.name);
    if (!e) throw new InputError(`unknown mission "${name}"; known: ${this.names().join(', ')}`, { field: 'mission' });
    return { mission: this.userStations.apply(e.mission), arg: e.arg, userStations: this.userStations.of(e.mission.name) };
  }

  /** The mission as loaded, without user stations (new stations are checked against it). */
  base(name: string | undefined): Mission {
    return this.get(name) && this.byName.get(name ?? this.main.name)!.mission;
  }
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof InputError) return reply.code(400).send({ message: err.message } satisfies ApiError);
  return reply.code(500).send({ message: err instanceof Error ? err.message : String(err) } satisfies ApiError);
}

/** POST /api/runs: any listed pass (`station` + `pass` spec or AOS), or a named pass (`preset`) of a mission. */
const runBody = z
  .object({
    mission: z.string().min(1).optional(),
    station: z.string().min(1).optional(),
    pass: z.string().min(1).optional(),
    preset: z.string().min(1).optional(),
    eve: z.enum(EVES as [string, ...string[]]).default('none'),
    reconciliation: z.enum(RECONCILIATIONS as [string, ...string[]]).optional(),
    bound: z.enum(BOUNDS as unknown as [string, ...string[]]).optional(),
    seed: z.number().int().nonnegative().optional(),
    windowS: z.number().min(1).max(900).optional(),
  })
  .strict()
  .refine((b) => b.preset !== undefined || (b.station !== undefined && b.pass !== undefined), { message: 'give station and pass (or preset)', path: ['station'] });

export function registerDashboardApi(app: FastifyInstance, opts: { dataDir: string; runs: RunManager; missions: MissionRegistry; plan?: PlanResponse; weather?: WeatherTable }): void {
  const { dataDir, runs, missions } = opts;

  app.get('/api/plan', async (_req, reply) => {
    if (!opts.plan) return reply.code(404).send({ message: 'no plan: start the dashboard with mozi serve --plan plan.json' } satisfies ApiError);
    return opts.plan;
  });

  app.get('/api/meta', async (req, reply) => {
    try {
      const q = req.query as Record<string, string | undefined>;
      const { mission } = missions.get(q.mission);
      return {
        mission: { name: mission.name, description: mission.description ?? null, satellite: mission.satellite.name, noradId: mission.satellite.noradId ?? null },
        missions: missions.names(),
        presets: mission.replays.map((r) => {
          const st = missionStation(mission, r.station);
          return { id: r.id, label: `${mission.satellite.name} · ${st.name} · ${r.pass}${r.published ? ` (${r.published.source.split(',')[0]})` : ''}`, station: r.station, pass: r.pass };
        }),
        stations: mission.stations.map((s) => ({
          id: s.id,
          name: s.name,
          latitudeDeg: s.latitudeDeg,
          longitudeDeg: s.longitudeDeg,
          altitudeM: s.altitudeM,
          apertureM: s.receiver.apertureM,
          cityLight: s.receiver.cityLight?.name ?? null,
          user: missions.get(q.mission).userStations.includes(s),
        })),
        eves: EVES,
        reconciliations: RECONCILIATIONS,
        bounds: BOUNDS,
        defaults: { reconciliation: mission.postprocessing.reconciliation, bound: mission.postprocessing.bound },
        minElevationDeg: mission.constraints.minElevationDeg ?? 10,
        hasPlan: opts.plan !== undefined,
        weather: opts.weather?.source ?? null,
      } satisfies MetaResponse;
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get('/api/passes', async (req, reply) => {
    try {
      const q = req.query as Record<string, string | undefined>;
      const { mission } = missions.get(q.mission);
      const station = missionStation(mission, q.station ?? mission.stations[0].id, { field: 'station' });
      const fromMs = isoParam(q.from, 'from');
      const toMs = isoParam(q.to, 'to');
      if (!(toMs > fromMs)) throw new InputError('the window ends before it starts', { field: 'to' });
      if (toMs - fromMs > MAX_WINDOW_DAYS * 86_400_000) throw new InputError(`at most ${MAX_WINDOW_DAYS} days per request`, { field: 'to' });
      const nightOnly = q.nightOnly === '1' || q.nightOnly === 'true';
      const { passes, warnings } = missionPasses(mission, [station], fromMs, toMs, { ...mission.constraints, nightOnly });
      return {
        mission: mission.name,
        warnings,
        // the predicted key is predictPassKey's, as `mozi keyrate --predict` prints it (Chernoff)
        passes: passes.map((p) => ({
          ...passSummary(p),
          predictedKeyBits: p.night ? predictPassKey(mission, station, p, { bound: 'chernoff' }).keyBits : 0,
        })),
      } satisfies PassesResponse;
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get('/api/timeline', async (req, reply) => {
    try {
      const q = req.query as Record<string, string | undefined>;
      const { mission } = missions.get(q.mission);
      return missionTimeline(mission, isoParam(q.from, 'from'), isoParam(q.to, 'to'), opts.weather) satisfies TimelineResponse;
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get('/api/pass', async (req, reply) => {
    try {
      const q = req.query as Record<string, string | undefined>;
      const { mission } = missions.get(q.mission);
      const station = missionStation(mission, q.station ?? mission.stations[0].id, { field: 'station' });
      const spec = q.pass ?? mission.replays.find((r) => r.station === station.id)?.pass;
      if (spec === undefined) throw new InputError('missing pass (a UTC date or an ISO time near AOS)', { field: 'pass' });
      const { pass, elements, warnings } = resolveMissionPass(mission, station, spec);
      const geometry = passGeometry(elements, station, pass.aosMs, pass.losMs, 2, mission.constraints);
      const budget = linkBudget(geometry, mission.transmitter, station.receiver);
      const pad = 4 * 60_000;
      const wide = passGeometry(elements, station, pass.aosMs - pad, pass.losMs + pad, 10, mission.constraints);
      return {
        mission: mission.name,
        pass: spec,
        warnings,
        summary: geometry.summary,
        station: { id: station.id, name: station.name, latitudeDeg: station.latitudeDeg, longitudeDeg: station.longitudeDeg },
        samples: geometry.samples.map((g, i) => ({ ...g, ...budget.samples[i], t: (g.timeMs - pass.aosMs) / 1000 })),
        track: wide.samples.map((s) => ({
          latitudeDeg: s.satLatitudeDeg,
          longitudeDeg: s.satLongitudeDeg,
          inPass: s.timeMs >= pass.aosMs && s.timeMs <= pass.losMs,
        })),
      } satisfies PassDetail;
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.post('/api/runs', async (req, reply) => {
    const parsed = runBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({ message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } satisfies ApiError);
    }
    const b = parsed.data;
    try {
      const { mission, arg, userStations } = missions.get(b.mission);
      // check the pass now (400 for a bad station or pass), the worker replays it
      if (b.preset !== undefined) {
        if (!mission.replays.some((r) => r.id === b.preset)) throw new InputError(`no replay "${b.preset}" in mission ${mission.name}; known: ${mission.replays.map((r) => r.id).join(', ')}`, { field: 'preset' });
      } else resolveMissionPass(mission, missionStation(mission, b.station!, { field: 'station' }), b.pass!);
      // a station added from the page travels with the run (the replay process loads the mission anew)
      const station = b.station !== undefined ? missionStation(mission, b.station, { field: 'station' }) : undefined;
      const extra = userStations.filter((s) => s.id === station?.id);
      const run = runs.start({ ...b, mission: arg, missionName: mission.name, ...(extra.length ? { userStations: extra } : {}) });
      return reply.code(201).send({ id: run.id } satisfies StartRunResponse);
    } catch (e) {
      return sendError(reply, e);
    }
  });
  app.post('/api/stations', async (req, reply) => {
    const parsed = stationBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({ message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } satisfies ApiError);
    }
    try {
      const q = req.query as Record<string, string | undefined>;
      const st = missions.userStations.add(missions.base(q.mission), parsed.data);
      return reply.code(201).send({ id: st.id, name: st.name, latitudeDeg: st.latitudeDeg, longitudeDeg: st.longitudeDeg, altitudeM: st.altitudeM, apertureM: st.receiver.apertureM, cityLight: st.receiver.cityLight?.name ?? null, user: true } satisfies MetaStation);
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get('/api/runs', async () => ({ runs: runs.list() }));
  app.get('/api/runs/:id', async (req, reply) => {
    const run = runs.get((req.params as { id: string }).id);
    if (!run) return reply.code(404).send({ message: 'no such run' } satisfies ApiError);
    return runs.info(run);
  });

  app.get('/api/runs/:id/events', (req, reply) => {
    const { id } = req.params as { id: string };
    if (!runs.get(id)) return reply.code(404).send({ message: `no run ${id}` });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const unsubscribe = runs.subscribe(id, (ev) => {
      res.write(`event: ${ev.type}\ndata: ${JSON.stringify(ev.data)}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });

  app.get('/api/runs/:id/results', async (req, reply) => {
    const run = runs.get((req.params as { id: string }).id);
    if (!run?.results) return reply.code(404).send({ message: 'no results (yet)' } satisfies ApiError);
    return run.results;
  });

  app.get('/api/runs/:id/report', async (req, reply) => {
    const run = runs.get((req.params as { id: string }).id);
    const file = run && join(run.outDir, 'report.json');
    if (!file || !existsSync(file)) return reply.code(404).send({ message: 'no report (yet)' });
    return reply.header('content-type', 'application/json').send(readFileSync(file));
  });

  app.get('/api/runs/:id/report.html', async (req, reply) => {
    const run = runs.get((req.params as { id: string }).id);
    const file = run && join(run.outDir, 'report.html');
    if (!file || !existsSync(file)) return reply.code(404).send({ message: 'no report (yet)' });
    return reply.header('content-type', 'text/html; charset=utf-8').send(readFileSync(file));
  });

  app.get('/api/keys', async (_req, reply) => {
    try {
      return keyInventory(dataDir, new Set(missions.names().flatMap((n) => missions.get(n).mission.stations.map((s) => s.id))));
    } catch (e) {
      return sendError(reply, e);
    }
  });
}
