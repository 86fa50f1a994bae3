/** Optical downlink model (layer 1). */
export * from './hardware.js';
export * from './types.js';
export * from './diffraction.js';
export * from './atmosphere.js';
export * from './turbulence.js';
export * from './pointing.js';
export * from './background.js';
export * from './budget.js';
export * from './synthetic.js';
export { gaussianFrom, ar1Gaussian } from './random.js';
export * from './calibration.js';
