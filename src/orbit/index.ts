/** Orbit layer (1): TLE/OMM parsing, SGP4 via satellite.js, look angles, passes. */
export { parseTle, parseTleCatalogue, parseOmm, parseOmmList, tleChecksum, tleExponentField, TLE_LINE_LENGTH, SGP4_ERRORS, MIN_PERIGEE_KM } from './tle.js';
export { daysFromEpoch, epochDistanceCheck, EPOCH_LIMIT_DAYS, EPOCH_WARN_DAYS } from './epoch.js';
export {
  findPasses,
  passGeometry,
  passSummary,
  resolvePass,
  horizonThresholdDeg,
  centralAngleForElevationRad,
  DEFAULT_CONSTRAINTS,
} from './passes.js';
export type { Pass, PassConstraints, FindPassesOptions } from './passes.js';
export {
  satrecOf,
  satState,
  stationFrame,
  lookAngles,
  elevationDeg,
  rangeRateKmS,
  sunElevationDeg,
  geometrySample,
  epochMs,
  EARTH_ROTATION_RAD_S,
} from './sgp4.js';
export type { SatState, StationFrame, LookAnglesDeg, Vec3 } from './sgp4.js';
export type { GeometrySample, PassGeometry, PassSummary, SatelliteElements, Station } from './types.js';
