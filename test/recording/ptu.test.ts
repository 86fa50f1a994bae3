import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parsePtuHeader, ptuTag, REC_TYPE, TY, writePtuHeader } from '../../src/recording/ptu-header.js';
import { PtuT2Decoder } from '../../src/recording/ptu-t2.js';
import { HydraHarpT2Encoder, moziPtuHeaderTags } from '../../src/recording/ptu-writer.js';
import type { TagBatch } from '../../src/recording/tag-batch.js';
import { hh, ph, ptuFile, ptuTagBytes, randomChunks, tyAnsiString, tyBinaryBlob, tyBool8, tyFloat8Array, tyInt8, tyTDateTime, tyWideString } from './fixtures.js';

interface Decoded {
  events: [number, number][];
  markers: [number, number][];
  records: number;
}

function collect(batches: TagBatch[]): Decoded {
  const d: Decoded = { events: [], markers: [], records: 0 };
  for (const b of batches) {
    d.records += b.records;
    for (let i = 0; i < b.count; i++) d.events.push([b.channel[i], b.timePs[i]]);
    for (let i = 0; i < b.markerCount; i++) d.markers.push([b.markerMask[i], b.markerTimePs[i]]);
  }
  return d;
}

/** Decode a file fed as the given chunks (copying each batch, whose buffers are reused). */
function decode(chunks: Uint8Array[], opts: ConstructorParameters<typeof PtuT2Decoder>[0] = {}): Decoded & { decoder: PtuT2Decoder } {
  const dec = new PtuT2Decoder({ source: 'fixture.ptu', ...opts });
  const out: Decoded = { events: [], markers: [], records: 0 };
  for (const c of chunks) {
    const d = collect([dec.push(c)]);
    out.events.push(...d.events);
    out.markers.push(...d.markers);
    out.records += d.records;
  }
  dec.finish();
  return { ...out, decoder: dec };
}

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const W2 = 33_554_432; // 2²⁵, HydraHarp V2 overflow period (apx_tttrrecords.html)
const W1 = 33_552_000; // HydraHarp V1 overflow period
const WP = 210_698_240; // PicoHarp T2 overflow period

