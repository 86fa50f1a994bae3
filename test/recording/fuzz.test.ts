/**
 * Seeded random corruption of valid files (flipped bytes, truncation, insertions, zeroed or
 * duplicated regions): every reader either decodes (and its output keeps the invariants the ground
 * relies on) or throws an InputError; never any other exception. The seed is printed on failure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { seedFromInteger } from '../../src/core/rng/seed.js';
import { MICIUS_TRANSMITTER } from '../../src/link/hardware.js';
import { PulseSource } from '../../src/quantum/transmitter.js';
import { parseChannelMap } from '../../src/recording/channel-map.js';
import { collectGroundTags } from '../../src/recording/ground-tags.js';
import { writePtuHeader } from '../../src/recording/ptu-header.js';
import { HydraHarpT2Encoder, moziPtuHeaderTags } from '../../src/recording/ptu-writer.js';
import { SettingsRecordReader, writeSparseSettingsRecord } from '../../src/recording/settings-record.js';
import { SwabianEncoder } from '../../src/recording/swabian-raw.js';
import type { TagFormat } from '../../src/recording/tag-batch.js';
import { createDecoder, decodeTagStream } from '../../src/recording/tag-stream.js';
import { lcg, randomChunks } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAP = parseChannelMap('1=H,2=V,3=D,4=A,5=sync');

function events(seed: number, n: number): [number, number][] {
  const rnd = lcg(seed);
  const out: [number, number][] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 8e7);
    out.push([1 + Math.floor(rnd() * 5), t]);
  }
  return out;
}

function validPtu(): Uint8Array {
  const ev = events(1, 3000);
  const enc = new HydraHarpT2Encoder();
  for (const [c, t] of ev) enc.event(c, t);
  const body = enc.take();
  const head = writePtuHeader(moziPtuHeaderTags({ channelMap: MAP.toString(), timeOriginPs: 0, createdMs: 0, acquisitionMs: 1, records: enc.records, guidSeed: 'f' })).bytes;
  return Buffer.concat([head, body]);
}

function validSwabian(): Uint8Array {
  const enc = new SwabianEncoder();
  for (const [c, t] of events(2, 2000)) enc.timeTag(c, t);
  return enc.take();
}

function validCsv(): Uint8Array {
  return Buffer.from('channel,time_ps\n' + events(3, 2000).map(([c, t]) => `${c},${t}`).join('\n') + '\n');
}

function corrupt(bytes: Uint8Array, seed: number): Uint8Array {
  const rnd = lcg(seed);
  let b = Buffer.from(bytes);
  const ops = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rnd() * b.length);
    switch (Math.floor(rnd() * 5)) {
      case 0: // flip a few bits
        b[at] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1: // truncate
        b = b.subarray(0, at);
        break;
      case 2: // insert random bytes
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 9) }, () => Math.floor(rnd() * 256))), b.subarray(at)]);
        break;
      case 3: // zero a region
        b.fill(0, at, Math.min(b.length, at + Math.floor(rnd() * 64)));
        break;
      default: // duplicate a region (replayed or reordered records)
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.max(0, at - 256), at), b.subarray(at)]);
    }
    if (b.length === 0) break;
  }
  return b;
}

async function decodeAll(format: TagFormat, bytes: Uint8Array, seed: number) {
  const dec = createDecoder(format, { source: `fuzz-${seed}` });
  async function* chunks() {
    yield* randomChunks(bytes, seed, 4096);
  }
  return collectGroundTags(decodeTagStream(chunks(), dec), { channels: MAP, source: `fuzz-${seed}` });
}

describe('seeded corruption fuzzing', () => {
  const files: [TagFormat, Uint8Array][] = [
    ['ptu', validPtu()],
    ['swabian', validSwabian()],
    ['csv', validCsv()],
  ];

  it.each(files)('%s: 300 corrupted files decode or fail with an InputError, never anything else', async (format, good) => {
    const clean = await decodeAll(format, good, 0);
    expect(clean.tags.timePs.length + clean.syncTimePs.length).toBeGreaterThan(1500);
    let rejected = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const bad = corrupt(good, seed * 7919 + format.length);
      try {
        const r = await decodeAll(format, bad, seed);
        // what was accepted keeps the ground's invariants
        for (const a of [r.tags.timePs, r.syncTimePs]) {
          for (let i = 0; i < a.length; i++) {
            if (!Number.isSafeInteger(a[i]) || (i > 0 && a[i] < a[i - 1])) throw new Error(`seed ${seed}: time ${a[i]} at ${i} breaks the invariants`);
          }
        }
        for (const d of r.tags.detector) if (d > 3) throw new Error(`seed ${seed}: detector ${d}`);
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`${format} seed ${seed}: ${(e as Error).stack}`);
        expect((e as InputError).file, `seed ${seed}`).toBe(`fuzz-${seed}`);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(30); // most corruptions of a binary stream are detected
  });

  it('settings records: corrupted files open and read or fail with an InputError', () => {
    const source = PulseSource.fromConfig(seedFromInteger(9), MICIUS_TRANSMITTER);
    const idx = Float64Array.from({ length: 3000 }, (_, k) => 3 + k * 7001);
    const s = source.batch(idx);
    const goodPath = join(dir, 'good.qrng');
    writeSparseSettingsRecord(goodPath, { satellite: 'M', schedule: { windowStartMs: 0, pulseCount: 1e9 } }, idx, { intensity: s.intensityClass, basis: s.basis, bit: s.bit });
    const good = readFileSync(goodPath);
    let rejected = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const p = join(dir, `bad-${seed}.qrng`);
      writeFileSync(p, corrupt(good, seed));
      try {
        const r = SettingsRecordReader.open(p);
        try {
          r.validate();
          r.settings(idx);
        } finally {
          r.close();
        }
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`settings seed ${seed}: ${(e as Error).stack}`);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
