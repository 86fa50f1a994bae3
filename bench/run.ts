/**
 * `npm run bench [-- SUITE...] [--quick]`: runs benchmark suites and merges their figures into
 * bench/results.json (entries of suites not run are kept). `--quick` (smaller sizes, a smoke run)
 * merges into bench/results.quick.json instead, which git ignores: quick figures never replace
 * the committed full-size ones.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { packageRoot } from '../src/core/package-root.js';
import { suites } from './suites/index.js';
import type { BenchResult } from './types.js';

/** The committed figures of full-size runs. */
export const RESULTS_PATH = join(packageRoot(import.meta.url), 'bench', 'results.json');
/** Figures of `--quick` runs (not committed). */
export const QUICK_RESULTS_PATH = join(packageRoot(import.meta.url), 'bench', 'results.quick.json');

/** Where a run's figures are merged: quick runs never touch the committed file. */
export function resultsPath(quick: boolean): string {
  return quick ? QUICK_RESULTS_PATH : RESULTS_PATH;
}

export async function runSuites(
  names: string[],
  options: { quick: boolean; log: (msg: string) => void },
): Promise<BenchResult[]> {
  const unknown = names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length) {
    throw new Error(`unknown bench suite(s) ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  }
  const chosen = names.length ? suites.filter((s) => names.includes(s.name)) : suites;
  const out: BenchResult[] = [];
  for (const s of chosen) {
    options.log(`bench: ${s.name}: ${s.description}`);
    const t0 = performance.now();
    const r = await s.run(options);
    options.log(`bench: ${s.name}: ${r.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    out.push(...r);
  }
  return out;
}

export function mergeResults(fresh: BenchResult[], suiteNames: string[], path: string = RESULTS_PATH): BenchResult[] {
  const old: BenchResult[] = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : [];
  const prefixes = suiteNames.map((n) => n + '/');
  const kept = old.filter((r) => !prefixes.some((p) => r.name.startsWith(p)));
  return [...kept, ...fresh].sort((a, b) => a.name.localeCompare(b.name));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  const log = (m: string) => process.stderr.write(m + '\n');
  const fresh = await runSuites(names, { quick, log });
  const ran = names.length ? names : suites.map((s) => s.name);
  const path = resultsPath(quick);
  const merged = mergeResults(fresh, ran, path);
  writeFileSync(path, JSON.stringify(merged, null, 2) + '\n');
  for (const r of fresh) log(`${r.name.padEnd(40)} ${r.metric.padEnd(22)} ${String(+r.value.toPrecision(4)).padStart(12)} ${r.unit}  ${JSON.stringify(r.params)}`);
  log(`bench: wrote ${fresh.length} figures to ${path}`);
}
