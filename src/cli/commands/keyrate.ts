/**
 * `mozi keyrate`: decoy-state finite-key analysis.
 *   mozi keyrate --counts FILE.json [--bound B] [--protocol P] [--json]
 *   mozi keyrate --predict (--loss-db DB [--duration-s S] | --satellite micius --station xinglong --pass 2016-12-19) [--optimize] [--json]
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { CSV_HELP, log, printJson, formatTable, writeCsvOption } from '../output.js';
import type { CsvCell } from '../../report/csv.js';
import { loadCountsFile } from '../../recording/counts-file.js';
import {
  BOUNDS,
  PROTOCOLS,
  MICIUS_SOURCE,
  constantLossSamples,
  finiteKey,
  optimiseSettings,
  passLimits,
  predictCounts,
  toFiniteKeyInput,
} from '../../security/index.js';
import type { Bound, FiniteKeyInput, FiniteKeyResult, LinkSampleLike, PredictParams, Protocol } from '../../security/index.js';
import { predictPassKey } from '../../mission/predict.js';
import { cliMission, cliStation, missionOptions, printWarnings, type MissionCliOptions } from '../mission.js';
import { DEFAULT_EPS_COR, DEFAULT_EPS_SEC, DEFAULT_F_EC } from '../../security/defaults.js';

interface KeyrateOptions extends MissionCliOptions {
  counts?: string;
  bound: string;
  protocol: string;
  predict: boolean;
  optimize: boolean;
  station?: string;
  pass?: string;
  lossDb?: string;
  durationS: string;
  epsSec?: string;
  epsCor?: string;
  fEc?: string;
  leakageBits?: string;
  json: boolean;
  csv?: string;
}

/** The scalar fields of a result as (quantity, value) rows, named as in the JSON output. */
function scalarRows(record: object, prefix = ''): CsvCell[][] {
  return Object.entries(record)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .map(([k, v]) => [prefix + k, v as CsvCell]);
}

function num(v: string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new InputError(`not a number: ${v}`, { field });
  return x;
}

function summaryRows(r: FiniteKeyResult): (string | number)[][] {
  const f = (x: number | undefined) => (x === undefined ? '-' : Math.abs(x) >= 1e5 ? x.toExponential(4) : +x.toPrecision(5));
  const rows: (string | number)[][] = [
    ['bound / protocol', `${r.bound} / ${r.protocol}`],
    ['nX, nZ', `${f(r.nX)}, ${f(r.nZ)}`],
    ['mX, mZ', `${f(r.mX)}, ${f(r.mZ)}`],
    ['QBER X, Z (%)', `${(r.qberX * 100).toFixed(3)}, ${(r.qberZ * 100).toFixed(3)}`],
    ['sX0, sX1', `${f(r.sX0)}, ${f(r.sX1)}`],
    ['sZ0, sZ1', `${f(r.sZ0)}, ${f(r.sZ1)}`],
    ['vZ1, vX1', `${f(r.vZ1)}, ${f(r.vX1)}`],
    ['phiX (%)', (r.phiX * 100).toFixed(3)],
  ];
  if (r.phiZ !== undefined) rows.push(['phiZ (%)', (r.phiZ * 100).toFixed(3)]);
  rows.push(
    ['bound before leakage', f(r.boundBeforeLeakageBits)],
    [`lambdaEC (${r.leakageSource})`, f(r.lambdaEC)],
    ['epsilon cost (bits)', f(r.epsilonCostBits)],
    ['key length (bits)', r.keyLengthBits],
  );
  if (r.reason) rows.push(['reason', r.reason]);
  return rows;
}

function parseBound(b: string): Bound {
  if (!(BOUNDS as readonly string[]).includes(b)) throw new InputError(`unknown bound ${b}; one of ${BOUNDS.join(', ')}`, { field: '--bound' });
  return b as Bound;
}

function parseProtocol(p: string): Protocol {
  if (!(PROTOCOLS as readonly string[]).includes(p)) {
    throw new InputError(`unknown protocol ${p}; one of ${PROTOCOLS.join(', ')}`, { field: '--protocol' });
  }
  return p as Protocol;
}

