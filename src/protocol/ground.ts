/**
 * The ground-station (Bob) state machine. Knows only its detection list (pulse index, basis,
 * bit after timing recovery); announces detections, sifts on Alice's disclosure, answers the
 * estimation sample, corrects its key, reports the error counts reconciliation found, checks
 * every decision of the satellite against its own computation, stores its key.
 */
import { BitArray } from '../core/bits.js';
import { ProtocolAbort } from '../core/errors.js';
import type { MessageChannel } from '../postprocess/channel.js';
import { LeakageLedger } from '../postprocess/ledger.js';
import {
  reconciliationQber,
  CLASSES,
  classCounts,
  complement,
  countDisclosureBits,
  finiteKeyInput,
  keyBitsSelection,
  qberOf,
  sentPerClass,
  sift,
} from './common.js';
import { closeLedger, keyDigest, runParty } from './party.js';
import { Drbg } from './random.js';
import { checkQber, estimate } from './satellite.js';
import { Session } from './session.js';
import type { GroundDetections, PartyOptions, PartyResult, ReconciliationMethod } from './types.js';

const METHODS: ReconciliationMethod[] = ['cascade', 'ldpc', 'hamming'];

export interface GroundExpectations {
  /** Reject a satellite proposing a weaker ε_sec than this (default: accept the satellite's). */
  maxEpsSec?: number;
}

