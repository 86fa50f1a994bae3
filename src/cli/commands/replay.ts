/**
 * `mozi replay`: the whole chain for one pass in one go (default: Micius over Xinglong,
 * 2016-12-19), with a progress bar per stage on a terminal, a closing "model | paper" table,
 * `--json` for one JSON document, `--out DIR` for report.json + report.html (+ the simulation
 * records). Exit code 0 when the run completed (a pass without secure key is a correct answer),
 * 1 when the parties aborted for a security reason other than "no key".
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { DEFAULT_REPLAY } from '../../mission/presets.js';
import { RECONCILERS } from '../../postprocess/reconcile/registry.js';
import { availableParallelism } from 'node:os';
import { runReplay, REPLAY_STAGES, type ReplayEvent, type ReplayStage } from '../../mission/replay.js';
import { cliMission, missionOptions, printWarnings, type MissionCliOptions } from '../mission.js';
import { DEFAULT_POLICY, type ReconciliationMethod } from '../../protocol/types.js';
import { EVE_HELP } from '../../quantum/eve.js';
import { DEFAULT_EPS_SEC } from '../../security/defaults.js';
import { comparisonRows, replayJson, writeReplayReport } from '../../report/replay.js';
import { writeSimulation } from '../../recording/mozi-files.js';
import { SUMMARY_CSV_HEADER, summaryCsvRows, writeReplayCsv } from '../../report/replay-csv.js';
import { BOUNDS, PROTOCOLS, type Bound, type Protocol } from '../../security/types.js';
import { integerOption, numberOption } from '../options.js';
import { linkFromFlags } from '../../protocol/link-emulator.js';
import { linkOptions } from './satellite.js';
import { CSV_HELP, formatTable, log, printJson, progressBar, writeCsvOption, type Progress } from '../output.js';

interface ReplayCliOptions extends MissionCliOptions {
  preset?: string;
  station?: string;
  pass?: string;
  eve?: string;
  reconciliation?: string;
  bound?: string;
  protocol: string;
  seed?: number;
  epsSec?: number;
  windowS?: number;
  json?: boolean;
  out?: string;
  records?: boolean;
  csv?: string;
  linkBandwidth?: string;
  linkLatency?: string;
  linkOutage?: string;
  threads?: number;
}

function choice<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(`"${value}" is not one of ${allowed.join(', ')}`, { field: flag });
  return value as T;
}

export function register(program: Command): void {
  const cmd = program
    .command('replay')
    .description('the whole chain for one pass of a mission: orbit → link → simulation → timing → satellite ⇄ ground → keys (default: Micius, Xinglong, 2016-12-19)');
  missionOptions(cmd)
    .option('--preset <name>', `a named pass of the mission (default: the mission's first; ${DEFAULT_REPLAY} without --mission)`)
    .option('--station <id>', 'any station of the mission (with --pass)')
    .option('--pass <date|aos>', 'any pass of that station: UTC date YYYY-MM-DD (the highest night pass) or ISO time near AOS')
    .option('--eve <spec>', `eavesdropper: ${EVE_HELP}`)
    .option('--reconciliation <method>', `${RECONCILERS.join(' | ')} (default: the preset's, hamming as in the paper)`)
    .option('--bound <bound>', `finite-key bound: ${BOUNDS.join(' | ')} (default: the preset's, hoeffding)`)
    .option('--protocol <p>', `BB84 variant: ${PROTOCOLS.join(' | ')}`, DEFAULT_POLICY.protocol)
    .option('--seed <n>', 'simulation and protocol randomness', integerOption('--seed', { min: 0 }))
    .option('--eps-sec <eps>', `secrecy parameter ε_sec (paper: ${DEFAULT_EPS_SEC})`, numberOption('--eps-sec', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }))
    .option('--window-s <seconds>', "data window centred on TCA (default: the preset's, 273 s for the paper's pass; AOS → LOS for any other pass)", numberOption('--window-s', { min: 1, max: 900 }))
    .option('--json', 'print one JSON document on stdout')
    .option('--out <dir>', 'write report.json, report.html, summary.csv and series.csv (and, with --records, the simulation files) here')
    .option('--records', 'with --out: also write DIR/satellite, DIR/ground, DIR/truth')
    .option('--csv <file>', `${CSV_HELP} (the model | paper table)`)
    .option('--threads <n>', 'worker threads for the simulation and privacy amplification (same keys for every count; default: the cores)', integerOption('--threads', { min: 1, max: 64 }));
  linkOptions(cmd)
    .action(async (o: ReplayCliOptions) => {
      const reconciliation = o.reconciliation === undefined ? undefined : (choice(o.reconciliation, RECONCILERS, '--reconciliation') as ReconciliationMethod);
      const bound = o.bound === undefined ? undefined : (choice(o.bound, BOUNDS, '--bound') as Bound);
      const protocol = choice(o.protocol, PROTOCOLS, '--protocol') as Protocol;
      if (o.records && !o.out) throw new InputError('--records needs --out DIR', { field: '--records' });
      const bars = new Map<ReplayStage, Progress>();
      const onEvent = (e: ReplayEvent) => {
        if (e.type === 'stage' && e.status === 'start') {
          if (!o.json) bars.set(e.stage, progressBar(e.stage, 100, '%'));
        } else if (e.type === 'progress') {
          bars.get(e.stage)?.update(Math.round(e.fraction * 100));
        } else if (e.type === 'stage' && e.status === 'end') {
          const b = bars.get(e.stage);
          b?.update(100);
          b?.stop();
          log(`${e.stage.padEnd(10)} ${(e.elapsedMs / 1000).toFixed(1).padStart(6)} s  ${e.detail ?? ''}`);
        }
      };
      void REPLAY_STAGES;
      const explicitMission = o.mission !== undefined || o.tle !== undefined || o.omm !== undefined || o.satellite !== undefined;
      const r = await runReplay(
        { mission: explicitMission ? cliMission(o) : undefined, preset: o.preset, station: o.station, pass: o.pass, eve: o.eve, reconciliation, bound, protocol, seed: o.seed, epsSec: o.epsSec, windowS: o.windowS, threads: o.threads ?? Math.min(64, availableParallelism()), link: linkFromFlags(o), onRecords: o.records && o.out ? (sim) => writeSimulation(o.out as string, sim) : undefined },
        onEvent,
      );
      printWarnings(r.warnings);
      if (o.out) {
        const files = writeReplayReport(o.out, r);
        const csv = writeReplayCsv(o.out, r);
        log(`report: ${files.html}, ${files.json}, ${csv.summary}, ${csv.series}`);
      }
      if (o.csv !== undefined) writeCsvOption(o.csv, SUMMARY_CSV_HEADER, summaryCsvRows(r));
      if (o.json) {
        printJson(replayJson(r));
      } else {
        const rows = comparisonRows(r);
        if (r.published) process.stdout.write(formatTable(['quantity', 'model', 'paper', 'model/paper − 1'], rows.map((x) => [x.quantity, x.model, x.paper, x.ratio])) + '\n');
        else process.stdout.write(formatTable(['quantity', 'model'], rows.map((x) => [x.quantity, x.model])) + '\n');
        if (r.aborted) process.stdout.write(`aborted: ${r.abortMessage}\n`);
        else process.stdout.write(`keys identical on both sides: ${r.keysMatch ? 'yes' : 'NO'} (sha256 ${r.keyDigest})\n`);
        if (r.noDecoy && r.eve.startsWith('pns')) {
          process.stdout.write(`no-decoy analysis would have claimed ${r.noDecoy.keyLengthBits} bits\n`);
        }
        const cl = r.classicalLink;
        if (cl) process.stdout.write(`classical link: ${cl.downlinkBytes} B down, ${cl.uplinkBytes} B up, ${cl.bytesPerFinalKeyBit?.toFixed(2) ?? '—'} B per final key bit, ${cl.roundTrips} round trips, protocol ${cl.protocolS.toFixed(1)} s\n`);
        process.stdout.write(`wall time ${r.wallS.toFixed(1)} s (${r.threads} thread${r.threads === 1 ? '' : 's'})\n`);
      }
      if (r.aborted && r.abortReason !== 'no-key') process.exitCode = 1;
      else if (!r.aborted && !r.keysMatch) process.exitCode = 1;
    });
}
