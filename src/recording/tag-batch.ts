/**
 * What every time-tag reader produces, whatever the instrument: batches of events (time in
 * picoseconds, instrument channel), external markers, lost intervals and instrument errors, plus
 * the decoder contract that lets the same reader run on a whole file, a growing file or a pipe
 * (chunks in, batches out, constant memory, resumable from a checkpoint).
 *
 * Times are float64 holding integers of picoseconds: exact up to 2⁵³ ps (≈ 104 days), like
 * `tags.bin`. A decoder refuses (InputError) a time it cannot hold exactly instead of rounding it;
 * the only rounding is the documented one of a non-integer tick length (≤ 0.5 ps, see each format).
 */
import { InputError } from '../core/errors.js';

/** Formats the readers understand. */
export const TAG_FORMATS = ['ptu', 'swabian', 'csv'] as const;
export type TagFormat = (typeof TAG_FORMATS)[number];

/** An interval in which the instrument recorded nothing (e.g. Swabian OverflowBegin…OverflowEnd). */
export interface LostInterval {
  startPs: number;
  endPs: number;
  /** Events the instrument says it dropped in it (sum of MissedEvents tags), 0 if it did not say. */
  missedEvents: number;
  /** Record number of the tag that opened the interval. */
  record: number;
}

/** A count of events the instrument could not tag (Swabian MissedEvents). */
export interface MissedEventsRecord {
  timePs: number;
  channel: number;
  count: number;
  record: number;
}

/** An instrument error record (Swabian Error tag: the time base is not valid across it). */
export interface InstrumentErrorRecord {
  timePs: number;
  record: number;
}

/**
 * One decoded chunk. The typed arrays are the decoder's own buffers, valid until the next call
 * of `push` (copy what you keep): this keeps memory constant however long the stream.
 */
export interface TagBatch {
  /** Number of the first record this batch covers (0-based, counted from the first record after any header). */
  firstRecord: number;
  /** Records covered (events, overflows, markers, special records). */
  records: number;
  /** Events: photon-detector and sync-input clicks, in file order. */
  count: number;
  timePs: Float64Array;
  /** Instrument channel: PTU 0 = SYNC input, 1… = inputs (as PicoQuant's demos print them); Swabian and text: as recorded. */
  channel: Int32Array;
  /** External markers (PTU): time and bit mask. */
  markerCount: number;
  markerTimePs: Float64Array;
  markerMask: Uint8Array;
  /** Lost intervals closed in this batch. */
  lost: LostInterval[];
  missed: MissedEventsRecord[];
  errors: InstrumentErrorRecord[];
}

/** Where a decoder stands: enough to resume at `byteOffset` of the same file with the same state. */
export interface DecoderCheckpoint {
  format: TagFormat;
  /** Bytes of input consumed (whole records and header; a partial record is not consumed). */
  byteOffset: number;
  /** Records decoded so far. */
  record: number;
  /** Format-specific state (overflow accumulator, last time, open lost interval, text columns…). */
  state: Record<string, number | string | boolean | null>;
}

export interface TagDecoder {
  readonly format: TagFormat;
  /** File (or stream) name used in error messages. */
  readonly source: string;
  /** Decode the whole records available (carried bytes first). */
  push(chunk: Uint8Array): TagBatch;
  /**
   * True when the input is known to be complete (e.g. PTU: the header's record count reached);
   * a follower can stop waiting for more.
   */
  readonly complete: boolean;
  /**
   * End of input: InputError if a partial record is left or records the header announced are
   * missing; returns the events of a last unterminated text line (null for binary formats).
   */
  finish(): TagBatch | null;
  checkpoint(): DecoderCheckpoint;
}

/** Options shared by every decoder. */
export interface DecoderOptions {
  /** Name for error messages. */
  source?: string;
  /** Picoseconds per tick: overrides the file's own resolution (PTU) or sets it (text; Swabian is in ps). */
  clockPs?: number;
  /**
   * Largest step backwards in time allowed between events (different inputs' cable delays and
   * programmed offsets reorder them slightly); a larger step is an InputError naming the record.
   * Default 10 ns.
   */
  maxBackwardPs?: number;
  /** Events per batch buffer (default: derived from the chunk size). */
  capacity?: number;
  /** Resume from a checkpoint (feed the input from its `byteOffset`). */
  resume?: DecoderCheckpoint;
}