export async function runGround(
  channel: MessageChannel,
  input: GroundDetections,
  opts: PartyOptions & GroundExpectations,
): Promise<PartyResult> {
  const session = new Session(channel, 'ground', undefined, opts.rawNotify);
  const rng = new Drbg(opts.seed !== undefined ? `ground/${opts.seed}` : undefined);
  const ledger = new LeakageLedger(`${input.passId}/0`);
  opts.attachLedger?.(ledger);
  const n = input.pulseIndex.length;
  return runParty(
    'ground',
    session,
    opts,
    { role: 'ground', site: input.site, peerSite: '', passId: input.passId, blockId: 0 },
    async (tr, result) => {
      await session.send({ type: 'hello', site: input.site, passId: input.passId, detections: n });
      const params = await session.expect('params');
      result.peerSite = params.site;
      result.blockId = Number(params.blockId);
      if (!Number.isInteger(result.blockId) || result.blockId < 0) throw new ProtocolAbort('protocol-violation', `block id ${params.blockId}`);
      if (!METHODS.includes(params.reconciliation as ReconciliationMethod)) {
        throw new ProtocolAbort('protocol-violation', `unknown reconciliation ${params.reconciliation}`);
      }
      if (params.mu.length !== CLASSES || params.p.length !== CLASSES) throw new ProtocolAbort('protocol-violation', 'expected three intensity classes');
      if (opts.maxEpsSec !== undefined && params.epsSec > opts.maxEpsSec) {
        throw new ProtocolAbort('protocol-violation', `satellite proposes ε_sec ${params.epsSec} above the ground's limit ${opts.maxEpsSec}`);
      }

      tr.enter('detections');
      const basisBits = new BitArray(n);
      for (let i = 0; i < n; i++) if (input.basis[i]) basisBits.words[i >>> 5] |= 1 << (i & 31);
      await session.send({ type: 'detections', pulseIndex: input.pulseIndex, basis: basisBits });

      tr.enter('sifting');
      const sm = await session.expect('sift');
      if (sm.match.length !== n) throw new ProtocolAbort('protocol-violation', `sifting covers ${sm.match.length} detections, expected ${n}`);
      const sifted = sift(sm.match, input.basis, sm.intensity, input.bit);
      const detected = classCounts(sifted);

      tr.enter('estimation');
      const sample = await session.expect('sample');
      const positions = sample.positions;
      if (positions.length !== sample.bits.length || (positions.length > 0 && positions[positions.length - 1] >= sifted.bits.length)) {
        throw new ProtocolAbort('protocol-violation', 'estimation sample does not fit the sifted key');
      }
      const mine = sifted.bits.select(positions);
      await session.send({ type: 'sample', positions: new Float64Array(0), bits: mine });
      ledger.add('estimation', positions.length, 'estimation sample (disclosed, removed from the key)');
      const { counts, sampleQber, sErr } = estimate(n, sifted, detected, positions, sample.bits, mine);
      result.counts = counts;
      result.sampleQber = sampleQber;
      const errorFlag = new Uint8Array(sifted.bits.length);
      for (let i = 0; i < positions.length; i++) if (sample.bits.get(i) !== mine.get(i)) errorFlag[positions[i]] = 1;
      const pulseIndexOfSifted = new Float64Array(sifted.bits.length);
      for (let i = 0; i < sifted.bits.length; i++) pulseIndexOfSifted[i] = input.pulseIndex[sifted.detection[i]];
      const sampled = new Uint8Array(sifted.bits.length);
      for (let i = 0; i < positions.length; i++) sampled[positions[i]] = 1;
      const detail = { pulseIndex: pulseIndexOfSifted, basis: sifted.basis, intensity: sifted.intensity, error: errorFlag, sampled, errorsExact: false };
      result.siftedDetail = detail;

      tr.enter('preliminary-bound');
      checkQber(sampleQber, params.qberThreshold, 'sampled');
      const sent = sentPerClass(params, params.pulsesSent);
      const decision = await session.expect('decision');
      if (decision.stage !== 'preliminary') throw new ProtocolAbort('protocol-violation', 'expected the preliminary decision');
      const prelim = opts.post.finiteKey(finiteKeyInput(params, detected, counts.errors, { sent }));
      result.preliminary = prelim;

      tr.enter('reconciliation');
      const keyPositions = complement(sifted.bits.length, positions);
      const raw = sifted.bits.select(keyPositions);
      const corrected = await opts.post.reconcileBob(
        params.reconciliation as ReconciliationMethod,
        raw.clone(),
        session.stage('reconcile'),
        ledger,
        reconciliationQber(sampleQber, positions.length),
        rng.fork('reconcile'),
      );
      if (corrected.length !== raw.length) throw new ProtocolAbort('reconciliation-failed', 'corrected key has the wrong length');

      tr.enter('verification');
      await opts.post.verifyBob(corrected, session.stage('verify'), ledger, params.epsCor, rng.fork('verify'));

      tr.enter('final-bound');
      const diff = corrected.clone().xorInPlace(raw);
      const errors = sErr.slice();
      for (let w = 0; w < diff.words.length; w++) {
        let x = diff.words[w];
        while (x !== 0) {
          const b = 31 - Math.clz32(x & -x);
          x &= x - 1;
          const j = keyPositions[w * 32 + b];
          errorFlag[j] = 1;
          errors[sifted.basis[j] * CLASSES + sifted.intensity[j]]++;
        }
      }
      detail.errorsExact = true;
      await session.send({ type: 'errors', counts: errors });
      for (let i = 0; i < errors.length; i++) ledger.add('estimation', countDisclosureBits(detected[i]), 'error counts per basis and intensity');
      counts.errors = errors;
      result.qber = qberOf(errors, detected);
      checkQber(result.qber, params.qberThreshold, 'measured');
      const final = await session.expect('decision');
      const fk = opts.post.finiteKey(finiteKeyInput(params, detected, errors, { leakageBits: ledger.leakedBits(), sent }));
      result.finiteKey = fk;
      if (final.stage !== 'final' || final.keyLengthBits !== fk.keyLengthBits) {
        throw new ProtocolAbort('protocol-violation', `satellite decided ${final.keyLengthBits} key bits, the ground computes ${fk.keyLengthBits}`);
      }
      const ell = fk.keyLengthBits;
      const sel = keyBitsSelection(sifted, keyPositions, params);
      const paInput = sel ? corrected.select(sel) : corrected;

      tr.enter('amplification');
      const finalKey = await opts.post.amplifyBob(paInput, ell, session.stage('amplify'), ledger);
      closeLedger(ledger);
      if (finalKey.length !== ell) throw new ProtocolAbort('protocol-violation', `amplified key has ${finalKey.length} bits, expected ${ell}`);

      tr.enter('storing');
      const satDone = await session.expect('done');
      if (satDone.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `satellite reports ${satDone.keyBits} key bits, expected ${ell}`);
      await session.send({ type: 'done', keyBits: ell });
      result.ledger = ledger.summary();
      await opts.sink?.store({
        passId: input.passId,
        blockId: result.blockId,
        site: input.site,
        peerSite: params.site,
        epsSec: params.epsSec,
        epsCor: params.epsCor,
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
