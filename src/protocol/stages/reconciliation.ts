/**
 * Stage `reconciliation`: both sides take the sifted bits outside the sample as the key; the
 * satellite's are the reference, the ground corrects its own with the block's reconciler
 * (postprocess/reconcile/), tuned for the sampled QBER plus its uncertainty. Every disclosed bit
 * is booked in the block's ledger by the reconciler.
 */
import { ProtocolAbort } from '../../core/errors.js';
import { reconciliationQber } from '../../postprocess/estimate.js';
import { complement } from '../../postprocess/sift.js';
import type { Block } from '../../postprocess/block.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

/** The key positions and bits (the sifted string without the sample), and the reconciliation's QBER. */
function keyOf(block: Block) {
  const sifted = need(block.sifted, 'sifted');
  const positions = need(block.sample, 'sample').positions;
  const keyPositions = complement(sifted.bits.length, positions);
  block.keyPositions = keyPositions;
  return { keyPositions, key: sifted.bits.select(keyPositions), qber: reconciliationQber(need(block.sampleQber, 'sampleQber'), positions.length) };
}

export const reconciliation: Stage = {
  state: 'reconciliation',

  async satellite(c: SatelliteContext) {
    const { block } = c;
    const { key, qber } = keyOf(block);
    block.key = key;
    await c.post.reconcileAlice(block.parameters.reconciliation, key, c.session.stage('reconcile'), block.ledger, qber, c.rng.fork('reconcile'));
  },

  async ground(c: GroundContext) {
    const { block } = c;
    const { key: raw, qber } = keyOf(block);
    block.rawKey = raw;
    const corrected = await c.post.reconcileBob(block.parameters.reconciliation, raw.clone(), c.session.stage('reconcile'), block.ledger, qber, c.rng.fork('reconcile'));
    if (corrected.length !== raw.length) throw new ProtocolAbort('reconciliation-failed', 'corrected key has the wrong length');
    block.key = corrected;
  },
};
