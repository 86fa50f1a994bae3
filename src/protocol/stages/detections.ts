/** Stage `detections`: the ground sends its detections' pulse indices and bases; the satellite checks them. */
import { ProtocolAbort } from '../../core/errors.js';
import { basisBits } from '../../postprocess/sift.js';
import type { GroundContext, SatelliteContext, Stage } from './stage.js';

export const detections: Stage = {
  state: 'detections',

  async satellite(c: SatelliteContext) {
    const det = await c.session.expect('detections');
    if (det.pulseIndex.length !== c.announcedDetections) {
      throw new ProtocolAbort('protocol-violation', `ground announced ${c.announcedDetections} detections, sent ${det.pulseIndex.length}`);
    }
    const n = det.pulseIndex.length;
    if (n > 0 && det.pulseIndex[n - 1] >= c.source.pulsesSent) {
      throw new ProtocolAbort('protocol-violation', `pulse index ${det.pulseIndex[n - 1]} beyond the ${c.source.pulsesSent} pulses sent`);
    }
    c.detections = det;
    c.block.detections = n;
  },

  async ground(c: GroundContext) {
    const { input } = c;
    await c.session.send({ type: 'detections', pulseIndex: input.pulseIndex, basis: basisBits(input.basis) });
    c.block.detections = input.pulseIndex.length;
  },
};
