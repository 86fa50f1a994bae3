/**
 * Information reconciliation: one interface (`Reconciler`), three algorithms, one registry
 * (registry.ts, the only list of them).
 * - `cascade` (schedules original, biconf, yanetal, option7, option8; default option8),
 * - `ldpc` (rate-adaptive puncturing/shortening, blind retries),
 * - `hamming` (Winnow-like extended-Hamming syndromes, as a stand-in for Micius's scheme).
 * Each talks to its peer only through a MessageChannel and books every disclosed bit in the
 * block's LeakageLedger; Alice's key is the reference, Bob corrects his.
 */
export type { FrameOutcome, ReconcileOptions, ReconcileResult, ReconcileStats, Reconciler, SecretBitSource } from './types.js';
export { frameBits } from './types.js';
export { CascadeReconciler } from './cascade.js';
export type { CascadeParams } from './cascade.js';
export { CASCADE_SCHEDULES, CASCADE_VARIANTS, DEFAULT_CASCADE_SCHEDULE, cascadePasses, cascadeVariant } from './cascade-variants.js';
export type { BlockSizeRule, CascadeSchedule, CascadeVariant, PassSpec } from './cascade-variants.js';
export { HammingReconciler, hammingBlockLog2 } from './hamming.js';
export type { HammingParams } from './hamming.js';
export { LdpcReconciler, planLdpc } from './ldpc.js';
export type { LdpcParams, LdpcPlan } from './ldpc.js';
export { buildLdpcCode, cachedLdpcCode, syndromeOf, prefixRanks } from './ldpc-code.js';
export type { LdpcCode } from './ldpc-code.js';
export { LdpcDecoder, newDecoderState } from './ldpc-decoder.js';
export type { CheckRule, DecoderState } from './ldpc-decoder.js';
export { SimdLdpcDecoder, simdAvailable } from './ldpc-simd.js';
export { efficiency, efficiencyWithFailures, frameErrorRate, noisyPair, runPair } from './metrics.js';
export type { FrameErrorStats, PairOutcome } from './metrics.js';
export { Xoshiro128, randomPermutation, cachedPermutation } from './prng.js';

export { RECONCILERS, getReconciler, isReconcilerName, reconcilerEntry } from './registry.js';
export type { ReconcilerEntry, ReconcilerName, ReconcilerParams } from './registry.js';
