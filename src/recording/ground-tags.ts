/**
 * From an instrument's tag batches to the ground's tag arrays (`TimeTags` of tags.bin and the
 * sync tags of sync.bin): channels mapped to detectors and the sync detector, the file's time
 * origin and the user's offset added, small reorderings between inputs (within the decoder's
 * tolerance) put back in time order. Lost intervals, missed events, markers and unmapped channels
 * are counted and reported; an instrument error record (its time base invalid across it) is an
 * InputError, because tags on both sides of it cannot be put on one clock.
 */
import { InputError } from '../core/errors.js';
import { GrowableF64, GrowableU8 } from '../quantum/growable.js';
import type { TimeTags } from '../quantum/records.js';
import { ROLE_IGNORE, ROLE_SYNC, UNMAPPED, type ChannelMap } from './channel-map.js';
import { recordError, type LostInterval, type TagBatch } from './tag-batch.js';

export interface CollectOptions {
  /** The channel map, or how to get it once the stream's header is known (first batch). */
  channels: ChannelMap | (() => ChannelMap);
  /** Added to every time (ps, integer): the file's own origin plus the user's offset. */
  offsetPs?: number;
  source: string;
}

export interface CollectedTags {
  tags: TimeTags;
  syncTimePs: Float64Array;
  channelMap: string;
  records: number;
  events: number;
  /** Tags per detector 0–3. */
  tagsPerDetector: number[];
  markers: number;
  lost: LostInterval[];
  lostPs: number;
  missedEvents: number;
  ignored: number;
  /** Events on channels absent from the map: channel → count. */
  unmapped: Record<string, number>;
  /** Events put back into time order (within the decoder's tolerance). */
  reordered: number;
}

/** Collect a whole stream (memory: the tags themselves, 9 bytes each as in tags.bin). */
export async function collectGroundTags(batches: AsyncIterable<TagBatch>, opts: CollectOptions): Promise<CollectedTags> {
  const offset = opts.offsetPs ?? 0;
  if (!Number.isSafeInteger(offset)) throw new InputError(`offset ${offset} ps is not an integer`, { field: '--offset-ps' });
  let map: ChannelMap | null = typeof opts.channels === 'function' ? null : opts.channels;
  const tT = new GrowableF64(1 << 16);
  const tD = new GrowableU8(1 << 16);
  const sT = new GrowableF64(1 << 12);
  const perDet = [0, 0, 0, 0];
  const unmapped = new Map<number, number>();
  const lost: LostInterval[] = [];
  let records = 0;
  let events = 0;
  let markers = 0;
  let ignored = 0;
  let missed = 0;
  for await (const b of batches) {
    if (map === null) map = (opts.channels as () => ChannelMap)();
    if (b.errors.length > 0) {
      const e = b.errors[0];
      throw recordError(opts.source, e.record, 'type', `instrument Error tag at ${e.timePs} ps: the tagger's time base is not valid across it; split the recording there and import the parts separately`);
    }
    records += b.records;
    events += b.count;
    markers += b.markerCount;
    for (const l of b.lost) lost.push({ ...l, startPs: l.startPs + offset, endPs: l.endPs + offset });
    for (const m of b.missed) missed += m.count;
    const t = b.timePs;
    const c = b.channel;
    for (let i = 0; i < b.count; i++) {
      const role = map.role(c[i]);
      if (role < 4 && role >= 0) {
        tT.push(t[i] + offset);
        tD.push(role);
        perDet[role]++;
      } else if (role === ROLE_SYNC) sT.push(t[i] + offset);
      else if (role === ROLE_IGNORE) ignored++;
      else if (role === UNMAPPED) unmapped.set(c[i], (unmapped.get(c[i]) ?? 0) + 1);
    }
  }
  if (map === null) map = typeof opts.channels === 'function' ? opts.channels() : opts.channels;
  const timePs = tT.toArray();
  const detector = tD.toArray();
  const syncTimePs = sT.toArray();
  let reordered = sortNearlySorted(timePs, detector);
  reordered += sortNearlySorted(syncTimePs, null);
  for (const a of [timePs, syncTimePs]) {
    if (a.length && !(Number.isSafeInteger(a[0]) && Number.isSafeInteger(a[a.length - 1]))) {
      throw new InputError(`times after the offset (${a[0]} … ${a[a.length - 1]} ps) are beyond 2^53 ps`, { file: opts.source, field: '--offset-ps' });
    }
  }
  return {
    tags: { timePs, detector },
    syncTimePs,
    channelMap: map.toString(),
    records,
    events,
    tagsPerDetector: perDet,
    markers,
    lost,
    lostPs: lost.reduce((s, l) => s + (l.endPs - l.startPs), 0),
    missedEvents: missed,
    ignored,
    unmapped: Object.fromEntries([...unmapped].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    reordered,
  };
}

/**
 * Stable insertion sort of times (and their detector ids), linear for nearly sorted input (the
 * decoders bound how far back an event can be). Returns how many events moved.
 */
export function sortNearlySorted(t: Float64Array, d: Uint8Array | null): number {
  let moved = 0;
  for (let i = 1; i < t.length; i++) {
    const v = t[i];
    if (v >= t[i - 1]) continue;
    const dv = d ? d[i] : 0;
    let j = i - 1;
    while (j >= 0 && t[j] > v) {
      t[j + 1] = t[j];
      if (d) d[j + 1] = d[j];
      j--;
    }
    t[j + 1] = v;
    if (d) d[j + 1] = dv;
    moved++;
  }
  return moved;
}
