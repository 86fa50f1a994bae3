/**
 * Stage `recovery` (right after the handshake, before any quantum data are processed): the two
 * parties resolve the pending blocks a previous session of their link left (protocol/commit.ts).
 */
import { commitPort, recoverGround, recoverSatellite } from '../commit.js';
import type { GroundContext, SatelliteContext, Stage } from './stage.js';

export const recovery: Stage = {
  state: 'hello',

  async satellite(c: SatelliteContext) {
    const r = await recoverSatellite(c.session, commitPort(c.opts.sink), c.block.peerSite);
    if (r.confirmed + r.discarded > 0) c.opts.onEvent?.({ role: 'satellite', state: 'hello', detail: `recovered pending blocks: ${r.confirmed} confirmed, ${r.discarded} discarded` });
  },

  async ground(c: GroundContext) {
    const r = await recoverGround(c.session, commitPort(c.opts.sink), c.block.peerSite);
    if (r.confirmed + r.discarded > 0) c.opts.onEvent?.({ role: 'ground', state: 'hello', detail: `recovered pending blocks: ${r.confirmed} confirmed, ${r.discarded} discarded` });
  },
};
