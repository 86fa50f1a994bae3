/**
 * `mozi ground --follow`, pipelined: the growing tag file (or a pipe) decoded chunk by chunk,
 * channel-mapped, fed to the incremental timing tracker (timing/tracker.ts), whose detection
 * chunks (every `blockS` of tags) are decoded to basis and bit (protocol/records.ts
 * StreamedDetections) and handed to the streamed protocol (stages/streamed-blocks.ts) as they
 * become final — so sifting, estimation and reconciliation of a block run while the instrument
 * still records the next one, and after the last tag only the last block and the whole-pass
 * stages (verification, finite-key bound, privacy amplification, storing) remain.
 *
 * Time order: within a decoder batch, small reorderings are put back (as the batch reader does);
 * an event earlier than the previous batch's last one is an InputError naming the record (the
 * tracker cannot go back; import the file with `mozi import` instead).
 *
 * The detections are the batch recovery's except at the gate edge (the tracker's skew comes from
 * its first chunk), and the multi-click coins are drawn per block: a streamed pass has its own
 * key, identical on both sides (test/recording/follow-blocks.test.ts).
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { StreamedDetections } from '../protocol/records.js';
import { passIdOf } from '../protocol/records.js';
import type { DetectionBlock } from '../protocol/types.js';
import type { GroundRecord } from '../quantum/records.js';
import { TimingTracker, type TagChunk, type TrackedDetections } from '../timing/tracker.js';
import { GrowableF64, GrowableU8 } from '../core/growable.js';
import { AsyncQueue } from '../core/queue.js';
import type { TimingDiagnostics } from '../timing/recover.js';
import { ROLE_SYNC, type ChannelMap } from './channel-map.js';
import { marked, waitForTagFile, type FollowGroundOptions } from './follow.js';
import { formatFromName, readGroundMeta, resolveChannelMap } from './ground-files.js';
import { sortNearlySorted } from './ground-tags.js';
import { PtuT2Decoder } from './ptu-t2.js';
import { TAG_FORMATS } from './tag-batch.js';
import { readTagFile, readTagStream } from './tag-stream.js';

export interface FollowBlocksOptions extends FollowGroundOptions {
  /** Ground time of tags per detection block (default 10 s); the last block is what is left at the end. */
  blockS?: number;
  /**
   * Ground time of tags per part of a block (default: blockS, no parts): the ground announces a
   * block's detections part by part as they become final, so that after the last tag only the
   * last part crosses the link. The blocks, and so the key, are the same whatever partS (the
   * tracker's parts of a block are its detections cut in consecutive runs: timing/tracker.ts).
   */
  partS?: number;
  /** Seed of the ground's multi-click coins. */
  seed?: string;
  /** Satellite name for the pass id (default: the ephemeris summary's). */
  satellite?: string;
  /** Tag time per slice handed to the tracker (default 0.1 s; see TagSlicer). */
  sliceS?: number;
  /** false: the file is complete, read it through without waiting for it to grow (the streamed pass's batch replay; default true). */
  growing?: boolean;
}

/** What the follower knows while and after it runs (read it once the blocks are exhausted). */
export interface FollowState {
  /** Wall-clock time (epoch ms) of the last read that brought new bytes: the last tag. */
  lastTagAtMs: number;
  reads: number;
  bytes: number;
  tags: number;
  syncTags: number;
  blocks: number;
  detections: number;
  /** The tracker's diagnostics, after the last block. */
  timing?: TimingDiagnostics;
}

export interface FollowedBlocks {
  /** Site and pass id, for the protocol's hello (the arrays stay empty). */
  site: string;
  passId: string;
  meta: Omit<GroundRecord, 'tags' | 'syncTags'>;
  blocks: AsyncGenerator<DetectionBlock>;
  state: FollowState;
}

