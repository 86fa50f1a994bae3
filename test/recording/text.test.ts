import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { TextTagDecoder } from '../../src/recording/text-tags.js';
import { randomChunks } from './fixtures.js';

function decode(text: string, opts: ConstructorParameters<typeof TextTagDecoder>[0] = {}, chunkSeed?: number): [number, number][] {
  const dec = new TextTagDecoder({ source: 'tags.csv', ...opts });
  const bytes = Buffer.from(text, 'utf8');
  const out: [number, number][] = [];
  for (const c of chunkSeed === undefined ? [bytes] : randomChunks(bytes, chunkSeed, 7)) {
    const b = dec.push(c);
    for (let i = 0; i < b.count; i++) out.push([b.channel[i], b.timePs[i]]);
  }
  const t = dec.finish();
  if (t) for (let i = 0; i < t.count; i++) out.push([t.channel[i], t.timePs[i]]);
  return out;
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

describe('CSV and text exports', () => {
  it('Mozi\'s channel,time_ps with and without header, comments, CRLF, no final newline', () => {
    const expected: [number, number][] = [
      [1, 100],
      [5, 250],
      [2, 9007199254740991],
    ];
    expect(decode('channel,time_ps\n1,100\n5,250\n2,9007199254740991\n')).toEqual(expected);
    expect(decode('# exported by a lab script\n1,100\r\n\r\n5,250\r\n2,9007199254740991')).toEqual(expected);
    for (const seed of [1, 2, 3]) expect(decode('channel,time_ps\n1,100\n5,250\n2,9007199254740991', {}, seed)).toEqual(expected);
  });

  it('quTAG\'s timestamp;channel (no header: ";" means time first), with a tick length', () => {
    expect(decode('1000;3\n1500;1\n')).toEqual([
      [3, 1000],
      [1, 1500],
    ]);
    expect(decode('% quTAG export\n1000;3\n1500;1\n', { clockPs: 4 })).toEqual([
      [3, 4000],
      [1, 6000],
    ]);
  });

  it('a header names the columns in any order and any delimiter; decimals round to the nearest ps', () => {
    expect(decode('timestamp\tchannel\n12\t7\n')).toEqual([[7, 12]]);
    expect(decode('t ch\n12.4 7\n13.6 8\n')).toEqual([
      [7, 12],
      [8, 14],
    ]);
    expect(decode('time,channel\n1.5e3,2\n')).toEqual([[2, 1500]]);
    expect(decode('channel;time\n-2;5\n')).toEqual([[-2, 5]]);
  });

  it.each([
    ['NaN time', 'channel,time_ps\n1,NaN\n', /tags\.csv: line 2: time: time "NaN" is not a finite number/],
    ['infinite time', '1,Infinity\n', /line 1: time: time "Infinity" is not a finite number/],
    ['a channel that is not an integer', '1.5,100\n', /line 1: channel: channel "1.5" is not an integer/],
    ['a missing column', '1,100\n2\n', /line 2: columns: expected 2 columns, found 1/],
    ['lines out of order', '1,100000\n2,50000\n', /line 2: time: time 50000 ps is 50000 ps before/],
    ['a time beyond 2^53', '1,9007199254740993\n', /line 1: time: time 9007199254740993 beyond 2\^53 ticks/],
    ['a header naming no time column', 'channel,energy\n1,2\n', /line 1: header: header "channel,energy" does not name/],
    ['bytes that are not UTF-8', Buffer.from([0x31, 0x2c, 0xff, 0xfe, 0x0a]).toString('latin1'), /line 1/],
  ])('%s', (_n, text, msg) => {
    const bytes = _n.startsWith('bytes') ? Buffer.from([0x31, 0x2c, 0xff, 0xfe, 0x0a]) : Buffer.from(text, 'utf8');
    expect(
      inputError(() => {
        const d = new TextTagDecoder({ source: 'tags.csv' });
        d.push(bytes);
        d.finish();
      }).message,
    ).toMatch(msg);
  });
});
