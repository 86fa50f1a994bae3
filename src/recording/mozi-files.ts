/**
 * Mozi's own record files on disk (formats in README.md, "Data formats"; contents encoded and
 * checked by the pure functions of src/quantum/records.ts): a simulation's DIR/satellite/,
 * DIR/ground/, DIR/truth/ and DIR/summary.json, and the binary tag files alone.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import {
  checkGroundFormat, decodeSyncTags, decodeTags, decodeTruth, encodeSyncTags, encodeTags, encodeTruth, groundRecordFromParts, groundRecordMeta,
  parseSatelliteRecord, type GroundRecord, type SatelliteRecord, type SimulationRecords, type TimeTags, type TruthRecord,
} from '../quantum/records.js';

function readBinary(path: string): Buffer {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  return readFileSync(path);
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

/** Write a tags file (MOZITAG1). */
export function writeTags(path: string, tags: TimeTags): void {
  writeFileSync(path, encodeTags(tags));
}

export function readTags(path: string): TimeTags {
  return decodeTags(readBinary(path), path);
}

/** Write a sync tags file (MOZISYN1). */
export function writeSyncTags(path: string, timePs: Float64Array): void {
  writeFileSync(path, encodeSyncTags(timePs));
}

export function readSyncTags(path: string): Float64Array {
  return decodeSyncTags(readBinary(path), path);
}

/** Write DIR/satellite/, DIR/ground/, DIR/truth/ (if present) and DIR/summary.json. */
export function writeSimulation(dir: string, result: SimulationRecords): void {
  const sat = join(dir, 'satellite');
  const gnd = join(dir, 'ground');
  mkdirSync(sat, { recursive: true });
  mkdirSync(gnd, { recursive: true });
  writeJson(join(sat, 'satellite.json'), result.satellite);
  writeJson(join(gnd, 'ground.json'), groundRecordMeta(result.ground));
  writeTags(join(gnd, 'tags.bin'), result.ground.tags);
  writeSyncTags(join(gnd, 'sync.bin'), result.ground.syncTags.timePs);
  if (result.truth) {
    const tr = join(dir, 'truth');
    mkdirSync(tr, { recursive: true });
    const t = encodeTruth(result.truth);
    writeFileSync(join(tr, 'tags-truth.bin'), t.tagsTruth);
    writeFileSync(join(tr, 'sync-truth.bin'), t.syncTruth);
    writeFileSync(join(tr, 'slot-eta.bin'), t.slotEta);
    writeJson(join(tr, 'truth.json'), t.meta);
  }
  if (result.summary !== undefined) writeJson(join(dir, 'summary.json'), result.summary);
}

export function readSatelliteRecord(dir: string): SatelliteRecord {
  const path = join(dir, 'satellite', 'satellite.json');
  return parseSatelliteRecord(readJson(path), path);
}

export function readGroundRecord(dir: string): GroundRecord {
  const path = join(dir, 'ground', 'ground.json');
  const j = readJson(path);
  checkGroundFormat(j, path); // before reading the (large) tag files
  const tags = readTags(join(dir, 'ground', 'tags.bin'));
  const sync = readSyncTags(join(dir, 'ground', 'sync.bin'));
  return groundRecordFromParts(j, tags, sync, path);
}

/** Ground truth (tests only; the production path never reads it). */
export function readTruthRecord(dir: string): TruthRecord {
  const tr = join(dir, 'truth');
  const names = { tagsTruth: join(tr, 'tags-truth.bin'), syncTruth: join(tr, 'sync-truth.bin'), slotEta: join(tr, 'slot-eta.bin') };
  const meta = readJson(join(tr, 'truth.json'));
  return decodeTruth(meta, { tagsTruth: readBinary(names.tagsTruth), syncTruth: readBinary(names.syncTruth), slotEta: readBinary(names.slotEta) }, names);
}
