/**
 * PicoQuant unified tag header (PTU files): parse and write. Layout from PicoQuant's
 * PicoQuant-Time-Tagged-File-Format-Demos (doc/apx_tagtypes.html, apx_tagdictionary.html):
 * 8-byte magic "PQTTTR\0\0", 8-byte version ("1.0.00\0\0"), then tags of 48 bytes
 * { char Ident[32]; int32 Idx; uint32 Typ; 8-byte value } (little-endian), ending with the tag
 * `Header_End`. For strings, arrays and blobs the value is a byte length (a multiple of 8) and
 * that many bytes follow the tag. The record stream starts right after `Header_End`.
 */
import { InputError } from '../core/errors.js';

export const PTU_MAGIC = 'PQTTTR';
export const PTU_VERSION = '1.0.00';

/** Tag type codes (TTagHead.Typ). */
export const TY = {
  Empty8: 0xffff0008,
  Bool8: 0x00000008,
  Int8: 0x10000008,
  BitSet64: 0x11000008,
  Color8: 0x12000008,
  Float8: 0x20000008,
  TDateTime: 0x21000008,
  Float8Array: 0x2001ffff,
  AnsiString: 0x4001ffff,
  WideString: 0x4002ffff,
  BinaryBlob: 0xffffffff,
} as const;

const TYPE_NAMES = new Map<number, string>(Object.entries(TY).map(([k, v]) => [v, k]));

/**
 * Record types (TTResultFormat_TTTRRecType). TimeHarp 260 and MultiHarp T2 appear as
 * 0x0101020x in PicoQuant's record documentation (apx_tttrrecords.html) and as 0x0001020x in the
 * same repository's C and Python demos; both are accepted (same V2 record layout).
 */
export const REC_TYPE = {
  PicoHarpT2: 0x00010203,
  PicoHarpT3: 0x00010303,
  HydraHarpV1T2: 0x00010204,
  HydraHarpV1T3: 0x00010304,
  HydraHarpV2T2: 0x01010204,
  HydraHarpV2T3: 0x01010304,
  TimeHarp260NT2: 0x01010205,
  TimeHarp260PT2: 0x01010206,
  MultiHarpT2: 0x01010207,
  TimeHarp260NT2Demo: 0x00010205,
  TimeHarp260PT2Demo: 0x00010206,
  MultiHarpT2Demo: 0x00010207,
} as const;

export type PtuValue = number | bigint | boolean | string | Float64Array | Uint8Array | null;

export interface PtuTag {
  ident: string;
  /** Index for array-like tags, −1 otherwise. */
  idx: number;
  type: number;
  /**
   * Int8/BitSet64/Color8: number when exact (|v| ≤ 2⁵³), bigint otherwise; Float8/TDateTime:
   * number; Bool8: boolean; strings: string; Float8Array: Float64Array; BinaryBlob: Uint8Array;
   * Empty8: null.
   */
  value: PtuValue;
}

export interface PtuHeader {
  version: string;
  tags: PtuTag[];
  /** Bytes from the file start to the first record. */
  headerBytes: number;
}

/** Largest header accepted (strings, arrays and blobs included): a guard against a corrupt length. */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;

const TAG_BYTES = 48;

function cString(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
}

/**
 * Parse a PTU header from the start of `bytes`. Returns null when more bytes are needed (the
 * header is incomplete); throws InputError for a wrong magic, an unknown tag type or a length
 * that cannot be right.
 */
