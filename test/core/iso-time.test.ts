import { describe, expect, it } from 'vitest';
import { isoOfMs, isoOfRoundedMs } from '../../src/core/iso-time.js';
import { seededFloat } from '../support/seed.js';

describe('isoOfMs', () => {
  it('is Date.prototype.toISOString on random instants 1970–9999 (seeded)', () => {
    const r = seededFloat('iso-time');
    let first = '';
    for (let i = 0; i < 100_000; i++) {
      // whole ms anywhere in the fast range, and the planner's range (2015–2035) densely
      const ms = i % 2 ? Math.floor(r() * 253_402_300_800_000) : Date.UTC(2015, 0, 1) + Math.floor(r() * 20 * 365.25 * 86_400_000);
      const want = new Date(ms).toISOString();
      if (isoOfMs(ms) !== want) first ||= `${ms}: ${isoOfMs(ms)} vs ${want}`;
    }
    expect(first).toBe('');
  });

  it('matches at day, month, year and leap-day edges and outside the fast range', () => {
    const cases = [0, 1, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2000, 1, 29), Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 1, 28, 23, 59, 59, 999), Date.UTC(2100, 2, 1), Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), 253_402_300_800_000, -1, -86_400_001, 1.5, 1e15];
    for (const ms of cases) expect(isoOfMs(ms), String(ms)).toBe(new Date(ms).toISOString());
    expect(() => isoOfMs(NaN)).toThrow(RangeError);
  });
});

describe('isoOfRoundedMs', () => {
  it('rounds fractional milliseconds to the nearest (halves up, as Math.round) before formatting', () => {
    expect(isoOfRoundedMs(1_483_228_800_000.4)).toBe('2017-01-01T00:00:00.000Z');
    expect(isoOfRoundedMs(1_483_228_800_000.5)).toBe('2017-01-01T00:00:00.001Z');
    expect(isoOfRoundedMs(1_483_228_799_999.6)).toBe('2017-01-01T00:00:00.000Z');
    expect(isoOfRoundedMs(86_399_999.5)).toBe(isoOfMs(86_400_000));
  });
});
