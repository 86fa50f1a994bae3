/**
 * Stage `final-bound`: the ground reports the exact error counts per (basis, class) that
 * reconciliation found (booked as estimation leakage); both sides check the measured QBER and
 * compute the finite-key bound minus the ledger; the satellite decides ℓ, the ground checks it.
 */
import { ProtocolAbort } from '../../core/errors.js';
import type { BitArray } from '../../core/bits.js';
import { checkQber, countDisclosureBits, exactErrors, qberOf } from '../../postprocess/estimate.js';
import { finiteKeyInput } from '../../postprocess/finiteKeyInput.js';
import { CLASSES, keyBitsSelection } from '../../postprocess/sift.js';
import type { Block } from '../../postprocess/block.js';
import type { FiniteKeyFn } from '../../security/types.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

const COUNTS_LABEL = 'error counts per basis and intensity';

/** Book the disclosed counts, check the QBER, compute the final bound; returns ℓ. */
function finalBound(block: Block, errors: number[], finiteKey: FiniteKeyFn): number {
  const params = block.parameters;
  const detected = need(block.detected, 'detected');
  for (let i = 0; i < errors.length; i++) block.ledger.add('estimation', countDisclosureBits(detected[i]), COUNTS_LABEL);
  need(block.counts, 'counts').errors = errors;
  block.qber = qberOf(errors, detected);
  checkQber(block.qber, params.qberThreshold, 'measured');
  const fk = finiteKey(finiteKeyInput(params, detected, errors, { leakageBits: block.ledger.leakedBits(), sent: block.sent }));
  block.finiteKey = fk;
  return fk.keyLengthBits;
}

/** The key bases' bits of the corrected key: what privacy amplification compresses. */
function amplifyInput(block: Block): BitArray {
  const key = need(block.key, 'key');
  const sel = keyBitsSelection(need(block.sifted, 'sifted'), need(block.keyPositions, 'keyPositions'), block.parameters.protocol);
  return sel ? key.select(sel) : key;
}

export const finalBoundStage: Stage = {
  state: 'final-bound',

  async satellite(c: SatelliteContext) {
    const { block } = c;
    const detected = need(block.detected, 'detected');
    const errs = await c.session.expect('errors');
    if (errs.counts.length !== 2 * CLASSES || errs.counts.some((n, i) => n > detected[i])) {
      throw new ProtocolAbort('protocol-violation', 'error counts do not match the sifted counts');
    }
    const ell = finalBound(block, errs.counts, c.post.finiteKey);
    const fk = need(block.finiteKey, 'finiteKey');
    const paInput = amplifyInput(block);
    if (ell <= 0 || ell > paInput.length) {
      throw new ProtocolAbort('no-key', `final ${block.parameters.bound} bound leaves ${ell} bits after ${block.ledger.leakedBits()} bits leaked${fk.reason ? ': ' + fk.reason : ''}`);
    }
    block.amplifyInput = paInput;
    block.keyLengthBits = ell;
    await c.session.send({ type: 'decision', stage: 'final', keyLengthBits: ell });
  },

  async ground(c: GroundContext) {
    const { block } = c;
    const detail = need(block.siftedDetail, 'siftedDetail');
    const errors = exactErrors(
      need(block.sifted, 'sifted'),
      need(block.keyPositions, 'keyPositions'),
      need(block.rawKey, 'rawKey'),
      need(block.key, 'key'),
      need(block.sample, 'sample').errors,
      (j) => {
        detail.error[j] = 1;
      },
    );
    detail.errorsExact = true;
    await c.session.send({ type: 'errors', counts: errors });
    const ell = finalBound(block, errors, c.post.finiteKey);
    const decided = c.session.expect('decision').then((final) => {
      if (final.stage !== 'final' || final.keyLengthBits !== ell) {
        throw new ProtocolAbort('protocol-violation', `satellite decided ${final.keyLengthBits} key bits, the ground computes ${ell}`);
      }
    });
    block.amplifyInput = amplifyInput(block);
    block.keyLengthBits = ell;
    if (block.amplifySeed && ell > 0 && ell <= block.amplifyInput.length) {
      // a streamed pass holds the whole seed already: the ground hashes to its own ℓ while the
      // satellite's decision crosses, and keeps the key only once that decision agrees
      // (amplification.ts); ℓ is public, computed by both from the same disclosed counts and ledger.
      // No key by the ground's own bound: the satellite's abort (no-key) is what comes, awaited here
      decided.catch(() => undefined);
      c.finalDecision = decided;
      // over an emulated link: the counts out before the hash holds the event loop (PartyOptions.linkSettled)
      await c.opts.linkSettled?.();
      return;
    }
    await decided;
  },
};
