/**
 * The real post-processing modules behind the `PostProcessing` port of the state machines:
 * finite-key analysis (security/), reconciliation, verification and privacy amplification
 * (postprocess/). Kept in one place so the state machines can be tested with stand-ins.
 */
import type { BitArray } from '../core/bits.js';
import type { MessageChannel } from '../postprocess/channel.js';
import type { LeakageLedger } from '../postprocess/ledger.js';
import { getReconciler } from '../postprocess/reconcile/index.js';
import type { Reconciler } from '../postprocess/reconcile/types.js';
import { verifyAsAlice, verifyAsBob } from '../postprocess/verify.js';
import { finiteKey } from '../security/finiteKey.js';
import { amplifyAsBob, toeplitzHash } from '../postprocess/privacy.js';
import { BitArray as Bits } from '../core/bits.js';
import type { Drbg } from './random.js';
import type { PostProcessing, ReconciliationMethod } from './types.js';

export type Amplify = Pick<PostProcessing, 'amplifyAlice' | 'amplifyBob'>;

/**
 * Alice's side of privacy amplification with the seed drawn from the party's Drbg (so a run
 * with the same --seed reproduces the same key); same wire format as postprocess/privacy.ts
 * ([0x50][n u32 LE][m u32 LE][seed]), so Bob uses `amplifyAsBob` unchanged.
 */
export async function amplifyAliceSeeded(key: BitArray, outBits: number, ch: MessageChannel, ledger: LeakageLedger, rng: Drbg): Promise<BitArray> {
  const seedLen = key.length + outBits - 1;
  const sb = rng.bytes((seedLen + 7) >>> 3);
  const seed = Bits.fromBytes(sb, seedLen);
  const msg = new Uint8Array(9 + sb.length);
  const dv = new DataView(msg.buffer);
  msg[0] = 0x50;
  dv.setUint32(1, key.length, true);
  dv.setUint32(5, outBits, true);
  msg.set(seed.toBytes(), 9);
  await ch.send(msg);
  const out = toeplitzHash(key, seed, outBits);
  if (!ledger.isClosed) ledger.close();
  return out;
}

export const TOEPLITZ: Amplify = {
  amplifyAlice: amplifyAliceSeeded,
  async amplifyBob(key, outBits, ch, ledger) {
    return (await amplifyAsBob(key, outBits, ch, ledger)).key;
  },
};

function reconciler(method: ReconciliationMethod): Reconciler {
  return getReconciler(method);
}

export function defaultPostProcessing(amplify: Amplify = TOEPLITZ, pick: (m: ReconciliationMethod) => Reconciler = reconciler): PostProcessing {
  return {
    finiteKey,
    async reconcileAlice(method, key, ch: MessageChannel, ledger: LeakageLedger, qber, rng: Drbg) {
      await pick(method).alice(key, ch, ledger, { qberEstimate: qber, seed: rng.uint32() });
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
