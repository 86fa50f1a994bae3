/**
 * The transmitter's record of what every pulse carried, as a real payload's QRNG would store or
 * downlink it, instead of Mozi's 256-bit seed. One file format, two layouts (README "Bring your
 * recorded data", DESIGN "QRNG setting record"):
 *
 *     bytes 0–7   "MOZIQRN1"
 *     bytes 8–11  uint32 LE: length L of the JSON header
 *     12…12+L     JSON header (format mozi-qrng-settings/1, kind, satellite, windowStartMs,
 *                 pulseCount, firstPulse, entries), NUL-padded to a multiple of 8 bytes
 *     body        dense: one nibble per pulse firstPulse + i, two per byte (even i in the low
 *                 nibble); sparse: per recorded pulse one LEB128 varint of (Δ − 1)·16 + nibble,
 *                 Δ = index − previous index (the first counted from firstPulse − 1), indices
 *                 strictly increasing.
 *     nibble      bits 0–1 intensity class (0 signal, 1 decoy, 2 vacuum; 3 is invalid),
 *                 bit 2 basis (0 Z, 1 X), bit 3 bit value.
 *
 * Sizes for the Micius pass (2.73 × 10¹⁰ pulses, 3.6 × 10⁶ detections): dense 13.6 GB (what the
 * payload holds on board), sparse ≈ 3 bytes per detection ≈ 11 MB (what it downlinks once the
 * ground has published its detection indices, which sifting discloses anyway).
 *
 * Reading is streaming and in constant memory: dense by 64 KiB blocks at the pulse's offset
 * (random access), sparse by a forward cursor over 64 KiB buffers (rewound when asked for an
 * earlier pulse). A pulse the record lacks, a truncated body or an invalid nibble is an InputError
 * naming the file, the pulse and the byte.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { PassSchedule } from '../quantum/clock.js';
import type { PulseSource } from '../quantum/transmitter.js';

export const SETTINGS_MAGIC = 'MOZIQRN1';
export const SETTINGS_FORMAT = 'mozi-qrng-settings/1';
const BLOCK = 1 << 16;

/**
 * One sparse entry (the body layout above), decoded from `byteAt(off)`, which gives −1 where no
 * byte is (yet). `status` is 'ok' with `nib`, `gap` (Δ − 1) and `next` (the offset after it),
 * 'short' when the bytes end at `next` (at the entry's first byte or inside its varint), or 'long'
 * when the varint runs past 2⁶⁰ (corrupt). The three readers (random access, validation, and the
 * growing record's scan) all decode through this one routine and word their own errors.
 */
interface SparseEntry {
  status: 'ok' | 'short' | 'long';
  nib: number;
  gap: number;
  next: number;
}

function decodeSparseEntry(byteAt: (off: number) => number, off: number, out: SparseEntry): SparseEntry {
  let b = byteAt(off);
  if (b < 0) return setEntry(out, 'short', 0, 0, off);
  const nib = b & 15;
  let gap = (b >>> 4) & 7;
  let scale = 8;
  let at = off + 1;
  while (b & 0x80) {
    b = byteAt(at);
    if (b < 0) return setEntry(out, 'short', nib, gap, at);
    at++;
    gap += (b & 0x7f) * scale;
    scale *= 128;
    if (scale > 2 ** 60) return setEntry(out, 'long', nib, gap, at);
  }
  return setEntry(out, 'ok', nib, gap, at);
}

function setEntry(out: SparseEntry, status: SparseEntry['status'], nib: number, gap: number, next: number): SparseEntry {
  out.status = status;
  out.nib = nib;
  out.gap = gap;
  out.next = next;
  return out;
}

export type SettingsRecordKind = 'dense' | 'sparse';

export interface SettingsRecordHeader {
  format: typeof SETTINGS_FORMAT;
  kind: SettingsRecordKind;
  satellite: string;
  windowStartMs: number;
  /** Pulses of the pass (schedule.pulseCount). */
  pulseCount: number;
  /** Dense: first pulse recorded; sparse: pulses are ≥ this. */
  firstPulse: number;
  /** Dense: pulses recorded; sparse: entries. */
  entries: number;
  nibble?: string;
  description?: string;
}

export interface PulseSettings {
  intensity: Uint8Array;
  basis: Uint8Array;
  bit: Uint8Array;
}

const NIBBLE_DOC = 'bits 0-1 intensity class (0 signal, 1 decoy, 2 vacuum), bit 2 basis (0 Z, 1 X), bit 3 bit';

export function packNibble(intensityClass: number, basis: number, bit: number): number {
  return (intensityClass & 3) | ((basis & 1) << 2) | ((bit & 1) << 3);
}