describe('PTU T2 records built byte by byte from PicoQuant\'s layouts', () => {
  const v2Records = [
    hh(0, 0, 100), // photon, channel field 0 → input 1
    hh(1, 0, 200), // SYNC input event
    hh(1, 63, 3), // three overflows (V2: count in the timetag field)
    hh(0, 4, 5), // input 5
    hh(1, 63, 0), // count 0 = one overflow (PicoQuant demo: "old style")
    hh(1, 5, 7), // markers 1 and 3 (mask 5)
    hh(0, 63, W2 - 1), // input 64 at the last tick of the period
  ];
  const v2Expected = {
    events: [
      [1, 100],
      [0, 200],
      [5, 3 * W2 + 5],
      [64, 4 * W2 + W2 - 1],
    ],
    markers: [[5, 4 * W2 + 7]],
  };

  it.each([
    ['HydraHarp V2', REC_TYPE.HydraHarpV2T2],
    ['MultiHarp (documented 0x01010207)', 0x01010207],
    ['MultiHarp (demo code 0x00010207)', 0x00010207],
    ['TimeHarp 260 P', 0x01010206],
    ['TimeHarp 260 N (demo code)', 0x00010205],
  ])('%s: counted overflows × 2^25, SYNC, markers, 64 inputs', (_name, recType) => {
    const d = decode([ptuFile(recType, 1e-12, v2Records)]);
    expect(d.events).toEqual(v2Expected.events);
    expect(d.markers).toEqual(v2Expected.markers);
    expect(d.records).toBe(v2Records.length);
    expect(d.decoder.complete).toBe(true);
  });

  it('HydraHarp V1: every overflow record is one period of 33,552,000 ticks whatever its timetag', () => {
    const recs = [hh(0, 1, 10), hh(1, 63, 5), hh(0, 2, 20), hh(1, 63, 0), hh(0, 0, W1 - 1)];
    const d = decode([ptuFile(REC_TYPE.HydraHarpV1T2, 1e-12, recs)]);
    expect(d.events).toEqual([
      [2, 10],
      [3, W1 + 20],
      [1, 2 * W1 + W1 - 1],
    ]);
  });

  it('PicoHarp T2 at 4 ps: overflow 210,698,240, markers in the low nibble (cleared from the time)', () => {
    const recs = [ph(0, 1000), ph(15, 0), ph(3, 50), ph(15, (0x123 << 4) | 0b0101), ph(1, WP - 1)];
    const d = decode([ptuFile(REC_TYPE.PicoHarpT2, 4e-12, recs)]);
    expect(d.decoder.info?.tickPs).toBe(4); // 4e-12 s × 10¹² is 4.000000000000001 in binary: snapped to 4
    expect(d.events).toEqual([
      [0, 4000],
      [3, (WP + 50) * 4],
      [1, (WP + WP - 1) * 4],
    ]);
    expect(d.markers).toEqual([[5, (WP + 0x1230) * 4]]);
  });

  it('a non-integer tick rounds each time to the nearest ps', () => {
    const d = decode([ptuFile(REC_TYPE.HydraHarpV2T2, 2.5e-12, [hh(0, 0, 1), hh(0, 0, 3), hh(1, 63, 1), hh(0, 1, 1)])]);
    expect(d.events).toEqual([
      [1, 3], // 2.5 → 3 (Math.round)
      [1, 8], // 7.5 → 8
      [2, Math.round((W2 + 1) * 2.5)],
    ]);
    const forced = decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(0, 0, 10)])], { clockPs: 25 });
    expect(forced.events).toEqual([[1, 250]]);
  });

  it('any chunking (1…97 bytes, misaligned buffers) gives the same tags as the whole file', () => {
    const file = ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, v2Records, [ptuTagBytes('File_Comment', tyAnsiString, 'x'.repeat(300))]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const d = decode(randomChunks(file, seed));
      expect(d.events, `seed ${seed}`).toEqual(v2Expected.events);
      expect(d.markers, `seed ${seed}`).toEqual(v2Expected.markers);
    }
    const byByte = decode(Array.from(file, (b) => Uint8Array.of(b)));
    expect(byByte.events).toEqual(v2Expected.events);
  });

  it('resumes from a checkpoint: the rest of the file from its byte offset gives the rest of the tags', () => {
    const recs: number[] = [];
    for (let i = 0; i < 1000; i++) recs.push(i % 7 === 0 ? hh(1, 63, 1 + (i % 3)) : hh(0, i % 5, (i * 7919) % W2));
    // times must not go backwards: sort within each overflow period by construction
    const sorted: number[] = [];
    let period: number[] = [];
    for (const r of recs) {
      if (r >>> 31) {
        sorted.push(...period.sort((a, b) => (a & 0x1ffffff) - (b & 0x1ffffff)), r);
        period = [];
      } else period.push(r);
    }
    sorted.push(...period.sort((a, b) => (a & 0x1ffffff) - (b & 0x1ffffff)));
    const file = ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, sorted);
    const whole = decode([file]);
    const cut = 2000; // inside the records, not on a record boundary
    const first = new PtuT2Decoder({ source: 'a.ptu' });
    const head = collect([first.push(file.subarray(0, cut))]);
    const cp = first.checkpoint();
    expect(cp.byteOffset % 4).toBe(0);
    const second = new PtuT2Decoder({ source: 'a.ptu', resume: JSON.parse(JSON.stringify(cp)) });
    const tail = collect([second.push(file.subarray(cp.byteOffset))]);
    second.finish();
    expect([...head.events, ...tail.events]).toEqual(whole.events);
    expect(head.records + tail.records).toBe(sorted.length);
  });
});

