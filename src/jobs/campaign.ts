/**
 * Campaign replay: every scheduled pass of a plan.json replayed at event level (kinds.ts
 * `replay-pass`), on Redis workers or in this process, its keys in the stores of `<out>/stores/`;
 * then the per-pass summary (detections, QBER, replayed key, predicted key).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Mission } from '../mission/config.js';
import { missionWithSatellite, runJob, type ReplayPassInput, type ReplayPassResult } from './kinds.js';
import { runOnRedis, type RunOnRedisOptions } from './queue.js';

interface PlanFilePass {
  satellite: string;
  station: string;
  aos: string;
  scheduled: boolean;
  predictedKeyBits: number;
}

/** The scheduled passes of a plan.json document (exit-2 errors naming the field). */
export function scheduledPasses(file: string): PlanFilePass[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`, { file, field: '--plan' });
  }
  const passes = (doc as { passes?: unknown }).passes;
  if (!Array.isArray(passes)) throw new InputError(`${file}: no "passes" array (a plan written with --summary cannot be replayed)`, { file, field: 'passes' });
  return passes.filter((p: PlanFilePass, i: number) => {
    for (const f of ['satellite', 'station', 'aos'] as const) {
      if (typeof p?.[f] !== 'string') throw new InputError(`${file}: passes[${i}].${f} missing`, { file, field: `passes[${i}].${f}` });
    }
    return p.scheduled === true;
  }) as PlanFilePass[];
}

export interface CampaignOptions {
  mission: Mission;
  passes: readonly PlanFilePass[];
  outDir: string;
  seed: number;
  windowS?: number;
  redis?: string;
  redisOptions?: RunOnRedisOptions;
  onProgress?: (done: number, total: number) => void;
}

/** The replay jobs of a campaign; pass k's seed is seed + k (each pass its own randomness). */
export function campaignInputs(o: Pick<CampaignOptions, 'mission' | 'passes' | 'outDir' | 'seed' | 'windowS'>): ReplayPassInput[] {
  return o.passes.map((p, k) => ({
    mission: o.mission,
    // a constellation's member by name; a one-satellite mission's pass keeps the input it had
    ...(p.satellite !== o.mission.satellite.name ? { satellite: p.satellite } : {}),
    station: p.station,
    aos: p.aos,
    ...(o.windowS !== undefined ? { windowS: o.windowS } : {}),
    seed: o.seed + k,
    storeDir: join(o.outDir, 'stores'),
    predictedKeyBits: p.predictedKeyBits,
  }));
}

/** Replay the campaign; results in plan order. */
export async function replayCampaign(o: CampaignOptions): Promise<ReplayPassResult[]> {
  // a plan of another mission fails here, before any job (exit 2 naming the satellite)
  for (const name of new Set(o.passes.map((p) => p.satellite))) missionWithSatellite(o.mission, name);
  const inputs = campaignInputs(o);
  // one link's passes one after the other (they share its stores and its pending-block recovery)
  const link = (input: unknown) => (input as ReplayPassInput).station;
  if (o.redis !== undefined) return runOnRedis(o.redis, 'replay-pass', inputs, { ...o.redisOptions, serialKey: link, onProgress: o.onProgress });
  const out: ReplayPassResult[] = [];
  for (const input of inputs) {
    out.push(await runJob('replay-pass', input));
    o.onProgress?.(out.length, inputs.length);
  }
  return out;
}
