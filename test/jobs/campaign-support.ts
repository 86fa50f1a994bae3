/**
 * Helpers of the campaign-replay tests: a week's plan of Micius over two stations, and the key
 * material of a site's store for one peer, read straight from its SQLite file.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../support/cli.js';

export const CAMPAIGN_MISSION = 'test/jobs/fixtures/micius-two.jsonc';
export const WEEK = ['--from', '2016-12-16T00:00:00Z', '--to', '2016-12-23T00:00:00Z'];

/** `mozi plan` of the week into dir/plan; returns the plan.json path and its scheduled passes. */
export function planWeek(dir: string): { planFile: string; scheduled: { station: string; aos: string }[] } {
  const r = runCli(['plan', '--mission', CAMPAIGN_MISSION, ...WEEK, '--threads', '1', '--out', join(dir, 'plan')]);
  expect(r.status, r.stderr).toBe(0);
  const planFile = join(dir, 'plan', 'plan.json');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { passes: { station: string; aos: string; scheduled: boolean }[] };
  return { planFile, scheduled: plan.passes.filter((p) => p.scheduled) };
}

export interface StoredKeyRow {
  passId: string;
  blockId: number;
  idx: number;
  keyId: string;
  material: string;
}

/** Every key of `file` held for `peer`, in (pass, block, index) order. */
export function storeKeys(file: string, peer: string): StoredKeyRow[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare('SELECT pass_id AS passId, block_id AS blockId, idx, key_id AS keyId, material FROM keys WHERE peer_site = ? ORDER BY pass_id, block_id, idx')
      .all(peer) as { passId: string; blockId: number; idx: number; keyId: string; material: Buffer | null }[];
    return rows.map((r) => ({ ...r, material: r.material ? r.material.toString('hex') : '' }));
  } finally {
    db.close();
  }
}

/** Blocks stored in `file` (one row per pass, block and peer). */
export function storeBlocks(file: string): { passId: string; peerSite: string; lengthBits: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT pass_id AS passId, peer_site AS peerSite, length_bits AS lengthBits FROM blocks ORDER BY pass_id, peer_site').all() as { passId: string; peerSite: string; lengthBits: number }[];
  } finally {
    db.close();
  }
}
