/**
 * Streaming decoder of PicoQuant PTU files in T2 mode (absolute time tags): PicoHarp 300,
 * HydraHarp 400 V1 and V2, TimeHarp 260 N/P and MultiHarp. Record layouts from PicoQuant's
 * PicoQuant-Time-Tagged-File-Format-Demos (doc/apx_tttrrecords.html, PTU/C/ptudemo.cc), 32-bit
 * little-endian records:
 *
 * - HydraHarp/TimeHarp 260/MultiHarp T2: bit 31 special, bits 30–25 channel, bits 24–0 timetag.
 *   special = 0: photon on input channel+1. special = 1: channel 63 = overflow (V1: always one
 *   overflow of 33,552,000 ticks; V2: timetag = number of overflows of 2²⁵ = 33,554,432 ticks,
 *   0 meaning one, as PicoQuant's demo reads it), channel 0 = SYNC input event, 1–15 = markers.
 * - PicoHarp T2: bits 31–28 channel, bits 27–0 time. Channel 15 = special: low 4 bits 0 =
 *   overflow of 210,698,240 ticks, else external markers (the low 4 bits are the mask and are
 *   cleared from the marker's time).
 *
 * Output channels follow PicoQuant's demos: HydraHarp family 0 = SYNC, 1… = inputs; PicoHarp
 * 0–3 = router channels as recorded. Time = (overflows · period + timetag) · tick, tick =
 * MeasDesc_GlobalResolution (s) · 10¹² ps. Every current instrument's tick is an integer number of
 * ps (1, 4, 5, 25, 80, 250…): the product is exact up to 2⁵³ ps. A non-integer tick (or a
 * `clockPs` override) is rounded to the nearest ps per event (error ≤ 0.5 ps).
 */
import { endianness } from 'node:os';
import { InputError } from '../core/errors.js';
import { parsePtuHeader, ptuNumber, ptuString, ptuTag, REC_TYPE, type PtuHeader } from './ptu-header.js';
import {
  BatchBuffers,
  checkClockPs,
  DEFAULT_MAX_BACKWARD_PS,
  RecordAligner,
  recordError,
  type DecoderCheckpoint,
  type DecoderOptions,
  type TagBatch,
  type TagDecoder,
} from './tag-batch.js';

export type PtuT2Kind = 'picoharp' | 'hydraharp-v1' | 'hydraharp-v2';

export const HH_V1_OVERFLOW_TICKS = 33_552_000;
export const HH_V2_OVERFLOW_TICKS = 33_554_432;
export const PH_T2_OVERFLOW_TICKS = 210_698_240;

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Which decoder a TTResultFormat_TTTRRecType needs (null: not a T2 type Mozi reads). */
export function ptuT2Kind(recType: number): PtuT2Kind | null {
  switch (recType) {
    case REC_TYPE.PicoHarpT2:
      return 'picoharp';
    case REC_TYPE.HydraHarpV1T2:
      return 'hydraharp-v1';
    case REC_TYPE.HydraHarpV2T2:
    case REC_TYPE.TimeHarp260NT2:
    case REC_TYPE.TimeHarp260PT2:
    case REC_TYPE.MultiHarpT2:
    case REC_TYPE.TimeHarp260NT2Demo:
    case REC_TYPE.TimeHarp260PT2Demo:
    case REC_TYPE.MultiHarpT2Demo:
      return 'hydraharp-v2';
    default:
      return null;
  }
}

export interface PtuInfo {
  recType: number;
  kind: PtuT2Kind;
  /** Picoseconds per tick used for decoding. */
  tickPs: number;
  /** TTResult_NumberOfRecords (0: unknown, e.g. a file still being written). */
  declaredRecords: number;
  headerBytes: number;
  /** Mozi's own tags, if present: channel map and the ground-clock time of tick 0. */
  moziChannelMap?: string;
  moziTimeOriginPs?: number;
}

if (endianness() !== 'LE') throw new Error('the time-tag decoders assume a little-endian host');

