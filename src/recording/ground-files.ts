/**
 * The ground's recording on disk in the instrument formats: reading `DIR/ground` whatever its tag
 * file (`tags.bin` + `sync.bin`, `tags.ptu`, `tags.ttraw`, a CSV export, or a file named on the
 * command line) into the `GroundRecord` the ground party consumes, and writing a simulated ground
 * record as a HydraHarp PTU file or a Swabian raw stream (what `mozi simulate --tag-format` does).
 *
 * `ground.json` (format mozi-ground/1) may name its tag file: `tagFile` (relative to the folder)
 * and `tagFormat` (`ptu`, `swabian`, `csv`; absent: Mozi's tags.bin/sync.bin). Mozi's own PTU
 * files carry their channel map in the header tag `Mozi_ChannelMap` and the ground-clock time of
 * tick 0 in `Mozi_TimeOriginPs`; a Swabian raw stream has no header, so Mozi writes the map into a
 * sidecar `FILE.json` (format mozi-swabian-sidecar/1).
 */
import { existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { parseReceiver } from '../link/hardware.js';
import { GROUND_FORMAT, type GroundRecord, type TimeTags } from '../quantum/records.js';
import { readSyncTags, readTags, writeSyncTags, writeTags } from './mozi-files.js';
import { MOZI_CHANNEL_MAP, parseChannelMap, type ChannelMap } from './channel-map.js';
import { collectGroundTags, type CollectedTags } from './ground-tags.js';
import { PtuT2Decoder } from './ptu-t2.js';
import { writePtuHeader } from './ptu-header.js';
import { HydraHarpT2Encoder, moziPtuHeaderTags } from './ptu-writer.js';
import { SwabianDecoder, SwabianEncoder } from './swabian-raw.js';
import { TAG_FORMATS, type TagFormat } from './tag-batch.js';
import { readTagFile, readTagStream, type FollowOptions } from './tag-stream.js';

export type GroundMeta = Omit<GroundRecord, 'tags' | 'syncTags'> & {
  tagFile?: string;
  tagFormat?: TagFormat;
  tagCount?: number;
  syncTagCount?: number;
};

export const SWABIAN_SIDECAR_FORMAT = 'mozi-swabian-sidecar/1';
export const PTU_FILE = 'tags.ptu';
export const SWABIAN_FILE = 'tags.ttraw';

const finite = z.number().finite();
const metaSchema = z.object({
  format: z.literal(GROUND_FORMAT),
  station: z.string().min(1),
  receiver: z.record(z.string(), z.unknown()),
  schedule: z.object({
    windowStartMs: finite,
    pulseRateHz: finite.positive(),
    pulseCount: z.number().int().nonnegative(),
    syncPeriodPulses: z.number().int().positive(),
    syncMarkerEvery: z.number().int().positive(),
    syncMarkerOffsetPulses: z.number().int().nonnegative(),
    groundEpochMs: finite,
  }),
  quantumDelayPs: finite,
  ephemeris: z.object({
    summary: z.object({ satellite: z.string().min(1) }).passthrough(),
    stepS: finite.optional(),
    samples: z.array(z.object({ timeMs: finite, rangeKm: finite, rangeRateKmS: finite }).passthrough()).min(2),
  }),
  tagFile: z.string().min(1).optional(),
  tagFormat: z.enum(TAG_FORMATS).optional(),
});

/** Read and check ground.json (everything but the tags); InputError naming the field. */
export function readGroundMeta(path: string): GroundMeta {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`invalid JSON: ${(e as Error).message}`, { file: path });
  }
  const r = metaSchema.safeParse(j);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issue.message, { file: path, field: issue.path.join('.') || 'format' });
  }
  const meta = j as GroundMeta;
  return { ...meta, receiver: parseReceiver(meta.receiver, path) };
}

export interface TagImportOptions {
  format: TagFormat;
  /** "1=H,2=V,…"; default: the file's own map (PTU header tag, Swabian sidecar). */
  channels?: string;
  /** Added to every time, after the file's own origin (ps). */
  offsetPs?: number;
  /** Picoseconds per tick (PTU: overrides MeasDesc_GlobalResolution; text: default 1). */
  clockPs?: number;
  maxBackwardPs?: number;
  follow?: FollowOptions;
  /** Read the tags from this byte stream (a pipe, stdin) instead of the file; the file name is only the source's label. */
  stream?: AsyncIterable<Uint8Array>;
}

