/**
 * Swabian Instruments Time Tagger raw tag stream: the 16-byte `Tag` struct of the Time Tagger C++
 * API manual (as used by libtcspc's swabian_tag.hpp), little-endian:
 *
 * | byte | field |
 * |---|---|
 * | 0 | type: 0 TimeTag, 1 Error, 2 OverflowBegin, 3 OverflowEnd, 4 MissedEvents |
 * | 1 | reserved (written 0) |
 * | 2–3 | missed_events (uint16) |
 * | 4–7 | channel (int32; negative = falling edge) |
 * | 8–15 | time (int64, picoseconds) |
 *
 * There is no header (a Mozi-written stream has a small JSON sidecar, `swabian-sidecar.ts`).
 * OverflowBegin…OverflowEnd bracket an interval in which the tagger dropped events: it is
 * reported as a lost interval (with the MissedEvents counts that belong to it), never as an
 * interval with zero counts. An Error tag means the tagger's time base is not valid across it; it
 * is reported, and the ground-record assembly refuses a stream that has one.
 *
 * Times are int64 ps read exactly (two 32-bit halves). float64 holds them exactly below 2⁵³ ps
 * (≈ 104 days of tagger uptime); a stream whose first tag is later than 2⁵² ps is rebased to that
 * tag (reported as `originPs`, a decimal string), and a time that still does not fit is an error.
 */
import { endianness } from 'node:os';
import { InputError } from '../core/errors.js';
import {
  BatchBuffers,
  DEFAULT_MAX_BACKWARD_PS,
  RecordAligner,
  recordError,
  type DecoderCheckpoint,
  type DecoderOptions,
  type InstrumentErrorRecord,
  type LostInterval,
  type MissedEventsRecord,
  type TagBatch,
  type TagDecoder,
} from './tag-batch.js';

export const SWABIAN_TAG_BYTES = 16;
export const SWABIAN_TIME_TAG = 0;
export const SWABIAN_ERROR = 1;
export const SWABIAN_OVERFLOW_BEGIN = 2;
export const SWABIAN_OVERFLOW_END = 3;
export const SWABIAN_MISSED_EVENTS = 4;

const TWO32 = 4294967296;
/** |hi word| below this keeps hi·2³² + lo within ±2⁵³. */
const HI_LIMIT = 2097152;
const REBASE_HI = 1048576; // 2⁵² ps

if (endianness() !== 'LE') throw new Error('the time-tag decoders assume a little-endian host');

export class SwabianDecoder implements TagDecoder {
  readonly format = 'swabian' as const;
  readonly source: string;
  private readonly aligner = new RecordAligner(SWABIAN_TAG_BYTES);
  private readonly buf: BatchBuffers;
  private readonly tolPs: number;
  private record = 0;
  private bytes = 0;
  private lastPs = -Infinity;
  private originHi = 0;
  private originLo = 0;
  private originChosen = false;
  private open: LostInterval | null = null;
  private lastClosed: LostInterval | null = null;
  /** Sum of all MissedEvents counts so far. */
  missedTotal = 0;

  constructor(opts: DecoderOptions = {}) {
    this.source = opts.source ?? 'Swabian tag stream';
    if (opts.clockPs !== undefined && opts.clockPs !== 1) {
      throw new InputError('Swabian raw tags are in picoseconds; a tick length does not apply', { file: this.source, field: 'clockPs' });
    }
    this.tolPs = opts.maxBackwardPs ?? DEFAULT_MAX_BACKWARD_PS;
    this.buf = new BatchBuffers(opts.capacity ?? 1 << 14);
    const r = opts.resume;
    if (r) {
      if (r.format !== 'swabian') throw new InputError(`checkpoint of a ${r.format} decoder`, { file: this.source, field: 'resume' });
      const s = r.state;
      this.record = r.record;
      this.bytes = r.byteOffset;
      this.lastPs = s.lastPs === null ? -Infinity : Number(s.lastPs);
      this.originHi = Number(s.originHi);
      this.originLo = Number(s.originLo);
      this.originChosen = Boolean(s.originChosen);
      this.missedTotal = Number(s.missedTotal);
      this.open = s.openStartPs === null ? null : { startPs: Number(s.openStartPs), endPs: NaN, missedEvents: Number(s.openMissed), record: Number(s.openRecord) };
    }
  }

  /** The stream's time zero in the tagger's clock (decimal ps), when it had to be rebased. */
  get originPs(): string {
    return (BigInt(this.originHi) * BigInt(TWO32) + BigInt(this.originLo)).toString();
  }

  /** A raw stream has no end marker: it is complete when its input ends. */
  get complete(): boolean {
    return false;
  }

  checkpoint(): DecoderCheckpoint {
    return {
      format: 'swabian',
      byteOffset: this.bytes,
      record: this.record,
      state: {
        lastPs: Number.isFinite(this.lastPs) ? this.lastPs : null,
        originHi: this.originHi,
        originLo: this.originLo,
        originChosen: this.originChosen,
        missedTotal: this.missedTotal,
        openStartPs: this.open ? this.open.startPs : null,
        openMissed: this.open ? this.open.missedEvents : null,
        openRecord: this.open ? this.open.record : null,
      },
    };
  }

