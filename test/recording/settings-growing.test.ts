/**
 * A QRNG setting record the payload is still writing (SettingsRecordReader.openGrowing, `mozi
 * satellite --follow`): the reader waits for the file and its header, `ready(pulse)` waits until
 * the body holds that pulse, and the settings read are then those of the finished record (the
 * seed's); a record that stops growing before a pulse is an InputError naming it.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { seedFromInteger } from '../../src/core/rng/seed.js';
import { MICIUS_TRANSMITTER } from '../../src/link/hardware.js';
import { PulseSource } from '../../src/quantum/transmitter.js';
import { SettingsRecordReader, writeDenseSettingsRecord, writeSparseSettingsRecord } from '../../src/recording/settings-record.js';
import { lcg } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-qrng-growing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = PulseSource.fromConfig(seedFromInteger(42), MICIUS_TRANSMITTER);
const meta = { satellite: 'MICIUS', schedule: { windowStartMs: 1482166333000, pulseCount: 10_000_000 } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The finished record's bytes appended to `path` as a payload would: 7 bytes (half a header) first, then `parts` pieces `gapMs` apart. */
async function grow(bytes: Uint8Array, path: string, parts: number, gapMs: number, stopAt = bytes.length): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, bytes, 0, 7);
    for (let i = 0; i < parts; i++) {
      await sleep(gapMs);
      const a = 7 + Math.floor(((stopAt - 7) * i) / parts);
      const b = 7 + Math.floor(((stopAt - 7) * (i + 1)) / parts);
      writeSync(fd, bytes, a, b - a);
    }
  } finally {
    closeSync(fd);
  }
}

/** Read `batches` (increasing pulse ranges) from the growing record; count the batches that had to wait. */
async function readWhileGrowing(path: string, batches: Float64Array[]): Promise<{ waited: number; settings: ReturnType<SettingsRecordReader['settings']>[] }> {
  const r = await SettingsRecordReader.openGrowing(path, { pollMs: 5, idleS: 20 });
  try {
    let waited = 0;
    const settings = [];
    for (const b of batches) {
      const before = statSync(path).size;
      await r.ready(b[b.length - 1]);
      if (statSync(path).size > before) waited++;
      settings.push(r.settings(b));
    }
    return { waited, settings };
  } finally {
    r.close();
  }
}

function expectSeed(got: ReturnType<SettingsRecordReader['settings']>, idx: Float64Array): void {
  const want = source.batch(idx);
  expect(Buffer.from(got.intensity).equals(Buffer.from(want.intensityClass))).toBe(true);
  expect(Buffer.from(got.basis).equals(Buffer.from(want.basis))).toBe(true);
  expect(Buffer.from(got.bit).equals(Buffer.from(want.bit))).toBe(true);
}

/** Detected-pulse-like indices (gaps 1…2000, seeded), cut into `n` increasing batches. */
function batchesOf(indices: Float64Array, n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => indices.subarray(Math.floor((indices.length * i) / n), Math.floor((indices.length * (i + 1)) / n)));
}

describe('QRNG setting record still being written', () => {
  it('dense: each batch read once the record holds it, equal to the seed\'s settings; the reader waited for the writer', async () => {
    const full = join(dir, 'dense-full.qrng');
    const first = 17;
    const count = 2_000_001;
    writeDenseSettingsRecord(full, meta, source, first, count);
    const bytes = new Uint8Array(readFileSync(full));
    const rnd = lcg(3);
    const idx: number[] = [];
    for (let p = first; p < first + count; p += 1 + Math.floor(rnd() * 2000)) idx.push(p);
    const indices = Float64Array.from(idx);
    const path = join(dir, 'dense.qrng');
    const [{ waited, settings }] = await Promise.all([readWhileGrowing(path, batchesOf(indices, 12)), grow(bytes, path, 12, 40)]);
    expect(waited).toBeGreaterThan(3);
    const b = batchesOf(indices, 12);
    settings.forEach((s, i) => expectSeed(s, b[i]));
  });

  it('sparse (downlinked as the detections are announced): the same, varints split across writes', async () => {
    const rnd = lcg(5);
    const idx: number[] = [];
    for (let p = 3; p < meta.schedule.pulseCount; p += 1 + Math.floor(rnd() * 20_000)) idx.push(p);
    const indices = Float64Array.from(idx);
    const s = source.batch(indices);
    const full = join(dir, 'sparse-full.qrng');
    writeSparseSettingsRecord(full, meta, indices, { intensity: s.intensityClass, basis: s.basis, bit: s.bit });
    const bytes = new Uint8Array(readFileSync(full));
    const path = join(dir, 'sparse.qrng');
    // 37 parts: cuts fall inside multi-byte varints
    const [{ waited, settings }] = await Promise.all([readWhileGrowing(path, batchesOf(indices, 10)), grow(bytes, path, 37, 15)]);
    expect(waited).toBeGreaterThan(3);
    const b = batchesOf(indices, 10);
    settings.forEach((x, i) => expectSeed(x, b[i]));
  });

  it('a record that stops growing before a pulse: InputError naming the file and the pulse', async () => {
    const full = join(dir, 'dense-full.qrng');
    const bytes = new Uint8Array(readFileSync(full));
    const path = join(dir, 'stopped.qrng');
    await grow(bytes, path, 2, 1, 4096);
    const r = await SettingsRecordReader.openGrowing(path, { pollMs: 5, idleS: 0.2 });
    try {
      await r.ready(1000); // in the bytes written
      expectSeed(r.settings(Float64Array.of(17, 1000)), Float64Array.of(17, 1000));
      const e = await r.ready(1_500_000).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toMatch(/stopped\.qrng: pulse: the record stopped growing at 4096 bytes before pulse 1500000/);
    } finally {
      r.close();
    }
  });
});
