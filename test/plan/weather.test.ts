import { describe, expect, it } from 'vitest';
import { cloudFreeProbability, DEFAULT_WEATHER, parseWeather } from '../../src/plan/weather.js';
import { planSlices } from '../../src/plan/slice.js';
import { miciusMission } from '../../src/mission/presets.js';
import { errorOf } from '../support/input-error.js';

const months = (v: number) => Array.from({ length: 12 }, (_, k) => v + k / 100);

describe('weather tables', () => {
  it('reads JSON and both CSV layouts to the same table', () => {
    const json = parseWeather(JSON.stringify({ Xinglong: months(0.5) }), 'w.json');
    const wide = parseWeather(`station,jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec\r\nxinglong,${months(0.5).join(',')}\r\n`, 'w.csv');
    const long = parseWeather('station,month,probability\n' + months(0.5).map((p, k) => `xinglong,${k + 1},${p}`).join('\n'), 'w.csv');
    expect(json.stations).toEqual({ xinglong: months(0.5) });
    expect(wide.stations).toEqual(json.stations);
    expect(long.stations).toEqual(json.stations);
    // July (month index 6) of 2017
    expect(cloudFreeProbability(json, 'xinglong', Date.parse('2017-07-15T20:00:00Z'))).toBe(0.56);
    expect(cloudFreeProbability(json, 'graz', Date.parse('2017-07-15T20:00:00Z'))).toBe(1);
  });

  it('rejects probabilities outside [0, 1], naming the field and line', () => {
    const bad = months(0.5);
    bad[3] = 1.2;
    const e = errorOf(() => parseWeather(JSON.stringify({ graz: bad }), 'w.json'));
    expect(e.field).toBe('graz[3]');
    expect(e.message).toMatch(/outside \[0, 1\]/);
    const c = errorOf(() => parseWeather(`station,month,probability\ngraz,1,0.4\ngraz,2,-0.1\n`, 'w.csv'));
    expect([c.line, c.field]).toEqual([3, 'probability']);
    const m = errorOf(() => parseWeather(`station,month,probability\ngraz,1,0.4\n`, 'w.csv'));
    expect(m.message).toMatch(/no value for month 2/);
  });

  it('ships labelled assumptions for the six reference stations', () => {
    expect(Object.keys(DEFAULT_WEATHER.stations).sort()).toEqual(['delingha', 'graz', 'lijiang', 'nanshan', 'ngari', 'xinglong']);
    for (const [id, row] of Object.entries(DEFAULT_WEATHER.stations)) {
      expect(row).toHaveLength(12);
      expect(row.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(DEFAULT_WEATHER.notes?.[id]).toMatch(/^assumption/);
    }
  });

  it('an empty window is rejected naming --to', () => {
    const t = Date.parse('2017-01-01T00:00:00Z');
    expect(errorOf(() => planSlices(miciusMission(), { fromMs: t, toMs: t, stepS: 10 })).field).toBe('--to');
  });
});
