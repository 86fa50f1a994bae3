/**
 * The records a pass produces, as a real system would store them (formats in README.md, "Data formats"):
 * the satellite's record (source seed + transmitter config + schedule), the ground's record (time
 * tags, sync tags, receiver config, predicted ephemeris, schedule) and, for tests only, the truth.
 *
 * This file is pure: the types, and the encoding and validation of the files' contents (bytes and
 * JSON values). Reading and writing them on disk is src/recording/mozi-files.ts.
 */
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

/** Binary record file: 8-byte magic, count (f64 LE), then the columns back to back. */
export function encodeColumns(magic: string, columns: (Float64Array | Uint8Array)[], count: number): Buffer {
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
  return buf;
}

/** The record count of a binary record file, after checking its magic (`file` names it in errors). */
export function decodeHeader(buf: Buffer, magic: string, file?: string): number {
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== magic) {
    throw new InputError(`not a ${magic} file`, { file });
  }
  const count = buf.readDoubleLE(8);
  if (!Number.isSafeInteger(count) || count < 0) throw new InputError('bad record count', { file });
  return count;
}

/** `n` f64 LE values at byte `off` of `buf`, copied. */
export function f64At(buf: Buffer, off: number, n: number): Float64Array {
  const out = new Float64Array(n);
  new Uint8Array(out.buffer).set(buf.subarray(off, off + 8 * n));
  return out;
}

/** Tags file: "MOZITAG1", count (f64 LE), count × f64 LE time (ps), count × u8 detector. */
export function encodeTags(tags: TimeTags): Buffer {
  return encodeColumns(TAGS_MAGIC, [tags.timePs, tags.detector], tags.timePs.length);
}

export function decodeTags(buf: Buffer, file?: string): TimeTags {
  const count = decodeHeader(buf, TAGS_MAGIC, file);
  if (buf.length !== 16 + 9 * count) throw new InputError(`size ${buf.length} does not match ${count} records`, { file });
  const timePs = f64At(buf, 16, count);
  const detector = new Uint8Array(buf.subarray(16 + 8 * count, 16 + 9 * count));
  for (let i = 0; i < count; i++) {
    if (detector[i] > 3) throw new InputError(`detector id ${detector[i]} not in 0..3`, { file, line: i });
  }
  return { timePs, detector };
}

/** Sync tags file: "MOZISYN1", count (f64 LE), count × f64 LE time (ps). */
export function encodeSyncTags(timePs: Float64Array): Buffer {
  return encodeColumns(SYNC_MAGIC, [timePs], timePs.length);
}

export function decodeSyncTags(buf: Buffer, file?: string): Float64Array {
  const count = decodeHeader(buf, SYNC_MAGIC, file);
  if (buf.length !== 16 + 8 * count) throw new InputError(`size ${buf.length} does not match ${count} records`, { file });
  return f64At(buf, 16, count);
}

/** Check a parsed satellite.json (format, source seed). */
export function parseSatelliteRecord(j: Record<string, unknown>, file?: string): SatelliteRecord {
  if (j.format !== SATELLITE_FORMAT) throw new InputError(`expected format ${SATELLITE_FORMAT}`, { file, field: 'format' });
  if (typeof j.sourceSeedHex !== 'string' || !/^[0-9a-f]{64}$/i.test(j.sourceSeedHex)) {
    throw new InputError('sourceSeedHex must be 64 hex digits', { file, field: 'sourceSeedHex' });
  }
  return j as unknown as SatelliteRecord;
}

/** ground.json: the ground record without its tags, with their counts. */
export function groundRecordMeta(ground: GroundRecord): Record<string, unknown> {
  const { tags, syncTags, ...groundMeta } = ground;
  return { ...groundMeta, tagCount: tags.timePs.length, syncTagCount: syncTags.timePs.length };
}

/** Check the format of a parsed ground.json. */
export function checkGroundFormat(j: Record<string, unknown>, file?: string): void {
  if (j.format !== GROUND_FORMAT) throw new InputError(`expected format ${GROUND_FORMAT}`, { file, field: 'format' });
}

/** A ground record from a parsed ground.json and its decoded tag files. */
export function groundRecordFromParts(j: Record<string, unknown>, tags: TimeTags, syncTimePs: Float64Array, file?: string): GroundRecord {
  checkGroundFormat(j, file);
  const { tagCount: _a, syncTagCount: _b, ...meta } = j;
  return { ...(meta as unknown as Omit<GroundRecord, 'tags' | 'syncTags'>), tags, syncTags: { timePs: syncTimePs } };
}

export const TRUTH_TAGS_MAGIC = 'MOZITRU1';
export const TRUTH_SYNC_MAGIC = 'MOZISTR1';
export const TRUTH_ETA_MAGIC = 'MOZIETA1';

/** The truth record as its files' contents: truth.json metadata and three binary columns files. */
export function encodeTruth(t: TruthRecord): { meta: Record<string, unknown>; tagsTruth: Buffer; syncTruth: Buffer; slotEta: Buffer } {
  const { tagPulseIndex: _a, tagKind: _b, tagEve: _c, syncIndex: _d, slotEta: _e, ...meta } = t;
  return {
    meta,
    tagsTruth: encodeColumns(TRUTH_TAGS_MAGIC, [t.tagPulseIndex, t.tagKind, t.tagEve], t.tagPulseIndex.length),
    syncTruth: encodeColumns(TRUTH_SYNC_MAGIC, [t.syncIndex], t.syncIndex.length),
    slotEta: encodeColumns(TRUTH_ETA_MAGIC, [new Float64Array(t.slotEta)], t.slotEta.length),
  };
}

export function decodeTruth(meta: Record<string, unknown>, files: { tagsTruth: Buffer; syncTruth: Buffer; slotEta: Buffer }, names: { tagsTruth?: string; syncTruth?: string; slotEta?: string } = {}): TruthRecord {
  const n = decodeHeader(files.tagsTruth, TRUTH_TAGS_MAGIC, names.tagsTruth);
  const ns = decodeHeader(files.syncTruth, TRUTH_SYNC_MAGIC, names.syncTruth);
  const ne = decodeHeader(files.slotEta, TRUTH_ETA_MAGIC, names.slotEta);
  const a = files.tagsTruth;
  return {
    ...(meta as unknown as Omit<TruthRecord, 'tagPulseIndex' | 'tagKind' | 'tagEve' | 'syncIndex' | 'slotEta'>),
    tagPulseIndex: f64At(a, 16, n),
    tagKind: new Uint8Array(a.subarray(16 + 8 * n, 16 + 9 * n)),
    tagEve: new Uint8Array(a.subarray(16 + 9 * n, 16 + 10 * n)),
    syncIndex: f64At(files.syncTruth, 16, ns),
    slotEta: new Float32Array(f64At(files.slotEta, 16, ne)),
  };
}

export interface SimulationRecords {
  satellite: SatelliteRecord;
  ground: GroundRecord;
  truth?: TruthRecord;
  summary?: unknown;
}
