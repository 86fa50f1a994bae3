/**
 * Plain-text time-tag exports, one event per line:
 *
 * - `channel,time_ps` (Mozi's documented CSV; a header line naming the columns is optional);
 * - quTAG's text export `timestamp;channel` (qutools; timestamps in the quTAG's tick, 1 ps by
 *   default, see `clockPs`);
 * - any two columns separated by `,` `;` tab or spaces, with a header line naming them (`channel`
 *   / `chan` / `ch` and `time` / `time_ps` / `timestamp` / `t`).
 *
 * Without a header, `,` means channel then time and `;` means time then channel (quTAG). Lines
 * that are empty or start with `#` or `%` are comments. Times are integers of ticks (×
 * `clockPs`, default 1 ps), exact to 2⁵³; a decimal or exponent form is accepted and rounded to
 * the nearest ps after scaling (documented loss ≤ 0.5 ps). A malformed line, a NaN or infinite
 * value, or a time going backwards by more than the tolerance is an InputError naming the line.
 */
import { InputError } from '../core/errors.js';
import { BatchBuffers, checkClockPs, DEFAULT_MAX_BACKWARD_PS, type DecoderCheckpoint, type DecoderOptions, type TagBatch, type TagDecoder } from './tag-batch.js';

const CHANNEL_NAMES = new Set(['channel', 'chan', 'ch', 'channel_id', 'detector']);
const TIME_NAMES = new Set(['time', 'time_ps', 'timestamp', 't', 'time_tag', 'timetag', 'timestamp_ps']);

export interface TextColumns {
  delimiter: string;
  /** Column index of the channel and of the time. */
  channelCol: number;
  timeCol: number;
}

const LF = 10;
const CR = 13;

export class TextTagDecoder implements TagDecoder {
  readonly format = 'csv' as const;
  readonly source: string;
  private readonly buf: BatchBuffers;
  private readonly tickPs: number;
  private readonly tolPs: number;
  private columns: TextColumns | null = null;
  private partial = '';
  private line = 0;
  private bytes = 0;
  private lastPs = -Infinity;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(opts: DecoderOptions & { columns?: TextColumns } = {}) {
    this.source = opts.source ?? 'text stream';
    checkClockPs(opts.clockPs, this.source);
    this.tickPs = opts.clockPs ?? 1;
    this.tolPs = opts.maxBackwardPs ?? DEFAULT_MAX_BACKWARD_PS;
    this.buf = new BatchBuffers(opts.capacity ?? 1 << 14);
    this.columns = opts.columns ?? null;
    const r = opts.resume;
    if (r) {
      if (r.format !== 'csv') throw new InputError(`checkpoint of a ${r.format} decoder`, { file: this.source, field: 'resume' });
      this.line = r.record;
      this.bytes = r.byteOffset;
      const s = r.state;
      this.lastPs = s.lastPs === null ? -Infinity : Number(s.lastPs);
      if (typeof s.delimiter === 'string') this.columns = { delimiter: s.delimiter, channelCol: Number(s.channelCol), timeCol: Number(s.timeCol) };
    }
  }

  get complete(): boolean {
    return false;
  }

  /** Lines are the records of a text file (record = line number − 1). */
  checkpoint(): DecoderCheckpoint {
    return {
      format: 'csv',
      byteOffset: this.bytes,
      record: this.line,
      state: {
        lastPs: Number.isFinite(this.lastPs) ? this.lastPs : null,
        delimiter: this.columns?.delimiter ?? null,
        channelCol: this.columns?.channelCol ?? null,
        timeCol: this.columns?.timeCol ?? null,
      },
    };
  }

  push(chunk: Uint8Array): TagBatch {
    // split at the last newline; the tail waits for the next chunk
    let end = chunk.lastIndexOf(LF);
    const firstLine = this.line;
    if (end < 0) {
      this.partial += this.text(chunk);
      return this.buf.batch(firstLine, 0, 0, 0);
    }
    end++;
    const text = this.partial + this.text(chunk.subarray(0, end));
    this.partial = this.text(chunk.subarray(end));
    const lines = text.split('\n');
    lines.pop(); // empty after the final \n
    this.buf.reserve(lines.length);
    let k = 0;
    for (const raw of lines) {
      const consumed = Buffer.byteLength(raw) + 1;
      const lineNo = ++this.line;
      this.bytes += consumed;
      const l = raw.charCodeAt(raw.length - 1) === CR ? raw.slice(0, -1) : raw;
      if (this.parseLine(l, lineNo, k)) k++;
    }
    return this.buf.batch(firstLine, lines.length, k, 0);
  }

