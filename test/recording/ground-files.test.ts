import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { XINGLONG_RECEIVER } from '../../src/link/hardware.js';
import type { GroundRecord } from '../../src/quantum/records.js';
import { importTagFile, readGroundInput, recordGroundAs } from '../../src/recording/ground-files.js';
import { PtuT2Decoder } from '../../src/recording/ptu-t2.js';
import { decodeTagStream, readTagFile } from '../../src/recording/tag-stream.js';
import { hh, lcg, ptuFile, swabianTag } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'mozi-gf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A synthetic ground record: sorted tags (some before the tagger's zero), sync every 100 µs. */
function syntheticGround(seed: number, n = 20_000): GroundRecord {
  const rnd = lcg(seed);
  const t = new Float64Array(n);
  const d = new Uint8Array(n);
  let x = -3_000_000; // the ground clock may start negative (offset up to ±1 ms)
  for (let i = 0; i < n; i++) {
    x += Math.floor(rnd() * 2e6); // up to 2 µs apart; several tags within one 2²⁵ ps period
    if (i % 1000 === 0) x += 5 * 33_554_432 + 7; // long gaps need counted overflows
    t[i] = x;
    d[i] = Math.floor(rnd() * 4);
  }
  const s = Float64Array.from({ length: Math.floor((x + 3e6) / 1e8) }, (_, j) => -2_999_000 + j * 1e8 + Math.floor(rnd() * 100));
  return {
    format: 'mozi-ground/1',
    station: 'xinglong',
    receiver: XINGLONG_RECEIVER,
    schedule: { windowStartMs: 1.48e12, pulseRateHz: 1e8, pulseCount: 1e9, syncPeriodPulses: 10_000, syncMarkerEvery: 1000, syncMarkerOffsetPulses: 5000, groundEpochMs: 1.48e12 },
    quantumDelayPs: 0,
    ephemeris: {
      summary: { station: 'xinglong', satellite: 'MICIUS', aos: '', tca: '', los: '', maxElevationDeg: 0, minRangeKm: 0, durationS: 0, night: true, sunElevationDegAtTca: -30 },
      stepS: 1,
      samples: [0, 1].map((k) => ({ timeMs: 1.48e12 + k * 1000, elevationDeg: 30, azimuthDeg: 0, rangeKm: 800, rangeRateKmS: 1, sunElevationDeg: -30, satLatitudeDeg: 0, satLongitudeDeg: 0, satAltitudeKm: 500 })),
    },
    tags: { timePs: t, detector: d },
    syncTags: { timePs: s },
  };
}

function writeGroundDir(name: string, g: GroundRecord): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'ground'), { recursive: true });
  const { tags, syncTags, ...meta } = g;
  writeFileSync(join(dir, 'ground', 'ground.json'), JSON.stringify({ ...meta, tagCount: tags.timePs.length, syncTagCount: syncTags.timePs.length }));
  return dir;
}