/** The ground's detection blocks from a recording still being written (see the file comment). */
export function followGroundBlocks(root: string, opts: FollowBlocksOptions = {}): FollowedBlocks {
  const dir = join(root, 'ground');
  const m = readGroundMeta(join(dir, 'ground.json'));
  const { tagFile, tagFormat, tagCount: _a, syncTagCount: _b, ...meta } = m;
  const file = opts.tags ?? (tagFile !== undefined ? join(dir, tagFile) : undefined);
  if (file === undefined) throw new InputError('--follow reads an instrument tag file: give --tags FILE or a ground.json with tagFile', { field: '--follow' });
  const format = opts.format ?? (opts.tags === undefined ? tagFormat : undefined) ?? formatFromName(file);
  if (format === undefined) throw new InputError(`cannot tell the format of ${basename(file)}: give --format ${TAG_FORMATS.join('|')}`, { field: '--format' });
  const state: FollowState = { lastTagAtMs: Date.now(), reads: 0, bytes: 0, tags: 0, syncTags: 0, blocks: 0, detections: 0 };
  const mark = (at: number, n: number) => {
    state.lastTagAtMs = at;
    state.reads++;
    state.bytes += n;
  };
  const tracker = new TimingTracker(
    { ephemeris: meta.ephemeris, schedule: meta.schedule, quantumDelayPs: meta.quantumDelayPs, gateWindowPs: meta.receiver.gateWindowNs * 1000 },
    { chunkS: opts.blockS ?? 10, ...(opts.partS !== undefined ? { partS: opts.partS } : {}) },
  );
  const decode = new StreamedDetections(opts.seed);
  const slicer = new TagSlicer((opts.sliceS ?? 0.1) * 1e12);
  const following = opts.growing ?? true;
  const passId = passIdOf(opts.satellite ?? meta.ephemeris.summary.satellite, meta.schedule.windowStartMs);
  // the reader stops when the consumer does (an abort mid-pass), or on the caller's signal
  const stop = new AbortController();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const signal = stop.signal;

  async function* blocks(): AsyncGenerator<DetectionBlock> {
    const decOpts = { clockPs: opts.clockPs, maxBackwardPs: opts.maxBackwardPs, source: file! };
    let reader;
    if (opts.stream !== undefined) {
      reader = readTagStream(marked(opts.stream, mark), format!, decOpts);
    } else if (!following) {
      if (!existsSync(file!)) throw new InputError('file not found', { file, field: '--tags' });
      reader = readTagFile(file!, format!, { ...decOpts, follow: { idleTimeoutMs: 0, onData: mark } });
    } else {
      await waitForTagFile(file!, { ...opts, signal });
      reader = readTagFile(file!, format!, { ...decOpts, follow: { pollMs: opts.pollMs ?? 50, idleTimeoutMs: (opts.idleS ?? 2) * 1000, signal, onData: mark } });
    }
    const { decoder, batches } = reader;
    let map: ChannelMap | null = null;
    let offset = opts.offsetPs ?? 0;
    let lastQ = -Infinity;
    let lastS = -Infinity;
    // whether the block being emitted has a non-empty part already (an empty block is not handed out)
    let open = false;
    const emitted = (d: TrackedDetections | null): DetectionBlock | undefined => {
      if (!d) return undefined;
      const nonEmpty = d.pulseIndex.length > 0;
      if (!d.chunkEnd) {
        if (!nonEmpty) return undefined;
        open = true;
        return { ...counted(decode.decode(d)), more: true };
      }
      const had = open;
      open = false;
      return nonEmpty || had ? out(decode.decode(d)) : undefined;
    };
    for await (const b of batches) {
      if (map === null) {
        map = resolveChannelMap(decoder, file!, { channels: opts.channels, format: format!, stream: opts.stream }).map;
        if (decoder instanceof PtuT2Decoder) offset += decoder.info?.moziTimeOriginPs ?? 0;
      }
      if (b.errors.length > 0) throw new InputError(`instrument Error record ${b.errors[0].record}: the time base is not valid across it`, { file, field: 'record' });
      const qT: number[] = [];
      const qD: number[] = [];
      const sT: number[] = [];
      for (let i = 0; i < b.count; i++) {
        const role = map.role(b.channel[i]);
        if (role >= 0 && role < 4) {
          qT.push(b.timePs[i] + offset);
          qD.push(role);
        } else if (role === ROLE_SYNC) sT.push(b.timePs[i] + offset);
      }
      const timePs = Float64Array.from(qT);
      const detector = Uint8Array.from(qD);
      const syncTimePs = Float64Array.from(sT);
      sortNearlySorted(timePs, detector);
      sortNearlySorted(syncTimePs, null);
      if ((timePs.length && timePs[0] < lastQ) || (syncTimePs.length && syncTimePs[0] < lastS)) {
        throw new InputError(`records ${b.firstRecord}…: an event earlier than the previous chunk's last one; --follow needs tags in time order (mozi import sorts)`, { file, field: 'record' });
      }
      if (timePs.length) lastQ = timePs[timePs.length - 1];
      if (syncTimePs.length) lastS = syncTimePs[syncTimePs.length - 1];
      state.tags += timePs.length;
      state.syncTags += syncTimePs.length;
      slicer.add(timePs, detector, syncTimePs);
      // every slice both streams have passed is complete: no later tag of either falls into it
      for (const slice of slicer.complete(Math.min(lastQ, lastS))) {
        const blk = emitted(tracker.push(slice));
        if (blk) yield blk;
      }
    }
    for (const slice of slicer.complete(Infinity)) {
      const blk = emitted(tracker.push(slice));
      if (blk) yield blk;
    }
    const last = tracker.finish();
    state.timing = tracker.diagnostics();
    yield out(decode.decode(last));
  }
  const counted = (blk: DetectionBlock): DetectionBlock => {
    state.detections += blk.pulseIndex.length;
    return blk;
  };
  /** A block's last part (the whole block without parts). */
  const out = (blk: DetectionBlock): DetectionBlock => {
    state.blocks++;
    return counted(blk);
  };
  return { site: meta.station, passId, meta, blocks: prefetched(blocks(), () => stop.abort()), state };
}

