/**
 * The dashboard's JSON API: passes with predicted key, one pass's geometry and link budget with
 * its ground track, replay runs (started in child processes, streamed as server-sent events), and
 * the key inventory of the sites' key stores.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { linkBudget } from '../link/index.js';
import { KeyStore } from '../kms/keystore.js';
import { getStation, MICIUS, MICIUS_MISSION, receiverForStation, STATIONS } from '../mission/index.js';
import { PRESETS } from '../mission/replay.js';
import { predictParamsFromHardware } from '../mission/predict.js';
import { findPasses, passGeometry, passSummary, resolvePass, type Pass } from '../orbit/index.js';
import { RECONCILERS } from '../postprocess/reconcile/registry.js';
import { EAVESDROPPERS } from '../quantum/eve.js';
import { BOUNDS as SECURITY_BOUNDS, finiteKey, predictCounts, toFiniteKeyInput } from '../security/index.js';
import { RunManager } from './runs.js';

/** The replay presets offered on the page (src/mission/replay.ts PRESETS). */
export const DASHBOARD_PRESETS = Object.values(PRESETS).map((p) => {
  const station = getStation(p.station);
  return {
    id: p.name,
    label: `Micius · ${station.name} · ${p.pass}${p.paper ? ' (Liao et al. 2017)' : ''}`,
    station: p.station,
    pass: p.pass,
  };
});
// The lists come from their one source each (quantum/eve.ts, reconcile/registry.ts, security/types.ts).
export const EVES: readonly string[] = EAVESDROPPERS;
export const RECONCILIATIONS: readonly string[] = RECONCILERS;
export const BOUNDS: readonly string[] = SECURITY_BOUNDS;

const MAX_WINDOW_DAYS = 31;

function isoParam(value: string | undefined, field: string): number {
  const t = value ? Date.parse(value) : NaN;
  if (!Number.isFinite(t)) throw new InputError(`"${value ?? ''}" is not an ISO-8601 time`, { field });
  return t;
}

/** Predicted final key of a pass: link model → expected counts → Chernoff bound, symmetric BB84. */
export function predictedKeyBits(pass: Pass, stepS = 5): number {
  const station = getStation(pass.station);
  const { constraints } = MICIUS_MISSION;
  const hardware = { transmitter: MICIUS_MISSION.hardware.transmitter, receiver: receiverForStation(station.id) };
  const geometry = passGeometry(MICIUS, station, pass.aosMs, pass.losMs, stepS, constraints);
  const budget = linkBudget(geometry, hardware.transmitter, hardware.receiver);
  const samples = budget.samples.map((s) => ({ etaTotal: s.etaTotal, backgroundHz: s.backgroundHz, timeMs: s.timeMs, durationS: stepS }));
  const pred = predictCounts(samples, { ...predictParamsFromHardware(hardware.transmitter, hardware.receiver), stepS });
  return finiteKey(toFiniteKeyInput(pred, { bound: 'chernoff', protocol: 'symmetric' })).keyLengthBits;
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof InputError) return reply.code(400).send({ message: err.message });
  return reply.code(500).send({ message: err instanceof Error ? err.message : String(err) });
}

/** Key inventory of every `<dataDir>/keys/<site>.sqlite` store. */
export function keyInventory(dataDir: string) {
  const dir = join(dataDir, 'keys');
  const sites: { site: string; peers: string[]; blocks: number; storedKeys: number; storedBits: number; deliveredKeys: number }[] = [];
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sqlite')).sort()) {
      const site = basename(f, '.sqlite');
      const store = KeyStore.open(join(dir, f), { site });
      try {
        const peers = store.peers();
        let storedKeys = 0;
        let keySize = 0;
        for (const p of peers) {
          const st = store.status(p);
          storedKeys += st.storedKeyCount + st.redeemableKeyCount;
          keySize = st.keySizeBits;
        }
        const delivered = store.listKeys().filter((k) => k.state === 'consumed').length;
        sites.push({ site, peers, blocks: store.blocks().length, storedKeys, storedBits: storedKeys * keySize, deliveredKeys: delivered });
      } finally {
        store.close();
      }
    }
  }
  const relayFile = join(dataDir, 'relays.json');
  const relays = existsSync(relayFile) ? (JSON.parse(readFileSync(relayFile, 'utf8')) as unknown[]) : [];
  return { sites, relays };
}

