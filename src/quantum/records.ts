/**
 * The records a pass produces, as a real system would store them (formats in README.md, "Data formats"):
 * the satellite's record (source seed + transmitter config + schedule), the ground's record (time
 * tags, sync tags, receiver config, predicted ephemeris, schedule) and, for tests only, the truth.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { TransmitterConfig, ReceiverConfig } from '../link/hardware.js';
import type { PassGeometry } from '../orbit/types.js';
import type { GroundClockModel, PassSchedule } from './clock.js';

export const SATELLITE_FORMAT = 'mozi-satellite/1';
export const GROUND_FORMAT = 'mozi-ground/1';
export const TRUTH_FORMAT = 'mozi-truth/1';
export const TAGS_MAGIC = 'MOZITAG1';
export const SYNC_MAGIC = 'MOZISYN1';

/** Detector ids in the tag file (one tag per detector click). */
export const DETECTOR_ZH = 0;
export const DETECTOR_ZV = 1;
export const DETECTOR_XD = 2;
export const DETECTOR_XA = 3;
export const DETECTOR_NAMES = ['Z-H', 'Z-V', 'X-D', 'X-A'] as const;

export interface SatelliteRecord {
  format: typeof SATELLITE_FORMAT;
  /** 64 hex digits; the only secret the satellite needs to say what pulse i carried. */
  sourceSeedHex: string;
  /** How settings derive from the seed (see quantum/transmitter.ts). */
  generator: 'philox4x32-10+chacha20-expand/1';
  transmitter: TransmitterConfig;
  schedule: PassSchedule;
  satellite: string;
}

export interface TimeTags {
  /** Ground-clock picoseconds (integer-valued), non-decreasing. */
  timePs: Float64Array;
  /** 0 Z-H, 1 Z-V, 2 X-D, 3 X-A. */
  detector: Uint8Array;
}

export interface GroundRecord {
  format: typeof GROUND_FORMAT;
  station: string;
  receiver: ReceiverConfig;
  schedule: PassSchedule;
  /** Known delay of the quantum detectors' tags relative to the sync detector's (calibration). */
  quantumDelayPs: number;
  /** The ephemeris the ground predicts (not the truth). */
  ephemeris: PassGeometry;
  tags: TimeTags;
  syncTags: { timePs: Float64Array };
}

export const TAG_KIND_PHOTON = 0;
export const TAG_KIND_DARK = 1;
export const TAG_KIND_BACKGROUND = 2;
export const TAG_KIND_AFTERPULSE = 3;

export interface TruthRecord {
  format: typeof TRUTH_FORMAT;
  /** Per tag: the pulse whose photon caused it, −1 for dark/background/afterpulse tags. */
  tagPulseIndex: Float64Array;
  /** Per tag: TAG_KIND_*. */
  tagKind: Uint8Array;
  /** Per tag: 1 if Eve holds a photon of (or knows the bit of) that pulse. */
  tagEve: Uint8Array;
  /** Per sync tag: sync pulse number j (pulse j·period), j + 0.5 for a marker, −1 spurious. */
  syncIndex: Float64Array;
  clock: GroundClockModel;
  /** Unknown skew of the quantum channel relative to the sync channel (beyond quantumDelayPs). */
  quantumSkewPs: number;
  ephemerisError: { timeMs: number; rangeKm: number };
  eve: string;
  geometry: PassGeometry;
  slotMs: number;
  /** Transmittance (fading included) used in each slot. */
  slotEta: Float32Array;
}

function writeBinary(path: string, magic: string, columns: (Float64Array | Uint8Array)[], count: number): void {
  let size = 16;
  for (const c of columns) size += c.byteLength;
  const buf = Buffer.alloc(size);
  buf.write(magic, 0, 8, 'latin1');
  buf.writeDoubleLE(count, 8);
  let off = 16;
  for (const c of columns) {
    Buffer.from(c.buffer, c.byteOffset, c.byteLength).copy(buf, off);
    off += c.byteLength;
  }
  writeFileSync(path, buf);
}

function readHeader(path: string, magic: string): { buf: Buffer; count: number } {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  const buf = readFileSync(path);
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== magic) {
    throw new InputError(`not a ${magic} file`, { file: path });
  }
  const count = buf.readDoubleLE(8);
  if (!Number.isSafeInteger(count) || count < 0) throw new InputError('bad record count', { file: path });
  return { buf, count };
}

function f64At(buf: Buffer, off: number, n: number): Float64Array {
  const out = new Float64Array(n);
  new Uint8Array(out.buffer).set(buf.subarray(off, off + 8 * n));
  return out;
}

/** Write tags: "MOZITAG1", count (f64 LE), count × f64 LE time (ps), count × u8 detector. */
export function writeTags(path: string, tags: TimeTags): void {
  writeBinary(path, TAGS_MAGIC, [tags.timePs, tags.detector], tags.timePs.length);
}

