/**
 * Stage `preliminary-bound`: both sides check the sampled QBER and compute the finite-key bound
 * from the extrapolated errors; the satellite decides go (or aborts with no key) and tells the ground.
 */
import { ProtocolAbort } from '../../core/errors.js';
import { checkQber } from '../../postprocess/estimate.js';
import { finiteKeyInput, sentPerClass } from '../../postprocess/finiteKeyInput.js';
import type { Block } from '../../postprocess/block.js';
import type { FiniteKeyFn, FiniteKeyResult } from '../../security/types.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

function preliminary(block: Block, finiteKey: FiniteKeyFn): FiniteKeyResult {
  const params = block.parameters;
  const counts = need(block.counts, 'counts');
  checkQber(need(block.sampleQber, 'sampleQber'), params.qberThreshold, 'sampled');
  block.sent = sentPerClass(params, params.pulsesSent);
  return finiteKey(finiteKeyInput(params, need(block.detected, 'detected'), counts.errors, { sent: block.sent }));
}

export const preliminaryBound: Stage = {
  state: 'preliminary-bound',

  async satellite(c: SatelliteContext) {
    const { block } = c;
    const prelim = preliminary(block, c.post.finiteKey);
    block.preliminary = prelim;
    if (prelim.keyLengthBits <= 0) {
      throw new ProtocolAbort('no-key', `preliminary ${block.parameters.bound} bound gives no key${prelim.reason ? ': ' + prelim.reason : ''}`);
    }
    await c.session.send({ type: 'decision', stage: 'preliminary', keyLengthBits: prelim.keyLengthBits });
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
