/** `mozi bench [SUITE...] [--quick] [--json]`: run benchmark suites (same as `npm run bench`). */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { CSV_HELP, log, printJson, formatTable, writeCsvOption } from '../output.js';

export function register(program: Command): void {
  program
    .command('bench')
    .description('run benchmarks and merge the figures into bench/results.json (--quick: bench/results.quick.json)')
    .argument('[suites...]', 'suite names (default: all)')
    .option('--quick', 'smaller problem sizes', false)
    .option('--json', 'print the figures as one JSON array on stdout', false)
    .option('--no-save', 'do not update the results file')
    .option('--csv <file>', `${CSV_HELP} (name, metric, value, unit, params as JSON)`)
    .action(async (names: string[], opts: { quick: boolean; json: boolean; save: boolean; csv?: string }) => {
      const { runSuites, mergeResults, resultsPath } = await import('../../../bench/run.js');
      const { suites } = await import('../../../bench/suites/index.js');
      const unknown = names.filter((n) => !suites.some((s) => s.name === n));
      if (unknown.length) {
        throw new InputError(`unknown suite ${unknown.join(', ')}; known suites: ${suites.map((s) => s.name).join(', ')}`, {
          field: 'suite',
        });
      }
      const fresh = await runSuites(names, { quick: opts.quick, log });
      if (opts.save) {
        const ran = names.length ? names : suites.map((s) => s.name);
        const path = resultsPath(opts.quick);
        writeFileSync(path, JSON.stringify(mergeResults(fresh, ran, path), null, 2) + '\n');
        log(`bench: wrote ${fresh.length} figures to ${path}`);
      }
      if (opts.csv !== undefined) writeCsvOption(opts.csv, ['name', 'metric', 'value', 'unit', 'params'], fresh.map((r) => [r.name, r.metric, r.value, r.unit, JSON.stringify(r.params)]));
      if (opts.json) printJson(fresh);
      else
        process.stdout.write(
          formatTable(
            ['name', 'metric', 'value', 'unit', 'params'],
            fresh.map((r) => [r.name, r.metric, +r.value.toPrecision(4), r.unit, JSON.stringify(r.params)]),
          ) + '\n',
        );
    });
}