export function register(program: Command): void {
  const cmd = program
    .command('keyrate')
    .description('decoy-state finite-key analysis from observed counts, or predicted for a pass of a mission; optimiser');
  missionOptions(cmd)
    .option('--counts <file>', 'counts file (JSON; schema in README.md, "Counts file")')
    .option('--bound <bound>', `statistical bound: ${BOUNDS.join('|')}`, 'chernoff')
    .option('--protocol <protocol>', `efficient (key from X) | symmetric (key from both bases, as Micius)`, 'symmetric')
    .option('--predict', 'predict counts from the link model over a pass (or a constant loss)', false)
    .option('--optimize', 'optimise intensities, probabilities and basis bias for the predicted pass', false)
    .option('--station <id>', "station of the mission (default: its first, Micius: xinglong)")
    .option('--pass <spec>', "pass: UTC date or ISO time near AOS (default: the station's named pass in the mission, Micius: 2016-12-19)")
    .option('--loss-db <dB>', 'constant end-to-end loss instead of a pass (detectors included)')
    .option('--duration-s <s>', 'duration of the constant-loss window', '273')
    .option('--eps-sec <eps>', `secrecy parameter ε_sec (default ${DEFAULT_EPS_SEC})`)
    .option('--eps-cor <eps>', `correctness parameter ε_cor (default ${DEFAULT_EPS_COR})`)
    .option('--f-ec <f>', `reconciliation inefficiency for the λ_EC model (default ${DEFAULT_F_EC})`)
    .option('--leakage-bits <n>', 'actual disclosed bits (ledger total) instead of the λ_EC model')
    .option('--json', 'print one JSON document on stdout', false)
    .option('--csv <file>', `${CSV_HELP} (quantity,value; the scalar fields of the JSON output)`)
    .action(async (opts: KeyrateOptions, command: Command) => {
      const bound = parseBound(opts.bound);
      const protocol = parseProtocol(opts.protocol);
      const common = {
        ...(opts.epsSec !== undefined ? { epsSec: num(opts.epsSec, '--eps-sec') } : {}),
        ...(opts.epsCor !== undefined ? { epsCor: num(opts.epsCor, '--eps-cor') } : {}),
        ...(opts.fEc !== undefined ? { fEC: num(opts.fEc, '--f-ec') } : {}),
      };
      const leakageBits = num(opts.leakageBits, '--leakage-bits');
      if (opts.counts && opts.predict) throw new InputError('give either --counts or --predict, not both', { field: '--counts' });
      if (opts.counts) {
        if (opts.optimize) throw new InputError('--optimize needs --predict (it varies the source settings)', { field: '--optimize' });
        const input: FiniteKeyInput = {
          // the file's bound/protocol stand unless the flag is on the command line
          ...loadCountsFile(opts.counts, {
            bound: command.getOptionValueSource('bound') === 'default' ? undefined : bound,
            protocol: command.getOptionValueSource('protocol') === 'default' ? undefined : protocol,
          }),
          ...common,
          ...(leakageBits !== undefined ? { leakageBits } : {}),
        };
        const r = finiteKey(input);
        if (opts.csv !== undefined) writeCsvOption(opts.csv, ['quantity', 'value'], [['mode', 'counts'], ['file', opts.counts], ...scalarRows(r)]);
        if (opts.json) printJson({ mode: 'counts', file: opts.counts, ...r });
        else process.stdout.write(formatTable(['quantity', 'value'], summaryRows(r)) + '\n');
        return;
      }
      if (!opts.predict) throw new InputError('give --counts FILE or --predict', { field: '--counts' });

      let samples: LinkSampleLike[];
      let channel: Record<string, unknown>;
      const warnings: string[] = [];
      let fromPass: ReturnType<typeof predictPassKey> | undefined;
      let base: PredictParams = MICIUS_SOURCE;
      const lossDb = num(opts.lossDb, '--loss-db');
      if (lossDb !== undefined) {
        const durationS = num(opts.durationS, '--duration-s') ?? 273;
        samples = constantLossSamples(lossDb, durationS);
        channel = { kind: 'constant-loss', lossDb, durationS };
      } else {
        const mission = cliMission(opts);
        const station = cliStation(mission, opts.station, mission.stations[0].id);
        const spec = opts.pass ?? mission.replays.find((r) => r.station === station.id)?.pass;
        if (spec === undefined) throw new InputError(`missing --pass (a UTC date or an ISO time near AOS of a pass of ${station.id})`, { field: '--pass' });
        const p = predictPassKey(mission, station, spec, { bound, protocol, ...common });
        printWarnings(p.warnings);
        warnings.push(...p.warnings);
        fromPass = p;
        samples = p.samples;
        base = p.params;
        channel = { kind: 'pass', mission: mission.name, satellite: p.elements.name, station: station.id, pass: p.pass, slots: samples.length };
      }
      const analysis = { bound, protocol, ...common };
      // a pass: predictPassKey's own counts and bound (the planner's numbers); a leakage override re-bounds them
      const pred = fromPass ? fromPass.counts : predictCounts(samples, base);
      const limits = fromPass ? fromPass.limits : passLimits(samples, base.repetitionRateHz);
      const result =
        fromPass && leakageBits === undefined ? fromPass.result : finiteKey({ ...toFiniteKeyInput(pred, analysis), ...(leakageBits !== undefined ? { leakageBits } : {}) });
      log(`keyrate: ${samples.length} slot(s), ${pred.pulses.toExponential(3)} pulses, ${pred.durationS.toFixed(0)} s`);
      let optimum: ReturnType<typeof optimiseSettings> | undefined;
      if (opts.optimize) {
        log('keyrate: optimising intensities, probabilities and basis bias (Nelder–Mead with restarts)…');
        optimum = optimiseSettings(samples, base, analysis);
      }
      if (opts.csv !== undefined) {
        writeCsvOption(opts.csv, ['quantity', 'value'], [
          ['mode', 'predict'],
          ...scalarRows(channel, 'channel.'),
          ['pulses', pred.pulses],
          ['durationS', pred.durationS],
          ...scalarRows(result),
          ['keyBitsPerPulse', result.keyLengthBits / pred.pulses],
          ...scalarRows(limits, 'limits.'),
          ...(optimum ? [['optimum.keyLengthBits', optimum.result.keyLengthBits], ['optimum.gainOverBaseline', optimum.gain], ['optimum.evaluations', optimum.evaluations]] : []),
        ]);
      }
      if (opts.json) {
        printJson({
          mode: 'predict',
          channel,
          settings: { intensities: base.intensities, probabilities: base.probabilities, probX: base.probX, bobProbX: base.bobProbX },
          pulses: pred.pulses,
          durationS: pred.durationS,
          predictedCounts: pred.counts,
          ...result,
          keyBitsPerPulse: result.keyLengthBits / pred.pulses,
          limits,
          warnings,
          ...(optimum
            ? {
                optimum: {
                  settings: optimum.settings,
                  keyLengthBits: optimum.result.keyLengthBits,
                  result: optimum.result,
                  gainOverBaseline: optimum.gain,
                  evaluations: optimum.evaluations,
                },
              }
            : {}),
        });
        return;
      }
      const rows = summaryRows(result);
      rows.push(
        ['pulses', pred.pulses.toExponential(4)],
        ['PLOB bound (bits)', limits.plobBits.toExponential(4)],
        [`ideal decoy, ${protocol} (bits)`, (protocol === 'efficient' ? limits.idealDecoyEfficientBits : limits.idealDecoySymmetricBits).toExponential(4)],
      );
      process.stdout.write(formatTable(['quantity', 'value'], rows) + '\n');
      if (optimum) {
        const s = optimum.settings;
        process.stdout.write(
          `\noptimum: μ = ${s.intensities.map((x) => x.toFixed(4)).join('/')}, p = ${s.probabilities
            .map((x) => x.toFixed(4))
            .join('/')}, P(X) = ${s.probX.toFixed(4)} → ${optimum.result.keyLengthBits} bits (×${optimum.gain.toFixed(3)} over Micius settings, ${optimum.evaluations} evaluations)\n`,
        );
      }
    });
}
