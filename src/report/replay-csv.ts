/**
 * The replay's tables as CSV (RFC 4180, src/report/csv.ts): the model | paper comparison (the
 * table `mozi replay` prints, with numbers in full precision) and the per-second series of the
 * pass (the report's plots).
 */
import { join } from 'node:path';
import type { ReplayResult } from '../mission/replay.js';
import { recordsToRows, writeCsv, type CsvCell } from './csv.js';

export const SUMMARY_CSV_HEADER = ['quantity', 'model', 'paper', 'modelOverPaperMinus1'] as const;

/** Rows of the comparison table: quantity (as named in --json), model value, published value, model/published − 1 (empty without published figures). */
export function summaryCsvRows(r: ReplayResult): CsvCell[][] {
  const p = r.published;
  const row = (quantity: string, model: number, paper: number | undefined): CsvCell[] => [
    quantity, model, paper, paper !== undefined && paper > 0 ? model / paper - 1 : undefined,
  ];
  return [
    row('durationS', r.durationS, p?.durationS),
    row('detections', r.detections, p?.detections),
    row('siftedBits', r.siftedBits, p?.siftedBits),
    row('siftedSignalBits', r.siftedSignalBits, p?.siftedBits),
    row('qber', r.qber, p?.qber),
    row('finalKeyBits', r.finalKeyBits, p?.finalKeyBits),
    row('finalKeyRateBps', r.finalKeyRateBps, p?.finalKeyRateBps),
  ];
}

export const SERIES_CSV_COLUMNS = ['t', 'elevationDeg', 'rangeKm', 'lossDb', 'detections', 'siftedBits', 'errors', 'qber', 'keyBitsIfEndedHere'] as const;

/** Write DIR/summary.csv and DIR/series.csv; returns their paths. */
export function writeReplayCsv(dir: string, r: ReplayResult): { summary: string; series: string } {
  const summary = join(dir, 'summary.csv');
  const series = join(dir, 'series.csv');
  writeCsv(summary, SUMMARY_CSV_HEADER, summaryCsvRows(r));
  writeCsv(series, SERIES_CSV_COLUMNS, recordsToRows(r.series, SERIES_CSV_COLUMNS));
  return { summary, series };
}
