/**
 * The satellite (Alice) state machine. Knows only its source (seed-derived pulse settings) and
 * transmitter parameters; decides the block's parameters, sifts, estimates, computes the bound,
 * drives reconciliation, verification and privacy amplification, stores its key.
 */
import { ProtocolAbort } from '../core/errors.js';
import type { MessageChannel } from '../postprocess/channel.js';
import { LeakageLedger } from '../postprocess/ledger.js';
import {
  paramsMessage,
  reconciliationQber,
  CLASSES,
  classCounts,
  complement,
  countDisclosureBits,
  finiteKeyInput,
  keyBitsSelection,
  qberOf,
  sampleErrors,
  sentPerClass,
  sift,
  type Sifted,
} from './common.js';
import type { ParamsMsg } from './messages.js';
import { closeLedger, keyDigest, runParty } from './party.js';
import { Drbg, samplePositions } from './random.js';
import { Session } from './session.js';
import type { PartyOptions, PartyResult, SatellitePolicy, SatelliteSource } from './types.js';
import { BitArray } from '../core/bits.js';

export const BLOCK_ID = 0;

/** Errors per class extrapolated from the sample (for the preliminary bound only). */
/**
 * Parameter estimation from the disclosed sample (same on both sides): per basis and intensity,
 * the sampled errors and detections, the sampled QBER, and the errors extrapolated to all bits.
 */
export function estimate(n: number, sifted: Sifted, detected: number[], positions: ArrayLike<number>, alice: BitArray, bob: BitArray) {
  const sErr = sampleErrors(sifted, positions, alice, bob);
  const sDet = classCounts(sifted, positions);
  const counts = {
    detections: n,
    siftedBits: sifted.bits.length,
    sampleBits: positions.length,
    detected,
    errors: extrapolateErrors(detected, sDet, sErr),
    sampleErrors: sErr,
    sampleDetected: sDet,
  };
  return { counts, sampleQber: qberOf(sErr, sDet), sErr };
}

export function extrapolateErrors(detected: number[], sampleDet: number[], sampleErr: number[]): number[] {
  const out: number[] = [];
  for (let basis = 0; basis < 2; basis++) {
    let sd = 0;
    let se = 0;
    for (let k = 0; k < CLASSES; k++) {
      sd += sampleDet[basis * CLASSES + k];
      se += sampleErr[basis * CLASSES + k];
    }
    for (let k = 0; k < CLASSES; k++) {
      const i = basis * CLASSES + k;
      const rate = sampleDet[i] >= 20 ? sampleErr[i] / sampleDet[i] : k === 2 ? 0.5 : sd > 0 ? se / sd : 0;
      out.push(Math.round(rate * detected[i]));
    }
  }
  return out;
}

export function checkQber(qber: number, threshold: number, what: string): void {
  if (qber > threshold) {
    throw new ProtocolAbort(
      'qber-too-high',
      `${what} QBER ${(qber * 100).toFixed(2)} % is above the threshold ${(threshold * 100).toFixed(2)} %`,
    );
  }
}

