/**
 * Stage `estimation`: the satellite picks a random sample of sifted positions and discloses its
 * bits there, the ground answers with its bits; both book both directions of the sample and
 * estimate the QBER per basis and intensity (postprocess/estimate.ts). The sample is removed from
 * the key. (Booking the sample is conservative: its positions leave the key; the count is kept so
 * that no disclosed bit escapes the ledger.)
 */
import { ProtocolAbort } from '../../core/errors.js';
import type { Block } from '../../postprocess/block.js';
import { estimate, samplePositions } from '../../postprocess/estimate.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';

const SAMPLE_LABEL = 'estimation sample (disclosed, removed from the key)';
const ANSWER_LABEL = "estimation sample, the ground's bits (Bob→Alice)";

/** Both directions of the sample: the satellite's bits, then the ground's answer at the same positions. */
function bookSample(block: Block, bits: number): void {
  block.ledger.add('estimation', bits, SAMPLE_LABEL);
  block.ledger.add('estimation', bits, ANSWER_LABEL);
}

export const estimation: Stage = {
  state: 'estimation',

  async satellite(c: SatelliteContext) {
    const { block, session } = c;
    const sifted = need(block.sifted, 'sifted');
    const positions = samplePositions(sifted.bits.length, block.parameters.sampleFraction, c.rng.fork('sample'));
    const mine = sifted.bits.select(positions);
    await session.send({ type: 'sample', positions, bits: mine });
    const theirs = await session.expect('sample');
    if (theirs.bits.length !== positions.length) {
      throw new ProtocolAbort('protocol-violation', `sample answer has ${theirs.bits.length} bits, expected ${positions.length}`);
    }
    bookSample(block, positions.length);
    const est = estimate(block.detections, sifted, need(block.detected, 'detected'), positions, mine, theirs.bits);
    block.sample = { positions, alice: mine, bob: theirs.bits, errors: est.sampleErrors };
    block.counts = est.counts;
    block.sampleQber = est.sampleQber;
  },

  async ground(c: GroundContext) {
    const { block, session, input } = c;
    const sifted = need(block.sifted, 'sifted');
    const sample = await session.expect('sample');
    const positions = sample.positions;
    if (positions.length !== sample.bits.length || (positions.length > 0 && positions[positions.length - 1] >= sifted.bits.length)) {
      throw new ProtocolAbort('protocol-violation', 'estimation sample does not fit the sifted key');
    }
    const mine = sifted.bits.select(positions);
    await session.send({ type: 'sample', positions: new Float64Array(0), bits: mine });
    bookSample(block, positions.length);
    const est = estimate(block.detections, sifted, need(block.detected, 'detected'), positions, sample.bits, mine);
    block.sample = { positions, alice: sample.bits, bob: mine, errors: est.sampleErrors };
    block.counts = est.counts;
    block.sampleQber = est.sampleQber;
    // The ground's per-detection report: pulse index, class, and which sifted bits were errors.
    const m = sifted.bits.length;
    const error = new Uint8Array(m);
    for (let i = 0; i < positions.length; i++) if (sample.bits.get(i) !== mine.get(i)) error[positions[i]] = 1;
    const pulseIndex = new Float64Array(m);
    for (let i = 0; i < m; i++) pulseIndex[i] = input.pulseIndex[sifted.detection[i]];
    const sampled = new Uint8Array(m);
    for (let i = 0; i < positions.length; i++) sampled[positions[i]] = 1;
    block.siftedDetail = { pulseIndex, basis: sifted.basis, intensity: sifted.intensity, error, sampled, errorsExact: false };
  },
};