async function inputError(f: () => Promise<unknown>): Promise<InputError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('ground records in instrument formats', () => {
  it.each(['ptu', 'swabian'] as const)('%s: recordGroundAs → readGroundInput gives back the same tags (negative times, long gaps)', async (format) => {
    const g = syntheticGround(format === 'ptu' ? 1 : 2);
    const dir = writeGroundDir(`rt-${format}`, g);
    const w = recordGroundAs(join(dir, 'ground'), g, format);
    expect(existsSync(w.file)).toBe(true);
    const meta = JSON.parse(readFileSync(join(dir, 'ground', 'ground.json'), 'utf8'));
    expect(meta.tagFormat).toBe(format);
    const { record, report } = await readGroundInput(dir);
    expect(report?.channelMapFrom).toBe(format === 'ptu' ? 'header' : 'sidecar');
    expect(Array.from(record.tags.timePs)).toEqual(Array.from(g.tags.timePs));
    expect(Array.from(record.tags.detector)).toEqual(Array.from(g.tags.detector));
    expect(Array.from(record.syncTags.timePs)).toEqual(Array.from(g.syncTags.timePs));
    expect(record.schedule).toEqual(g.schedule);
    if (format === 'ptu') expect(report?.offsetPs).toBe(Math.min(g.tags.timePs[0], g.syncTags.timePs[0])); // tick 0 = the first (negative) event
  });

  it('--channels overrides the file\'s map; a file without a map needs --channels', async () => {
    const g = syntheticGround(3, 2000);
    const dir = writeGroundDir('map', g);
    const { file } = recordGroundAs(join(dir, 'ground'), g, 'swabian');
    const swapped = await importTagFile(file, { format: 'swabian', channels: '1=V,2=H,3=A,4=D,5=sync' });
    expect(Array.from(swapped.collected.tags.detector)).toEqual(Array.from(g.tags.detector, (x) => x ^ 1));
    rmSync(`${file}.json`);
    expect((await inputError(() => importTagFile(file, { format: 'swabian' }))).message).toMatch(/tags\.ttraw: --channels: the file carries no channel map/);
    const noSync = await inputError(() => importTagFile(file, { format: 'swabian', channels: '1=H,2=V,3=D,4=A' }));
    expect(noSync.message).toMatch(/--channels: no channel for sync/);
  });

  it('Swabian overflow intervals become lost intervals; unmapped channels are counted; an Error tag is refused with its record', async () => {
    const f = join(root, 'lost.ttraw');
    writeFileSync(
      f,
      Buffer.concat([
        swabianTag(0, 1, 100n),
        swabianTag(0, 5, 150n),
        swabianTag(2, 0, 1000n),
        swabianTag(3, 0, 2_000_000n),
        swabianTag(4, 2, 2_000_000n, 40),
        swabianTag(0, 9, 2_100_000n),
        swabianTag(0, 2, 2_200_000n),
      ]),
    );
    const { collected, report } = await importTagFile(f, { format: 'swabian', channels: '1=H,2=V,3=D,4=A,5=sync', offsetPs: 10 });
    expect(report.lostIntervals).toBe(1);
    expect(collected.lost).toEqual([{ startPs: 1010, endPs: 2_000_010, missedEvents: 40, record: 2 }]);
    expect(report.missedEvents).toBe(40);
    expect(report.unmappedEvents).toEqual({ 9: 1 });
    expect(Array.from(collected.tags.timePs)).toEqual([110, 2_200_010]);
    expect(Array.from(collected.syncTimePs)).toEqual([160]);
    writeFileSync(f, Buffer.concat([swabianTag(0, 1, 100n), swabianTag(1, 0, 200n), swabianTag(0, 1, 300n)]));
    expect((await inputError(() => importTagFile(f, { format: 'swabian', channels: '1=H,2=V,3=D,4=A,5=sync' }))).message).toMatch(/lost\.ttraw: record 1, type: instrument Error tag at 200 ps/);
  });

  it('--tags reads another file with the folder\'s ground.json; --format alone is refused', async () => {
    const g = syntheticGround(4, 3000);
    const dir = writeGroundDir('tags-opt', g);
    const other = join(root, 'other.csv');
    const lines = ['channel,time_ps', ...Array.from(g.tags.timePs, (t, i) => `${10 + g.tags.detector[i]},${t}`), ...Array.from(g.syncTags.timePs, (t) => `20,${t}`)];
    // text lines in time order, as an instrument export is
    const sorted = ['channel,time_ps', ...lines.slice(1).map((l) => l.split(',').map(Number)).sort((a, b) => a[1] - b[1]).map(([c, t]) => `${c},${t}`)];
    writeFileSync(other, sorted.join('\n') + '\n');
    const { record, report } = await readGroundInput(dir, { tags: other, channels: '10=H,11=V,12=D,13=A,20=sync' });
    expect(report?.format).toBe('csv');
    expect(Array.from(record.tags.timePs)).toEqual(Array.from(g.tags.timePs));
    expect(Array.from(record.syncTags.timePs)).toEqual(Array.from(g.syncTags.timePs));
    expect((await inputError(() => readGroundInput(dir, { format: 'ptu' }))).message).toMatch(/--format: --format needs --tags FILE/);
  });

  it('small reorderings between inputs are put back in time order', async () => {
    const f = join(root, 'reorder.csv');
    writeFileSync(f, 'channel,time_ps\n1,1000\n2,900\n5,950\n3,2000\n5,1900\n');
    const { collected, report } = await importTagFile(f, { format: 'csv', channels: '1=H,2=V,3=D,4=A,5=sync' });
    expect(Array.from(collected.tags.timePs)).toEqual([900, 1000, 2000]);
    expect(Array.from(collected.tags.detector)).toEqual([1, 0, 2]);
    expect(Array.from(collected.syncTimePs)).toEqual([950, 1900]);
    expect(report.reordered).toBe(1);
  });
});

