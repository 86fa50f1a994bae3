/**
 * The whole week's campaign at full passes (AOS → LOS, every scheduled pass of Micius over
 * Xinglong and Nanshan, 16–23 Dec 2016) on two `mozi worker` processes: both ends of each link
 * hold identical keys, one block per keyed pass. Twenty full passes take tens of minutes on a
 * loaded 2-core machine, beyond the default run's budget, so it runs only with
 * MOZI_CAMPAIGN_WEEK=1 (the default run has the short-window variant, test/jobs/campaign-redis.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestKeys } from '../../src/cli/commands/keys.js';
import { runCliAsync, spawnCli } from '../support/cli.js';
import { hasRedis, startRedis, type TestRedis } from '../support/redis.js';
import { CAMPAIGN_MISSION, planWeek, storeBlocks, storeKeys } from '../jobs/campaign-support.js';

describe.skipIf(!hasRedis || process.env.MOZI_CAMPAIGN_WEEK !== '1')('campaign replay of a week of Micius passes at full length', () => {
  let redis: TestRedis;
  let dir = '';
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'mozi-campaign-week-'));
    workers.push(spawnCli(['worker', '--redis', redis.url]), spawnCli(['worker', '--redis', redis.url]));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => new Promise<void>((r) => (w.exitCode !== null ? r() : (w.once('exit', () => r()), process.kill(w.pid!, 'SIGTERM'))))));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fills both stores of both links with identical keys', async () => {
    const { planFile, scheduled } = planWeek(dir);
    const out = join(dir, 'campaign');
    const r = await runCliAsync(['campaign', 'replay', '--mission', CAMPAIGN_MISSION, '--plan', planFile, '--redis', redis.url, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'campaign.json'), 'utf8')) as { passes: { station: string; passId: string; finalKeyBits: number }[] };
    expect(doc.passes.length).toBe(scheduled.length);
    for (const st of ['xinglong', 'nanshan']) {
      const atStation = storeKeys(join(out, 'stores', `${st}.sqlite`), 'micius');
      expect(atStation.length).toBeGreaterThan(0);
      expect(atStation).toEqual(storeKeys(join(out, 'stores', 'micius.sqlite'), st));
      const here = digestKeys(join(out, 'stores', `${st}.sqlite`), 'micius');
      expect(here).toEqual({ ...digestKeys(join(out, 'stores', 'micius.sqlite'), st), site: st, peer: 'micius' });
      console.log(`campaign week: ${st}–micius ${here.count} keys at both ends, sha256 ${here.digest}`);
      expect(storeBlocks(join(out, 'stores', `${st}.sqlite`)).length).toBe(doc.passes.filter((p) => p.station === st && p.finalKeyBits > 0).length);
    }
  }, 3_600_000);
});
