/** Layer 1 security: decoy-state bounds, finite-key length, predicted key per pass, optimiser. */
export * from './types.js';
export * from './finiteKey.js';
export * from './predict.js';
export * from './limits.js';
export * from './pns.js';
export * from './optimize.js';
export * from './counts.js';
export * from './defaults.js';
