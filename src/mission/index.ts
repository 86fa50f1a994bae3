/**
 * Mission layer (4): mission files and the shipped missions, a mission's passes and predicted
 * keys, the end-to-end replay of any pass. The public API other layers build on:
 *   loadMission(pathOrName, { schema? }) → Mission          (presets.ts, config.ts)
 *   missionStation(mission, id) → MissionStation             (config.ts)
 *   missionPasses(mission, stations, fromMs, toMs) → { passes, warnings }   (passes.ts)
 *   resolveMissionPass(mission, station, spec) → { pass, elements, warnings }
 *   predictPassKey(mission, station, pass, options?) → PassPrediction        (predict.ts)
 *   runReplay({ mission, station, pass | preset, … }) → ReplayResult         (replay.ts)
 *   missionShape / missionSchema and the schema pieces                       (schema.ts)
 */
export { DEFAULT_MISSION_CONSTRAINTS, loadMissionFile, missionReplay, missionStation, parseMission, withSatellite } from './config.js';
export type { DemandEntry, Mission, MissionStation, ParseMissionOptions, PostProcessingChoice, PublishedFigures, ReplayPreset } from './config.js';
export { catalogueOf, catalogueSegments, elementsAt, readElementSets, singleCatalogue } from './elements.js';
export type { ElementCatalogue } from './elements.js';
export { missionPasses, resolveMissionPass } from './passes.js';
export type { MissionPass, MissionPassList, ResolvedPass } from './passes.js';
export { keyOfCounts, predictParamsFromHardware, predictPassKey } from './predict.js';
export type { PassPrediction, PredictOptions } from './predict.js';
export { DEFAULT_MISSION, DEFAULT_REPLAY, findReplayPreset, loadMission, miciusMission, SHIPPED_MISSIONS, shippedMissionFile } from './presets.js';
export { getSatellite, MICIUS, MICIUS_TLE_TEXT, MISSIONS_DIR, SATELLITE_NAMES, shippedCatalogue } from './satellites.js';
export * from './schema.js';
export { STATIONS, getStation } from './stations.js';
export { parseWalker, walkerElements } from './constellation.js';
export type { ConstellationSpec, WalkerPattern } from './constellation.js';
