/**
 * Stage `verification`: a universal-hash tag of the corrected key (postprocess/verify.ts); a
 * mismatch aborts both sides. A streamed pass first takes in the peer's half of the PA seed.
 */
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';
import { receiveSeedPart } from './streamed-blocks.js';

export const verification: Stage = {
  state: 'verification',

  async satellite(c: SatelliteContext) {
    const { block } = c;
    // a streamed pass: the ground's half of the PA seed, sent after its last block, comes first
    if (c.streamed) await receiveSeedPart(c.session, block, true);
    await c.post.verifyAlice(need(block.key, 'key'), c.session.stage('verify'), block.ledger, block.parameters.epsCor, c.rng.fork('verify'));
  },

  async ground(c: GroundContext) {
    const { block } = c;
    if (c.streamed) await receiveSeedPart(c.session, block, false);
    await c.post.verifyBob(need(block.key, 'key'), c.session.stage('verify'), block.ledger, block.parameters.epsCor, c.rng.fork('verify'));
  },
};
