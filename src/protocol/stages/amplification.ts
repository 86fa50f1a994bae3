/**
 * Stage `amplification`: privacy amplification of the key bases' bits to ℓ bits (the satellite
 * draws the hash seed and sends it, postprocess/privacy.ts; a streamed pass hashes with the seed
 * the two parties exchanged with its last block, stages/streamed-blocks.ts); the ledger is closed
 * after it.
 */
import { ProtocolAbort } from '../../core/errors.js';
import type { BitArray } from '../../core/bits.js';
import type { Block } from '../../postprocess/block.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

function finish(block: Block, finalKey: BitArray, ell: number): void {
  if (!block.ledger.isClosed) block.ledger.close();
  if (finalKey.length !== ell) throw new ProtocolAbort('protocol-violation', `amplified key has ${finalKey.length} bits, expected ${ell}`);
  block.finalKey = finalKey;
}

export const amplification: Stage = {
  state: 'amplification',

  async satellite(c: SatelliteContext) {
    const { block } = c;
    const ell = need(block.keyLengthBits, 'keyLengthBits');
    if (block.amplifySeed) return finish(block, await c.post.amplifySeeded(need(block.amplifyInput, 'amplifyInput'), ell, block.amplifySeed, block.ledger), ell);
    finish(block, await c.post.amplifyAlice(need(block.amplifyInput, 'amplifyInput'), ell, c.session.stage('amplify'), block.ledger, c.rng.fork('amplify')), ell);
  },

  async ground(c: GroundContext) {
    const { block } = c;
    const ell = need(block.keyLengthBits, 'keyLengthBits');
    if (block.amplifySeed) {
      const key = await c.post.amplifySeeded(need(block.amplifyInput, 'amplifyInput'), ell, block.amplifySeed, block.ledger);
      // the satellite's ℓ (still crossing while the ground hashed: finalBound.ts) must agree before the key is kept
      if (c.finalDecision) await c.finalDecision;
      return finish(block, key, ell);
    }
    finish(block, await c.post.amplifyBob(need(block.amplifyInput, 'amplifyInput'), ell, c.session.stage('amplify'), block.ledger), ell);
  },
};