  private text(b: Uint8Array): string {
    try {
      return this.decoder.decode(b, { stream: true });
    } catch {
      throw new InputError('not UTF-8 text', { file: this.source, line: this.line + 1 });
    }
  }

  /** Parse one line into slot k; false for comments, blank lines and the header. */
  private parseLine(l: string, lineNo: number, k: number): boolean {
    const s = l.trim();
    if (s === '' || s[0] === '#' || s[0] === '%') return false;
    if (this.columns === null) {
      const d = detectColumns(s, this.source, lineNo);
      this.columns = d.columns;
      if (d.isHeader) return false;
    }
    const c = this.columns;
    const f = c.delimiter === ' ' ? s.split(/\s+/) : s.split(c.delimiter);
    const where = (field: string) => ({ file: this.source, line: lineNo, field });
    if (f.length <= Math.max(c.channelCol, c.timeCol)) throw new InputError(`expected ${Math.max(c.channelCol, c.timeCol) + 1} columns, found ${f.length}`, where('columns'));
    const chText = f[c.channelCol].trim();
    if (!/^[+-]?\d+$/.test(chText)) throw new InputError(`channel "${chText}" is not an integer`, where('channel'));
    const ch = Number(chText);
    if (ch > 2147483647 || ch < -2147483648) throw new InputError(`channel ${chText} out of the int32 range`, where('channel'));
    const tText = f[c.timeCol].trim();
    let t: number;
    if (/^[+-]?\d+$/.test(tText)) {
      const ticks = Number(tText);
      if (!Number.isSafeInteger(ticks)) throw new InputError(`time ${tText} beyond 2^53 ticks cannot be held exactly`, where('time'));
      t = ticks * this.tickPs;
      if (!Number.isInteger(t)) t = Math.round(t);
    } else {
      const v = Number(tText);
      if (tText === '' || !Number.isFinite(v)) throw new InputError(`time "${tText}" is not a finite number`, where('time'));
      t = Math.round(v * this.tickPs);
    }
    if (!Number.isSafeInteger(t)) throw new InputError(`time ${t} ps beyond 2^53 ps cannot be held exactly`, where('time'));
    if (t < this.lastPs - this.tolPs) {
      throw new InputError(`time ${t} ps is ${this.lastPs - t} ps before an earlier line's (${this.lastPs} ps): lines out of order (more than the ${this.tolPs} ps allowed)`, where('time'));
    }
    if (t > this.lastPs) this.lastPs = t;
    this.buf.timePs[k] = t;
    this.buf.channel[k] = ch;
    return true;
  }

  finish(): TagBatch | null {
    const tail = this.partial + this.decoder.decode();
    this.partial = '';
    if (tail.trim() === '') return null;
    // a last line without its newline: accepted (many exporters omit the final newline)
    const lineNo = ++this.line;
    this.bytes += Buffer.byteLength(tail);
    this.buf.reserve(1);
    const ok = this.parseLine(tail.endsWith('\r') ? tail.slice(0, -1) : tail, lineNo, 0);
    return this.buf.batch(lineNo - 1, 1, ok ? 1 : 0, 0);
  }
}

/** Columns from a header line, or the defaults by delimiter for a data line. */
export function detectColumns(line: string, source: string, lineNo: number): { columns: TextColumns; isHeader: boolean } {
  const delimiter = line.includes(';') ? ';' : line.includes(',') ? ',' : line.includes('\t') ? '\t' : ' ';
  const fields = (delimiter === ' ' ? line.split(/\s+/) : line.split(delimiter)).map((f) => f.trim().toLowerCase().replace(/^"|"$/g, ''));
  // a header has no numeric field ("1,NaN" is a data line with a bad time, not a header)
  const isHeader = fields.every((f) => !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(f));
  if (isHeader) {
    const channelCol = fields.findIndex((f) => CHANNEL_NAMES.has(f) || f.startsWith('channel'));
    const timeCol = fields.findIndex((f) => TIME_NAMES.has(f) || f.startsWith('time'));
    if (channelCol < 0 || timeCol < 0) {
      throw new InputError(`header "${line}" does not name a channel and a time column`, { file: source, line: lineNo, field: 'header' });
    }
    return { columns: { delimiter, channelCol, timeCol }, isHeader: true };
  }
  if (fields.length < 2) throw new InputError('expected two columns (channel and time)', { file: source, line: lineNo, field: 'columns' });
  // no header: Mozi's "channel,time_ps", quTAG's "timestamp;channel"
  return { columns: delimiter === ';' ? { delimiter, channelCol: 1, timeCol: 0 } : { delimiter, channelCol: 0, timeCol: 1 }, isHeader: false };
}