export function parsePtuHeader(bytes: Uint8Array, source: string): PtuHeader | null {
  for (let k = 0; k < Math.min(bytes.length, PTU_MAGIC.length); k++) {
    if (bytes[k] !== PTU_MAGIC.charCodeAt(k)) throw wrongMagic(bytes, source);
  }
  if (bytes.length < 16) return null;
  if (cString(bytes.subarray(0, 8)) !== PTU_MAGIC) throw wrongMagic(bytes, source);
  const version = cString(bytes.subarray(8, 16));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tags: PtuTag[] = [];
  let off = 16;
  for (;;) {
    if (off + TAG_BYTES > bytes.length) return null;
    const ident = cString(bytes.subarray(off, off + 32));
    const idx = dv.getInt32(off + 32, true);
    const type = dv.getUint32(off + 36, true);
    const where = { file: source, field: `header tag ${tags.length} (${ident || '<no name>'})` };
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ident)) throw new InputError(`invalid tag identifier at byte ${off}`, where);
    const v = off + 40;
    off += TAG_BYTES;
    let value: PtuValue;
    switch (type) {
      case TY.Empty8:
        value = null;
        break;
      case TY.Bool8:
        value = dv.getBigInt64(v, true) !== 0n;
        break;
      case TY.Int8:
      case TY.BitSet64:
      case TY.Color8: {
        const b = dv.getBigInt64(v, true);
        value = b >= -(2n ** 53n) && b <= 2n ** 53n ? Number(b) : b;
        break;
      }
      case TY.Float8:
      case TY.TDateTime:
        value = dv.getFloat64(v, true);
        break;
      case TY.AnsiString:
      case TY.WideString:
      case TY.Float8Array:
      case TY.BinaryBlob: {
        const len = dv.getBigInt64(v, true);
        if (len < 0n || len > BigInt(MAX_HEADER_BYTES)) throw new InputError(`length ${len} of a ${TYPE_NAMES.get(type)} value is impossible`, where);
        const n = Number(len);
        if (off + n > MAX_HEADER_BYTES) throw new InputError(`header longer than ${MAX_HEADER_BYTES} bytes`, where);
        if (off + n > bytes.length) return null;
        const body = bytes.subarray(off, off + n);
        off += n;
        if (type === TY.AnsiString) value = cString(body);
        else if (type === TY.WideString) {
          const s = Buffer.from(body.buffer, body.byteOffset, n - (n % 2)).toString('utf16le');
          const z = s.indexOf('\0');
          value = z >= 0 ? s.slice(0, z) : s;
        } else if (type === TY.Float8Array) {
          if (n % 8 !== 0) throw new InputError(`float array of ${n} bytes is not a whole number of float64`, where);
          const a = new Float64Array(n / 8);
          for (let k = 0; k < a.length; k++) a[k] = dv.getFloat64(off - n + 8 * k, true);
          value = a;
        } else value = body.slice();
        break;
      }
      default:
        throw new InputError(`unknown tag type 0x${type.toString(16).padStart(8, '0')}`, where);
    }
    tags.push({ ident, idx, type, value });
    if (ident === 'Header_End') return { version, tags, headerBytes: off };
    if (off > MAX_HEADER_BYTES) throw new InputError(`no Header_End within ${MAX_HEADER_BYTES} bytes`, { file: source, field: 'header' });
  }
}

function wrongMagic(bytes: Uint8Array, source: string): InputError {
  const shown = Buffer.from(bytes.subarray(0, 8)).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return new InputError(`not a PicoQuant PTU file (magic "${shown}", expected "${PTU_MAGIC}")`, { file: source, field: 'magic' });
}

/** The first tag named `ident` (and index `idx`, default any). */
export function ptuTag(h: PtuHeader, ident: string, idx?: number): PtuTag | undefined {
  return h.tags.find((t) => t.ident === ident && (idx === undefined || t.idx === idx));
}

/** A numeric tag's value; InputError naming the tag if it is missing or not a finite number. */
export function ptuNumber(h: PtuHeader, ident: string, source: string): number {
  const t = ptuTag(h, ident);
  if (!t) throw new InputError(`mandatory header tag ${ident} missing`, { file: source, field: ident });
  if (typeof t.value !== 'number' || !Number.isFinite(t.value)) throw new InputError(`header tag ${ident} is not a finite number`, { file: source, field: ident });
  return t.value;
}