/** Validate the header of a T2 file and derive what decoding needs. */
export function ptuInfo(h: PtuHeader, source: string, clockPs?: number): PtuInfo {
  const recType = ptuNumber(h, 'TTResultFormat_TTTRRecType', source);
  const kind = ptuT2Kind(recType);
  if (kind === null) {
    const t3 = ((recType >>> 8) & 0xff) === 3; // the T-mode byte: $02 T2, $03 T3
    throw new InputError(
      t3
        ? `record type 0x${recType.toString(16).padStart(8, '0')} is a T3 (histogramming) format; Mozi needs T2 absolute time tags`
        : `unknown record type 0x${recType.toString(16).padStart(8, '0')}`,
      { file: source, field: 'TTResultFormat_TTTRRecType' },
    );
  }
  const bits = ptuTag(h, 'TTResultFormat_BitsPerRecord');
  if (bits !== undefined && bits.value !== 32) throw new InputError(`${String(bits.value)} bits per record; T2 records are 32 bits`, { file: source, field: 'TTResultFormat_BitsPerRecord' });
  const declared = ptuNumber(h, 'TTResult_NumberOfRecords', source);
  if (!Number.isSafeInteger(declared) || declared < 0) throw new InputError(`record count ${declared} is not a non-negative integer`, { file: source, field: 'TTResult_NumberOfRecords' });
  let tickPs: number;
  if (clockPs !== undefined) {
    checkClockPs(clockPs, source);
    tickPs = clockPs;
  } else {
    const res = ptuNumber(h, 'MeasDesc_GlobalResolution', source);
    if (!(res > 0 && res < 1)) throw new InputError(`global resolution ${res} s is not a plausible tick`, { file: source, field: 'MeasDesc_GlobalResolution' });
    tickPs = res * 1e12;
    const r = Math.round(tickPs);
    if (r >= 1 && Math.abs(tickPs - r) <= 1e-9 * r) tickPs = r; // 4e-12 s is 4.000000000000001 ps in binary
  }
  const origin = ptuTag(h, 'Mozi_TimeOriginPs');
  return {
    recType,
    kind,
    tickPs,
    declaredRecords: declared,
    headerBytes: h.headerBytes,
    moziChannelMap: ptuString(h, 'Mozi_ChannelMap'),
    moziTimeOriginPs: typeof origin?.value === 'number' ? origin.value : undefined,
  };
}

/** Streaming T2 decoder: feed it the file's bytes in any chunks. */
export class PtuT2Decoder implements TagDecoder {
  readonly format = 'ptu' as const;
  readonly source: string;
  header: PtuHeader | null = null;
  info: PtuInfo | null = null;
  private headerBuf = new Uint8Array(0);
  private headerLen = 0;
  private readonly aligner = new RecordAligner(4);
  private readonly buf: BatchBuffers;
  private readonly clockPs?: number;
  private readonly tolPs: number;
  private record = 0;
  private bytes = 0;
  /** Overflow accumulator (ticks). */
  private baseTicks = 0;
  private lastPs = -Infinity;

  constructor(opts: DecoderOptions = {}) {
    this.source = opts.source ?? 'PTU stream';
    checkClockPs(opts.clockPs, this.source);
    this.clockPs = opts.clockPs;
    this.tolPs = opts.maxBackwardPs ?? DEFAULT_MAX_BACKWARD_PS;
    this.buf = new BatchBuffers(opts.capacity ?? 1 << 16);
    const r = opts.resume;
    if (r) {
      if (r.format !== 'ptu') throw new InputError(`checkpoint of a ${r.format} decoder`, { file: this.source, field: 'resume' });
      const s = r.state;
      this.info = {
        recType: Number(s.recType),
        kind: String(s.kind) as PtuT2Kind,
        tickPs: Number(s.tickPs),
        declaredRecords: Number(s.declaredRecords),
        headerBytes: Number(s.headerBytes),
        moziChannelMap: typeof s.moziChannelMap === 'string' ? s.moziChannelMap : undefined,
        moziTimeOriginPs: typeof s.moziTimeOriginPs === 'number' ? s.moziTimeOriginPs : undefined,
      };
      this.baseTicks = Number(s.baseTicks);
      this.lastPs = s.lastPs === null ? -Infinity : Number(s.lastPs);
      this.record = r.record;
      this.bytes = r.byteOffset;
    }
  }

