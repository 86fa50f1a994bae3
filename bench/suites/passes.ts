/**
 * `passes`: one year of Micius night passes over the six reference stations (target ≤ 10 s).
 */
import type { BenchResult, BenchSuite } from '../types.js';
import { findPasses } from '../../src/orbit/passes.js';
import { MICIUS } from '../../src/mission/satellites.js';
import { STATIONS } from '../../src/mission/stations.js';

export const passesSuite: BenchSuite = {
  name: 'passes',
  description: 'Micius pass prediction: one year, six stations, night-only, min elevation 10°',
  async run({ quick, log }) {
    const stations = Object.values(STATIONS);
    const days = quick ? 30 : 365;
    // starts at the TLE's epoch: SGP4 is refused beyond 365 days from it (src/orbit/epoch.ts)
    const fromMs = Date.parse('2016-12-18T22:00:00Z');
    const toMs = fromMs + days * 86_400_000;
    const t0 = performance.now();
    const passes = findPasses({ elements: MICIUS, stations, fromMs, toMs, minElevationDeg: 10, nightOnly: true });
    const wallS = (performance.now() - t0) / 1000;
    log(`passes: ${passes.length} night passes in ${days} days over ${stations.length} stations, ${wallS.toFixed(2)} s`);
    const params = { days, stations: stations.length, nightOnly: true, minElevationDeg: 10 };
    const out: BenchResult[] = [
      { name: quick ? 'passes/month-6-stations' : 'passes/year-6-stations', params, metric: 'wallTime', value: wallS, unit: 's' },
      { name: quick ? 'passes/month-6-stations' : 'passes/year-6-stations', params, metric: 'passCount', value: passes.length, unit: '' },
    ];
    return out;
  },
};