export async function runSatellite(
  channel: MessageChannel,
  source: SatelliteSource,
  policy: SatellitePolicy,
  opts: PartyOptions,
): Promise<PartyResult> {
  const session = new Session(channel, 'satellite', undefined, opts.rawNotify);
  const rng = new Drbg(opts.seed !== undefined ? `satellite/${opts.seed}` : undefined);
  const ledger = new LeakageLedger(`${source.passId}/${BLOCK_ID}`);
  opts.attachLedger?.(ledger);
  return runParty(
    'satellite',
    session,
    opts,
    { role: 'satellite', site: source.site, peerSite: '', passId: source.passId, blockId: BLOCK_ID },
    async (tr, result) => {
      const hello = await session.expect('hello');
      result.peerSite = hello.site;
      if (hello.passId !== source.passId) {
        throw new ProtocolAbort('protocol-violation', `ground announces pass ${hello.passId}, the satellite recorded ${source.passId}`);
      }
      const params: ParamsMsg = paramsMessage(source, policy, String(BLOCK_ID));
      await session.send(params);

      tr.enter('detections');
      const det = await session.expect('detections');
      if (det.pulseIndex.length !== hello.detections) {
        throw new ProtocolAbort('protocol-violation', `ground announced ${hello.detections} detections, sent ${det.pulseIndex.length}`);
      }
      const n = det.pulseIndex.length;
      if (n > 0 && det.pulseIndex[n - 1] >= source.pulsesSent) {
        throw new ProtocolAbort('protocol-violation', `pulse index ${det.pulseIndex[n - 1]} beyond the ${source.pulsesSent} pulses sent`);
      }

      tr.enter('sifting');
      const settings = source.settings(det.pulseIndex);
      const match = new BitArray(n);
      for (let i = 0; i < n; i++) if (settings.basis[i] === det.basis.get(i)) match.words[i >>> 5] |= 1 << (i & 31);
      await session.send({ type: 'sift', match, intensity: settings.intensity });
      const sifted = sift(match, settings.basis, settings.intensity, settings.bit);
      const detected = classCounts(sifted);

      tr.enter('estimation');
      const positions = samplePositions(sifted.bits.length, policy.sampleFraction, rng.fork('sample'));
      const mine = sifted.bits.select(positions);
      await session.send({ type: 'sample', positions, bits: mine });
      const theirs = await session.expect('sample');
      if (theirs.bits.length !== positions.length) {
        throw new ProtocolAbort('protocol-violation', `sample answer has ${theirs.bits.length} bits, expected ${positions.length}`);
      }
      ledger.add('estimation', positions.length, 'estimation sample (disclosed, removed from the key)');
      const { counts, sampleQber } = estimate(n, sifted, detected, positions, mine, theirs.bits);
      result.counts = counts;
      result.sampleQber = sampleQber;

      tr.enter('preliminary-bound');
      checkQber(sampleQber, policy.qberThreshold, 'sampled');
      const sent = sentPerClass(params, params.pulsesSent);
      const prelim = opts.post.finiteKey(finiteKeyInput(params, detected, counts.errors, { sent }));
      result.preliminary = prelim;
      if (prelim.keyLengthBits <= 0) {
        throw new ProtocolAbort('no-key', `preliminary ${policy.bound} bound gives no key${prelim.reason ? ': ' + prelim.reason : ''}`);
      }
      await session.send({ type: 'decision', stage: 'preliminary', keyLengthBits: prelim.keyLengthBits });

      tr.enter('reconciliation');
      const keyPositions = complement(sifted.bits.length, positions);
      const key = sifted.bits.select(keyPositions);
      await opts.post.reconcileAlice(policy.reconciliation, key, session.stage('reconcile'), ledger, reconciliationQber(sampleQber, positions.length), rng.fork('reconcile'));

      tr.enter('verification');
      await opts.post.verifyAlice(key, session.stage('verify'), ledger, policy.epsCor, rng.fork('verify'));

      tr.enter('final-bound');
      const errs = await session.expect('errors');
      if (errs.counts.length !== 2 * CLASSES || errs.counts.some((c, i) => c > detected[i])) {
        throw new ProtocolAbort('protocol-violation', 'error counts do not match the sifted counts');
      }
      for (let i = 0; i < errs.counts.length; i++) {
        ledger.add('estimation', countDisclosureBits(detected[i]), 'error counts per basis and intensity');
      }
      counts.errors = errs.counts;
      result.qber = qberOf(errs.counts, detected);
      checkQber(result.qber, policy.qberThreshold, 'measured');
      const fk = opts.post.finiteKey(finiteKeyInput(params, detected, errs.counts, { leakageBits: ledger.leakedBits(), sent }));
      result.finiteKey = fk;
      const ell = fk.keyLengthBits;
      const sel = keyBitsSelection(sifted, keyPositions, params);
      const paInput = sel ? key.select(sel) : key;
      if (ell <= 0 || ell > paInput.length) {
        throw new ProtocolAbort('no-key', `final ${policy.bound} bound leaves ${ell} bits after ${ledger.leakedBits()} bits leaked${fk.reason ? ': ' + fk.reason : ''}`);
      }
      await session.send({ type: 'decision', stage: 'final', keyLengthBits: ell });

      tr.enter('amplification');
      const finalKey = await opts.post.amplifyAlice(paInput, ell, session.stage('amplify'), ledger, rng.fork('amplify'));
      closeLedger(ledger);
      if (finalKey.length !== ell) throw new ProtocolAbort('protocol-violation', `amplified key has ${finalKey.length} bits, expected ${ell}`);

      tr.enter('storing');
      await session.send({ type: 'done', keyBits: ell });
      const peerDone = await session.expect('done');
      if (peerDone.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `ground reports ${peerDone.keyBits} key bits, expected ${ell}`);
      result.ledger = ledger.summary();
      await opts.sink?.store({
        passId: source.passId,
        blockId: BLOCK_ID,
        site: source.site,
        peerSite: hello.site,
        epsSec: policy.epsSec,
        epsCor: policy.epsCor,
        key: finalKey,
      });
      result.key = finalKey;
      result.keyBits = ell;
      result.keyDigest = keyDigest(finalKey);
    },
  ).then((r) => {
    if (!r.ledger) r.ledger = ledger.summary();
    return r;
  });
}