describe('streaming: a growing file, a pipe', () => {
  const records = Array.from({ length: 4000 }, (_, i) => (i % 10 === 9 ? hh(1, 63, 1) : hh(0, i % 5, 1000 + i * 3)));
  const expected = (() => {
    const d = new PtuT2Decoder({ source: 'x' });
    const b = d.push(ptuFile(0x01010204, 1e-12, records));
    return Array.from(b.timePs);
  })();

  it('follows a file an instrument is still writing (record count unknown) until it stays idle', async () => {
    const f = join(root, 'growing.ptu');
    const whole = ptuFile(0x01010204, 1e-12, records, [], 0);
    writeFileSync(f, whole.subarray(0, 500));
    let at = 500;
    const writer = setInterval(() => {
      const next = Math.min(whole.length, at + 3001);
      appendFileSync(f, whole.subarray(at, next));
      at = next;
      if (at >= whole.length) clearInterval(writer);
    }, 15);
    const { batches } = readTagFile(f, 'ptu', { chunkBytes: 4096, follow: { pollMs: 10, idleTimeoutMs: 300 } });
    const got: number[] = [];
    let seen = 0;
    for await (const b of batches) {
      got.push(...b.timePs);
      seen++;
    }
    clearInterval(writer);
    expect(seen).toBeGreaterThan(1);
    expect(got).toEqual(expected);
  });

  it('stops as soon as the header\'s record count is reached, without waiting for the idle timeout', async () => {
    const f = join(root, 'complete.ptu');
    writeFileSync(f, ptuFile(0x01010204, 1e-12, records));
    const t0 = Date.now();
    const { batches } = readTagFile(f, 'ptu', { follow: { pollMs: 10, idleTimeoutMs: 60_000 } });
    const got: number[] = [];
    for await (const b of batches) got.push(...b.timePs);
    expect(got).toEqual(expected);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('resumes reading a file from a checkpoint taken after a batch', async () => {
    const f = join(root, 'resume.ptu');
    writeFileSync(f, ptuFile(0x01010204, 1e-12, records));
    const first = readTagFile(f, 'ptu', { chunkBytes: 4096 });
    const got: number[] = [];
    for await (const b of first.batches) {
      got.push(...b.timePs);
      break; // stop after one batch, as a follower that is interrupted would
    }
    const cp = JSON.parse(JSON.stringify(first.decoder.checkpoint()));
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(expected.length);
    const rest = readTagFile(f, 'ptu', { resume: cp, chunkBytes: 4096 });
    for await (const b of rest.batches) got.push(...b.timePs);
    expect(got).toEqual(expected);
  });

  it('decodes a pipe (any byte stream) in chunks', async () => {
    const whole = ptuFile(0x01010204, 1e-12, records);
    const chunks = Array.from({ length: Math.ceil(whole.length / 777) }, (_, k) => whole.subarray(k * 777, (k + 1) * 777));
    const got: number[] = [];
    for await (const b of decodeTagStream(Readable.from(chunks), new PtuT2Decoder({ source: 'pipe' }))) got.push(...b.timePs);
    expect(got).toEqual(expected);
  });
});
