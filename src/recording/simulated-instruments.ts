/**
 * What `mozi simulate --tag-format ptu|swabian --settings-record dense|sparse` adds to the files
 * `writeSimulation` wrote: the ground's tags as the time tagger would have recorded them, and the
 * satellite's QRNG setting record in place of its seed (satellite.json then names the record and
 * holds no seed, as a real payload's record would not).
 *
 * The sparse record holds the settings of the pulses the ground detects after timing recovery:
 * the exchange a real mission makes (the ground publishes its detection indices, which sifting
 * discloses anyway; the payload downlinks their settings). It is computed here with the same
 * timing recovery the ground party runs on the same tags.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { seedFromHex } from '../core/rng/seed.js';
import type { GroundRecord, SatelliteRecord } from '../quantum/records.js';
import { PulseSource } from '../quantum/transmitter.js';
import { recoverTiming } from '../timing/recover.js';
import { recordGroundAs } from './ground-files.js';
import { writeDenseSettingsRecord, writeSparseSettingsRecord, type SettingsRecordKind } from './settings-record.js';

export const SETTINGS_FILE = 'settings.qrng';
/** Largest dense record written by simulate (2³² pulses = 2 GiB); beyond, use sparse or a shorter window. */
export const MAX_DENSE_PULSES = 2 ** 32;

export type TagFileFormat = 'mozi' | 'ptu' | 'swabian';

export interface InstrumentFileOptions {
  tagFormat?: TagFileFormat;
  settingsRecord?: SettingsRecordKind;
  onProgress?: (what: string, fraction: number) => void;
}

export interface InstrumentFilesWritten {
  tagFile?: string;
  tagRecords?: number;
  settingsFile?: string;
  settingsBytes?: number;
  settingsEntries?: number;
}

/** Check the options before the simulation runs (InputError naming the flag). */
export function checkInstrumentOptions(o: { tagFormat?: string; settingsRecord?: string }, pulseCount?: number): InstrumentFileOptions {
  if (o.tagFormat !== undefined && !['mozi', 'ptu', 'swabian'].includes(o.tagFormat)) {
    throw new InputError(`"${o.tagFormat}" is not one of mozi, ptu, swabian`, { field: '--tag-format' });
  }
  if (o.settingsRecord !== undefined && !['dense', 'sparse'].includes(o.settingsRecord)) {
    throw new InputError(`"${o.settingsRecord}" is not one of dense, sparse`, { field: '--settings-record' });
  }
  if (o.settingsRecord === 'dense' && pulseCount !== undefined && pulseCount > MAX_DENSE_PULSES) {
    throw new InputError(`a dense record of ${pulseCount.toExponential(3)} pulses would take ${(pulseCount / 2 / 1e9).toFixed(1)} GB; use --settings-record sparse or a shorter --window-s (≤ ${MAX_DENSE_PULSES} pulses)`, { field: '--settings-record' });
  }
  return { tagFormat: o.tagFormat as TagFileFormat | undefined, settingsRecord: o.settingsRecord as SettingsRecordKind | undefined };
}

/** Unique, strictly increasing pulse indices of the ground's detections (as the ground party sends them). */
export function detectedPulses(ground: GroundRecord): Float64Array {
  const d = recoverTiming({ ...ground, gateWindowPs: ground.receiver.gateWindowNs * 1000 }).detections.pulseIndex;
  let n = 0;
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) if (n === 0 || d[i] > out[n - 1]) out[n++] = d[i];
  return out.slice(0, n);
}

/** Rewrite DIR (already written by writeSimulation) as the instruments would have recorded it. */
export function writeInstrumentFiles(dir: string, sim: { satellite: SatelliteRecord; ground: GroundRecord }, o: InstrumentFileOptions): InstrumentFilesWritten {
  const out: InstrumentFilesWritten = {};
  if (o.settingsRecord !== undefined) {
    const sat = sim.satellite;
    const path = join(dir, 'satellite', SETTINGS_FILE);
    const src = PulseSource.fromConfig(seedFromHex(sat.sourceSeedHex, 'sourceSeedHex'), sat.transmitter);
    const meta = { satellite: sat.satellite, schedule: sat.schedule };
    if (o.settingsRecord === 'dense') {
      const r = writeDenseSettingsRecord(path, { ...meta, description: 'every pulse of the pass, as the payload QRNG recorded it' }, src, 0, sat.schedule.pulseCount, (f) => o.onProgress?.('settings', f));
      out.settingsBytes = r.bytes;
      out.settingsEntries = sat.schedule.pulseCount;
    } else {
      const idx = detectedPulses(sim.ground);
      const s = src.batch(idx);
      const r = writeSparseSettingsRecord(path, { ...meta, description: 'settings of the pulses the ground reported detected, as the payload would downlink them' }, idx, {
        intensity: s.intensityClass,
        basis: s.basis,
        bit: s.bit,
      });
      out.settingsBytes = r.bytes;
      out.settingsEntries = idx.length;
    }
    const jsonPath = join(dir, 'satellite', 'satellite.json');
    const doc = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
    const { sourceSeedHex: _s, generator: _g, ...rest } = doc;
    writeFileSync(jsonPath, JSON.stringify({ ...rest, settingsFile: SETTINGS_FILE, settingsRecord: o.settingsRecord }, null, 2) + '\n');
    out.settingsFile = path;
  }
  if (o.tagFormat === 'ptu' || o.tagFormat === 'swabian') {
    const r = recordGroundAs(join(dir, 'ground'), sim.ground, o.tagFormat);
    out.tagFile = r.file;
    out.tagRecords = r.records;
  }
  return out;
}

/**
 * Write a finished recording to `path` the way an instrument writes it during the pass: in
 * `parts` appends `gapMs` apart (what `mozi ground --follow` is tested and benchmarked on).
 */
export async function writeAsRecording(bytes: Uint8Array, path: string, parts: number, gapMs: number): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < parts; i++) {
      await new Promise((r) => setTimeout(r, gapMs));
      const a = Math.floor((bytes.length * i) / parts);
      const b = Math.floor((bytes.length * (i + 1)) / parts);
      writeSync(fd, bytes, a, b - a);
    }
  } finally {
    closeSync(fd);
  }
}