const runBody = z.object({
  preset: z.enum(DASHBOARD_PRESETS.map((p) => p.id) as [string, ...string[]]),
  eve: z.enum(EVES as [string, ...string[]]).default('none'),
  reconciliation: z.enum(RECONCILIATIONS as [string, ...string[]]).default('hamming'),
  bound: z.enum(BOUNDS as [string, ...string[]]).default('hoeffding'),
  seed: z.number().int().nonnegative().optional(),
});

export function registerDashboardApi(app: FastifyInstance, opts: { dataDir: string; runs: RunManager }): void {
  const { dataDir, runs } = opts;

  app.get('/api/meta', async () => ({
    presets: DASHBOARD_PRESETS,
    stations: Object.values(STATIONS).map((s) => ({ id: s.id, name: s.name, latitudeDeg: s.latitudeDeg, longitudeDeg: s.longitudeDeg })),
    eves: EVES,
    reconciliations: RECONCILIATIONS,
    bounds: BOUNDS,
  }));

  app.get('/api/passes', async (req, reply) => {
    try {
      const q = req.query as Record<string, string | undefined>;
      const station = getStation(q.station ?? 'xinglong', { field: 'station' });
      const fromMs = isoParam(q.from, 'from');
      const toMs = isoParam(q.to, 'to');
      if (!(toMs > fromMs)) throw new InputError('the window ends before it starts', { field: 'to' });
      if (toMs - fromMs > MAX_WINDOW_DAYS * 86_400_000) throw new InputError(`at most ${MAX_WINDOW_DAYS} days per request`, { field: 'to' });
      const nightOnly = q.nightOnly === '1' || q.nightOnly === 'true';
      const passes = findPasses({ ...MICIUS_MISSION.constraints, nightOnly, elements: MICIUS, stations: [station], fromMs, toMs });
      return {
        passes: passes.map((p) => ({
          ...passSummary(p),
          predictedKeyBits: p.night ? predictedKeyBits(p) : 0,
        })),
      };
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get('/api/pass', async (req, reply) => {
    try {
      const q = req.query as Record<string, string | undefined>;
      const station = getStation(q.station ?? 'xinglong', { field: 'station' });
      const pass = resolvePass(MICIUS, station, q.pass ?? '2016-12-19', MICIUS_MISSION.constraints);
      const geometry = passGeometry(MICIUS, station, pass.aosMs, pass.losMs, 2, MICIUS_MISSION.constraints);
      const budget = linkBudget(geometry, MICIUS_MISSION.hardware.transmitter, receiverForStation(station.id));
      const pad = 4 * 60_000;
      const wide = passGeometry(MICIUS, station, pass.aosMs - pad, pass.losMs + pad, 10, MICIUS_MISSION.constraints);
      return {
        summary: geometry.summary,
        station: { id: station.id, name: station.name, latitudeDeg: station.latitudeDeg, longitudeDeg: station.longitudeDeg },
        samples: geometry.samples.map((g, i) => ({ ...g, ...budget.samples[i], t: (g.timeMs - pass.aosMs) / 1000 })),
        track: wide.samples.map((s) => ({
          latitudeDeg: s.satLatitudeDeg,
          longitudeDeg: s.satLongitudeDeg,
          inPass: s.timeMs >= pass.aosMs && s.timeMs <= pass.losMs,
        })),
      };
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.post('/api/runs', async (req, reply) => {
    const parsed = runBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({ message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    }
    const run = runs.start(parsed.data);
    return reply.code(201).send({ id: run.id });
  });

  app.get('/api/runs', async () => ({ runs: runs.list() }));

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
      return keyInventory(dataDir);
    } catch (e) {
      return sendError(reply, e);
    }
  });
}
