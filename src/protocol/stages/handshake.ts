/**
 * Stage `hello`: the ground announces its site, pass and number of detections; the satellite
 * checks the pass and announces the block's parameters, which the ground checks against its limits.
 */
import { ProtocolAbort } from '../../core/errors.js';
import type { BlockParameters } from '../../postprocess/block.js';
import { CLASSES } from '../../postprocess/sift.js';
import type { ParamsMsg } from '../messages.js';
import type { SatellitePolicy, SatelliteSource } from '../types.js';
import type { GroundContext, SatelliteContext, Stage } from './stage.js';

/** The block's parameters as the satellite announces them (and the replay reports them). */
export function paramsMessage(source: SatelliteSource, policy: SatellitePolicy, blockId: string): ParamsMsg {
  return {
    type: 'params',
    site: source.site,
    blockId,
    mu: source.mu,
    p: source.p,
    pZ: source.pZ,
    epsSec: policy.epsSec,
    epsCor: policy.epsCor,
    bound: policy.bound,
    protocol: policy.protocol,
    reconciliation: policy.reconciliation,
    qberThreshold: policy.qberThreshold,
    sampleFraction: policy.sampleFraction,
    pulseRateHz: source.pulseRateHz,
    pulsesSent: source.pulsesSent,
  };
}

function parametersOf(m: ParamsMsg): BlockParameters {
  const { type: _type, ...params } = m;
  return params;
}

export const handshake: Stage = {
  state: 'hello',

  async satellite(c: SatelliteContext) {
    const { session, block, source } = c;
    const hello = await session.expect('hello');
    block.peerSite = hello.site;
    if (hello.passId !== source.passId) {
      throw new ProtocolAbort('protocol-violation', `ground announces pass ${hello.passId}, the satellite recorded ${source.passId}`);
    }
    c.announcedDetections = hello.detections;
    c.streamed = hello.streamed === true;
    const params = paramsMessage(source, c.policy, String(block.blockId));
    block.params = parametersOf(params);
    await session.send(params);
  },

  async ground(c: GroundContext) {
    const { session, block, input } = c;
    c.streamed = c.blocks !== undefined;
    await session.send({ type: 'hello', site: input.site, passId: input.passId, detections: c.streamed ? 0 : input.pulseIndex.length, ...(c.streamed ? { streamed: true } : {}) });
    const params = await session.expect('params');
    block.peerSite = params.site;
    block.blockId = Number(params.blockId);
    if (!Number.isInteger(block.blockId) || block.blockId < 0) throw new ProtocolAbort('protocol-violation', `block id ${params.blockId}`);
    if (params.mu.length !== CLASSES || params.p.length !== CLASSES) throw new ProtocolAbort('protocol-violation', 'expected three intensity classes');
    if (c.limits.maxEpsSec !== undefined && params.epsSec > c.limits.maxEpsSec) {
      throw new ProtocolAbort('protocol-violation', `satellite proposes ε_sec ${params.epsSec} above the ground's limit ${c.limits.maxEpsSec}`);
    }
    block.params = parametersOf(params);
  },
};