/** Serialise the fixed part: magic, header length, JSON, padding. */
export function encodeSettingsHeader(h: SettingsRecordHeader): Uint8Array {
  const json = Buffer.from(JSON.stringify({ ...h, nibble: h.nibble ?? NIBBLE_DOC }), 'utf8');
  const total = Math.ceil((12 + json.length) / 8) * 8;
  const out = new Uint8Array(total);
  out.set(Buffer.from(SETTINGS_MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  return out;
}

/** Sparse body for strictly increasing `indices` ≥ firstPulse with their settings. */
export function encodeSparseBody(indices: Float64Array, s: PulseSettings, firstPulse: number): Uint8Array {
  let prev = firstPulse - 1;
  const bytes = new Uint8Array(indices.length * 9);
  let n = 0;
  for (let k = 0; k < indices.length; k++) {
    const idx = indices[k];
    if (!Number.isSafeInteger(idx) || idx <= prev) throw new Error(`sparse settings: index ${idx} after ${prev} is not strictly increasing`);
    let v = idx - prev - 1; // Δ − 1 ≥ 0
    prev = idx;
    // first byte: nibble in bits 0–3, 3 bits of v in bits 4–6
    const nib = packNibble(s.intensity[k], s.basis[k], s.bit[k]);
    let low = v % 8;
    v = (v - low) / 8;
    bytes[n++] = nib | (low << 4) | (v > 0 ? 0x80 : 0);
    while (v > 0) {
      low = v % 128;
      v = (v - low) / 128;
      bytes[n++] = low | (v > 0 ? 0x80 : 0);
    }
  }
  return bytes.slice(0, n);
}

export interface SettingsWriteMeta {
  satellite: string;
  schedule: Pick<PassSchedule, 'windowStartMs' | 'pulseCount'>;
  description?: string;
}

/** Write a sparse record (the settings of the given pulses only). */
export function writeSparseSettingsRecord(path: string, meta: SettingsWriteMeta, indices: Float64Array, s: PulseSettings): { bytes: number } {
  const body = encodeSparseBody(indices, s, 0);
  const head = encodeSettingsHeader({
    format: SETTINGS_FORMAT,
    kind: 'sparse',
    satellite: meta.satellite,
    windowStartMs: meta.schedule.windowStartMs,
    pulseCount: meta.schedule.pulseCount,
    firstPulse: 0,
    entries: indices.length,
    description: meta.description,
  });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
  return { bytes: head.length + body.length };
}

/**
 * Write a dense record of pulses [firstPulse, firstPulse + count) from a seeded source (what the
 * payload's QRNG would have stored), streaming 2 × 64 Ki pulses per write.
 */
export function writeDenseSettingsRecord(
  path: string,
  meta: SettingsWriteMeta,
  source: PulseSource,
  firstPulse: number,
  count: number,
  onProgress?: (fraction: number) => void,
): { bytes: number } {
  const head = encodeSettingsHeader({
    format: SETTINGS_FORMAT,
    kind: 'dense',
    satellite: meta.satellite,
    windowStartMs: meta.schedule.windowStartMs,
    pulseCount: meta.schedule.pulseCount,
    firstPulse,
    entries: count,
    description: meta.description,
  });
  const fd = openSync(path, 'w');
  let bytes = head.length;
  try {
    writeSync(fd, head);
    const idx = new Float64Array(2 * BLOCK);
    const out = new Uint8Array(BLOCK);
    for (let done = 0; done < count; ) {
      const n = Math.min(2 * BLOCK, count - done);
      const ix = idx.subarray(0, n);
      for (let k = 0; k < n; k++) ix[k] = firstPulse + done + k;
      const b = source.batch(ix);
      const nb = (n + 1) >>> 1;
      out.fill(0, 0, nb);
      for (let k = 0; k < n; k++) out[k >>> 1] |= packNibble(b.intensityClass[k], b.basis[k], b.bit[k]) << ((k & 1) * 4);
      writeSync(fd, out, 0, nb);
      bytes += nb;
      done += n;
      onProgress?.(done / count);
    }
  } finally {
    closeSync(fd);
  }
  return { bytes };
}

/** How to follow a record the payload still writes (SettingsRecordReader.openGrowing). */
export interface GrowingOptions {
  /** How often to look for new bytes (default 50 ms). */
  pollMs?: number;
  /** Seconds without new bytes before a pulse still missing is an error (default 10). */
  idleS?: number;
  /** Seconds to wait for the file and its header (default 600). */
  waitS?: number;
  signal?: AbortSignal;
}

/** Streaming reader of a settings record (synchronous, constant memory; `openGrowing` for one still written). */
export class SettingsRecordReader {
  readonly header: SettingsRecordHeader;
  private readonly fd: number;
  private readonly bodyOffset: number;
  private readonly buf = new Uint8Array(BLOCK);
  // dense: cached block number; sparse: cursor
  private cachedBlock = -1;
  private cachedLen = 0;
  private bufPos = 0; // sparse: file offset of buf[0]
  private bufLen = 0;
  private pos = 0; // sparse: file offset of the next entry
  private prev = 0; // sparse: index of the entry before `pos`
  private read = 0; // sparse: entries before `pos`

  private size: number;
  // growing: the scan of the sparse entries the file holds so far (ready())
  private scanPos = 0;
  private scanPrev = 0;
  private scanRead = 0;
  private readonly scanBuf = new Uint8Array(BLOCK);
  private readonly entry: SparseEntry = { status: 'ok', nib: 0, gap: 0, next: 0 };
  private readonly fileByte = (off: number): number => this.byteAt(off);

  private constructor(
    readonly path: string,
    fd: number,
    private readonly growing?: GrowingOptions,
  ) {
    this.fd = fd;
    this.size = fstatSync(fd).size;
    const pre = new Uint8Array(12);
    if (readSync(fd, pre, 0, 12, 0) < 12 || Buffer.from(pre.subarray(0, 8)).toString('latin1') !== SETTINGS_MAGIC) {
      throw new InputError(`not a settings record (magic "${Buffer.from(pre.subarray(0, 8)).toString('latin1').replace(/[^\x20-\x7e]/g, '.')}", expected "${SETTINGS_MAGIC}")`, { file: path, field: 'magic' });
    }
    const len = new DataView(pre.buffer).getUint32(8, true);
    if (12 + len > this.size || len > 1 << 20) throw new InputError(`header length ${len} beyond the file's ${this.size} bytes`, { file: path, field: 'header' });
    const js = new Uint8Array(len);
    readSync(fd, js, 0, len, 12);
    let h: SettingsRecordHeader;
    try {
      h = JSON.parse(Buffer.from(js).toString('utf8')) as SettingsRecordHeader;
    } catch (e) {
      throw new InputError(`header is not JSON (${(e as Error).message})`, { file: path, field: 'header' });
    }
    const bad = (field: string, msg: string) => new InputError(msg, { file: path, field });
    if (h.format !== SETTINGS_FORMAT) throw bad('format', `expected format ${SETTINGS_FORMAT}`);
    if (h.kind !== 'dense' && h.kind !== 'sparse') throw bad('kind', 'kind must be "dense" or "sparse"');
    for (const k of ['windowStartMs', 'pulseCount', 'firstPulse', 'entries'] as const) {
      if (typeof h[k] !== 'number' || !Number.isFinite(h[k])) throw bad(k, `${k} must be a number`);
    }
    for (const k of ['pulseCount', 'firstPulse', 'entries'] as const) {
      if (!Number.isSafeInteger(h[k]) || h[k] < 0) throw bad(k, `${k} must be a non-negative integer`);
    }
    if (typeof h.satellite !== 'string') throw bad('satellite', 'satellite must be a string');
    this.header = h;
    this.bodyOffset = Math.ceil((12 + len) / 8) * 8;
    if (h.kind === 'dense') {
      const need = this.bodyOffset + Math.ceil(h.entries / 2);
      if (this.size > need || (this.size < need && !growing)) throw bad('body', `${this.size} bytes, a dense record of ${h.entries} pulses has ${need}: ${this.size < need ? 'truncated' : 'trailing bytes'}`);
      if (h.firstPulse + h.entries > h.pulseCount) throw bad('entries', `pulses ${h.firstPulse}…${h.firstPulse + h.entries - 1} beyond the pass's ${h.pulseCount}`);
    }
    this.rewind();
    this.scanPos = this.bodyOffset;
    this.scanPrev = h.firstPulse - 1;
  }

  static open(path: string): SettingsRecordReader {
    if (!existsSync(path)) throw new InputError('file not found', { file: path });
    const fd = openSync(path, 'r');
    try {
      return new SettingsRecordReader(path, fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /**
   * A record the payload is still writing (dense: recorded as the pulses go out; sparse: downlinked
   * as the ground announces its detections): waits for the file and its header, and `ready(pulse)`
   * waits until the body holds that pulse (or the record is complete).
   */
  static async openGrowing(path: string, o: GrowingOptions = {}): Promise<SettingsRecordReader> {
    const pollMs = o.pollMs ?? 50;
    const waitUntil = Date.now() + (o.waitS ?? 600) * 1000;
    for (;;) {
      if (existsSync(path)) {
        const fd = openSync(path, 'r');
        const size = fstatSync(fd).size;
        const pre = new Uint8Array(12);
        const headerDone = size >= 12 && readSync(fd, pre, 0, 12, 0) === 12 && size >= 12 + new DataView(pre.buffer).getUint32(8, true);
        if (headerDone || size >= 12 + (1 << 20)) {
          try {
            return new SettingsRecordReader(path, fd, o);
          } catch (e) {
            closeSync(fd);
            throw e;
          }
        }
        closeSync(fd);
      }
      if (Date.now() > waitUntil || o.signal?.aborted) throw new InputError('the settings record did not appear (or its header stayed incomplete)', { file: path, field: '--follow' });
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Growing record: resolves once the body holds `pulse` (or is complete); an InputError when it stops growing for idleS before. */
  async ready(pulse: number): Promise<void> {
    const g = this.growing;
    if (!g) return;
    const pollMs = g.pollMs ?? 50;
    const idleMs = (g.idleS ?? 10) * 1000;
    let lastSize = this.size;
    let lastGrowthAt = Date.now();
    for (;;) {
      this.size = fstatSync(this.fd).size;
      if (this.holds(pulse)) return;
      if (this.size !== lastSize) {
        lastSize = this.size;
        lastGrowthAt = Date.now();
      } else if (Date.now() - lastGrowthAt > idleMs || g.signal?.aborted) {
        throw new InputError(`the record stopped growing at ${this.size} bytes before pulse ${pulse}`, { file: this.path, field: 'pulse' });
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Whether the bytes written so far settle `pulse`: it is there, or it can no longer come. */
  private holds(pulse: number): boolean {
    const h = this.header;
    if (h.kind === 'dense') {
      const i = pulse - h.firstPulse;
      if (!(i >= 0 && i < h.entries)) return true;
      return this.size >= this.bodyOffset + Math.floor(i / 2) + 1;
    }
    // sparse: scan the complete entries written so far (errors are left to settings())
    const e = this.entry;
    while (this.scanRead < h.entries && this.scanPrev < pulse) {
      const n = readSync(this.fd, this.scanBuf, 0, BLOCK, this.scanPos);
      const buf = this.scanBuf;
      const inBuf = (o: number): number => (o < n ? buf[o] : -1);
      let k = 0;
      let progressed = false;
      while (decodeSparseEntry(inBuf, k, e).status === 'ok') {
        this.scanPrev += 1 + e.gap;
        this.scanRead++;
        k = e.next;
        progressed = true;
        if (this.scanRead >= h.entries || this.scanPrev >= pulse) break;
      }
      this.scanPos += k;
      if (!progressed) return false;
    }
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The settings of these pulses (any order). */
  settings(indices: Float64Array): PulseSettings {
    const n = indices.length;
    const res: PulseSettings = { intensity: new Uint8Array(n), basis: new Uint8Array(n), bit: new Uint8Array(n) };
    let sorted = true;
    for (let k = 1; k < n && sorted; k++) sorted = indices[k] >= indices[k - 1];
    let order: Uint32Array | null = null;
    if (!sorted) {
      order = Uint32Array.from({ length: n }, (_, k) => k);
      order.sort((a, b) => indices[a] - indices[b]);
    }
    for (let q = 0; q < n; q++) {
      const k = order ? order[q] : q;
      const nib = this.header.kind === 'dense' ? this.denseNibble(indices[k]) : this.sparseNibble(indices[k]);
      res.intensity[k] = nib & 3;
      res.basis[k] = (nib >>> 2) & 1;
      res.bit[k] = nib >>> 3;
    }
    return res;
  }

  private checkNibble(nib: number, pulse: number, byte: number): number {
    if ((nib & 3) === 3) throw new InputError(`pulse ${pulse}: intensity class 3 does not exist (corrupt record)`, { file: this.path, field: `byte ${byte}` });
    return nib;
  }

  private denseNibble(pulse: number): number {
    const h = this.header;
    const i = pulse - h.firstPulse;
    if (!(Number.isInteger(i) && i >= 0 && i < h.entries)) {
      throw new InputError(`pulse ${pulse} is not in the record (it holds pulses ${h.firstPulse}…${h.firstPulse + h.entries - 1})`, { file: this.path, field: 'pulse' });
    }
    const byteInBody = Math.floor(i / 2);
    const block = Math.floor(byteInBody / BLOCK);
    if (block !== this.cachedBlock) {
      this.cachedLen = readSync(this.fd, this.buf, 0, BLOCK, this.bodyOffset + block * BLOCK);
      this.cachedBlock = block;
    }
    const at = byteInBody - block * BLOCK;
    if (at >= this.cachedLen && this.growing) {
      this.cachedLen = readSync(this.fd, this.buf, 0, BLOCK, this.bodyOffset + block * BLOCK);
    }
    if (at >= this.cachedLen) throw new InputError(`pulse ${pulse}: body ends early (truncated)`, { file: this.path, field: `byte ${this.bodyOffset + byteInBody}` });
    return this.checkNibble((this.buf[at] >>> ((i & 1) * 4)) & 15, pulse, this.bodyOffset + byteInBody);
  }

  private rewind(): void {
    this.pos = this.bodyOffset;
    this.prev = this.header.firstPulse - 1;
    this.read = 0;
    this.bufLen = 0;
    this.bufPos = this.bodyOffset;
  }

  private byteAt(off: number): number {
    if (off < this.bufPos || off >= this.bufPos + this.bufLen) {
      this.bufPos = off;
      this.bufLen = readSync(this.fd, this.buf, 0, BLOCK, off);
      if (this.bufLen === 0) return -1;
    }
    return this.buf[off - this.bufPos];
  }

  /** The decoded entry at `start`, or the InputError a short or overlong one deserves (entry `count`). */
  private entryOrThrow(start: number, count: number, byteAt: (off: number) => number): SparseEntry {
    const e = decodeSparseEntry(byteAt, start, this.entry);
    if (e.status === 'long') throw new InputError(`entry ${count}: varint too long (corrupt record)`, { file: this.path, field: `byte ${start}` });
    if (e.status === 'short') {
      throw e.next === start
        ? new InputError(`entry ${count}: body ends early (truncated; the header says ${this.header.entries} entries)`, { file: this.path, field: `byte ${start}` })
        : new InputError(`entry ${count}: body ends inside a varint (truncated)`, { file: this.path, field: `byte ${e.next}` });
    }
    return e;
  }

  private sparseNibble(pulse: number): number {
    if (pulse <= this.prev) this.rewind();
    while (this.read < this.header.entries) {
      const start = this.pos;
      const e = this.entryOrThrow(start, this.read, this.fileByte);
      this.pos = e.next;
      const idx = this.prev + 1 + e.gap;
      if (!Number.isSafeInteger(idx) || idx >= this.header.pulseCount) {
        throw new InputError(`entry ${this.read}: pulse ${idx} beyond the pass's ${this.header.pulseCount} pulses (corrupt record)`, { file: this.path, field: `byte ${start}` });
      }
      this.prev = idx;
      this.read++;
      if (idx === pulse) return this.checkNibble(e.nib, pulse, start);
      if (idx > pulse) break;
    }
    throw new InputError(`pulse ${pulse} is not in the sparse record (the payload did not downlink its setting)`, { file: this.path, field: 'pulse' });
  }

  /** Read every entry once (sparse: decode to the end and check the entry count; dense: nibbles). */
  validate(): void {
    if (this.header.kind === 'sparse') {
      this.rewind();
      const end = this.size;
      let count = 0;
      let prev = this.header.firstPulse - 1;
      let off = this.bodyOffset;
      const upToEnd = (o: number): number => (o < end ? this.byteAt(o) : -1);
      while (off < end) {
        const start = off;
        const e = this.entryOrThrow(start, count, upToEnd);
        off = e.next;
        prev = prev + 1 + e.gap;
        if (prev >= this.header.pulseCount) throw new InputError(`entry ${count}: pulse ${prev} beyond the pass's ${this.header.pulseCount} pulses (corrupt record)`, { file: this.path, field: `byte ${start}` });
        this.checkNibble(e.nib, prev, start);
        count++;
      }
      if (count !== this.header.entries) throw new InputError(`${count} entries, the header says ${this.header.entries}`, { file: this.path, field: 'entries' });
      this.rewind();
    } else {
      for (let off = this.bodyOffset; off < this.size; off += BLOCK) {
        const n = readSync(this.fd, this.buf, 0, BLOCK, off);
        for (let k = 0; k < n; k++) {
          const byte = this.buf[k];
          const first = (off - this.bodyOffset + k) * 2;
          this.checkNibble(byte & 15, this.header.firstPulse + first, off + k);
          if (first + 1 < this.header.entries) this.checkNibble(byte >>> 4, this.header.firstPulse + first + 1, off + k);
        }
      }
      this.cachedBlock = -1;
    }
  }
}
