/**
 * Stage `sifting`: the satellite discloses, per detection, whether the bases matched and the
 * intensity class; both sides keep the matching detections (postprocess/sift.ts).
 */
import { ProtocolAbort } from '../../core/errors.js';
import { basisMatch, classCounts, sift } from '../../postprocess/sift.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

export const sifting: Stage = {
  state: 'sifting',

  async satellite(c: SatelliteContext) {
    const det = need(c.detections, 'detections');
    const n = det.pulseIndex.length;
    if (n > 0 && c.source.ready) await c.source.ready(det.pulseIndex[n - 1]);
    const settings = c.source.settings(det.pulseIndex);
    const match = basisMatch(settings.basis, det.basis);
    await c.session.send({ type: 'sift', match, intensity: settings.intensity });
    c.block.sifted = sift(match, settings.basis, settings.intensity, settings.bit);
    c.block.detected = classCounts(c.block.sifted);
  },

  async ground(c: GroundContext) {
    const { input, block } = c;
    const n = input.pulseIndex.length;
    const sm = await c.session.expect('sift');
    if (sm.match.length !== n) throw new ProtocolAbort('protocol-violation', `sifting covers ${sm.match.length} detections, expected ${n}`);
    block.sifted = sift(sm.match, input.basis, sm.intensity, input.bit);
    block.detected = classCounts(block.sifted);
  },
};