export function readTags(path: string): TimeTags {
  const { buf, count } = readHeader(path, TAGS_MAGIC);
  if (buf.length !== 16 + 9 * count) throw new InputError(`size ${buf.length} does not match ${count} records`, { file: path });
  const timePs = f64At(buf, 16, count);
  const detector = new Uint8Array(buf.subarray(16 + 8 * count, 16 + 9 * count));
  for (let i = 0; i < count; i++) {
    if (detector[i] > 3) throw new InputError(`detector id ${detector[i]} not in 0..3`, { file: path, line: i });
  }
  return { timePs, detector };
}

export function writeSyncTags(path: string, timePs: Float64Array): void {
  writeBinary(path, SYNC_MAGIC, [timePs], timePs.length);
}

export function readSyncTags(path: string): Float64Array {
  const { buf, count } = readHeader(path, SYNC_MAGIC);
  if (buf.length !== 16 + 8 * count) throw new InputError(`size ${buf.length} does not match ${count} records`, { file: path });
  return f64At(buf, 16, count);
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`invalid JSON: ${(e as Error).message}`, { file: path });
  }
}

export interface SimulationRecords {
  satellite: SatelliteRecord;
  ground: GroundRecord;
  truth?: TruthRecord;
  summary?: unknown;
}

/** Write DIR/satellite/, DIR/ground/, DIR/truth/ (if present) and DIR/summary.json. */
export function writeSimulation(dir: string, result: SimulationRecords): void {
  const sat = join(dir, 'satellite');
  const gnd = join(dir, 'ground');
  mkdirSync(sat, { recursive: true });
  mkdirSync(gnd, { recursive: true });
  writeJson(join(sat, 'satellite.json'), result.satellite);
  const { tags, syncTags, ...groundMeta } = result.ground;
  writeJson(join(gnd, 'ground.json'), { ...groundMeta, tagCount: tags.timePs.length, syncTagCount: syncTags.timePs.length });
  writeTags(join(gnd, 'tags.bin'), tags);
  writeSyncTags(join(gnd, 'sync.bin'), syncTags.timePs);
  if (result.truth) {
    const tr = join(dir, 'truth');
    mkdirSync(tr, { recursive: true });
    const t = result.truth;
    writeBinary(join(tr, 'tags-truth.bin'), 'MOZITRU1', [t.tagPulseIndex, t.tagKind, t.tagEve], t.tagPulseIndex.length);
    writeBinary(join(tr, 'sync-truth.bin'), 'MOZISTR1', [t.syncIndex], t.syncIndex.length);
    writeBinary(join(tr, 'slot-eta.bin'), 'MOZIETA1', [new Float64Array(t.slotEta)], t.slotEta.length);
    const { tagPulseIndex: _a, tagKind: _b, tagEve: _c, syncIndex: _d, slotEta: _e, ...meta } = t;
    writeJson(join(tr, 'truth.json'), meta);
  }
  if (result.summary !== undefined) writeJson(join(dir, 'summary.json'), result.summary);
}

export function readSatelliteRecord(dir: string): SatelliteRecord {
  const path = join(dir, 'satellite', 'satellite.json');
  const j = readJson(path);
  if (j.format !== SATELLITE_FORMAT) throw new InputError(`expected format ${SATELLITE_FORMAT}`, { file: path, field: 'format' });
  if (typeof j.sourceSeedHex !== 'string' || !/^[0-9a-f]{64}$/i.test(j.sourceSeedHex)) {
    throw new InputError('sourceSeedHex must be 64 hex digits', { file: path, field: 'sourceSeedHex' });
  }
  return j as unknown as SatelliteRecord;
}

export function readGroundRecord(dir: string): GroundRecord {
  const path = join(dir, 'ground', 'ground.json');
  const j = readJson(path);
  if (j.format !== GROUND_FORMAT) throw new InputError(`expected format ${GROUND_FORMAT}`, { file: path, field: 'format' });
  const tags = readTags(join(dir, 'ground', 'tags.bin'));
  const sync = readSyncTags(join(dir, 'ground', 'sync.bin'));
  const { tagCount: _a, syncTagCount: _b, ...meta } = j;
  return { ...(meta as unknown as Omit<GroundRecord, 'tags' | 'syncTags'>), tags, syncTags: { timePs: sync } };
}

/** Ground truth (tests only; the production path never reads it). */
export function readTruthRecord(dir: string): TruthRecord {
  const tr = join(dir, 'truth');
  const meta = readJson(join(tr, 'truth.json'));
  const a = readHeader(join(tr, 'tags-truth.bin'), 'MOZITRU1');
  const n = a.count;
  const s = readHeader(join(tr, 'sync-truth.bin'), 'MOZISTR1');
  const e = readHeader(join(tr, 'slot-eta.bin'), 'MOZIETA1');
  return {
    ...(meta as unknown as Omit<TruthRecord, 'tagPulseIndex' | 'tagKind' | 'tagEve' | 'syncIndex' | 'slotEta'>),
    tagPulseIndex: f64At(a.buf, 16, n),
    tagKind: new Uint8Array(a.buf.subarray(16 + 8 * n, 16 + 9 * n)),
    tagEve: new Uint8Array(a.buf.subarray(16 + 9 * n, 16 + 10 * n)),
    syncIndex: f64At(s.buf, 16, s.count),
    slotEta: new Float32Array(f64At(e.buf, 16, e.count)),
  };
}
