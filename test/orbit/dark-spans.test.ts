import { describe, expect, it } from 'vitest';
import { walkerElements } from '../../src/mission/constellation.js';
import { darkSpans, findPasses } from '../../src/orbit/passes.js';
import { stationFrame, sunElevationDeg } from '../../src/orbit/sgp4.js';
import type { Station } from '../../src/orbit/types.js';

const FROM = Date.parse('2024-06-01T00:00:00Z');
const DAY = 86_400_000;
/** 12 stations from 60° S to 60° N (the bench's golden-angle spiral), including a polar summer day. */
const stations: Station[] = Array.from({ length: 12 }, (_, k) => ({
  id: `s${k}`,
  name: `s${k}`,
  latitudeDeg: -60 + (120 * (k + 0.5)) / 12,
  longitudeDeg: ((k * 137.508) % 360) - 180,
  altitudeM: 500,
}));

describe('night-only scans skip daylight (darkSpans)', () => {
  it('every minute with the sun at most threshold + 5° lies in a span, 20 min from its ends', () => {
    const frames = stations.map(stationFrame);
    const spans = darkSpans(frames, -12, FROM, FROM + 2 * DAY);
    frames.forEach((f, i) => {
      const d = spans[i];
      for (let t = FROM; t <= FROM + 2 * DAY; t += 60_000) {
        if (sunElevationDeg(f, t) > -7) continue;
        let inside = false;
        for (let k = 0; k < d.length; k += 2) if (d[k] + 15 * 60_000 <= t && t <= d[k + 1] - 15 * 60_000) inside = true;
        expect(inside, `${f.station.id} ${new Date(t).toISOString()}`).toBe(true);
      }
    });
    // the spans leave out most of a day at mid-latitudes (it is June: northern nights are short)
    const covered = (d: Float64Array) => d.reduce((a, _, k) => (k % 2 ? a + d[k] - d[k - 1] : a), 0);
    expect(covered(spans[8]) / (2 * DAY)).toBeLessThan(0.5);
  });

  it('gives the same passes as the scan that looks at every station all day', () => {
    const sets = walkerElements({ walker: '53:4/2/1', altitudeKm: 550, epoch: '2024-06-01T00:00:00Z' });
    for (const elements of sets) {
      const run = (skipDaylight: boolean) =>
        findPasses({ elements, stations, fromMs: FROM, toMs: FROM + 3 * DAY, nightOnly: true, minElevationDeg: 10, interpolate: true, skipDaylight });
      const all = run(false);
      expect(all.length).toBeGreaterThan(10);
      expect(run(true)).toEqual(all);
    }
  });
});
