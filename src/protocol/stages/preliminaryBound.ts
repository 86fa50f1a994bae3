/**
 * Stage `preliminary-bound`: both sides check the sampled QBER and compute the finite-key bound
 * from the extrapolated errors; the satellite decides go (or aborts with no key) and tells the ground.
 * It aborts only when the key is out of reach even at the optimistic end of the sample's
 * uncertainty (estimate.ts optimisticErrors): the sample is a few hundred bits, and its point
 * estimate alone aborted passes whose exact errors give a key. Security does not rest on this
 * decision — the final bound, on the exact errors, decides the key.
 */
import { ProtocolAbort } from '../../core/errors.js';
import { checkQber, optimisticErrors } from '../../postprocess/estimate.js';
import { finiteKeyInput, sentPerClass } from '../../postprocess/finiteKeyInput.js';
import type { Block } from '../../postprocess/block.js';
import type { FiniteKeyFn, FiniteKeyResult } from '../../security/types.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

function preliminary(block: Block, finiteKey: FiniteKeyFn, optimistic = false): FiniteKeyResult {
  const params = block.parameters;
  const counts = need(block.counts, 'counts');
  checkQber(need(block.sampleQber, 'sampleQber'), params.qberThreshold, 'sampled');
  block.sent = sentPerClass(params, params.pulsesSent);
  const detected = need(block.detected, 'detected');
  const errors = optimistic ? optimisticErrors(detected, need(counts.sampleDetected, 'sampleDetected'), need(counts.sampleErrors, 'sampleErrors')) : counts.errors;
  return finiteKey(finiteKeyInput(params, detected, errors, { sent: block.sent }));
}

export const preliminaryBound: Stage = {
  state: 'preliminary-bound',

  async satellite(c: SatelliteContext) {
    const { block } = c;
    const prelim = preliminary(block, c.post.finiteKey);
    block.preliminary = prelim;
    // the point estimate gives no key: go on only if the optimistic end of the sample gives one
    const go = prelim.keyLengthBits > 0 ? prelim : preliminary(block, c.post.finiteKey, true);
    if (go.keyLengthBits <= 0) {
      throw new ProtocolAbort('no-key', `preliminary ${block.parameters.bound} bound gives no key${prelim.reason ? ': ' + prelim.reason : ''}`);
    }
    await c.session.send({ type: 'decision', stage: 'preliminary', keyLengthBits: go.keyLengthBits });
  },

  async ground(c: GroundContext) {
    const { block } = c;
    const params = block.parameters;
    checkQber(need(block.sampleQber, 'sampleQber'), params.qberThreshold, 'sampled');
    const decision = await c.session.expect('decision');
    if (decision.stage !== 'preliminary') throw new ProtocolAbort('protocol-violation', 'expected the preliminary decision');
    block.preliminary = preliminary(block, c.post.finiteKey);
  },
};
