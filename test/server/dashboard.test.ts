/** Dashboard API (fastify inject): passes, one pass, input errors, key inventory. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildDashboard } from '../../src/server/app.js';
import { overallProgress, toSeries } from '../../src/server/run-events.js';
import { KeyStore } from '../../src/kms/keystore.js';

let app: FastifyInstance;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mozi-dash-'));
  app = await buildDashboard({ dataDir });
});

afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard API', () => {
  it('lists the reference pass (19 Dec 2016, Xinglong) with ~48° max elevation and a predicted key', async () => {
    const res = await app.inject({ url: '/api/passes?station=xinglong&from=2016-12-19T00:00:00Z&to=2016-12-20T00:00:00Z&nightOnly=1' });
    expect(res.statusCode).toBe(200);
    const { passes } = res.json() as { passes: { tca: string; maxElevationDeg: number; minRangeKm: number; night: boolean; predictedKeyBits: number }[] };
    const ref = passes.find((p) => p.tca.startsWith('2016-12-19T16:52'));
    expect(ref).toBeDefined();
    expect(ref!.maxElevationDeg).toBeCloseTo(47.8, 0);
    expect(ref!.minRangeKm).toBeGreaterThan(630);
    expect(ref!.minRangeKm).toBeLessThan(660);
    expect(ref!.night).toBe(true);
    // the paper distilled 300,939 bits; the analytic prediction over the full ≥10° pass is of that order
    expect(ref!.predictedKeyBits).toBeGreaterThan(1e5);
    expect(ref!.predictedKeyBits).toBeLessThan(2e6);
  });

  it('gives one pass with per-slot geometry, link terms and a ground track', async () => {
    const res = await app.inject({ url: '/api/pass?station=xinglong&pass=2016-12-19' });
    expect(res.statusCode).toBe(200);
    const d = res.json() as { samples: { t: number; rangeKm: number; lossTotalDb: number; etaTotal: number }[]; track: { inPass: boolean }[] };
    expect(d.samples.length).toBeGreaterThan(100);
    const closest = d.samples.reduce((a, b) => (b.rangeKm < a.rangeKm ? b : a));
    // link model calibrated to ~32 dB at 645 km (issue 3)
    expect(closest.lossTotalDb).toBeGreaterThan(30.5);
    expect(closest.lossTotalDb).toBeLessThan(34);
    expect(d.track.some((p) => p.inPass)).toBe(true);
    expect(d.track.some((p) => !p.inPass)).toBe(true);
  });

  it('rejects bad input with 400 and a message naming the field', async () => {
    const bad = await app.inject({ url: '/api/passes?station=atlantis&from=2016-12-19T00:00:00Z&to=2016-12-20T00:00:00Z' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { message: string }).message).toMatch(/xinglong/);
    const rev = await app.inject({ url: '/api/passes?station=xinglong&from=2016-12-20T00:00:00Z&to=2016-12-19T00:00:00Z' });
    expect(rev.statusCode).toBe(400);
    const run = await app.inject({ method: 'POST', url: '/api/runs', payload: { station: 'xinglong', pass: '2016-12-19', eve: 'teleport' } });
    expect(run.statusCode).toBe(400);
    expect((run.json() as { message: string }).message).toMatch(/eve/);
    const noPass = await app.inject({ method: 'POST', url: '/api/runs', payload: { station: 'xinglong', pass: '2016-12-19T03:00:00Z' } });
    expect(noPass.statusCode).toBe(400);
    expect((noPass.json() as { message: string }).message).toMatch(/pass: no pass of MICIUS over Xinglong with AOS within 30 min/);
    const badStation = await app.inject({ method: 'POST', url: '/api/runs', payload: { station: 'stellenbosch', pass: '2016-12-19' } });
    expect(badStation.statusCode).toBe(400);
    expect((badStation.json() as { message: string }).message).toMatch(/unknown station "stellenbosch"; known stations: xinglong, .* \(mission micius\)/);
    const noDecoy = await app.inject({ method: 'POST', url: '/api/runs', payload: { station: 'xinglong', pass: '2016-12-19', bound: 'no-decoy', mission: 'atlantis' } });
    expect(noDecoy.statusCode).toBe(400);
    expect((noDecoy.json() as { message: string }).message).toMatch(/unknown mission "atlantis"; known: micius, jinan-1/);
    const none = await app.inject({ url: '/api/runs/nope/events' });
    expect(none.statusCode).toBe(404);
  });

  it('reports the key inventory of the sites\' stores', async () => {
    const empty = await app.inject({ url: '/api/keys' });
    expect(empty.json()).toEqual({ sites: [], links: [], relays: [] });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    const store = KeyStore.open(join(dataDir, 'keys', 'xinglong.sqlite'), { site: 'xinglong', keySizeBits: 256 });
    store.addBlock({ passId: 'p1', blockId: 0, peerSite: 'micius', epsSec: 1e-9, epsCor: 1e-15, key: new Uint8Array(32 * 10) });
    store.close();
    const res = await app.inject({ url: '/api/keys' });
    const inv = res.json() as { sites: { site: string; blocks: number; storedKeys: number; storedBits: number }[] };
    expect(inv.sites).toHaveLength(1);
    // the first 256 bits of each block are the secret key-ID key (src/kms/keystore.ts), not delivered
    expect(inv.sites[0]).toMatchObject({ site: 'xinglong', blocks: 1, storedKeys: 9, storedBits: 2304 });
  });
});

describe('missions on the dashboard', () => {
  it('meta lists the mission, its stations (with their receivers) and named passes; bounds include no-decoy', async () => {
    const meta = (await app.inject({ url: '/api/meta' })).json() as {
      mission: { name: string; satellite: string };
      missions: string[];
      stations: { id: string; cityLight: string | null }[];
      presets: { id: string; station: string }[];
      bounds: string[];
    };
    expect(meta.mission).toMatchObject({ name: 'micius', satellite: 'MICIUS' });
    expect(meta.missions).toEqual(['micius', 'jinan-1']);
    expect(meta.stations.map((s) => s.id)).toEqual(['xinglong', 'nanshan', 'delingha', 'lijiang', 'ngari', 'graz']);
    expect(meta.stations.filter((s) => s.cityLight).map((s) => s.id)).toEqual(['xinglong']);
    expect(meta.presets.map((p) => p.id)).toEqual(['micius-2016-12-19', 'micius-graz-2016-12-19']);
    expect(meta.bounds).toEqual(['hoeffding', 'chernoff', 'asymptotic', 'no-decoy']);
    const jinan = (await app.inject({ url: '/api/meta?mission=jinan-1' })).json() as { stations: { id: string }[] };
    expect(jinan.stations.map((s) => s.id)).toContain('stellenbosch');
  });

  it('lists passes of another mission\'s station; the predicted key is predictPassKey\'s (as keyrate --predict)', async () => {
    const res = await app.inject({ url: '/api/passes?mission=jinan-1&station=stellenbosch&from=2023-10-03T00:00:00Z&to=2023-10-04T00:00:00Z&nightOnly=1' });
    expect(res.statusCode).toBe(200);
    const { passes } = res.json() as { passes: { aos: string; station: string; predictedKeyBits: number }[] };
    expect(passes.length).toBeGreaterThan(0);
    expect(passes.every((p) => p.station === 'stellenbosch')).toBe(true);
    const { loadMission, missionPasses, missionStation, predictPassKey } = await import('../../src/mission/index.js');
    const m = loadMission('jinan-1');
    const st = missionStation(m, 'stellenbosch');
    const ours = missionPasses(m, [st], Date.parse('2023-10-03T00:00:00Z'), Date.parse('2023-10-04T00:00:00Z')).passes;
    expect(passes.map((p) => p.predictedKeyBits)).toEqual(ours.map((p) => predictPassKey(m, st, p, { bound: 'chernoff' }).keyBits));
  });
});

describe('any listed pass can be replayed (POST /api/runs { station, pass })', () => {
  it('replays a Graz pass given by its AOS (10 s window): the report is that pass, keys in both sites\' stores', async () => {
    const list = (await app.inject({ url: '/api/passes?station=graz&from=2016-12-19T00:00:00Z&to=2016-12-20T00:00:00Z&nightOnly=1' })).json() as { passes: { aos: string; tca: string }[] };
    const target = list.passes.find((p) => p.tca.startsWith('2016-12-19T23:0'))!;
    const res = await app.inject({ method: 'POST', url: '/api/runs', payload: { station: 'graz', pass: target.aos, windowS: 10, seed: 3 } });
    expect(res.statusCode).toBe(201);
    const { id } = res.json() as { id: string };
    let status = 'running';
    for (let i = 0; i < 600 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = ((await app.inject({ url: '/api/runs' })).json() as { runs: { id: string; status: string }[] }).runs.find((r) => r.id === id)!.status;
    }
    expect(status).toBe('done');
    const report = (await app.inject({ url: `/api/runs/${id}/report` })).json() as { pass: { stationId: string; tcaUtc: string }; keysMatch: boolean; finalKeyBits: number; settings: { preset: string } };
    expect(report.pass.stationId).toBe('graz');
    expect(Math.abs(Date.parse(report.pass.tcaUtc) - Date.parse(target.tca))).toBeLessThan(50);
    expect(report.settings.preset).toBe(`graz/${target.aos}`);
    expect(report.keysMatch).toBe(true);
    const keys = (await app.inject({ url: '/api/keys' })).json() as { sites: { site: string }[] };
    expect(keys.sites.map((s) => s.site)).toEqual(expect.arrayContaining(['graz', 'micius']));
    // the results panel's data: the HTML report's rows and curves for this run
    const full = (await app.inject({ url: `/api/runs/${id}/report` })).json() as { siftedSignalBits: number; limits: { plobBits: number; idealDecoyBits: number } };
    const results = (await app.inject({ url: `/api/runs/${id}/results` })).json() as {
      paperSource: string | null;
      comparison: { quantity: string; model: string; paper: string }[];
      limits: { what: string; bits: number }[];
      keyVsLimits: { t: number[]; finiteKeyBits: number[]; plobBits: number[]; idealDecoyBits: number[] };
    };
    expect(results.paperSource).toBeNull();
    expect(results.comparison.find((c) => c.quantity === 'sifted bits, signal μ only')!.model).toBe(full.siftedSignalBits.toLocaleString('en-US'));
    expect(results.comparison.every((c) => c.paper === '')).toBe(true);
    expect(results.limits.map((l) => l.bits)).toEqual([report.finalKeyBits, full.limits.idealDecoyBits, full.limits.plobBits]);
    const kl = results.keyVsLimits;
    expect(kl.t).toHaveLength(10);
    for (let i = 0; i < kl.t.length; i++) {
      expect(kl.idealDecoyBits[i]).toBeLessThanOrEqual(kl.plobBits[i]);
      if (i > 0) expect(kl.plobBits[i]).toBeGreaterThan(kl.plobBits[i - 1]);
    }
    // the PLOB curve sums per-second terms whose window total is the report's PLOB figure
    expect(kl.plobBits.at(-1)! / full.limits.plobBits).toBeGreaterThan(0.8);
    expect(kl.plobBits.at(-1)! / full.limits.plobBits).toBeLessThan(1.25);

    // the same pass again with other settings (issue 21: it failed "already stored with different
    // length"): another key block in the same stores, both runs' keys kept; the same settings again
    // re-add the same block (same seed, same key)
    const runTo = async (payload: Record<string, unknown>): Promise<string> => {
      const { id: rid } = (await app.inject({ method: 'POST', url: '/api/runs', payload })).json() as { id: string };
      let st = 'running';
      for (let i = 0; i < 600 && st === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        st = ((await app.inject({ url: '/api/runs' })).json() as { runs: { id: string; status: string }[] }).runs.find((r) => r.id === rid)!.status;
      }
      return st;
    };
    const blocks = () => {
      const s = KeyStore.open(join(dataDir, 'keys', 'graz.sqlite'), { site: 'graz' });
      try {
        return s.blocks().map((b) => b.passId).sort();
      } finally {
        s.close();
      }
    };
    const first = blocks();
    expect(first).toHaveLength(1);
    expect(await runTo({ station: 'graz', pass: target.aos, windowS: 10, seed: 3, bound: 'chernoff' })).toBe('done');
    const second = blocks();
    expect(second).toHaveLength(2);
    expect(second).toEqual(expect.arrayContaining(first));
    expect(second.every((p) => p.startsWith(first[0].split('~')[0] + '~'))).toBe(true);
    expect(await runTo({ station: 'graz', pass: target.aos, windowS: 10, seed: 3, bound: 'chernoff' })).toBe('done');
    expect(blocks()).toEqual(second);
  }, 360_000);
});

describe('replay worker helpers', () => {
  it('accumulates sifted bits and maps stage progress to overall progress', () => {
    const s = toSeries([
      { t: 0, elevationDeg: 20, rangeKm: 1200, lossDb: 43, detections: 1000, siftedBits: 470, errors: 5, qber: 5 / 470, keyBitsIfEndedHere: 0 },
      { t: 1, elevationDeg: 21, rangeKm: 1190, lossDb: 42.9, detections: 1100, siftedBits: 520, errors: 0, qber: NaN, keyBitsIfEndedHere: 0 },
    ]);
    expect(s.keyBits).toEqual([470, 990]);
    expect(s.qber).toEqual([5 / 470, null]);
    expect(overallProgress('orbit', 0)).toBe(0);
    expect(overallProgress('analysis', 1)).toBe(1);
    expect(overallProgress('simulation', 0.5)).toBeCloseTo(2.5 / 6, 10);
  });
});
