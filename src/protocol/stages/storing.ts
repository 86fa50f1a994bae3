/**
 * Stage `storing`: the parties confirm each other's key length (`done`), then each puts its final
 * key into its sink (the protocol's KeySink port; kms/sink.ts implements it). Nothing is stored
 * before both confirmations, so an abort anywhere earlier leaves no key on either side.
 */
import { ProtocolAbort } from '../../core/errors.js';
import type { Block } from '../../postprocess/block.js';
import type { KeySink } from '../types.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

async function store(block: Block, sink: KeySink | undefined): Promise<void> {
  const params = block.parameters;
  await sink?.store({
    passId: block.passId,
    blockId: block.blockId,
    site: block.site,
    peerSite: block.peerSite,
    epsSec: params.epsSec,
    epsCor: params.epsCor,
    key: need(block.finalKey, 'finalKey'),
  });
  block.stored = true;
}

export const storing: Stage = {
  state: 'storing',

  async satellite(c: SatelliteContext) {
    const { block, session } = c;
    const ell = need(block.keyLengthBits, 'keyLengthBits');
    await session.send({ type: 'done', keyBits: ell });
    const peerDone = await session.expect('done');
    if (peerDone.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `ground reports ${peerDone.keyBits} key bits, expected ${ell}`);
    await store(block, c.opts.sink);
  },

  async ground(c: GroundContext) {
    const { block, session } = c;
    const ell = need(block.keyLengthBits, 'keyLengthBits');
    const satDone = await session.expect('done');
    if (satDone.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `satellite reports ${satDone.keyBits} key bits, expected ${ell}`);
    await session.send({ type: 'done', keyBits: ell });
    await store(block, c.opts.sink);
  },
};
