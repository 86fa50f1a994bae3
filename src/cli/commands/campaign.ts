/**
 * `mozi campaign replay --plan plan.json [--redis URL] --out DIR`: every scheduled pass of a plan
 * replayed at event level (src/jobs/campaign.ts), keys stored in DIR/stores/<site>.sqlite (each
 * station's and the satellite's), and a per-pass summary (DIR/campaign.csv, DIR/campaign.json):
 * detections, QBER, replayed key, predicted key.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { replayCampaign, scheduledPasses } from '../../jobs/campaign.js';
import { toCsv } from '../../report/csv.js';
import { cliMission, missionOptions, type MissionCliOptions } from '../mission.js';
import { integerOption, numberOption } from '../options.js';
import { formatTable, log, printJson, progressBar } from '../output.js';

interface CampaignCliOptions extends MissionCliOptions {
  plan?: string;
  redis?: string;
  redisWaitS?: number;
  out?: string;
  seed: number;
  windowS?: number;
  limit?: number;
  json?: boolean;
}

const COLUMNS = ['satellite', 'station', 'aos', 'passId', 'detections', 'qber', 'finalKeyBits', 'predictedKeyBits', 'aborted', 'abortReason', 'replayed'] as const;

export function register(program: Command): void {
  const campaign = program.command('campaign').description('campaigns: replay a plan at event level');
  const cmd = campaign
    .command('replay')
    .description("replay every scheduled pass of a plan.json at event level; keys into the stations' and the satellite's key stores");
  missionOptions(cmd)
    .option('--plan <file>', 'plan.json written by `mozi plan --out` (same mission)')
    .option('--redis <url>', 'run the passes as jobs on Redis (start `mozi worker --redis URL`); default: in this process')
    .option('--redis-wait-s <s>', 'with --redis: how long Redis may be unreachable before the run fails (default 30)', numberOption('--redis-wait-s', { min: 0, max: 86_400 }))
    .option('--out <dir>', 'folder for stores/, campaign.json and campaign.csv')
    .option('--seed <n>', 'simulation seed of the first pass (pass k uses seed + k)', integerOption('--seed', { min: 0 }), 1)
    .option('--window-s <s>', 'data window per pass centred on TCA (default: AOS → LOS)', numberOption('--window-s', { min: 1, max: 900 }))
    .option('--limit <n>', 'only the first N scheduled passes', integerOption('--limit', { min: 1 }))
    .option('--json', 'print the summary as one JSON document')
    .action(async (o: CampaignCliOptions) => {
      if (o.plan === undefined) throw new InputError('missing --plan plan.json', { field: '--plan' });
      if (o.out === undefined) throw new InputError('missing --out DIR', { field: '--out' });
      const mission = cliMission(o);
      const passes = scheduledPasses(o.plan).slice(0, o.limit);
      mkdirSync(o.out, { recursive: true });
      const bar = progressBar('campaign', passes.length, 'passes');
      const t0 = performance.now();
      const results = await replayCampaign({ mission, passes, outDir: o.out, seed: o.seed, windowS: o.windowS, redis: o.redis, redisOptions: { reconnectS: o.redisWaitS }, onProgress: (d) => bar.update(d) });
      bar.stop();
      const wallS = (performance.now() - t0) / 1000;
      log(`campaign: ${results.length} passes in ${wallS.toFixed(1)} s wall (${((results.length / wallS) * 60).toFixed(1)} passes/min)${o.redis ? ' on ' + o.redis : ''}`);
      const totals = { passes: results.length, finalKeyBits: results.reduce((a, r) => a + r.finalKeyBits, 0), predictedKeyBits: results.reduce((a, r) => a + r.predictedKeyBits, 0), aborted: results.filter((r) => r.aborted).length };
      writeFileSync(join(o.out, 'campaign.json'), JSON.stringify({ plan: o.plan, seed: o.seed, totals, passes: results }, null, 2) + '\n');
      writeFileSync(join(o.out, 'campaign.csv'), toCsv(COLUMNS, results.map((r) => COLUMNS.map((c) => r[c]))));
      if (o.json) {
        printJson({ totals, passes: results });
        return;
      }
      process.stdout.write(
        formatTable(
          ['station', 'AOS', 'detections', 'QBER %', 'key (replayed)', 'key (predicted)'],
          results.map((r) => [r.station, r.aos.slice(0, 19), r.detections, (r.qber * 100).toFixed(2), r.aborted ? `aborted (${r.abortReason})` : r.finalKeyBits, r.predictedKeyBits]),
        ) + `\n${totals.passes} passes: ${totals.finalKeyBits} bits replayed, ${totals.predictedKeyBits} predicted; stores in ${join(o.out, 'stores')}\n`,
      );
    });
}
