/**
 * Campaign replay with real processes: a week of Micius passes over Xinglong and Nanshan planned
 * by `mozi plan`, its first scheduled passes (two per station, 60 s windows centred on TCA, to
 * keep the default run short; the whole week at full windows is test/slow/campaign-week.test.ts)
 * replayed at event level by two `mozi worker` processes on a private Redis. Both ends of each
 * link must hold identical keys; the summary's replayed key must equal what the stores hold; a
 * second submission of the same campaign stores nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestKeys } from '../../src/cli/commands/keys.js';
import { ID_KEY_BITS } from '../../src/kms/block-slicing.js';
import { runCliAsync, spawnCli } from '../support/cli.js';
import { hasRedis, startRedis, type TestRedis } from '../support/redis.js';
import { CAMPAIGN_MISSION, planWeek, storeBlocks, storeKeys } from './campaign-support.js';
import { stopChild } from '../support/child-process.js';

interface CampaignDoc {
  totals: { passes: number; finalKeyBits: number };
  passes: { station: string; passId: string; finalKeyBits: number; detections: number; qber: number; aborted: boolean; replayed: boolean; predictedKeyBits: number }[];
}

describe.skipIf(!hasRedis)('mozi campaign replay --redis', () => {
  let redis: TestRedis;
  let dir = '';
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'mozi-campaign-'));
    workers.push(spawnCli(['worker', '--redis', redis.url]), spawnCli(['worker', '--redis', redis.url]));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopChild(w)));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fills both ends of each link with identical keys, once', async () => {
    const { planFile, scheduled } = planWeek(dir);
    const stations = new Set(scheduled.map((p) => p.station));
    expect([...stations].sort()).toEqual(['nanshan', 'xinglong']);
    // the first two scheduled passes of each station
    const firstTwo = scheduled.filter((p, i) => scheduled.slice(0, i).filter((q) => q.station === p.station).length < 2);
    const limit = scheduled.indexOf(firstTwo[firstTwo.length - 1]) + 1;
    const out = join(dir, 'campaign');
    const args = ['campaign', 'replay', '--mission', CAMPAIGN_MISSION, '--plan', planFile, '--redis', redis.url, '--out', out, '--window-s', '60', '--limit', String(limit), '--seed', '7'];
    const r = await runCliAsync(args);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'campaign.json'), 'utf8')) as CampaignDoc;
    expect(doc.passes.length).toBe(limit);
    expect(doc.passes.every((p) => p.replayed && p.detections > 0 && p.qber > 0 && p.qber < 0.03 && p.aborted === (p.finalKeyBits === 0))).toBe(true);
    const stores = join(out, 'stores');
    for (const st of stations) {
      const atSatellite = storeKeys(join(stores, 'micius.sqlite'), st);
      const atStation = storeKeys(join(stores, `${st}.sqlite`), 'micius');
      expect(atStation.length).toBeGreaterThan(0);
      expect(atStation).toEqual(atSatellite);
      // what an operator compares (`mozi keys digest --peer`): the link's digest at its two ends
      const here = digestKeys(join(stores, `${st}.sqlite`), 'micius');
      expect(here).toEqual({ ...digestKeys(join(stores, 'micius.sqlite'), st), site: st, peer: 'micius' });
      expect(here.count).toBe(atStation.length);
      // the summary's key is what the stores hold: one block per keyed pass, its length
      const blocks = storeBlocks(join(stores, `${st}.sqlite`));
      const keyed = doc.passes.filter((p) => p.station === st && p.finalKeyBits > 0);
      expect(blocks.map((b) => [b.passId, b.lengthBits])).toEqual(keyed.map((p) => [p.passId, p.finalKeyBits]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
      expect(atStation.length).toBe(keyed.reduce((a, p) => a + Math.max(0, Math.floor((p.finalKeyBits - ID_KEY_BITS) / 256)), 0));
    }
    // the same campaign again, into the same stores, on a fresh queue: every pass found stored, nothing replayed or added
    await redis.restart();
    const before = storeKeys(join(stores, 'micius.sqlite'), 'xinglong');
    const again = await runCliAsync(args);
    expect(again.status, again.stderr).toBe(0);
    const doc2 = JSON.parse(readFileSync(join(out, 'campaign.json'), 'utf8')) as CampaignDoc;
    const keyedPasses = doc.passes.filter((p) => p.finalKeyBits > 0).length;
    expect(doc2.passes.filter((p) => !p.replayed).length).toBe(keyedPasses);
    expect(storeKeys(join(stores, 'micius.sqlite'), 'xinglong')).toEqual(before);
  }, 400_000);
});
