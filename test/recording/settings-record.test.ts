import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { seedFromInteger } from '../../src/core/rng/seed.js';
import { MICIUS_TRANSMITTER } from '../../src/link/hardware.js';
import { PulseSource } from '../../src/quantum/transmitter.js';
import { encodeSparseBody, SettingsRecordReader, writeDenseSettingsRecord, writeSparseSettingsRecord } from '../../src/recording/settings-record.js';
import { lcg } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-qrng-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = PulseSource.fromConfig(seedFromInteger(20161219), MICIUS_TRANSMITTER);
const meta = { satellite: 'MICIUS', schedule: { windowStartMs: 1482166333000, pulseCount: 10_000_000 } };

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

function expectSame(r: SettingsRecordReader, idx: Float64Array): void {
  const got = r.settings(idx);
  const want = source.batch(idx);
  expect(Array.from(got.intensity)).toEqual(Array.from(want.intensityClass));
  expect(Array.from(got.basis)).toEqual(Array.from(want.basis));
  expect(Array.from(got.bit)).toEqual(Array.from(want.bit));
}

describe('QRNG setting record', () => {
  it('dense: every pulse of a range, 4 bits each, random access in any order equals the seed\'s settings', () => {
    const path = join(dir, 'dense.qrng');
    const first = 1_000_003;
    const count = 300_001; // odd: the last byte has one nibble
    const { bytes } = writeDenseSettingsRecord(path, meta, source, first, count);
    expect(bytes).toBe(readFileSync(path).length);
    const r = SettingsRecordReader.open(path);
    expect(r.header).toMatchObject({ kind: 'dense', firstPulse: first, entries: count, satellite: 'MICIUS' });
    r.validate();
    const rnd = lcg(7);
    const idx = Float64Array.from({ length: 5000 }, () => first + Math.floor(rnd() * count));
    expectSame(r, idx); // unsorted
    expectSame(r, Float64Array.of(first, first + 1, first + count - 1));
    expect(inputError(() => r.settings(Float64Array.of(first - 1))).message).toMatch(/dense\.qrng: pulse: pulse 1000002 is not in the record \(it holds pulses 1000003…1300003\)/);
    r.close();
  });

  it('sparse: the detected pulses only, ≈ 3 bytes per detection at Micius-like gaps; rewinds for earlier pulses', () => {
    const rnd = lcg(11);
    const idx: number[] = [];
    for (let p = 5; p < meta.schedule.pulseCount; p += 1 + Math.floor(rnd() * 15_000)) idx.push(p);
    const indices = Float64Array.from(idx);
    const s = source.batch(indices);
    const path = join(dir, 'sparse.qrng');
    const { bytes } = writeSparseSettingsRecord(path, meta, indices, { intensity: s.intensityClass, basis: s.basis, bit: s.bit });
    const perEntry = (bytes - 200) / indices.length;
    expect(perEntry).toBeGreaterThan(2);
    expect(perEntry).toBeLessThan(3.2);
    const r = SettingsRecordReader.open(path);
    r.validate();
    expectSame(r, indices);
    expectSame(r, indices.subarray(100, 120)); // earlier than the cursor: rewinds
    expectSame(r, Float64Array.from([indices[50], indices[3], indices[indices.length - 1]]));
    expect(inputError(() => r.settings(Float64Array.of(indices[10] + 1))).message).toMatch(/sparse\.qrng: pulse: pulse \d+ is not in the sparse record/);
    r.close();
  });

  it('sparse varints hold gaps up to 2^53 exactly', () => {
    const indices = Float64Array.of(0, 1, 2 ** 40, 2 ** 52 + 7);
    const s = { intensity: Uint8Array.of(0, 1, 2, 0), basis: Uint8Array.of(1, 0, 1, 1), bit: Uint8Array.of(0, 1, 1, 0) };
    const path = join(dir, 'huge.qrng');
    writeSparseSettingsRecord(path, { satellite: 'X', schedule: { windowStartMs: 0, pulseCount: 2 ** 53 - 1 } }, indices, s);
    const r = SettingsRecordReader.open(path);
    r.validate();
    const got = r.settings(indices);
    expect([Array.from(got.intensity), Array.from(got.basis), Array.from(got.bit)]).toEqual([[0, 1, 2, 0], [1, 0, 1, 1], [0, 1, 1, 0]]);
    // first byte of entry 1 (Δ = 1): nibble 0b1001 (class 1, basis 0, bit 1), no continuation
    expect(encodeSparseBody(Float64Array.of(0, 1), { intensity: Uint8Array.of(0, 1), basis: Uint8Array.of(0, 0), bit: Uint8Array.of(0, 1) }, 0)).toEqual(Uint8Array.of(0b0000, 0b1001));
    r.close();
  });

  it('corrupt records are InputErrors naming the file and the byte', () => {
    const good = readFileSync(join(dir, 'sparse.qrng'));
    const bad = (name: string, bytes: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    expect(inputError(() => SettingsRecordReader.open(bad('magic.qrng', Buffer.concat([Buffer.from('MOZIXXX1'), good.subarray(8)])))).message).toMatch(/magic: not a settings record/);
    const trunc = SettingsRecordReader.open(bad('trunc.qrng', good.subarray(0, good.length - 5)));
    expect(inputError(() => trunc.validate()).message).toMatch(/trunc\.qrng: (entries: \d+ entries, the header says|byte \d+: entry \d+: body ends inside a varint)/);
    trunc.close();
    // class 3 in the first entry's nibble
    const body = Buffer.from(good);
    const off = Math.ceil((12 + body.readUInt32LE(8)) / 8) * 8;
    body[off] |= 3;
    const c3 = SettingsRecordReader.open(bad('class3.qrng', body));
    expect(inputError(() => c3.validate()).message).toMatch(/class3\.qrng: byte \d+: pulse 5: intensity class 3 does not exist/);
    c3.close();
    const dense = readFileSync(join(dir, 'dense.qrng'));
    expect(inputError(() => SettingsRecordReader.open(bad('dense-short.qrng', dense.subarray(0, dense.length - 1)))).message).toMatch(/body: .* truncated/);
    const hdr = Buffer.from(dense);
    hdr.write('{"format":"mozi-qrng-settings/1","kind":"wavy"', 12, 'utf8');
    expect(inputError(() => SettingsRecordReader.open(bad('json.qrng', hdr))).message).toMatch(/json\.qrng: header: header is not JSON/);
  });
});

describe('sparse entries: one decoder, the same errors from random access and validation', () => {
  // Two entries: pulse 0 (one byte), pulse 2^40 (Δ − 1 = 2^40 − 1 needs a 6-byte varint).
  const path = join(dir, 'two.qrng');
  writeSparseSettingsRecord(path, { satellite: 'X', schedule: { windowStartMs: 0, pulseCount: 2 ** 41 } }, Float64Array.of(0, 2 ** 40), { intensity: Uint8Array.of(1, 2), basis: Uint8Array.of(0, 1), bit: Uint8Array.of(1, 0) });
  const whole = readFileSync(path);
  const body = Math.ceil((12 + whole.readUInt32LE(8)) / 8) * 8;
  const write = (name: string, bytes: Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const both = (p: string, pulse: number): string[] => {
    const a = SettingsRecordReader.open(p);
    const b = SettingsRecordReader.open(p);
    try {
      return [inputError(() => a.validate()).message, inputError(() => b.settings(Float64Array.of(pulse))).message].map((m) => m.replace(`${dir}/`, ''));
    } finally {
      a.close();
      b.close();
    }
  };

  it('the record is what the layout says: 1 + 7 bytes, the second gap 2^40 − 1 = 7 + 8·(2^37 − 1)', () => {
    expect(whole.length - body).toBe(8);
    expect(whole[body]).toBe(0b1001); // class 1, basis 0, bit 1, gap 0
    // nibble 0b0110 (class 2, basis 1, bit 0), the gap's low 3 bits (7) in bits 4–6, continuation;
    // then 2^37 − 1 in five full 7-bit groups (35 bits) and a last group of 2 bits
    expect(whole[body + 1]).toBe(0x80 | (7 << 4) | 0b0110);
    expect(Array.from(whole.subarray(body + 2, body + 8))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0x03]);
  });

  it('a varint cut short names the missing byte in both readers', () => {
    const p = write('cut.qrng', whole.subarray(0, whole.length - 1));
    const want = `cut.qrng: byte ${whole.length - 1}: entry 1: body ends inside a varint (truncated)`;
    expect(both(p, 2 ** 40)).toEqual([want, want]);
  });

  it('a missing entry: validation counts, random access names the byte where it should start', () => {
    const p = write('short.qrng', whole.subarray(0, body + 1));
    const [v, r] = both(p, 2 ** 40);
    expect(v).toBe('short.qrng: entries: 1 entries, the header says 2');
    expect(r).toBe(`short.qrng: byte ${body + 1}: entry 1: body ends early (truncated; the header says 2 entries)`);
  });

  it('a varint longer than 2^60 is corrupt, named at its first byte', () => {
    const bytes = Buffer.concat([whole.subarray(0, body + 1), Buffer.from([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])]);
    const want = `long.qrng: byte ${body + 1}: entry 1: varint too long (corrupt record)`;
    expect(both(write('long.qrng', bytes), 2 ** 40)).toEqual([want, want]);
  });
});

describe('the satellite party on a setting record', () => {
  it('refuses a record of another pass, naming the field', async () => {
    const { recordSatelliteSource } = await import('../../src/recording/satellite-source.js');
    const path = join(dir, 'other-pass.qrng');
    writeSparseSettingsRecord(path, { satellite: 'MICIUS', schedule: { windowStartMs: 1, pulseCount: 100 } }, Float64Array.of(3), { intensity: Uint8Array.of(0), basis: Uint8Array.of(0), bit: Uint8Array.of(0) });
    const meta = { format: 'mozi-satellite/1' as const, satellite: 'MICIUS', transmitter: MICIUS_TRANSMITTER, schedule: { windowStartMs: 2, pulseRateHz: 1e8, pulseCount: 100, syncPeriodPulses: 10_000, syncMarkerEvery: 1000, syncMarkerOffsetPulses: 5000, groundEpochMs: 2 } };
    expect(inputError(() => recordSatelliteSource(meta, path)).message).toMatch(/other-pass\.qrng: windowStartMs: the record is for windowStartMs 1, satellite\.json says 2/);
    const ok = recordSatelliteSource({ ...meta, schedule: { ...meta.schedule, windowStartMs: 1 } }, path);
    expect(ok.source.pulsesSent).toBe(100);
    expect(Array.from(ok.source.settings(Float64Array.of(3)).basis)).toEqual([0]);
    ok.reader.close();
  });
});