  get complete(): boolean {
    return this.info !== null && this.info.declaredRecords > 0 && this.record >= this.info.declaredRecords;
  }

  checkpoint(): DecoderCheckpoint {
    const i = this.info;
    return {
      format: 'ptu',
      byteOffset: this.bytes,
      record: this.record,
      state: {
        recType: i?.recType ?? null,
        kind: i?.kind ?? null,
        tickPs: i?.tickPs ?? null,
        declaredRecords: i?.declaredRecords ?? null,
        headerBytes: i?.headerBytes ?? null,
        moziChannelMap: i?.moziChannelMap ?? null,
        moziTimeOriginPs: i?.moziTimeOriginPs ?? null,
        baseTicks: this.baseTicks,
        lastPs: Number.isFinite(this.lastPs) ? this.lastPs : null,
      },
    };
  }

  push(chunk: Uint8Array): TagBatch {
    if (this.info === null) {
      // accumulate the header
      const need = this.headerLen + chunk.length;
      if (this.headerBuf.length < need) {
        const next = new Uint8Array(Math.max(need, this.headerBuf.length * 2, 4096));
        next.set(this.headerBuf.subarray(0, this.headerLen));
        this.headerBuf = next;
      }
      this.headerBuf.set(chunk, this.headerLen);
      this.headerLen = need;
      const h = parsePtuHeader(this.headerBuf.subarray(0, this.headerLen), this.source);
      if (h === null) return this.buf.batch(this.record, 0, 0, 0);
      this.header = h;
      this.info = ptuInfo(h, this.source, this.clockPs);
      this.bytes = h.headerBytes;
      const rest = this.headerBuf.slice(h.headerBytes, this.headerLen);
      this.headerBuf = new Uint8Array(0);
      this.headerLen = 0;
      return this.decode(rest);
    }
    return this.decode(chunk);
  }

  private decode(chunk: Uint8Array): TagBatch {
    const info = this.info as PtuInfo;
    const whole = this.aligner.take(chunk);
    const n = whole.length >>> 2;
    const first = this.record;
    if (info.declaredRecords > 0 && first + n > info.declaredRecords) {
      throw recordError(this.source, info.declaredRecords, 'record count', `more records than the header's TTResult_NumberOfRecords = ${info.declaredRecords}`);
    }
    const u32 = new Uint32Array(whole.buffer, whole.byteOffset, n);
    this.buf.reserve(n);
    const out = info.kind === 'picoharp' ? this.decodePicoHarp(u32, n) : this.decodeHydraHarp(u32, n, info.kind === 'hydraharp-v1');
    if (!Number.isInteger(info.tickPs)) {
      const t = this.buf.timePs;
      for (let k = 0; k < out.count; k++) t[k] = Math.round(t[k]);
      const m = this.buf.markerTimePs;
      for (let k = 0; k < out.markers; k++) m[k] = Math.round(m[k]);
    }
    this.record += n;
    this.bytes += whole.length;
    return this.buf.batch(first, n, out.count, out.markers);
  }

