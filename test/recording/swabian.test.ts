import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { SwabianDecoder, SwabianEncoder } from '../../src/recording/swabian-raw.js';
import type { LostInterval, MissedEventsRecord } from '../../src/recording/tag-batch.js';
import { randomChunks, swabianTag } from './fixtures.js';

interface Decoded {
  events: [number, number][];
  lost: LostInterval[];
  missed: MissedEventsRecord[];
  errors: number[];
  decoder: SwabianDecoder;
}

function decode(chunks: Uint8Array[], opts: ConstructorParameters<typeof SwabianDecoder>[0] = {}): Decoded {
  const dec = new SwabianDecoder({ source: 'fixture.ttraw', ...opts });
  const d: Decoded = { events: [], lost: [], missed: [], errors: [], decoder: dec };
  for (const c of chunks) {
    const b = dec.push(c);
    for (let i = 0; i < b.count; i++) d.events.push([b.channel[i], b.timePs[i]]);
    d.lost.push(...b.lost);
    d.missed.push(...b.missed);
    d.errors.push(...b.errors.map((e) => e.record));
  }
  dec.finish();
  return d;
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

// Tag types of the Time Tagger API's Tag struct
const TIME = 0;
const ERROR = 1;
const OVF_BEGIN = 2;
const OVF_END = 3;
const MISSED = 4;

describe('Swabian raw tags built byte by byte from the Tag struct', () => {
  const file = Buffer.concat([
    swabianTag(TIME, 1, 1000n),
    swabianTag(TIME, -2, 1500n), // falling edge of channel 2
    swabianTag(OVF_BEGIN, 0, 2000n),
    swabianTag(OVF_END, 0, 9000n),
    swabianTag(MISSED, 1, 9000n, 17),
    swabianTag(MISSED, 3, 9000n, 5),
    swabianTag(TIME, 3, 9500n),
    swabianTag(TIME, 5, 2n ** 40n),
    swabianTag(TIME, 4, 2n ** 52n - 1n),
  ]);

  it('time tags with signed channels, an overflow interval reported as lost with its missed events', () => {
    const d = decode([file]);
    expect(d.events).toEqual([
      [1, 1000],
      [-2, 1500],
      [3, 9500],
      [5, 2 ** 40],
      [4, 2 ** 52 - 1],
    ]);
    expect(d.lost).toEqual([{ startPs: 2000, endPs: 9000, missedEvents: 22, record: 2 }]);
    expect(d.missed.map((m) => [m.channel, m.count, m.record])).toEqual([
      [1, 17, 4],
      [3, 5, 5],
    ]);
    expect(d.decoder.missedTotal).toBe(22);
  });

  it('missed events inside an open interval belong to it; any chunking gives the same result', () => {
    const f = Buffer.concat([swabianTag(OVF_BEGIN, 0, 10n), swabianTag(MISSED, 2, 20n, 3), swabianTag(OVF_END, 0, 30n), swabianTag(TIME, 2, 40n)]);
    for (const seed of [1, 2, 3]) {
      const d = decode(randomChunks(f, seed, 23));
      expect(d.lost, `seed ${seed}`).toEqual([{ startPs: 10, endPs: 30, missedEvents: 3, record: 0 }]);
      expect(d.events).toEqual([[2, 40]]);
    }
  });

  it('negative times (before the tagger\'s zero) and a stream beyond 2^52 ps is rebased to its first tag', () => {
    expect(decode([swabianTag(TIME, 1, -5n), swabianTag(TIME, 1, 7n)]).events).toEqual([
      [1, -5],
      [1, 7],
    ]);
    const t0 = 2n ** 60n + 123n;
    const d = decode([Buffer.concat([swabianTag(TIME, 1, t0), swabianTag(TIME, 2, t0 + 2n ** 33n + 9n)])]);
    expect(d.events).toEqual([
      [1, 0],
      [2, 2 ** 33 + 9],
    ]);
    expect(d.decoder.originPs).toBe(t0.toString());
  });

  it('an Error tag is reported with its record', () => {
    expect(decode([Buffer.concat([swabianTag(TIME, 1, 1n), swabianTag(ERROR, 0, 2n), swabianTag(TIME, 1, 3n)])]).errors).toEqual([1]);
  });

  it('resumes from a checkpoint taken inside an overflow interval', () => {
    const f = Buffer.concat([swabianTag(TIME, 1, 5n), swabianTag(OVF_BEGIN, 0, 10n), swabianTag(MISSED, 2, 20n, 3), swabianTag(OVF_END, 0, 30n), swabianTag(TIME, 2, 40n)]);
    const a = new SwabianDecoder({ source: 'r.ttraw' });
    a.push(f.subarray(0, 16 * 2 + 7));
    const cp = JSON.parse(JSON.stringify(a.checkpoint()));
    expect(cp.byteOffset).toBe(32);
    const b = new SwabianDecoder({ source: 'r.ttraw', resume: cp });
    const batch = b.push(f.subarray(cp.byteOffset));
    b.finish();
    expect(batch.lost).toEqual([{ startPs: 10, endPs: 30, missedEvents: 3, record: 1 }]);
    expect(batch.firstRecord).toBe(2);
  });

  it('the encoder writes what the byte-by-byte layout says', () => {
    const e = new SwabianEncoder(1);
    e.timeTag(-3, -2);
    e.overflowBegin(2 ** 40);
    e.missedEvents(7, 65535, 2 ** 40 + 1);
    e.overflowEnd(2 ** 40 + 1);
    e.error(2 ** 41);
    const bytes = Buffer.from(e.take());
    expect(bytes).toEqual(Buffer.concat([swabianTag(TIME, -3, -2n), swabianTag(OVF_BEGIN, 0, 2n ** 40n), swabianTag(MISSED, 7, 2n ** 40n + 1n, 65535), swabianTag(OVF_END, 0, 2n ** 40n + 1n), swabianTag(ERROR, 0, 2n ** 41n)]));
  });
});

describe('Swabian: corrupt input is an InputError naming the record and field', () => {
  it.each([
    ['a truncated tag', [swabianTag(TIME, 1, 1n).subarray(0, 9)], /fixture\.ttraw: record 0, tag: stream ends inside a tag \(9 of 16 bytes\)/],
    ['an unknown tag type', [swabianTag(9, 1, 1n)], /record 0, type: unknown tag type 9/],
    ['tags out of order', [Buffer.concat([swabianTag(TIME, 1, 100_000n), swabianTag(TIME, 2, 50_000n)])], /record 1, time: time 50000 ps is 50000 ps before/],
    ['OverflowEnd without OverflowBegin', [swabianTag(OVF_END, 0, 1n)], /record 0, type: OverflowEnd without an OverflowBegin/],
    ['two OverflowBegins', [Buffer.concat([swabianTag(OVF_BEGIN, 0, 1n), swabianTag(OVF_BEGIN, 0, 2n)])], /record 1, type: OverflowBegin while the overflow interval opened at record 0/],
    ['a stream ending inside an overflow interval', [swabianTag(OVF_BEGIN, 0, 1n)], /record 0, type: stream ends inside an overflow interval/],
    ['a time beyond 2^53 after the origin', [Buffer.concat([swabianTag(TIME, 1, 0n), swabianTag(TIME, 1, 2n ** 54n)])], /record 1, time: time beyond ±2\^53 ps/],
  ])('%s', (_n, chunks, msg) => {
    expect(inputError(() => decode(chunks as Uint8Array[])).message).toMatch(msg);
  });

  it('a tick length does not apply to picosecond tags', () => {
    expect(inputError(() => new SwabianDecoder({ clockPs: 5 })).message).toMatch(/clockPs: Swabian raw tags are in picoseconds/);
  });
});
