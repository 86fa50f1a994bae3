/**
 * A `mozi worker` killed with SIGKILL between the store writes of a replayed pass, with real
 * processes. The replay stores its block by the commit protocol: station's store PENDING,
 * satellite's PENDING, station's CONFIRMED, satellite's CONFIRMED. The victim worker runs with
 * MOZI_WORKER_HOLD=<point> (src/jobs/hold.ts), which stops it right after that write; the test
 * checks the stores are half-written as expected, kills it by PID, and starts a second worker,
 * which takes the stalled job over. Afterwards the pass must be stored exactly once and on both
 * ends: one confirmed block in each store, no pending key, identical keys — rolled back and
 * replayed when only the station held it, completed (not replayed) when both held it. The keys
 * are the same in all three cases (same pass, same seed: the replay is deterministic), so a
 * rolled-back pass replays to what a completed one holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HOLD_POINTS, type HoldPoint } from '../../src/jobs/hold.js';
import { ID_KEY_BITS } from '../../src/kms/block-slicing.js';
import { STATE_PENDING } from '../../src/kms/store-schema.js';
import { runCliAsync, spawnCli } from '../support/cli.js';
import { hasRedis, startRedis, type TestRedis } from '../support/redis.js';
import { CAMPAIGN_MISSION, planWeek, storeKeys, type StoredKeyRow } from './campaign-support.js';
import { stopChild, waitForStderr } from '../support/child-process.js';

const LOCK_MS = '1500';

/** The blocks of a store and whether each is pending; [] when the file does not exist yet. */
function blockStates(file: string): { passId: string; pending: number }[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT pass_id AS passId, pending FROM blocks ORDER BY pass_id').all() as { passId: string; pending: number }[];
  } finally {
    db.close();
  }
}

function pendingKeys(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM keys WHERE state = ${STATE_PENDING}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** What each store holds at the hold point: [station's block pending?, satellite's] (undefined: no block). */
const EXPECTED_AT: Record<HoldPoint, [number, number | undefined]> = {
  'ground-pending': [1, undefined],
  'satellite-pending': [1, 1],
  'ground-confirmed': [0, 1],
};

interface PassDoc {
  station: string;
  passId: string;
  detections: number;
  finalKeyBits: number;
  replayed: boolean;
  completedBlocks: number;
  rolledBackBlocks: number;
}

describe.skipIf(!hasRedis)('a worker killed with SIGKILL between the two stores of a replayed pass', () => {
  let redis: TestRedis;
  let dir = '';
  let planFile = '';
  let station = '';
  const keysOf: Partial<Record<HoldPoint, StoredKeyRow[]>> = {};
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'mozi-replay-crash-'));
    const week = planWeek(dir);
    planFile = week.planFile;
    station = week.scheduled[0].station;
  }, 300_000);
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const point of HOLD_POINTS) {
    it(`killed at ${point}: the pass ends stored once, on both ends`, async () => {
      const out = join(dir, point);
      const stores = { ground: join(out, 'stores', `${station}.sqlite`), satellite: join(out, 'stores', 'micius.sqlite') };
      const victim = spawnCli(['worker', '--redis', redis.url, '--lock-ms', LOCK_MS, '--verbose'], { env: { MOZI_WORKER_HOLD: point } });
      const reached = waitForStderr(victim, new RegExp(`holding at ${point} of pass \\S+`));
      const client = runCliAsync(['campaign', 'replay', '--mission', CAMPAIGN_MISSION, '--plan', planFile, '--redis', redis.url, '--out', out, '--window-s', '60', '--limit', '1', '--seed', '7'], { timeoutMs: 280_000 });
      let survivor: ChildProcess | undefined;
      try {
        await reached;
        // half-written exactly as the point says
        const [gPending, sPending] = EXPECTED_AT[point];
        const g = blockStates(stores.ground);
        const s = blockStates(stores.satellite);
        expect(g.map((b) => b.pending)).toEqual([gPending]);
        expect(s.map((b) => b.pending)).toEqual(sPending === undefined ? [] : [sPending]);
        await stopChild(victim, 'SIGKILL');
        expect(victim.signalCode).toBe('SIGKILL');
        // a lock longer than the replay's longest synchronous stretch, else the survivor's own
        // attempt could be seen as stalled and run twice (harmless, but then not "replayed")
        survivor = spawnCli(['worker', '--redis', redis.url, '--lock-ms', '20000']);
        const r = await client;
        expect(r.status, r.stderr).toBe(0);
        const doc = JSON.parse(readFileSync(join(out, 'campaign.json'), 'utf8')) as { passes: PassDoc[] };
        expect(doc.passes.length).toBe(1);
        const p = doc.passes[0];
        expect(p.passId).toBe(g[0].passId);
        if (point === 'ground-pending') {
          // only the station held it: rolled back there, then replayed and stored by the survivor
          expect([p.replayed, p.rolledBackBlocks, p.completedBlocks]).toEqual([true, 1, 0]);
          expect(p.detections).toBeGreaterThan(0);
        } else {
          // both held it: completed where pending, not replayed again
          expect([p.replayed, p.rolledBackBlocks, p.completedBlocks]).toEqual([false, 0, 1]);
        }
        expect(p.finalKeyBits).toBeGreaterThan(0);
        // one confirmed block per store, no pending key, the same keys on both ends
        expect(blockStates(stores.ground)).toEqual([{ passId: p.passId, pending: 0 }]);
        expect(blockStates(stores.satellite)).toEqual([{ passId: p.passId, pending: 0 }]);
        expect([pendingKeys(stores.ground), pendingKeys(stores.satellite)]).toEqual([0, 0]);
        const atStation = storeKeys(stores.ground, 'micius');
        expect(atStation.length).toBe(Math.floor((p.finalKeyBits - ID_KEY_BITS) / 256));
        expect(storeKeys(stores.satellite, station)).toEqual(atStation);
        keysOf[point] = atStation;
      } finally {
        await stopChild(victim, 'SIGKILL');
        if (survivor) await stopChild(survivor);
      }
    }, 300_000);
  }

  it('the three cases hold the same keys (the replay is deterministic for a seed)', () => {
    const [a, b, c] = HOLD_POINTS.map((p) => keysOf[p]);
    expect(a && b && c, 'a case above failed').toBeTruthy();
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });
});
