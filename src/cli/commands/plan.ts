/**
 * `mozi plan`: how much key a mission's satellites deliver to its stations, and between which
 * pairs, over a window (src/plan/). Prints a table (or one JSON document with --json); with
 * --out DIR writes plan.json, passes.csv (written pass by pass), stations.csv, pairs.csv and a
 * self-contained plan.html. plan.json is byte-identical whatever --threads; timings go to stderr.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { epochMs } from '../../orbit/sgp4.js';
import { BLOCK_MODES, DEFAULT_WEATHER, loadWeather, PLANNING_STEP_S, planJson, POLICIES, RELAY_MODES, runPlan, type BlockMode, type PlannedPass, type Policy, type RelayMode } from '../../plan/index.js';
import { csvField, toCsv } from '../../report/csv.js';
import { PAIR_COLUMNS, PASS_COLUMNS, planHtml, STATION_COLUMNS, pairRow, passRow, stationRow } from '../../report/plan.js';
import { planOnRedis } from '../../jobs/plan.js';
import { cliMission, missionOptions, printWarnings, type MissionCliOptions } from '../mission.js';
import { integerOption, numberOption, parseIsoTime } from '../options.js';
import { formatTable, log, progressBar } from '../output.js';

interface PlanCliOptions extends MissionCliOptions {
  from?: string;
  to?: string;
  policy: string;
  weather?: string;
  block: string;
  relay: string;
  threads?: number;
  stepS?: number;
  latencyBits?: number;
  out?: string;
  json?: boolean;
  summary?: boolean;
  redis?: string;
  redisWaitS?: number;
}

const DAY_MS = 86_400_000;

function choice<T extends string>(value: string, list: readonly T[], flag: string): T {
  if (!(list as readonly string[]).includes(value)) throw new InputError(`"${value}" is not one of ${list.join(', ')}`, { field: flag });
  return value as T;
}

const fmtBits = (b: number): string => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} Gb` : b >= 1e6 ? `${(b / 1e6).toFixed(2)} Mb` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} kb` : `${Math.round(b)} b`);

export function register(program: Command): void {
  const cmd = program
    .command('plan')
    .description("campaign planning: every pass of the mission's satellites (or Walker constellation) over its stations, predicted key, weather, scheduling, trusted-relay pair keys");
  missionOptions(cmd)
    .option('--from <iso>', "window start, ISO-8601 UTC (default: the UTC midnight after the satellite's element epoch)")
    .option('--to <iso>', 'window end, ISO-8601 UTC (default: 30 days after --from)')
    .option('--policy <policy>', `scheduling: ${POLICIES.join('|')}`, 'greedy')
    .option('--weather <file>', 'monthly cloud-free probability per station, JSON or CSV (default: the shipped assumptions for the reference stations)')
    .option('--block <mode>', `key blocks: ${BLOCK_MODES.join('|')} (combined: one finite-key block per satellite–station link)`, 'per-pass')
    .option('--relay <mode>', `trusted-relay allocation of the satellites' key pools to station pairs: ${RELAY_MODES.join('|')} (max-min: Hossain et al. 2025, iterative max-min)`, 'proportional')
    .option('--threads <n>', 'worker threads for the pass search and prediction (default: available cores)', integerOption('--threads', { min: 1, max: 256 }))
    .option('--step-s <s>', `link-budget slot of the per-pass prediction (keyrate --predict uses 1)`, numberOption('--step-s', { min: 0.1, max: 120 }))
    .option('--latency-bits <n>', 'pair latency: time until a pair first holds this many bits', numberOption('--latency-bits', { min: 1 }))
    .option('--out <dir>', 'write plan.json, passes.csv, stations.csv, pairs.csv, plan.html')
    .option('--summary', 'leave the per-pass array out of plan.json and --json (passes.csv still has every pass)')
    .option('--json', 'print one JSON document (the plan) on stdout')
    .option('--redis <url>', 'split the plan into slice jobs on Redis for `mozi worker --redis URL` processes (same plan.json)')
    .option('--redis-wait-s <s>', 'with --redis: how long Redis may be unreachable before the run fails (default 30)', numberOption('--redis-wait-s', { min: 0, max: 86_400 }))
    .action(async (o: PlanCliOptions) => {
      const mission = cliMission(o);
      const policy = choice<Policy>(o.policy, POLICIES, '--policy');
      const block = choice<BlockMode>(o.block, BLOCK_MODES, '--block');
      const relay = choice<RelayMode>(o.relay, RELAY_MODES, '--relay');
      const firstEpoch = Math.min(...(mission.constellation?.satellites ?? [mission.satellite]).map((c) => epochMs(c.sets[c.sets.length - 1])));
      const fromMs = o.from !== undefined ? parseIsoTime(o.from, '--from') : Math.ceil(firstEpoch / DAY_MS) * DAY_MS;
      const toMs = o.to !== undefined ? parseIsoTime(o.to, '--to') : fromMs + 30 * DAY_MS;
      if (!(toMs > fromMs)) throw new InputError(`empty window: --to (${new Date(toMs).toISOString()}) is not after --from (${new Date(fromMs).toISOString()})`, { field: '--to' });
      const weather = o.weather !== undefined ? loadWeather(o.weather) : DEFAULT_WEATHER;
      const threads = o.threads ?? availableParallelism();
      const options = { fromMs, toMs, policy, block, stepS: o.stepS ?? PLANNING_STEP_S, weather, latencyBits: o.latencyBits ?? 1e6, summaryOnly: o.summary === true, relay };
      // passes.csv: written synchronously in ~1 MB chunks as assemblePlan hands the passes over (a
      // stream's write() would queue all of a year's millions of rows in memory until the plan ends)
      let csv: number | undefined;
      let csvBuf = '';
      const flushCsv = (): void => {
        if (csv !== undefined && csvBuf) writeSync(csv, csvBuf);
        csvBuf = '';
      };
      if (o.out !== undefined) {
        try {
          mkdirSync(o.out, { recursive: true });
        } catch (e) {
          throw new InputError(`cannot create the output folder (${(e as Error).message})`, { file: o.out, field: '--out' });
        }
        csv = openSync(join(o.out, 'passes.csv'), 'w');
        csvBuf = PASS_COLUMNS.map(csvField).join(',') + '\r\n';
      }
      const sats = mission.constellation?.satellites.length ?? 1;
      const bar = sats > 1 || toMs - fromMs > 60 * DAY_MS ? progressBar('plan', sats, 'satellites') : undefined;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const htmlPasses: PlannedPass[] = [];
      const hooks = {
        onSlice: (done: number) => bar?.update(done),
        onPass: (p: PlannedPass) => {
          if (csv !== undefined) {
            csvBuf += passRow(p).map(csvField).join(',') + '\r\n';
            if (csvBuf.length >= 1 << 20) flushCsv();
          }
          if (o.out !== undefined && p.scheduled && htmlPasses.length < 20_000) htmlPasses.push(p);
        },
      };
      let plan;
      try {
        plan = o.redis !== undefined ? await planOnRedis(o.redis, mission, options, { onProgress: hooks.onSlice, reconnectS: o.redisWaitS }, hooks.onPass) : await runPlan(mission, options, threads, hooks);
      } catch (e) {
        // no partial output: passes.csv holds only its header until the plan is assembled
        bar?.stop();
        if (csv !== undefined) closeSync(csv);
        if (o.out !== undefined) rmSync(join(o.out, 'passes.csv'), { force: true });
        throw e;
      }
      bar?.stop();
      const cpu = process.cpuUsage(cpu0);
      log(`plan: ${plan.summary.passes} passes, ${plan.summary.scheduledPasses} scheduled, ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (main thread), ${threads} thread(s)`);
      printWarnings(plan.warnings);
      if (o.out !== undefined) {
        flushCsv();
        closeSync(csv!);
        writeFileSync(join(o.out, 'plan.json'), planJson(plan));
        writeFileSync(join(o.out, 'stations.csv'), toCsv(STATION_COLUMNS, plan.stationFigures.map(stationRow)));
        writeFileSync(join(o.out, 'pairs.csv'), toCsv(PAIR_COLUMNS, plan.pairs.map(pairRow)));
        writeFileSync(join(o.out, 'plan.html'), planHtml(plan, htmlPasses, mission));
        log(`wrote ${['plan.json', 'passes.csv', 'stations.csv', 'pairs.csv', 'plan.html'].map((f) => join(o.out!, f)).join(', ')}`);
      }
      if (o.json) {
        process.stdout.write(planJson(plan));
        return;
      }
      const s = plan.summary;
      process.stdout.write(
        formatTable(
          ['station', 'passes', 'scheduled', 'key (clear)', 'key (weather)', 'combined (weather)', 'per day', 'availability'],
          plan.stationFigures.map((st) => [st.id, st.passes, st.scheduledPasses, fmtBits(st.keyBits), fmtBits(st.expectedKeyBits), fmtBits(st.combinedExpectedKeyBits), fmtBits(st.expectedKeyBitsPerDay), st.availability.toFixed(2)]),
        ) + '\n\n',
      );
      process.stdout.write(
        formatTable(
          ['quantity', 'value'],
          [
            ['window', `${plan.window.from} → ${plan.window.to} (${plan.window.days.toFixed(1)} days)`],
            ['satellites × stations', `${plan.satellites.length} × ${plan.stations.length}`],
            ['policy / block / relay', `${policy} / ${block} / ${plan.options.relay}`],
            ['passes (scheduled)', `${s.passes} (${s.scheduledPasses})`],
            ['key, clear sky, per-pass blocks', fmtBits(s.keyBits)],
            ['key, weather-expected, per-pass blocks', fmtBits(s.expectedKeyBits)],
            ['key, weather-expected, combined blocks', `${fmtBits(s.combinedExpectedKeyBits)} (${(s.combinedGain * 100).toFixed(1)} % gain)`],
            ['minimum over pairs (weather-expected)', fmtBits(s.minPairExpectedKeyBits)],
            ['demand served', s.demandServed === null ? '(no demand)' : `${(s.demandServed * 100).toFixed(1)} %`],
            ['weather', plan.options.weather],
          ],
        ) + '\n',
      );
    });
}
