/**
 * Stage `storing`: the commit protocol (protocol/commit.ts). The parties confirm each other's key
 * length (`done`), store the block pending, and make it deliverable only once each knows the other
 * holds it (`stored`). Nothing is deliverable before that, so an abort anywhere leaves no usable
 * key on either side; pending leftovers are resolved at the start of the next session (`recovery`).
 */
import type { Block } from '../../postprocess/block.js';
import { commitGround, commitPort, commitSatellite } from '../commit.js';
import type { StoredBlock } from '../types.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

function storedBlock(block: Block): StoredBlock {
  const params = block.parameters;
  return {
    passId: block.passId,
    blockId: block.blockId,
    site: block.site,
    peerSite: block.peerSite,
    epsSec: params.epsSec,
    epsCor: params.epsCor,
    key: need(block.finalKey, 'finalKey'),
  };
}

export const storing: Stage = {
  state: 'storing',

  async satellite(c: SatelliteContext) {
    need(c.block.keyLengthBits, 'keyLengthBits');
    await commitSatellite(c.session, commitPort(c.opts.sink), storedBlock(c.block));
    c.block.stored = true;
  },

  async ground(c: GroundContext) {
    need(c.block.keyLengthBits, 'keyLengthBits');
    await commitGround(c.session, commitPort(c.opts.sink), storedBlock(c.block));
    c.block.stored = true;
  },
};