export interface TagImportReport {
  file: string;
  format: TagFormat;
  channelMap: string;
  channelMapFrom: 'option' | 'header' | 'sidecar';
  /** Ground-clock time of the file's time zero (PTU Mozi_TimeOriginPs; Swabian rebase), plus --offset-ps. */
  offsetPs: number;
  tickPs: number | null;
  /** Swabian only: the tagger time subtracted because the stream started beyond 2⁵² ps. */
  rebasedOriginPs?: string;
  records: number;
  events: number;
  tags: number;
  tagsPerDetector: number[];
  syncTags: number;
  markers: number;
  lostIntervals: number;
  lostS: number;
  missedEvents: number;
  ignoredEvents: number;
  unmappedEvents: Record<string, number>;
  reordered: number;
}

/** The sidecar map of a Swabian stream written by Mozi, if there is one. */
function sidecarMap(file: string): string | undefined {
  const side = `${file}.json`;
  if (!existsSync(side)) return undefined;
  let j: { format?: unknown; channelMap?: unknown };
  try {
    j = JSON.parse(readFileSync(side, 'utf8')) as typeof j;
  } catch (e) {
    throw new InputError(`invalid JSON: ${(e as Error).message}`, { file: side });
  }
  if (j.format !== SWABIAN_SIDECAR_FORMAT || typeof j.channelMap !== 'string') {
    throw new InputError(`expected { "format": "${SWABIAN_SIDECAR_FORMAT}", "channelMap": "1=H,…" }`, { file: side, field: 'channelMap' });
  }
  return j.channelMap;
}

/**
 * The channel map of a tag file: `--channels` if given, else the map Mozi's own files carry (the
 * PTU header's Mozi_ChannelMap, a Swabian stream's sidecar); an InputError asking for --channels
 * when there is none. Call once the decoder has read the header (at the first batch).
 */
export function resolveChannelMap(
  decoder: unknown,
  file: string,
  o: { channels?: string; format: string; stream?: unknown },
): { map: ChannelMap; from: TagImportReport['channelMapFrom'] } {
  if (o.channels !== undefined) return { map: parseChannelMap(o.channels), from: 'option' };
  if (decoder instanceof PtuT2Decoder && decoder.info?.moziChannelMap !== undefined) {
    return { map: parseChannelMap(decoder.info.moziChannelMap, { file, field: 'Mozi_ChannelMap' }), from: 'header' };
  }
  const side = o.format === 'swabian' && o.stream === undefined ? sidecarMap(file) : undefined;
  if (side !== undefined) return { map: parseChannelMap(side, { file: `${file}.json`, field: 'channelMap' }), from: 'sidecar' };
  throw new InputError('the file carries no channel map: give --channels (e.g. 1=H,2=V,3=D,4=A,5=sync)', { file, field: '--channels' });
}

/** Read an instrument's tag file into the ground's tag arrays. */
export async function importTagFile(file: string, o: TagImportOptions): Promise<{ collected: CollectedTags; report: TagImportReport }> {
  if (o.stream === undefined && !existsSync(file)) throw new InputError('file not found', { file });
  const { decoder, batches } = o.stream !== undefined ? readTagStream(o.stream, o.format, { clockPs: o.clockPs, maxBackwardPs: o.maxBackwardPs, source: file }) : readTagFile(file, o.format, { clockPs: o.clockPs, maxBackwardPs: o.maxBackwardPs, follow: o.follow });
  let from: TagImportReport['channelMapFrom'] = 'option';
  let originPs = 0;
  const resolveMap = (): ChannelMap => {
    const r = resolveChannelMap(decoder, file, o);
    from = r.from;
    return r.map;
  };
  // the PTU origin is in the header: known once the stream has been read
  const offsetUser = o.offsetPs ?? 0;
  let offsetTotal = offsetUser;
  const collected = await collectGroundTags(batches, { channels: resolveMap, offsetPs: offsetUser, source: file });
  if (decoder instanceof PtuT2Decoder) originPs = decoder.info?.moziTimeOriginPs ?? 0;
  if (originPs !== 0) {
    offsetTotal += originPs;
    addInPlace(collected.tags.timePs, originPs, file);
    addInPlace(collected.syncTimePs, originPs, file);
    for (const l of collected.lost) {
      l.startPs += originPs;
      l.endPs += originPs;
    }
  }
  const tickPs = decoder instanceof PtuT2Decoder ? (decoder.info?.tickPs ?? null) : o.format === 'csv' ? (o.clockPs ?? 1) : 1;
  const report: TagImportReport = {
    file,
    format: o.format,
    channelMap: collected.channelMap,
    channelMapFrom: from,
    offsetPs: offsetTotal,
    tickPs,
    ...(decoder instanceof SwabianDecoder && decoder.originPs !== '0' ? { rebasedOriginPs: decoder.originPs } : {}),
    records: collected.records,
    events: collected.events,
    tags: collected.tags.timePs.length,
    tagsPerDetector: collected.tagsPerDetector,
    syncTags: collected.syncTimePs.length,
    markers: collected.markers,
    lostIntervals: collected.lost.length,
    lostS: collected.lostPs * 1e-12,
    missedEvents: collected.missedEvents,
    ignoredEvents: collected.ignored,
    unmappedEvents: collected.unmapped,
    reordered: collected.reordered,
  };
  return { collected, report };
}

