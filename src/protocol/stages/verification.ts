/** Stage `verification`: a universal-hash tag of the corrected key (postprocess/verify.ts); a mismatch aborts both sides. */
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

export const verification: Stage = {
  state: 'verification',

  async satellite(c: SatelliteContext) {
    const { block } = c;
    await c.post.verifyAlice(need(block.key, 'key'), c.session.stage('verify'), block.ledger, block.parameters.epsCor, c.rng.fork('verify'));
  },

  async ground(c: GroundContext) {
    const { block } = c;
    await c.post.verifyBob(need(block.key, 'key'), c.session.stage('verify'), block.ledger, block.parameters.epsCor, c.rng.fork('verify'));
  },
};