describe('PTU header tags', () => {
  it('parses every documented tag type (Int8, Bool8, TDateTime, Float8Array, AnsiString, WideString, BinaryBlob, indexed)', () => {
    const extra = [
      ptuTagBytes('HW_Type', tyAnsiString, 'HydraHarp'),
      ptuTagBytes('MeasDesc_StopOnOvfl', tyBool8, 1),
      ptuTagBytes('File_CreatingTime', tyTDateTime, 42723.7), // 2016-12-19 16:48 UTC
      ptuTagBytes('UsrFloats', tyFloat8Array, Buffer.from(new Float64Array([1.5, -2, 3e-9]).buffer)),
      ptuTagBytes('File_Comment', tyWideString, Buffer.from('Mózi\0', 'utf16le')),
      ptuTagBytes('UsrBlob', tyBinaryBlob, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9])),
      ptuTagBytes('TTResult_InputRate', tyInt8, 1234, 2),
      ptuTagBytes('UsrHuge', tyInt8, 2n ** 60n),
    ];
    const file = ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(0, 0, 1)], extra);
    const h = parsePtuHeader(file, 'f.ptu');
    expect(h).not.toBeNull();
    const v = (id: string, idx?: number) => ptuTag(h!, id, idx)?.value;
    expect(h!.version).toBe('1.0.00');
    expect(v('HW_Type')).toBe('HydraHarp');
    expect(v('MeasDesc_StopOnOvfl')).toBe(true);
    expect(v('File_CreatingTime')).toBe(42723.7);
    expect(Array.from(v('UsrFloats') as Float64Array)).toEqual([1.5, -2, 3e-9]);
    expect(v('File_Comment')).toBe('Mózi');
    expect(Array.from(v('UsrBlob') as Uint8Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0]);
    expect(v('TTResult_InputRate', 2)).toBe(1234);
    expect(v('UsrHuge')).toBe(2n ** 60n);
    expect(h!.headerBytes).toBe(file.length - 4);
    // incomplete headers ask for more bytes
    for (const n of [0, 5, 16, 100, h!.headerBytes - 1]) expect(parsePtuHeader(file.subarray(0, n), 'f.ptu')).toBeNull();
  });

  it('Mozi\'s header writer produces what the parser (and PicoQuant\'s demos: mandatory tags) read back', () => {
    const tags = moziPtuHeaderTags({ channelMap: '1=H,2=V,3=D,4=A,5=sync', timeOriginPs: -123456789, createdMs: Date.UTC(2016, 11, 19, 16, 52), acquisitionMs: 273000, records: 42, guidSeed: 'x' });
    const { bytes, valueOffset } = writePtuHeader(tags);
    expect(bytes.length % 8).toBe(0);
    const h = parsePtuHeader(bytes, 'w.ptu')!;
    for (const id of ['File_GUID', 'Measurement_Mode', 'Measurement_SubMode', 'MeasDesc_GlobalResolution', 'MeasDesc_Resolution', 'TTResult_NumberOfRecords', 'TTResult_SyncRate', 'TTResultFormat_BitsPerRecord', 'TTResultFormat_TTTRRecType', 'Header_End']) {
      expect(ptuTag(h, id), id).toBeDefined();
    }
    expect(ptuTag(h, 'File_GUID')!.value).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/);
    expect(ptuTag(h, 'TTResultFormat_TTTRRecType')!.value).toBe(0x01010204);
    expect(ptuTag(h, 'Mozi_TimeOriginPs')!.value).toBe(-123456789);
    expect(ptuTag(h, 'File_CreatingTime')!.value).toBeCloseTo(42723 + (16 * 60 + 52) / 1440, 9);
    const at = valueOffset.get('TTResult_NumberOfRecords')!;
    expect(Buffer.from(bytes).readBigInt64LE(at)).toBe(42n);
    expect(ptuTag(h, 'TTResult_InputRate', 7)).toBeDefined();
    expect(ptuTag(h, 'Header_End')!.type).toBe(TY.Empty8);
  });
});

describe('HydraHarp V2 encoder → decoder', () => {
  it('round trip with gaps needing several overflow records (count field saturates at 2^25 − 1)', () => {
    const enc = new HydraHarpT2Encoder(4);
    const events: [number, number][] = [
      [1, 0],
      [0, 5],
      [2, W2],
      [5, W2 * (W2 - 1) + 17], // one overflow record of 2^25 − 2 periods
      [3, W2 * (2 * W2) + 3], // needs a saturated record plus one more
      [64, 2 ** 52],
    ];
    for (const [c, t] of events) enc.event(c, t);
    enc.marker(9, 2 ** 52 + 100);
    const body = Array.from(new Uint32Array(enc.take().buffer));
    const d = decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, body)]);
    expect(d.events).toEqual(events);
    expect(d.markers).toEqual([[9, 2 ** 52 + 100]]);
    expect(() => enc.event(1, 10)).toThrow(/out of order/);
  });
});

