import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseInteger, parseIsoTime, parseNumber, parseStationList, parseTimeWindow } from '../../src/cli/options.js';

describe('CLI option parsers', () => {
  it('parses ISO dates and date-times as UTC', () => {
    expect(parseIsoTime('2016-12-19', '--from')).toBe(Date.UTC(2016, 11, 19));
    expect(parseIsoTime('2016-12-19T16:52:13Z', '--from')).toBe(Date.UTC(2016, 11, 19, 16, 52, 13));
    expect(parseIsoTime('2016-12-19T16:52', '--from')).toBe(Date.UTC(2016, 11, 19, 16, 52));
    expect(parseIsoTime('2016-12-20T00:52:13.5+08:00', '--from')).toBe(Date.UTC(2016, 11, 19, 16, 52, 13, 500));
  });
  it('round-trips toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => parseIsoTime(new Date(ms).toISOString(), '--t') === ms),
    );
  });
  it('names the flag on bad input', () => {
    expect(() => parseIsoTime('yesterday', '--from')).toThrow(/^--from: "yesterday" is not an ISO-8601 UTC time/);
    expect(() => parseIsoTime('2017-02-29', '--to')).toThrow(/^--to: .* not a valid calendar date/);
    expect(() => parseTimeWindow('2016-12-20', '2016-12-19')).toThrow(/^--to: time window ends .* before it starts/);
    expect(() => parseNumber('abc', '--min-elevation')).toThrow('--min-elevation: "abc" is not a number');
    expect(() => parseNumber('95', '--min-elevation', { min: 0, max: 90 })).toThrow('--min-elevation: 95 is out of range (must be ≤ 90)');
    expect(() => parseInteger('1.5', '--seed')).toThrow('--seed: "1.5" is not an integer');
    expect(() => parseStationList('xinglong,atlantis')).toThrow(/^--station: unknown station "atlantis"; known stations: xinglong/);
  });
  it('parses numbers and station lists', () => {
    expect(parseNumber(' 12.5 ', '--x', { min: 0 })).toBe(12.5);
    expect(parseInteger('0x10', '--x')).toBe(16);
    expect(parseStationList('Xinglong, graz,xinglong').map((s) => s.id)).toEqual(['xinglong', 'graz']);
  });
});
