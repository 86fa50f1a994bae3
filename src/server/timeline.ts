/**
 * GET /api/timeline: the upcoming passes of every satellite of a mission over all its stations,
 * from the planner (planSlices → planSlice → assemblePlan, the same code as `mozi plan`): per pass
 * the night flag, the predicted key (predictPassKey on the planner's grid) and, when the dashboard
 * was given a weather table (`mozi serve --weather`), the cloud-free probability of the station in
 * that month and the weather-expected key. No second copy of the prediction lives here.
 */
import { InputError } from '../core/errors.js';
import type { Mission } from '../mission/config.js';
import { missionPasses } from '../mission/passes.js';
import { assemblePlan, planSatellites, planSlice, planSlices, PLANNING_STEP_S, type WeatherTable } from '../plan/index.js';
import type { TimelinePass, TimelineResponse } from './api-types.js';

/** At most this many days per request (a week of Micius over six stations takes ≈1 s). */
export const MAX_TIMELINE_DAYS = 14;

/** A table with no station: every pass counts as clear (assemblePlan's rule), reported as "no weather". */
const NO_WEATHER: WeatherTable = { source: 'none', stations: {} };

export function missionTimeline(mission: Mission, fromMs: number, toMs: number, weather: WeatherTable | undefined): TimelineResponse {
  if (!(toMs > fromMs)) throw new InputError('the window ends before it starts', { field: 'to' });
  if (toMs - fromMs > MAX_TIMELINE_DAYS * 86_400_000) throw new InputError(`at most ${MAX_TIMELINE_DAYS} days per request`, { field: 'to' });
  const options = { fromMs, toMs, stepS: PLANNING_STEP_S, policy: 'greedy' as const, block: 'per-pass' as const, weather: weather ?? NO_WEATHER, latencyBits: 1e6, summaryOnly: false };
  const slices = planSlices(mission, options).map(planSlice);
  const plan = assemblePlan(mission, options, slices);
  const operable: TimelinePass[] = (plan.passes ?? []).map((p) => ({
    satellite: p.satellite,
    station: p.station,
    aos: p.aos,
    tca: p.tca,
    los: p.los,
    maxElevationDeg: p.maxElevationDeg,
    night: p.night,
    operable: true,
    predictedKeyBits: p.predictedKeyBits,
    cloudFreeProbability: weather ? p.cloudFreeProbability : null,
    expectedKeyBits: weather ? p.expectedKeyBits : null,
  }));
  const passes = [...operable, ...daylightPasses(mission, fromMs, toMs, weather !== undefined)];
  passes.sort((a, b) => Date.parse(a.aos) - Date.parse(b.aos) || a.station.localeCompare(b.station));
  return {
    mission: mission.name,
    from: plan.window.from,
    to: plan.window.to,
    weather: weather ? weather.source : null,
    stations: mission.stations.map((s) => ({ id: s.id, name: s.name })),
    warnings: plan.warnings,
    passes,
  };
}

/**
 * The passes a night-only mission does not operate: the same pass search (missionPasses, the
 * planner's interpolated multi-station search) without the night constraint, keeping the passes
 * with the sun above the mission's darkness threshold at TCA. They carry no key (predicted and
 * expected 0): the mission does not work in daylight, and the link model has no daytime sky
 * background to predict one with. Empty when the mission also works in daylight (its plan already
 * lists those passes).
 */
function daylightPasses(mission: Mission, fromMs: number, toMs: number, withWeather: boolean): TimelinePass[] {
  if (!mission.constraints.nightOnly) return [];
  const out: TimelinePass[] = [];
  for (const cat of planSatellites(mission)) {
    const found = missionPasses({ ...mission, satellite: cat }, mission.stations, fromMs, toMs, { ...mission.constraints, nightOnly: false }, undefined, { interpolate: true });
    for (const p of found.passes) {
      if (p.night) continue;
      out.push({
        satellite: cat.name,
        station: p.station,
        aos: new Date(Math.round(p.aosMs)).toISOString(),
        tca: new Date(Math.round(p.tcaMs)).toISOString(),
        los: new Date(Math.round(p.losMs)).toISOString(),
        maxElevationDeg: p.maxElevationDeg,
        night: false,
        operable: false,
        predictedKeyBits: 0,
        cloudFreeProbability: null,
        expectedKeyBits: withWeather ? 0 : null,
      });
    }
  }
  return out;
}