export function ptuString(h: PtuHeader, ident: string): string | undefined {
  const t = ptuTag(h, ident);
  return typeof t?.value === 'string' ? t.value : undefined;
}

/** Days from 1899-12-30 (TDateTime) ↔ Unix ms. */
export const TDATETIME_UNIX_EPOCH_DAYS = 25569;
export function unixMsToTDateTime(ms: number): number {
  return ms / 86_400_000 + TDATETIME_UNIX_EPOCH_DAYS;
}

/**
 * Serialise header tags (magic, version, tags, Header_End appended if absent). Strings are
 * written NUL-terminated and padded with NULs to a multiple of 8 bytes (the documented gross
 * size). Returns the bytes and the byte offset of each tag's 8-byte value (to patch counts later).
 */
export function writePtuHeader(tags: readonly PtuTag[]): { bytes: Uint8Array; valueOffset: Map<string, number> } {
  const all = tags.some((t) => t.ident === 'Header_End') ? tags : [...tags, { ident: 'Header_End', idx: -1, type: TY.Empty8, value: null }];
  const parts: Uint8Array[] = [];
  const valueOffset = new Map<string, number>();
  const pre = new Uint8Array(16);
  pre.set(Buffer.from(PTU_MAGIC, 'latin1'), 0);
  pre.set(Buffer.from(PTU_VERSION, 'latin1'), 8);
  parts.push(pre);
  let off = 16;
  for (const t of all) {
    if (t.ident.length > 31 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.ident)) throw new Error(`PTU tag identifier "${t.ident}" invalid`);
    const head = new Uint8Array(TAG_BYTES);
    const dv = new DataView(head.buffer);
    head.set(Buffer.from(t.ident, 'latin1'), 0);
    dv.setInt32(32, t.idx, true);
    dv.setUint32(36, t.type >>> 0, true);
    let body: Uint8Array | undefined;
    const v = t.value;
    switch (t.type) {
      case TY.Empty8:
        break;
      case TY.Bool8:
        dv.setBigInt64(40, v ? 1n : 0n, true);
        break;
      case TY.Int8:
      case TY.BitSet64:
      case TY.Color8:
        dv.setBigInt64(40, typeof v === 'bigint' ? v : BigInt(v as number), true);
        break;
      case TY.Float8:
      case TY.TDateTime:
        dv.setFloat64(40, v as number, true);
        break;
      case TY.AnsiString:
      case TY.WideString: {
        const raw = Buffer.from(v as string, t.type === TY.AnsiString ? 'latin1' : 'utf16le');
        const gross = Math.ceil((raw.length + (t.type === TY.AnsiString ? 1 : 2)) / 8) * 8;
        body = new Uint8Array(gross);
        body.set(raw, 0);
        break;
      }
      case TY.Float8Array: {
        const a = v as Float64Array;
        body = new Uint8Array(a.length * 8);
        const bv = new DataView(body.buffer);
        for (let k = 0; k < a.length; k++) bv.setFloat64(8 * k, a[k], true);
        break;
      }
      case TY.BinaryBlob: {
        const b = v as Uint8Array;
        body = new Uint8Array(Math.ceil(b.length / 8) * 8);
        body.set(b, 0);
        break;
      }
      default:
        throw new Error(`PTU tag type 0x${t.type.toString(16)} not writable`);
    }
    if (body) dv.setBigInt64(40, BigInt(body.length), true);
    valueOffset.set(t.idx >= 0 ? `${t.ident}(${t.idx})` : t.ident, off + 40);
    parts.push(head);
    off += TAG_BYTES;
    if (body) {
      parts.push(body);
      off += body.length;
    }
  }
  const bytes = new Uint8Array(off);
  let p = 0;
  for (const part of parts) {
    bytes.set(part, p);
    p += part.length;
  }
  return { bytes, valueOffset };
}