export const DEFAULT_MAX_BACKWARD_PS = 10_000;

/** InputError naming the file, the record and the field. */
export function recordError(source: string, record: number, field: string, message: string): InputError {
  return new InputError(message, { file: source, field: `record ${record}, ${field}` });
}

/** Validate a `clockPs` override (finite, > 0). */
export function checkClockPs(clockPs: number | undefined, source: string): void {
  if (clockPs !== undefined && !(Number.isFinite(clockPs) && clockPs > 0)) {
    throw new InputError(`tick length ${clockPs} ps must be a positive number`, { file: source, field: 'clockPs' });
  }
}

/** Reusable output buffers of a decoder, grown on demand, and the batch view over them. */
export class BatchBuffers {
  timePs: Float64Array;
  channel: Int32Array;
  markerTimePs: Float64Array;
  markerMask: Uint8Array;

  constructor(capacity: number) {
    this.timePs = new Float64Array(capacity);
    this.channel = new Int32Array(capacity);
    this.markerTimePs = new Float64Array(64);
    this.markerMask = new Uint8Array(64);
  }

  /** Make room for `n` events (contents are not kept). */
  reserve(n: number): void {
    if (this.timePs.length < n) {
      this.timePs = new Float64Array(n);
      this.channel = new Int32Array(n);
    }
  }

  /** Grow the marker buffers keeping the first `used` entries. */
  growMarkers(used: number): void {
    const t = new Float64Array(this.markerTimePs.length * 2);
    const m = new Uint8Array(this.markerMask.length * 2);
    t.set(this.markerTimePs.subarray(0, used));
    m.set(this.markerMask.subarray(0, used));
    this.markerTimePs = t;
    this.markerMask = m;
  }

  batch(firstRecord: number, records: number, count: number, markerCount: number, extra: Pick<TagBatch, 'lost' | 'missed' | 'errors'> = EMPTY): TagBatch {
    return {
      firstRecord,
      records,
      count,
      timePs: this.timePs.subarray(0, count),
      channel: this.channel.subarray(0, count),
      markerCount,
      markerTimePs: this.markerTimePs.subarray(0, markerCount),
      markerMask: this.markerMask.subarray(0, markerCount),
      lost: extra.lost,
      missed: extra.missed,
      errors: extra.errors,
    };
  }
}

const EMPTY: Pick<TagBatch, 'lost' | 'missed' | 'errors'> = Object.freeze({ lost: [], missed: [], errors: [] }) as Pick<TagBatch, 'lost' | 'missed' | 'errors'>;

const NO_BYTES = new Uint8Array(0);

/**
 * Bytes left over from the previous chunk plus the new chunk, as one 4-byte-aligned view of whole
 * records (`recordBytes` each) and the carry for next time. Copies only when needed.
 */
export class RecordAligner {
  private carry: Uint8Array;
  private carryLen = 0;
  private work = new Uint8Array(0);

  constructor(private readonly recordBytes: number) {
    this.carry = new Uint8Array(recordBytes);
  }

  get pending(): number {
    return this.carryLen;
  }

  /** Whole records of carry + chunk, aligned to 4 bytes; the rest is kept. */
  take(chunk: Uint8Array): Uint8Array {
    const rb = this.recordBytes;
    const total = this.carryLen + chunk.length;
    const whole = total - (total % rb);
    if (whole === 0) {
      // not even one whole record yet
      this.carry.set(chunk, this.carryLen);
      this.carryLen = total;
      return NO_BYTES;
    }
    const used = whole - this.carryLen; // bytes of the chunk in the whole records (≥ 1)
    let out: Uint8Array;
    if (this.carryLen === 0 && chunk.byteOffset % 4 === 0) {
      out = chunk.subarray(0, whole);
    } else {
      if (this.work.length < whole) this.work = new Uint8Array(Math.max(whole, this.work.length * 2));
      this.work.set(this.carry.subarray(0, this.carryLen), 0);
      this.work.set(chunk.subarray(0, used), this.carryLen);
      out = this.work.subarray(0, whole);
    }
    const rest = chunk.subarray(used);
    this.carry.set(rest, 0);
    this.carryLen = rest.length;
    return out;
  }
}
