/**
 * CSV tables (RFC 4180, "Common Format and MIME Type for Comma-Separated Values (CSV) Files"):
 * records end in CRLF (§2.1, the last one too, §2.2), a header record first (§2.3), fields
 * separated by commas (§2.4); a field containing a comma, a double quote, CR or LF is enclosed in
 * double quotes, and a double quote inside it is doubled (§2.5–2.7). Nothing else is quoted.
 * Numbers are written in full precision (JavaScript's shortest round-trip form), booleans as
 * true/false, missing values (undefined, null, NaN) as empty fields.
 *
 * Written here rather than taken from a library (csv-stringify): writing is these few lines, the
 * reports only write, and RFC 4180's examples are the test (test/report/csv.test.ts).
 */
import { writeFileSync } from 'node:fs';

export type CsvCell = string | number | boolean | null | undefined;

/** One field, quoted when RFC 4180 requires it. */
export function csvField(value: CsvCell): string {
  if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header record and the data records, each ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  for (const [i, r] of rows.entries()) {
    if (r.length !== header.length) throw new Error(`CSV row ${i + 1} has ${r.length} fields, the header ${header.length}`);
  }
  return [header, ...rows].map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

/** Write a CSV table to `path`. */
export function writeCsv(path: string, header: readonly string[], rows: readonly (readonly CsvCell[])[]): void {
  writeFileSync(path, toCsv(header, rows));
}

/** Rows of the given keys of each object (a table from a list of records). */
export function recordsToRows<T extends object>(records: readonly T[], keys: readonly (keyof T & string)[]): CsvCell[][] {
  return records.map((r) => keys.map((k) => r[k] as CsvCell));
}