  private decodeHydraHarp(u32: Uint32Array, n: number, v1: boolean): { count: number; markers: number } {
    const tick = (this.info as PtuInfo).tickPs;
    const wrap = v1 ? HH_V1_OVERFLOW_TICKS : HH_V2_OVERFLOW_TICKS;
    const time = this.buf.timePs;
    const chan = this.buf.channel;
    const tol = this.tolPs;
    let base = this.baseTicks;
    let last = this.lastPs;
    let k = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const r = u32[i];
      const tt = r & 0x1ffffff;
      if (r < 0x80000000) {
        if (v1 && tt >= wrap) this.fail(i, 'timetag', `timetag ${tt} ≥ the overflow period ${wrap}`);
        const t = (base + tt) * tick;
        if (t < last - tol) this.backwards(i, t, last);
        if (t > last) last = t;
        time[k] = t;
        chan[k] = ((r >>> 25) & 63) + 1;
        k++;
        continue;
      }
      const ch = (r >>> 25) & 63;
      if (ch === 63) {
        base += v1 || tt === 0 ? wrap : wrap * tt;
        if ((base + wrap) * tick > MAX_EXACT) this.fail(i, 'overflow', `time beyond 2^53 ps (${((base * tick) / 8.64e16).toFixed(0)} days) cannot be held exactly`);
      } else if (ch === 0) {
        if (v1 && tt >= wrap) this.fail(i, 'timetag', `timetag ${tt} ≥ the overflow period ${wrap}`);
        const t = (base + tt) * tick;
        if (t < last - tol) this.backwards(i, t, last);
        if (t > last) last = t;
        time[k] = t;
        chan[k] = 0;
        k++;
      } else if (ch <= 15) {
        if (m === this.buf.markerMask.length) this.buf.growMarkers(m);
        this.buf.markerTimePs[m] = (base + tt) * tick;
        this.buf.markerMask[m] = ch;
        m++;
      } else {
        this.fail(i, 'channel', `special record with channel code ${ch} (defined: 0 sync, 1–15 markers, 63 overflow)`);
      }
    }
    this.baseTicks = base;
    this.lastPs = last;
    return { count: k, markers: m };
  }

  private decodePicoHarp(u32: Uint32Array, n: number): { count: number; markers: number } {
    const tick = (this.info as PtuInfo).tickPs;
    const wrap = PH_T2_OVERFLOW_TICKS;
    const time = this.buf.timePs;
    const chan = this.buf.channel;
    const tol = this.tolPs;
    let base = this.baseTicks;
    let last = this.lastPs;
    let k = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const r = u32[i];
      const ch = r >>> 28;
      const tt = r & 0x0fffffff;
      if (ch !== 15) {
        if (tt >= wrap) this.fail(i, 'time', `time ${tt} ≥ the overflow period ${wrap}`);
        const t = (base + tt) * tick;
        if (t < last - tol) this.backwards(i, t, last);
        if (t > last) last = t;
        time[k] = t;
        chan[k] = ch;
        k++;
      } else if ((tt & 15) === 0) {
        base += wrap;
        if ((base + wrap) * tick > MAX_EXACT) this.fail(i, 'overflow', 'time beyond 2^53 ps cannot be held exactly');
      } else {
        if (m === this.buf.markerMask.length) this.buf.growMarkers(m);
        this.buf.markerTimePs[m] = (base + (tt & ~15)) * tick;
        this.buf.markerMask[m] = tt & 15;
        m++;
      }
    }
    this.baseTicks = base;
    this.lastPs = last;
    return { count: k, markers: m };
  }

  private fail(i: number, field: string, message: string): never {
    throw recordError(this.source, this.record + i, field, message);
  }

  private backwards(i: number, t: number, last: number): never {
    this.fail(i, 'timetag', `time ${t} ps is ${last - t} ps before an earlier event (${last} ps): records out of order or an overflow record missing (more than the ${this.tolPs} ps allowed)`);
  }

  finish(): null {
    if (this.info === null) {
      throw new InputError(this.headerLen === 0 ? 'empty file' : `file ends inside the header (${this.headerLen} bytes, no Header_End)`, { file: this.source, field: 'header' });
    }
    if (this.aligner.pending > 0) {
      throw recordError(this.source, this.record, 'record', `file ends inside a record (${this.aligner.pending} of 4 bytes): truncated`);
    }
    const d = this.info.declaredRecords;
    if (d > 0 && this.record < d) {
      throw recordError(this.source, this.record, 'record count', `file ends after ${this.record} records; the header's TTResult_NumberOfRecords says ${d}: truncated`);
    }
    return null;
  }
}