/**
 * `src` pulled ahead, as fast as it produces, into a queue: the file is read and tracked while
 * the protocol waits on the link for the block before (a pull-driven generator would stand still
 * then, and the last tag would be read only once the block before it is reconciled). Errors come
 * out in order; when the consumer stops early, `onStop` ends the source's reader.
 */
export async function* prefetched<T>(src: AsyncIterator<T>, onStop: () => void): AsyncGenerator<T> {
  const q = new AsyncQueue<IteratorResult<T>>();
  let stopped = false;
  void (async () => {
    try {
      for (;;) {
        const r = await src.next();
        q.push(r);
        if (r.done) return;
        if (stopped) {
          await src.return?.(undefined);
          return;
        }
      }
    } catch (e) {
      q.close(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  try {
    for (;;) {
      const r = await q.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    stopped = true;
    onStop();
  }
}

/**
 * The tags cut into slices of `slicePs` of tag time (boundaries at multiples of it), handed to
 * the tracker whole: what the tracker sees — and so every detection, every block and the key — is
 * the same whatever the instrument's write sizes and the reader's chunks were (a followed
 * recording and a read of the finished file give the same key; test/recording/follow-blocks.test.ts).
 */
export class TagSlicer {
  private qT = new GrowableF64(1 << 14);
  private qD = new GrowableU8(1 << 14);
  private sT = new GrowableF64(1 << 12);
  private nextEnd = NaN;

  constructor(private readonly slicePs: number) {}

  add(timePs: Float64Array, detector: Uint8Array, syncTimePs: Float64Array): void {
    for (let i = 0; i < timePs.length; i++) {
      this.qT.push(timePs[i]);
      this.qD.push(detector[i]);
    }
    for (let i = 0; i < syncTimePs.length; i++) this.sT.push(syncTimePs[i]);
  }

  /** The slices that end at or before `upToPs` (all that is held, as one last slice, for Infinity). */
  *complete(upToPs: number): Generator<TagChunk> {
    for (;;) {
      const nq = this.qT.length;
      const ns = this.sT.length;
      if (nq === 0 && ns === 0) return;
      const first = Math.min(nq ? this.qT.data[0] : Infinity, ns ? this.sT.data[0] : Infinity);
      // an empty stretch is skipped: the next slice is the one holding the earliest tag held
      const end = upToPs === Infinity ? Infinity : Math.max(Number.isNaN(this.nextEnd) ? -Infinity : this.nextEnd, (Math.floor(first / this.slicePs) + 1) * this.slicePs);
      if (end > upToPs) return;
      let a = 0;
      while (a < nq && this.qT.data[a] < end) a++;
      let c = 0;
      while (c < ns && this.sT.data[c] < end) c++;
      const slice: TagChunk = { timePs: this.qT.data.slice(0, a), detector: this.qD.data.slice(0, a), syncTimePs: this.sT.data.slice(0, c) };
      this.drop(a, c);
      this.nextEnd = end + this.slicePs;
      yield slice;
      if (end === Infinity) return;
    }
  }

  private drop(a: number, c: number): void {
    this.qT.data.copyWithin(0, a, this.qT.length);
    this.qD.data.copyWithin(0, a, this.qD.length);
    this.qT.length -= a;
    this.qD.length -= a;
    this.sT.data.copyWithin(0, c, this.sT.length);
    this.sT.length -= c;
  }
}
