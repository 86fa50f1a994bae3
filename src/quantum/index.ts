/** Event-level simulation of a pass (layer 2). Formats: README.md, "Data formats". */
export * from './transmitter.js';
export * from './channel.js';
export * from './clock.js';
export * from './eve.js';
export * from './geometry.js';
export * from './records.js';
export * from './simulate.js';
export * from './preset.js';
