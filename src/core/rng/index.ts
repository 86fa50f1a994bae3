/** Counter-based random number generators (algorithms.md §8). */
export * from './philox.js';
export * from './chacha20.js';
export * from './seed.js';