describe('PTU: corrupt, truncated, unsorted input is an InputError naming file, record and field', () => {
  const good = ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(0, 0, 100), hh(1, 63, 1), hh(0, 1, 200)]);

  it.each([
    ['wrong magic (a PHU histogram file)', () => decode([Buffer.concat([Buffer.from('PQHISTO\0'), good.subarray(8)])]), /fixture\.ptu: magic: not a PicoQuant PTU file \(magic "PQHISTO\."/],
    ['empty file', () => decode([new Uint8Array(0)]), /fixture\.ptu: header: empty file/],
    ['truncated inside the header', () => decode([good.subarray(0, 100)]), /file ends inside the header/],
    ['truncated inside a record', () => decode([good.subarray(0, good.length - 2)]), /record 2, record: file ends inside a record \(2 of 4 bytes\)/],
    ['fewer records than the header says', () => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(0, 0, 1)], [], 5)]), /record 1, record count: file ends after 1 records.*says 5: truncated/],
    ['more records than the header says', () => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(0, 0, 1), hh(0, 0, 2)], [], 1)]), /record 1, record count: more records/],
    ['a T3 file', () => decode([ptuFile(REC_TYPE.HydraHarpV2T3, 1e-12, [])]), /TTResultFormat_TTTRRecType: .* T3 .*Mozi needs T2/],
    ['an unknown record type', () => decode([ptuFile(0x01010299, 1e-12, [])]), /TTResultFormat_TTTRRecType: unknown record type 0x01010299/],
    ['time going backwards (records out of order)', () => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(0, 0, 50_000), hh(0, 1, 20_000)])]), /record 1, timetag: time 20000 ps is 30000 ps before/],
    ['an overflow record missing (time jumps back by almost a period)', () => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(0, 0, W2 - 10), hh(1, 63, 1), hh(0, 0, 5)].filter((_, i) => i !== 1))]), /record 1, timetag: .*overflow record missing/],
    ['a V1 timetag beyond the 33,552,000 period', () => decode([ptuFile(REC_TYPE.HydraHarpV1T2, 1e-12, [hh(0, 0, W1 + 5)])]), /record 0, timetag: timetag 33552005 ≥ the overflow period 33552000/],
    ['a PicoHarp time beyond 210,698,240', () => decode([ptuFile(REC_TYPE.PicoHarpT2, 4e-12, [ph(2, WP + 1)])]), /record 0, time: time 210698241 ≥ the overflow period/],
    ['an undefined special channel', () => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [hh(1, 20, 0)])]), /record 0, channel: special record with channel code 20/],
    ['an unknown header tag type', () => decode([Buffer.concat([good.subarray(0, 16), ptuTagBytes('Bogus', 0x12345678, 0), good.subarray(16)])]), /header tag 0 \(Bogus\): unknown tag type 0x12345678/],
    ['a NaN resolution', () => decode([ptuFile(REC_TYPE.HydraHarpV2T2, NaN, [])]), /MeasDesc_GlobalResolution: header tag MeasDesc_GlobalResolution is not a finite number/],
    ['a string length beyond any header', () => decode([Buffer.concat([good.subarray(0, 16), (() => { const b = ptuTagBytes('File_Comment', tyAnsiString, 'x'); b.writeBigInt64LE(2n ** 40n, 40); return b; })()])]), /File_Comment\): length 1099511627776 of a AnsiString value is impossible/],
    ['a missing record-type tag', () => decode([(() => { const f = Buffer.from(good); const at = f.indexOf('TTResultFormat_TTTRRecType'); f.write('XXResultFormat', at, 'latin1'); return f; })()]), /TTResultFormat_TTTRRecType: mandatory header tag TTResultFormat_TTTRRecType missing/],
  ])('%s', (_name, f, msg) => {
    expect(inputError(f).message).toMatch(msg);
  });

  it('small reorderings between inputs (within 10 ns) pass, larger ones fail; the tolerance is configurable', () => {
    const recs = [hh(0, 0, 50_000), hh(0, 1, 45_000)];
    expect(decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, recs)]).events).toEqual([
      [1, 50_000],
      [2, 45_000],
    ]);
    expect(inputError(() => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, recs)], { maxBackwardPs: 1000 })).message).toMatch(/record 1, timetag/);
  });

  it('rejects int Int8 tags that are not integers of the right sign', () => {
    expect(inputError(() => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [], [], -3)])).message).toMatch(/TTResult_NumberOfRecords: record count -3/);
    expect(inputError(() => decode([ptuFile(REC_TYPE.HydraHarpV2T2, 1e-12, [], [ptuTagBytes('TTResultFormat_BitsPerRecord', tyInt8, 64)])])).message).toMatch(/64 bits per record/);
  });
});
