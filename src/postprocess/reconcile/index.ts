/**
 * Information reconciliation: one interface (`Reconciler`), three algorithms.
 * - `cascade` (schedules original, biconf, yanetal, option7, option8; default option8),
 * - `ldpc` (rate-adaptive puncturing/shortening, blind retries),
 * - `hamming` (Winnow-like extended-Hamming syndromes, as a stand-in for Micius's scheme).
 * Each talks to its peer only through a MessageChannel and books every disclosed bit in the
 * block's LeakageLedger; Alice's key is the reference, Bob corrects his.
 */
import { InputError } from '../../core/errors.js';
import { CascadeReconciler } from './cascade.js';
import type { CascadeParams } from './cascade.js';
import { HammingReconciler } from './hamming.js';
import type { HammingParams } from './hamming.js';
import { LdpcReconciler } from './ldpc.js';
import type { LdpcParams } from './ldpc.js';
import type { Reconciler } from './types.js';

export type { FrameOutcome, ReconcileOptions, ReconcileResult, ReconcileStats, Reconciler } from './types.js';
export { frameBits } from './types.js';
export { CascadeReconciler, CASCADE_SCHEDULES, cascadePasses } from './cascade.js';
export type { CascadeParams, CascadeSchedule, PassSpec } from './cascade.js';
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

export type ReconcilerName = 'cascade' | 'ldpc' | 'hamming';

export interface ReconcilerParams {
  cascade: CascadeParams;
  ldpc: LdpcParams;
  hamming: HammingParams;
}

/** Reconciler by name; `params` are the algorithm's own options. */
export function getReconciler<K extends ReconcilerName>(name: K, params?: ReconcilerParams[K]): Reconciler {
  switch (name) {
    case 'cascade':
      return new CascadeReconciler((params ?? {}) as CascadeParams);
    case 'ldpc':
      return new LdpcReconciler((params ?? {}) as LdpcParams);
    case 'hamming':
      return new HammingReconciler((params ?? {}) as HammingParams);
    default:
      throw new InputError(`unknown reconciler '${String(name)}' (known: cascade, ldpc, hamming)`, { field: 'reconciler' });
  }
}
