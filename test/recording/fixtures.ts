/**
 * Hand-built time-tag files for the reader tests, assembled byte by byte from the published
 * layouts (PicoQuant apx_tagtypes.html / apx_tttrrecords.html; Swabian Tag struct), independently
 * of Mozi's writers.
 */

/** One PTU header tag: 32-byte NUL-padded ident, int32 idx, uint32 type, 8-byte value, then any body. */
export function ptuTagBytes(ident: string, type: number, value: bigint | number | string | Buffer, idx = -1): Buffer {
  const head = Buffer.alloc(48);
  head.write(ident, 0, 'latin1');
  head.writeInt32LE(idx, 32);
  head.writeUInt32LE(type >>> 0, 36);
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const raw = typeof value === 'string' ? Buffer.from(value + '\0', 'latin1') : value;
    const gross = Math.ceil(raw.length / 8) * 8;
    const body = Buffer.alloc(gross);
    raw.copy(body);
    head.writeBigInt64LE(BigInt(gross), 40);
    return Buffer.concat([head, body]);
  }
  if (type === 0x20000008 || type === 0x21000008) head.writeDoubleLE(Number(value), 40);
  else head.writeBigInt64LE(BigInt(value), 40);
  return head;
}

export const tyEmpty8 = 0xffff0008;
export const tyBool8 = 0x00000008;
export const tyInt8 = 0x10000008;
export const tyFloat8 = 0x20000008;
export const tyTDateTime = 0x21000008;
export const tyFloat8Array = 0x2001ffff;
export const tyAnsiString = 0x4001ffff;
export const tyWideString = 0x4002ffff;
export const tyBinaryBlob = 0xffffffff;

/** A PTU file: magic, version, the mandatory tags (plus `extra`), Header_End, the records. */
export function ptuFile(recType: number, resolutionS: number, records: number[], extra: Buffer[] = [], declared = records.length): Buffer {
  const pre = Buffer.alloc(16);
  pre.write('PQTTTR', 0, 'latin1');
  pre.write('1.0.00', 8, 'latin1');
  const tags = [
    ptuTagBytes('File_GUID', tyAnsiString, '{00000000-0000-0000-0000-000000000000}'),
    ptuTagBytes('Measurement_Mode', tyInt8, 2),
    ptuTagBytes('MeasDesc_GlobalResolution', tyFloat8, resolutionS),
    ...extra,
    ptuTagBytes('TTResult_NumberOfRecords', tyInt8, declared),
    ptuTagBytes('TTResultFormat_TTTRRecType', tyInt8, recType),
    ptuTagBytes('TTResultFormat_BitsPerRecord', tyInt8, 32),
    ptuTagBytes('Header_End', tyEmpty8, 0),
  ];
  const body = Buffer.alloc(records.length * 4);
  records.forEach((r, i) => body.writeUInt32LE(r >>> 0, 4 * i));
  return Buffer.concat([pre, ...tags, body]);
}

/** HydraHarp/MultiHarp T2 record from its fields: special (1 bit), channel (6), timetag (25). */
export const hh = (special: number, channel: number, timetag: number): number => ((special << 31) | (channel << 25) | timetag) >>> 0;
/** PicoHarp T2 record: channel (4 bits), time (28). */
export const ph = (channel: number, time: number): number => ((channel << 28) | time) >>> 0;

/** Swabian Tag struct: type u8, reserved u8, missed u16, channel i32, time i64 (little-endian). */
export function swabianTag(type: number, channel: number, time: bigint, missed = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(type, 0);
  b.writeUInt8(0, 1);
  b.writeUInt16LE(missed, 2);
  b.writeInt32LE(channel, 4);
  b.writeBigInt64LE(time, 8);
  return b;
}

/** Split bytes into chunks of random sizes (1…max) with a seeded generator. */
export function randomChunks(bytes: Uint8Array, seed: number, max = 97): Uint8Array[] {
  const rnd = lcg(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rnd() * max);
    // copy into a fresh, deliberately misaligned buffer
    const pad = Math.floor(rnd() * 4);
    const buf = new Uint8Array(n + pad);
    buf.set(bytes.subarray(i, i + n), pad);
    out.push(buf.subarray(pad, pad + Math.min(n, bytes.length - i)));
    i += n;
  }
  return out;
}

/** Small seeded generator for test inputs (Park–Miller-like LCG on 2³¹ − 1). */
export function lcg(seed: number): () => number {
  let s = (seed % 2147483646) + 1;
  return () => {
    s = (s * 48271) % 2147483647;
    return (s - 1) / 2147483646;
  };
}
