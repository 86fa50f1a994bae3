/** Small missions for the planner's tests. */

/** A Walker constellation at 550 km over the given stations, day and night, 10° minimum elevation. */
export const walkerMission = (walker: string, stations: string, extra = ''): string => `{
  "name": "walker-test",
  "constellation": { "walker": "${walker}", "altitudeKm": 550, "epoch": "2024-03-01T00:00:00Z" },
  "stations": [${stations}],
  "constraints": { "nightOnly": false, "minElevationDeg": 10 }${extra}
}`;
