/**
 * The satellite party's source from a recorded QRNG setting record instead of the seed:
 * `satellite.json` still gives the transmitter config and the schedule (mean photon numbers,
 * probabilities, pulses sent, the pass id); `settings(pulseIndex)` reads the record
 * (settings-record.ts). `satellite.json` may then lack `sourceSeedHex` and name the record in
 * `settingsFile` (relative to its folder).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { parseTransmitter } from '../link/hardware.js';
import { passIdOf, satelliteSource } from '../protocol/records.js';
import type { SatelliteSource } from '../protocol/types.js';
import { SATELLITE_FORMAT, type SatelliteRecord } from '../quantum/records.js';
import { readSatelliteRecord } from './mozi-files.js';
import { SettingsRecordReader, type GrowingOptions } from './settings-record.js';

/** satellite.json without the seed requirement (a record-based payload has none). */
export type SatelliteMeta = Omit<SatelliteRecord, 'sourceSeedHex' | 'generator'> & {
  sourceSeedHex?: string;
  generator?: string;
  settingsFile?: string;
};

export function readSatelliteMeta(path: string): SatelliteMeta {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`invalid JSON: ${(e as Error).message}`, { file: path });
  }
  if (j.format !== SATELLITE_FORMAT) throw new InputError(`expected format ${SATELLITE_FORMAT}`, { file: path, field: 'format' });
  if (typeof j.satellite !== 'string') throw new InputError('satellite must be a string', { file: path, field: 'satellite' });
  const s = j.schedule as Record<string, unknown> | undefined;
  for (const k of ['windowStartMs', 'pulseRateHz', 'pulseCount']) {
    if (typeof s?.[k] !== 'number' || !Number.isFinite(s[k])) throw new InputError(`${k} must be a number`, { file: path, field: `schedule.${k}` });
  }
  if (j.settingsFile !== undefined && typeof j.settingsFile !== 'string') throw new InputError('settingsFile must be a file name', { file: path, field: 'settingsFile' });
  return { ...(j as unknown as SatelliteMeta), transmitter: parseTransmitter(j.transmitter ?? {}, path) };
}

/** The record file satellite.json names (or null). */
export function settingsFileOf(satelliteJson: string, meta: SatelliteMeta): string | null {
  return meta.settingsFile !== undefined ? join(dirname(satelliteJson), meta.settingsFile) : null;
}

/**
 * A SatelliteSource whose settings come from the record. Checks that the record belongs to this
 * pass (satellite, window start, pulse count) and, for a sparse record, reads it through once.
 */
export function recordSatelliteSource(meta: SatelliteMeta, recordPath: string, site = 'micius', growing?: SettingsRecordReader): { source: SatelliteSource; reader: SettingsRecordReader } {
  const reader = growing ?? SettingsRecordReader.open(recordPath);
  try {
    const h = reader.header;
    const sch = meta.schedule;
    const mismatch = (field: string, rec: unknown, own: unknown) =>
      new InputError(`the record is for ${field} ${String(rec)}, satellite.json says ${String(own)}`, { file: recordPath, field });
    if (h.satellite !== meta.satellite) throw mismatch('satellite', h.satellite, meta.satellite);
    if (h.windowStartMs !== sch.windowStartMs) throw mismatch('windowStartMs', h.windowStartMs, sch.windowStartMs);
    if (h.pulseCount !== sch.pulseCount) throw mismatch('pulseCount', h.pulseCount, sch.pulseCount);
    // a growing record is checked as it is read (settings() names the pulse and byte)
    if (h.kind === 'sparse' && !growing) reader.validate();
  } catch (e) {
    reader.close();
    throw e;
  }
  const tx = meta.transmitter;
  const source: SatelliteSource = {
    site,
    passId: passIdOf(meta.satellite, meta.schedule.windowStartMs),
    mu: [...tx.intensities],
    p: [...tx.intensityProbabilities],
    pZ: tx.basisProbabilityZ,
    pulseRateHz: tx.repetitionRateHz,
    pulsesSent: meta.schedule.pulseCount,
    settings: (idx) => reader.settings(idx),
    ...(growing ? { ready: (p: number) => reader.ready(p) } : {}),
  };
  return { source, reader };
}

/**
 * The satellite party's input from `ROOT/satellite`: the seed form (satellite.json's
 * sourceSeedHex) unless a setting record is given (`settingsPath`) or named by satellite.json.
 */
export function satelliteInput(root: string, opts: { settingsPath?: string; site?: string } = {}): { source: SatelliteSource; satellite: string; close: () => void; record: string | null } {
  const jsonPath = join(root, 'satellite', 'satellite.json');
  const meta = readSatelliteMeta(jsonPath);
  const site = (opts.site ?? meta.satellite).toLowerCase();
  const recordPath = opts.settingsPath ?? settingsFileOf(jsonPath, meta);
  if (recordPath === null) {
    const rec = readSatelliteRecord(root);
    return { source: satelliteSource(rec, site), satellite: rec.satellite, close: () => undefined, record: null };
  }
  const { source, reader } = recordSatelliteSource(meta, recordPath, site);
  return { source, satellite: meta.satellite, close: () => reader.close(), record: recordPath };
}

/**
 * `mozi satellite --follow`: as satelliteInput, but the setting record (given or named by
 * satellite.json) may still be growing — the payload writes it as the pulses go out (dense) or
 * downlinks it as the ground announces its detections (sparse). The record is waited for, and
 * each block's settings are read once the record holds its last pulse (SettingsRecordReader.ready).
 */
export async function satelliteInputGrowing(root: string, opts: { settingsPath?: string; site?: string; growing?: GrowingOptions } = {}): Promise<ReturnType<typeof satelliteInput>> {
  const jsonPath = join(root, 'satellite', 'satellite.json');
  const meta = readSatelliteMeta(jsonPath);
  const recordPath = opts.settingsPath ?? settingsFileOf(jsonPath, meta);
  if (recordPath === null) return satelliteInput(root, opts);
  const site = (opts.site ?? meta.satellite).toLowerCase();
  const reader = await SettingsRecordReader.openGrowing(recordPath, opts.growing);
  const { source } = recordSatelliteSource(meta, recordPath, site, reader);
  return { source, satellite: meta.satellite, close: () => reader.close(), record: recordPath };
}
