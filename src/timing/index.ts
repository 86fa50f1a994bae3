export * from './recover.js';
export * from './detections.js';
export * from './ephemeris.js';
export * from './schedule.js';
