/** Mission configs and presets (layer 4). */
export { MICIUS, MICIUS_MISSION, SATELLITES, getSatellite, loadMission, loadOmm, loadTle, parseMission, receiverForStation } from './config.js';
export type { MissionConfig, MissionHardware } from './config.js';
export { STATIONS, getStation } from './stations.js';
export { MICIUS_TLE_TEXT } from './presets/micius.js';