function addInPlace(a: Float64Array, d: number, file: string): void {
  for (let i = 0; i < a.length; i++) a[i] += d;
  if (a.length && !(Number.isSafeInteger(a[0]) && Number.isSafeInteger(a[a.length - 1]))) {
    throw new InputError('times after adding the file origin are beyond 2^53 ps', { file, field: 'Mozi_TimeOriginPs' });
  }
}

/** Format from a file name: .ptu → ptu, .ttraw/.raw → swabian, .csv/.txt/.tsv → csv. */
export function formatFromName(file: string): TagFormat | undefined {
  const e = extname(file).toLowerCase();
  if (e === '.ptu') return 'ptu';
  if (e === '.ttraw' || e === '.raw') return 'swabian';
  if (e === '.csv' || e === '.txt' || e === '.tsv') return 'csv';
  return undefined;
}

export interface GroundInputOptions extends Partial<TagImportOptions> {
  /** A tag file to read instead of the one ground.json names (or tags.bin). */
  tags?: string;
}

/**
 * The ground party's input from `ROOT/ground`: ground.json plus its tags, from Mozi's binary
 * files or from an instrument file (ground.json's `tagFile`, or `opts.tags`).
 */
export async function readGroundInput(root: string, opts: GroundInputOptions = {}): Promise<{ record: GroundRecord; report: TagImportReport | null }> {
  const dir = join(root, 'ground');
  const meta = readGroundMeta(join(dir, 'ground.json'));
  const { tagFile, tagFormat, tagCount: _a, syncTagCount: _b, ...rest } = meta;
  const file = opts.tags ?? (tagFile !== undefined ? join(dir, tagFile) : undefined);
  if (file === undefined) {
    if (opts.format !== undefined) throw new InputError('--format needs --tags FILE', { field: '--format' });
    const tags = readTags(join(dir, 'tags.bin'));
    const sync = readSyncTags(join(dir, 'sync.bin'));
    return { record: { ...rest, tags, syncTags: { timePs: sync } }, report: null };
  }
  const format = opts.format ?? (opts.tags === undefined ? tagFormat : undefined) ?? formatFromName(file);
  if (format === undefined) throw new InputError(`cannot tell the format of ${basename(file)}: give --format ${TAG_FORMATS.join('|')}`, { field: '--format' });
  const { collected, report } = await importTagFile(file, { ...opts, format });
  return { record: { ...rest, tags: collected.tags, syncTags: { timePs: collected.syncTimePs } }, report };
}

/** Write ground.json + tags.bin + sync.bin (what `mozi import` produces). */
export function writeImportedGround(dir: string, meta: GroundMeta, collected: CollectedTags, report: TagImportReport): void {
  const { tagFile: _a, tagFormat: _b, ...rest } = meta;
  writeTags(join(dir, 'tags.bin'), collected.tags);
  writeSyncTags(join(dir, 'sync.bin'), collected.syncTimePs);
  const doc = {
    ...rest,
    format: GROUND_FORMAT,
    tagCount: collected.tags.timePs.length,
    syncTagCount: collected.syncTimePs.length,
    importedFrom: {
      file: report.file,
      format: report.format,
      channelMap: report.channelMap,
      offsetPs: report.offsetPs,
      tickPs: report.tickPs,
      lostIntervals: collected.lost.map((l) => ({ startPs: l.startPs, endPs: l.endPs, missedEvents: l.missedEvents })),
    },
  };
  writeFileSync(join(dir, 'ground.json'), JSON.stringify(doc, null, 2) + '\n');
}

/** Merge the detector tags and the sync tags in time order: (time, channel) via a callback. */
function mergeEvents(tags: TimeTags, sync: Float64Array, emit: (channel: number, timePs: number) => void): void {
  const t = tags.timePs;
  const d = tags.detector;
  let i = 0;
  let j = 0;
  while (i < t.length || j < sync.length) {
    if (j >= sync.length || (i < t.length && t[i] <= sync[j])) {
      emit(d[i] + 1, t[i]);
      i++;
    } else {
      emit(5, sync[j]);
      j++;
    }
  }
}

function firstTime(ground: GroundRecord): number {
  const a = ground.tags.timePs.length ? ground.tags.timePs[0] : Infinity;
  const b = ground.syncTags.timePs.length ? ground.syncTags.timePs[0] : Infinity;
  return Math.min(a, b);
}

