/**
 * The real post-processing modules behind the `PostProcessing` port of the state machines:
 * finite-key analysis (security/), reconciliation, verification and privacy amplification
 * (postprocess/). Kept in one place so the state machines can be tested with stand-ins.
 */
import type { Drbg } from '../core/rng/drbg.js';
import type { MessageChannel } from '../postprocess/channel.js';
import type { LeakageLedger } from '../postprocess/ledger.js';
import { getReconciler } from '../postprocess/reconcile/index.js';
import type { Reconciler } from '../postprocess/reconcile/types.js';
import { verifyAsAlice, verifyAsBob } from '../postprocess/verify.js';
import { finiteKey } from '../security/finiteKey.js';
import { amplifyAsAlice, amplifyAsBob, amplifyWithSeed } from '../postprocess/privacy.js';
import type { PostProcessing, ReconciliationMethod } from './types.js';

export type Amplify = Pick<PostProcessing, 'amplifyAlice' | 'amplifyBob' | 'amplifySeeded'>;

/**
 * Toeplitz privacy amplification; keys of ≥ 2²⁰ bits are hashed in segments on `threads` worker
 * threads (toeplitz-parallel.ts; default min(2, cores), 0 = in the calling thread). The same
 * output bits for every thread count.
 */
export function toeplitzAmplify(threads?: number): Amplify {
  const par = threads === undefined ? {} : { threads };
  return {
    // the seed comes from the party's Drbg, so a run with the same --seed reproduces the same key
    async amplifyAlice(key, outBits, ch, ledger, rng) {
      return (await amplifyAsAlice(key, outBits, ch, ledger, { seedBytes: (n) => rng.bytes(n), ...par })).key;
    },
    async amplifyBob(key, outBits, ch, ledger) {
      return (await amplifyAsBob(key, outBits, ch, ledger, par)).key;
    },
    async amplifySeeded(key, outBits, seed, ledger) {
      return (await amplifyWithSeed(key, outBits, seed, ledger, par)).key;
    },
  };
}

export const TOEPLITZ: Amplify = toeplitzAmplify();

function reconciler(method: ReconciliationMethod): Reconciler {
  return getReconciler(method);
}

export function defaultPostProcessing(amplify: Amplify = TOEPLITZ, pick: (m: ReconciliationMethod) => Reconciler = reconciler): PostProcessing {
  return {
    finiteKey,
    async reconcileAlice(method, key, ch: MessageChannel, ledger: LeakageLedger, qber, rng: Drbg) {
      // public seed and secret filler bits (LDPC) both from the party's Drbg stream (not a fork: a
      // fork by label would repeat the fillers every block): a replay with the same --seed
      // reproduces them; without --seed the Drbg is seeded from node:crypto
      await pick(method).alice(key, ch, ledger, { qberEstimate: qber, seed: rng.uint32(), secretBits: rng });
    },
    async reconcileBob(method, key, ch, ledger, qber) {
      const r = await pick(method).bob(key, ch, ledger, { qberEstimate: qber });
      // A failed frame (LDPC) leaves Bob's bits uncorrected; verification then aborts both sides.
      return r.key;
    },
    async verifyAlice(key, ch, ledger, epsCor) {
      await verifyAsAlice(key, ch, ledger, { epsCorTarget: epsCor });
    },
    async verifyBob(key, ch, ledger, epsCor) {
      await verifyAsBob(key, ch, ledger, { epsCorTarget: epsCor });
    },
    ...amplify,
  };
}
