/**
 * Output helpers shared by all subcommands: JSON goes to stdout (exactly one document),
 * everything else (logs, progress bars, tables for humans) to stderr or stdout as documented.
 */
import cliProgress from 'cli-progress';
import { InputError } from '../core/errors.js';
import { writeCsv, type CsvCell } from '../report/csv.js';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function log(message: string): void {
  process.stderr.write(message + '\n');
}

/** Render rows as an aligned text table. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** `--csv FILE`: write a table as RFC 4180 CSV (full precision), and say so on stderr. */
export function writeCsvOption(path: string, header: readonly string[], rows: readonly (readonly CsvCell[])[], flag = '--csv'): void {
  try {
    writeCsv(path, header, rows);
  } catch (e) {
    throw new InputError(`cannot write the CSV file (${(e as Error).message})`, { file: path, field: flag });
  }
  log(`wrote ${path} (${rows.length} rows)`);
}

/** Help text of the `--csv FILE` option. */
export const CSV_HELP = 'also write the table as CSV (RFC 4180, full precision) to FILE';

export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

/**
 * A progress bar on stderr when stderr is a terminal; silent otherwise (CI, pipes, --json
 * consumers still see nothing on stdout).
 */
export function progressBar(label: string, total: number, unit = ''): Progress {
  if (!process.stderr.isTTY || process.env.MOZI_NO_PROGRESS) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(18)} [{bar}] {percentage}% | {value}/{total}${unit ? ' ' + unit : ''} | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (v, payload) => bar.update(v, payload),
    stop: () => bar.stop(),
  };
}