function lastTime(ground: GroundRecord): number {
  const t = ground.tags.timePs;
  const s = ground.syncTags.timePs;
  return Math.max(t.length ? t[t.length - 1] : -Infinity, s.length ? s[s.length - 1] : -Infinity);
}

/**
 * Write the ground's tags as a HydraHarp 400 T2 file (V2 records, 1 ps): detectors H, V, D, A on
 * inputs 1–4, the sync detector on input 5 (`Mozi_ChannelMap`), tick 0 at ground-clock time
 * `Mozi_TimeOriginPs` (0, or the first tag's time when the clock starts negative). Streams
 * records to disk in chunks and patches TTResult_NumberOfRecords at the end.
 */
export function writeGroundPtu(path: string, ground: GroundRecord): { records: number; timeOriginPs: number } {
  const t0 = firstTime(ground);
  const origin = Number.isFinite(t0) && t0 < 0 ? Math.floor(t0) : 0;
  const durPs = Number.isFinite(t0) ? lastTime(ground) - t0 : 0;
  const rates = [0, 0, 0, 0, 0];
  for (const d of ground.tags.detector) rates[d]++;
  rates[4] = ground.syncTags.timePs.length;
  const meta = {
    channelMap: MOZI_CHANNEL_MAP,
    timeOriginPs: origin,
    createdMs: ground.schedule.groundEpochMs,
    acquisitionMs: durPs * 1e-9,
    records: 0,
    inputRates: rates.map((c) => (durPs > 0 ? c / (durPs * 1e-12) : 0)),
    guidSeed: `${ground.station}/${ground.schedule.groundEpochMs}/${ground.tags.timePs.length}/${ground.syncTags.timePs.length}`,
  };
  const header = writePtuHeader(moziPtuHeaderTags(meta));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header.bytes);
    const enc = new HydraHarpT2Encoder(1 << 17);
    let pending = 0;
    mergeEvents(ground.tags, ground.syncTags.timePs, (ch, t) => {
      enc.event(ch, t - origin);
      if (++pending === 1 << 16) {
        writeSync(fd, enc.take());
        pending = 0;
      }
    });
    writeSync(fd, enc.take());
    const patch = Buffer.alloc(8);
    patch.writeBigInt64LE(BigInt(enc.records));
    const at = header.valueOffset.get('TTResult_NumberOfRecords');
    if (at === undefined) throw new Error('PTU header without TTResult_NumberOfRecords');
    writeSync(fd, patch, 0, 8, at);
    return { records: enc.records, timeOriginPs: origin };
  } finally {
    closeSync(fd);
  }
}

/** Write the ground's tags as a Swabian raw tag stream (channels 1–5 as in PTU) plus its sidecar. */
export function writeGroundSwabian(path: string, ground: GroundRecord): { records: number } {
  const fd = openSync(path, 'w');
  let records = 0;
  try {
    const enc = new SwabianEncoder(1 << 16);
    mergeEvents(ground.tags, ground.syncTags.timePs, (ch, t) => {
      enc.timeTag(ch, t);
      records++;
      if (enc.tags === 1 << 16) writeSync(fd, enc.take());
    });
    writeSync(fd, enc.take());
  } finally {
    closeSync(fd);
  }
  const sidecar = {
    format: SWABIAN_SIDECAR_FORMAT,
    description: 'Channel map of a Swabian Time Tagger raw tag stream (16-byte Tag structs) written by Mozi; the stream itself has no header.',
    channelMap: MOZI_CHANNEL_MAP,
    tags: records,
    timeUnit: 'ps (ground clock, since groundEpochMs)',
  };
  writeFileSync(`${path}.json`, JSON.stringify(sidecar, null, 2) + '\n');
  return { records };
}

/**
 * Replace DIR/ground's tags.bin + sync.bin by an instrument file (`mozi simulate --tag-format`):
 * writes tags.ptu or tags.ttraw (+ sidecar), names it in ground.json and removes the Mozi files.
 */
export function recordGroundAs(groundDir: string, ground: GroundRecord, format: 'ptu' | 'swabian'): { file: string; records: number } {
  const name = format === 'ptu' ? PTU_FILE : SWABIAN_FILE;
  const path = join(groundDir, name);
  const { records } = format === 'ptu' ? writeGroundPtu(path, ground) : writeGroundSwabian(path, ground);
  const metaPath = join(groundDir, 'ground.json');
  const doc = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(metaPath, JSON.stringify({ ...doc, tagFile: name, tagFormat: format }, null, 2) + '\n');
  for (const f of ['tags.bin', 'sync.bin']) rmSync(join(groundDir, f), { force: true });
  return { file: path, records };
}