  push(chunk: Uint8Array): TagBatch {
    const whole = this.aligner.take(chunk);
    const n = whole.length >>> 4;
    const u32 = new Uint32Array(whole.buffer, whole.byteOffset, n * 4);
    const first = this.record;
    this.buf.reserve(n);
    if (!this.originChosen && n > 0) {
      this.originChosen = true;
      const hi = u32[3] | 0;
      if (hi >= REBASE_HI || hi < -REBASE_HI) {
        this.originHi = hi;
        this.originLo = u32[2];
      }
    }
    const time = this.buf.timePs;
    const chan = this.buf.channel;
    const oHi = this.originHi;
    const oLo = this.originLo;
    const tol = this.tolPs;
    let last = this.lastPs;
    let k = 0;
    let lost: LostInterval[] | null = null;
    let missed: MissedEventsRecord[] | null = null;
    let errors: InstrumentErrorRecord[] | null = null;
    for (let i = 0; i < n; i++) {
      const j = i << 2;
      const dh = (u32[j + 3] | 0) - oHi;
      if (dh >= HI_LIMIT || dh < -HI_LIMIT) this.fail(i, 'time', 'time beyond ±2^53 ps from the stream origin cannot be held exactly');
      const t = dh * TWO32 + (u32[j + 2] - oLo);
      if (t < last - tol) this.fail(i, 'time', `time ${t} ps is ${last - t} ps before an earlier tag (${last} ps): tags out of order (more than the ${tol} ps allowed)`);
      if (t > last) last = t;
      const w0 = u32[j];
      const type = w0 & 0xff;
      if (type === SWABIAN_TIME_TAG) {
        time[k] = t;
        chan[k] = u32[j + 1] | 0;
        k++;
        continue;
      }
      const rec = this.record + i;
      switch (type) {
        case SWABIAN_ERROR:
          (errors ??= []).push({ timePs: t, record: rec });
          break;
        case SWABIAN_OVERFLOW_BEGIN:
          if (this.open) this.fail(i, 'type', `OverflowBegin while the overflow interval opened at record ${this.open.record} is still open`);
          this.open = { startPs: t, endPs: NaN, missedEvents: 0, record: rec };
          break;
        case SWABIAN_OVERFLOW_END:
          if (!this.open) this.fail(i, 'type', 'OverflowEnd without an OverflowBegin');
          this.open.endPs = t;
          (lost ??= []).push(this.open);
          this.lastClosed = this.open;
          this.open = null;
          break;
        case SWABIAN_MISSED_EVENTS: {
          const count = w0 >>> 16;
          (missed ??= []).push({ timePs: t, channel: u32[j + 1] | 0, count, record: rec });
          this.missedTotal += count;
          if (this.open) this.open.missedEvents += count;
          else if (this.lastClosed && this.lastClosed.endPs === t) this.lastClosed.missedEvents += count;
          break;
        }
        default:
          this.fail(i, 'type', `unknown tag type ${type} (defined: 0 TimeTag, 1 Error, 2 OverflowBegin, 3 OverflowEnd, 4 MissedEvents)`);
      }
    }
    this.lastPs = last;
    this.record += n;
    this.bytes += whole.length;
    return this.buf.batch(first, n, k, 0, { lost: lost ?? [], missed: missed ?? [], errors: errors ?? [] });
  }

  private fail(i: number, field: string, message: string): never {
    throw recordError(this.source, this.record + i, field, message);
  }

  finish(): null {
    if (this.aligner.pending > 0) {
      throw recordError(this.source, this.record, 'tag', `stream ends inside a tag (${this.aligner.pending} of 16 bytes): truncated`);
    }
    if (this.open) {
      throw recordError(this.source, this.open.record, 'type', 'stream ends inside an overflow interval (OverflowBegin without OverflowEnd): truncated');
    }
    return null;
  }
}

/** Builds a raw tag stream (Mozi's writer and tests). Times are integer ps (float64, |t| < 2⁵³). */
export class SwabianEncoder {
  private buf: Uint8Array;
  private dv: DataView;
  private n = 0;

  constructor(capacityTags = 1024) {
    this.buf = new Uint8Array(capacityTags * SWABIAN_TAG_BYTES);
    this.dv = new DataView(this.buf.buffer);
  }

  private put(type: number, missed: number, channel: number, timePs: number): void {
    if (!Number.isSafeInteger(timePs)) throw new Error(`Swabian tag time ${timePs} is not an exact integer of ps`);
    if ((this.n + 1) * SWABIAN_TAG_BYTES > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
      this.dv = new DataView(next.buffer);
    }
    const o = this.n * SWABIAN_TAG_BYTES;
    const hi = Math.floor(timePs / TWO32);
    this.dv.setUint8(o, type);
    this.dv.setUint8(o + 1, 0);
    this.dv.setUint16(o + 2, missed, true);
    this.dv.setInt32(o + 4, channel, true);
    this.dv.setUint32(o + 8, timePs - hi * TWO32, true);
    this.dv.setInt32(o + 12, hi, true);
    this.n++;
  }

  timeTag(channel: number, timePs: number): void {
    this.put(SWABIAN_TIME_TAG, 0, channel, timePs);
  }

  error(timePs: number): void {
    this.put(SWABIAN_ERROR, 0, 0, timePs);
  }

  overflowBegin(timePs: number): void {
    this.put(SWABIAN_OVERFLOW_BEGIN, 0, 0, timePs);
  }

  overflowEnd(timePs: number): void {
    this.put(SWABIAN_OVERFLOW_END, 0, 0, timePs);
  }

  missedEvents(channel: number, count: number, timePs: number): void {
    if (!(Number.isInteger(count) && count >= 0 && count <= 0xffff)) throw new Error(`missed-event count ${count} not a uint16`);
    this.put(SWABIAN_MISSED_EVENTS, count, channel, timePs);
  }

  get tags(): number {
    return this.n;
  }

  /** The bytes written so far; the encoder starts empty again. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.n * SWABIAN_TAG_BYTES);
    this.n = 0;
    return out;
  }
}
