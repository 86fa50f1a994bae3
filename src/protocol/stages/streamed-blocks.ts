/**
 * Stage `streamed-blocks` (a streamed pass, `mozi ground --follow`): sifting, estimation and
 * reconciliation per block of detections while the pass is still recorded, so that after the last
 * tag only the last block and the whole-pass stages remain.
 *
 * Per block b (as the ground's timing tracker emits it, timing/tracker.ts):
 *   G→S detections (pulse indices, bases)  S→G sift (match, intensity)  S→G sample  G→S sample
 *   ⇄ reconciliation of the block's key (sifted bits outside its sample) with the block's reconciler
 *   G→S errors (one count: the errors the ground corrected in the block; sets the next block's QBER)
 * then G→S end (total detections and blocks) and each side's half of the PA seed. Every disclosed bit of every block — both sides'
 * sample bits, the reconciler's parities or syndromes — goes into the pass's one ledger.
 *
 * The block's sample is a Bernoulli(sampleFraction) sample of its sifted bits (the union over the
 * blocks is a Bernoulli sample of the pass's sifted bits, as the batch's); the first block is
 * reconciled at the sampled QBER of the pass so far plus its uncertainty (estimate.ts
 * reconciliationQber), every later one at the error rate of the block before it plus its
 * uncertainty and the latest rise (PassAccumulator.reconciliationQber). The sampled QBER
 * of the pass so far is checked after every block (abort 'qber-too-high' as soon as it is over the
 * threshold). Once the pass is complete the stage leaves in the block what the batch stages leave
 * — the pass's sifted string, sample, counts, key positions, the corrected key, the preliminary
 * bound (finite-key bound on the whole pass's counts, extrapolated errors; no key → abort) — so
 * verification (one tag over the whole corrected key), the final bound (finite-key bound on the
 * whole pass's exact counts minus the whole ledger), privacy amplification and storing run once
 * on the whole pass, unchanged.
 *
 * Differences from the batch path (hence a streamed pass has its own key): the sample is drawn
 * per block, each block is reconciled separately (its own frames/parities), the ground's
 * double-click bits come from its per-block decoder (records.ts StreamedDetections).
 */
import { BitArray } from '../../core/bits.js';
import { ProtocolAbort } from '../../core/errors.js';
import type { Drbg } from '../../core/rng/drbg.js';
import type { Block } from '../../postprocess/block.js';
import { checkQber, countDisclosureBits, estimate, qberOf, reconciliationQber, sampleErrors, samplePositions } from '../../postprocess/estimate.js';
import { finiteKeyInput, sentPerClass } from '../../postprocess/finiteKeyInput.js';
import { basisBits, basisMatch, classCounts, complement, keyBitsSelection, sift, type Sifted } from '../../postprocess/sift.js';
import { decodeSeedPart, encodeSeedPart, seedParts } from '../../postprocess/privacy.js';
import type { Session } from '../session.js';
import type { DetectionBlock, PulseSettingsBatch } from '../types.js';
import { need, type GroundContext, type SatelliteContext, type Stage } from './stage.js';
import { concatArrays } from '../../core/concat-arrays.js';
import { timeline } from '../timeline.js';

const SAMPLE_LABEL = 'estimation sample (disclosed, removed from the key)';
const ANSWER_LABEL = "estimation sample, the ground's bits (Bob→Alice)";

/** What the blocks add up to: the pass's sifted string, sample and key, in detection order. */
class PassAccumulator {
  detections = 0;
  blocks = 0;
  private siftedBits = 0;
  private readonly det: Uint32Array[] = [];
  private readonly basis: Uint8Array[] = [];
  private readonly intensity: Uint8Array[] = [];
  private readonly bits: BitArray[] = [];
  private readonly positions: Float64Array[] = [];
  private readonly alice: BitArray[] = [];
  private readonly bob: BitArray[] = [];
  private readonly keyPositions: Uint32Array[] = [];
  private readonly key: BitArray[] = [];
  private readonly rawKey: BitArray[] = [];
  /** Sampled errors and detections of the pass so far, per (basis, class). */
  readonly sampleErr = [0, 0, 0, 0, 0, 0];
  readonly sampleDet = [0, 0, 0, 0, 0, 0];
  private sampleBits = 0;

  /** Add a block's sifted string and sample (positions local to the block's sifted string). */
  addSifted(s: Sifted, detections: number, positions: Float64Array, alice: BitArray, bob: BitArray): void {
    const det = new Uint32Array(s.detection.length);
    for (let i = 0; i < det.length; i++) det[i] = s.detection[i] + this.detections;
    this.det.push(det);
    this.basis.push(s.basis);
    this.intensity.push(s.intensity);
    this.bits.push(s.bits);
    const pos = new Float64Array(positions.length);
    for (let i = 0; i < pos.length; i++) pos[i] = positions[i] + this.siftedBits;
    this.positions.push(pos);
    this.alice.push(alice);
    this.bob.push(bob);
    const e = sampleErrors(s, positions, alice, bob);
    const d = classCounts(s, positions);
    for (let i = 0; i < e.length; i++) {
      this.sampleErr[i] += e[i];
      this.sampleDet[i] += d[i];
    }
    this.detections += detections;
    this.sampleBits += positions.length;
    this.siftedBits += s.bits.length;
    this.blocks++;
  }

  /** Add the block's key positions (local), its key and (ground) its raw key. */
  addKey(keyPositions: Uint32Array, siftedOffset: number, key: BitArray, rawKey?: BitArray): void {
    const kp = new Uint32Array(keyPositions.length);
    for (let i = 0; i < kp.length; i++) kp[i] = keyPositions[i] + siftedOffset;
    this.keyPositions.push(kp);
    this.key.push(key);
    if (rawKey) this.rawKey.push(rawKey);
  }

  get siftedSoFar(): number {
    return this.siftedBits;
  }

  /**
   * The QBER a block is reconciled at. The first block: the sampled QBER of the pass so far plus
   * its uncertainty (estimate.ts reconciliationQber; not the block's own sample alone, whose few
   * hundred bits would make the estimate, and so the leakage, several times too high). Every later
   * block: the error rate the ground found in the block before (its disclosed, booked count) plus
   * two standard deviations, plus the rise from the block before that — the QBER climbs from 1 %
   * to 7 % in the last 70 s of the reference pass, and a block reconciled below its QBER fails
   * verification and is reconciled again, its first attempt's disclosure lost.
   */
  reconciliationQber(): number {
    const [prev, before] = this.blockQber;
    const passSoFar = reconciliationQber(qberOf(this.sampleErr, this.sampleDet), this.sampleBits);
    if (prev === undefined) return passSoFar;
    const rise = before === undefined ? 0 : Math.max(0, prev.q - before.q);
    return Math.min(MAX_RECONCILIATION_QBER, reconciliationQber(prev.q, prev.bits) + rise);
  }

  /** The error rates of the last two reconciled blocks, newest first. */
  private blockQber: { q: number; bits: number }[] = [];

  /** A block's reconciliation verified: the ground's count of the errors it corrected in its `bits` key bits (blocks under MIN_RATE_BITS say too little and are skipped). */
  blockErrors(errors: number, bits: number): void {
    if (bits >= MIN_RATE_BITS) this.blockQber = [{ q: errors / bits, bits }, ...this.blockQber.slice(0, 1)];
  }

  /** The whole pass into the block: what the batch stages sifting … reconciliation leave there. */
  finish(block: Block, ground: boolean): void {
    const sifted: Sifted = { detection: concatArrays(Uint32Array, this.det), basis: concatArrays(Uint8Array, this.basis), intensity: concatArrays(Uint8Array, this.intensity), bits: BitArray.concat(this.bits) };
    const positions = concatArrays(Float64Array, this.positions);
    const alice = BitArray.concat(this.alice);
    const bob = BitArray.concat(this.bob);
    block.detections = this.detections;
    block.sifted = sifted;
    block.detected = classCounts(sifted);
    const est = estimate(this.detections, sifted, block.detected, positions, alice, bob);
    block.sample = { positions, alice, bob, errors: est.sampleErrors };
    block.counts = est.counts;
    block.sampleQber = est.sampleQber;
    block.keyPositions = concatArrays(Uint32Array, this.keyPositions);
    block.key = BitArray.concat(this.key);
    if (ground) block.rawKey = BitArray.concat(this.rawKey);
  }
}

/** Reconciliation attempts per block: the first at PassAccumulator.reconciliationQber, each retry at twice the last (tried on the reference pass: 1.3× and 1.5× leave less key, 70,164 and 101,748 bits against 131,524, when blocks started from the pass-so-far QBER). */
const MAX_ATTEMPTS = 5;
const RETRY_FACTOR = 2;

/**
 * The block's reconciled key checked with a verification tag (booked: tag and verdict). A mismatch
 * — the block's QBER above what it was reconciled for, as at the end of a pass where it climbs from
 * 1 % to 7 % within 70 s — means reconcile it again from the raw key (false); after MAX_ATTEMPTS
 * the abort stands. Both sides see the same verdict, so they retry in step.
 */
async function blockVerified(verify: () => Promise<void>, blockNo: number, attempt: number): Promise<boolean> {
  try {
    await verify();
    return true;
  } catch (e) {
    if (!(e instanceof ProtocolAbort) || e.reason !== 'verification-failed' || attempt + 1 >= MAX_ATTEMPTS) {
      if (e instanceof ProtocolAbort && e.reason === 'verification-failed') throw new ProtocolAbort('verification-failed', `block ${blockNo}: ${e.message} after ${attempt + 1} reconciliation attempts`);
      throw e;
    }
    return false;
  }
}

/**
 * Reconcile the current block with `attempt(qber)` (which reconciles and returns the block's
 * verification) at PassAccumulator.reconciliationQber, and again at RETRY_FACTOR× the last QBER
 * after each failed verification (blockVerified; at most MAX_ATTEMPTS). Both sides run it in step.
 */
async function reconcileVerified(acc: PassAccumulator, attempt: (qber: number) => Promise<() => Promise<void>>): Promise<void> {
  let q = acc.reconciliationQber();
  for (let n = 0; ; n++) {
    const verify = await attempt(q);
    if (await blockVerified(verify, acc.blocks - 1, n)) return;
    q = Math.min(0.5, RETRY_FACTOR * q);
  }
}

/** A block's error rate sets the next block's QBER only from this many key bits on (a 10 s block of the reference pass has 10⁴–10⁵). */
const MIN_RATE_BITS = 1000;
/** Reconcilers take a QBER below 0.5; far above the abort threshold anyway. */
const MAX_RECONCILIATION_QBER = 0.45;

const BLOCK_ERRORS_LABEL = "a block's corrected-error count (Bob→Alice, sets the next block's QBER)";

/** The ground's count of the errors it corrected in a block of `bits` key bits: booked on both sides. */
function bookBlockErrors(block: Block, bits: number): void {
  block.ledger.add('estimation', countDisclosureBits(bits), BLOCK_ERRORS_LABEL);
}

function bookSample(block: Block, bits: number): void {
  block.ledger.add('estimation', bits, SAMPLE_LABEL);
  block.ledger.add('estimation', bits, ANSWER_LABEL);
}

/** The pass's sampled QBER so far, checked after every block (both sides, same disclosed data). */
function checkSoFar(acc: PassAccumulator, threshold: number): void {
  checkQber(qberOf(acc.sampleErr, acc.sampleDet), threshold, 'sampled (pass so far)');
}

/** The preliminary bound on the whole pass (extrapolated errors), as the batch's preliminary-bound stage. */
function preliminaryOnPass(c: SatelliteContext | GroundContext): void {
  const { block } = c;
  const params = block.parameters;
  checkQber(block.sampleQber ?? 0, params.qberThreshold, 'sampled');
  block.sent = sentPerClass(params, params.pulsesSent);
  const prelim = c.post.finiteKey(finiteKeyInput(params, need(block.detected, 'detected'), need(block.counts, 'counts').errors, { sent: block.sent }));
  block.preliminary = prelim;
  if (prelim.keyLengthBits <= 0) throw new ProtocolAbort('no-key', `preliminary ${params.bound} bound gives no key${prelim.reason ? ': ' + prelim.reason : ''}`);
}

/** The key bases' bits a block adds to privacy amplification's input (what finalBound's amplifyInput selects). */
function keyBasisBits(s: Sifted, keyPositions: Uint32Array, block: Block): number {
  const sel = keyBitsSelection(s, keyPositions, block.parameters.protocol);
  return sel ? sel.length : keyPositions.length;
}

/**
 * This side's half of the seed (privacy.ts seedParts: Alice the first ⌈L/2⌉ of L = n − 1 bits,
 * Bob the rest), drawn from the party's generator and sent right after the last block — the
 * quantum phase is over — and kept in the block until the peer's half is in (receiveSeedPart, at
 * the start of verification: the whole-pass bookkeeping in between runs while both halves cross).
 */
async function sendSeedPart(session: Session, block: Block, rng: Drbg, n: number, alice: boolean): Promise<void> {
  const p = seedParts(n);
  const bits = alice ? p.alice : p.bob;
  const part = BitArray.fromBytes(rng.bytes((bits + 7) >>> 3), bits);
  await session.stage('amplify').send(encodeSeedPart(n, alice ? 0 : p.alice, part));
  block.ownSeedPart = { n, bits: part };
}

/** A streamed pass: the peer's half, checked for the length and place this side computes; the whole seed into the block. */
export async function receiveSeedPart(session: Session, block: Block, alice: boolean): Promise<void> {
  const own = need(block.ownSeedPart, 'ownSeedPart');
  const p = seedParts(own.n);
  const theirs = decodeSeedPart(await session.stage('amplify').receive(), alice ? { n: own.n, offset: p.alice, bits: p.bob } : { n: own.n, offset: 0, bits: p.alice });
  block.amplifySeed = alice ? BitArray.concat([own.bits, theirs]) : BitArray.concat([theirs, own.bits]);
  block.ownSeedPart = undefined;
}

export const streamedBlocks: Stage = {
  state: 'detections',

  async satellite(c: SatelliteContext) {
    if (!c.streamed) return;
    const { block, session, source } = c;
    const params = block.parameters;
    const acc = new PassAccumulator();
    const sampleRng: Drbg = c.rng.fork('sample');
    const reconcileRng: Drbg = c.rng.fork('reconcile');
    const verifyRng: Drbg = c.rng.fork('verify-block');
    const seedRng: Drbg = c.rng.fork('amplify');
    let lastPulse = -1;
    let lastBlockAtMs = Date.now();
    // key bases' bits of the blocks so far (privacy amplification's input length)
    let paBits = 0;
    // the parts of the block being announced: the settings at their detections, the basis match
    let parts: { settings: PulseSettingsBatch; match: BitArray }[] = [];
    for (;;) {
      timeline.mark('satellite', 'step', 'detections/wait');
      const m = await session.receive();
      if (m.type === 'end') {
        if (parts.length > 0) throw new ProtocolAbort('protocol-violation', `ground ends the pass inside block ${acc.blocks} (${parts.length} parts announced, not its last)`);
        if (m.detections !== acc.detections || m.blocks !== acc.blocks) {
          throw new ProtocolAbort('protocol-violation', `ground ends the pass with ${m.detections} detections in ${m.blocks} blocks, the satellite received ${acc.detections} in ${acc.blocks}`);
        }
        timeline.mark('satellite', 'step', 'detections/seed');
        await sendSeedPart(session, block, seedRng, paBits, true);
        break;
      }
      if (m.type !== 'detections') throw new ProtocolAbort('protocol-violation', `expected detections or end, received ${m.type}`);
      lastBlockAtMs = Date.now();
      timeline.mark('satellite', 'step', m.part ? 'detections/part' : 'detections/sift');
      const idx = m.pulseIndex;
      const np = idx.length;
      if (np > 0 && (idx[0] <= lastPulse || idx[np - 1] >= source.pulsesSent)) {
        throw new ProtocolAbort('protocol-violation', `block ${acc.blocks}: pulse indices ${idx[0]} … ${idx[np - 1]} not after ${lastPulse} and below ${source.pulsesSent}`);
      }
      if (np > 0) lastPulse = idx[np - 1];
      // the satellite's own record may still be growing (mozi satellite --follow)
      if (np > 0 && source.ready) await source.ready(idx[np - 1]);
      // each part sifted as it comes (the answer crosses while the ground announces the next part)
      const ps = source.settings(idx);
      const pm = basisMatch(ps.basis, m.basis);
      await session.send({ type: 'sift', match: pm, intensity: ps.intensity });
      parts.push({ settings: ps, match: pm });
      if (m.part) continue;
      // the block: its parts one after another
      const settings = joined(parts.map((x) => x.settings), (ps) => ({ basis: concatArrays(Uint8Array, ps.map((x) => x.basis)), intensity: concatArrays(Uint8Array, ps.map((x) => x.intensity)), bit: concatArrays(Uint8Array, ps.map((x) => x.bit)) }));
      const match = joined(parts.map((x) => x.match), BitArray.concat);
      parts = [];
      const n = match.length;
      const s = sift(match, settings.basis, settings.intensity, settings.bit);
      const positions = samplePositions(s.bits.length, params.sampleFraction, sampleRng);
      const mine = s.bits.select(positions);
      await session.send({ type: 'sample', positions, bits: mine });
      const theirs = await session.expect('sample');
      if (theirs.bits.length !== positions.length) throw new ProtocolAbort('protocol-violation', `block ${acc.blocks}: sample answer has ${theirs.bits.length} bits, expected ${positions.length}`);
      bookSample(block, positions.length);
      const offset = acc.siftedSoFar;
      acc.addSifted(s, n, positions, mine, theirs.bits);
      checkSoFar(acc, params.qberThreshold);
      const keyPositions = complement(s.bits.length, positions);
      paBits += keyBasisBits(s, keyPositions, block);
      const key = s.bits.select(keyPositions);
      if (key.length > 0) {
        await reconcileVerified(acc, async (q) => {
          timeline.mark('satellite', 'step', 'detections/reconcile');
          await c.post.reconcileAlice(params.reconciliation, key, session.stage('reconcile'), block.ledger, q, reconcileRng);
          return () => {
            timeline.mark('satellite', 'step', 'detections/verify');
            return c.post.verifyAlice(key, session.stage('verify'), block.ledger, params.epsCor, verifyRng);
          };
        });
        const be = await session.expect('errors');
        if (be.counts.length !== 1 || be.counts[0] > key.length) throw new ProtocolAbort('protocol-violation', `block ${acc.blocks - 1}: error count ${be.counts.join(',')} for ${key.length} key bits`);
        bookBlockErrors(block, key.length);
        acc.blockErrors(be.counts[0], key.length);
      }
      acc.addKey(keyPositions, offset, key);
    }
    timeline.mark('satellite', 'step', 'detections/end');
    c.opts.onEvent?.({ role: 'satellite', state: 'detections', detail: `streamed pass complete: ${acc.detections} detections in ${acc.blocks} blocks`, passCompleteAtMs: lastBlockAtMs });
    c.announcedDetections = acc.detections;
    // the whole-pass bookkeeping runs while the seed halves cross; in steps, so that frames due
    // on the link meanwhile are not held up (see yieldToTimers)
    await yieldToTimers();
    acc.finish(block, false);
    timeline.mark('satellite', 'step', 'detections/end:preliminary');
    await yieldToTimers();
    preliminaryOnPass(c);
  },

  async ground(c: GroundContext) {
    if (!c.streamed || !c.blocks) return;
    const { block, session } = c;
    const params = block.parameters;
    const acc = new PassAccumulator();
    const reconcileRng: Drbg = c.rng.fork('reconcile');
    const verifyRng: Drbg = c.rng.fork('verify-block');
    const pulse: Float64Array[] = [];
    const basis: Uint8Array[] = [];
    const bit: Uint8Array[] = [];
    const seedRng: Drbg = c.rng.fork('amplify');
    let lastBlockAtMs = Date.now();
    let paBits = 0;
    timeline.mark('ground', 'step', 'detections/track');
    // the parts of the block being announced
    let parts: DetectionBlock[] = [];
    for await (const item of c.blocks) {
      timeline.mark('ground', 'step', item.more ? 'detections/part' : 'detections/sift');
      await session.send({ type: 'detections', pulseIndex: item.pulseIndex, basis: basisBits(item.basis), ...(item.more ? { part: true } : {}) });
      lastBlockAtMs = Date.now();
      parts.push(item);
      if (item.more) {
        timeline.mark('ground', 'step', 'detections/track');
        continue;
      }
      const blk = joined(parts, (ps) => ({ pulseIndex: concatArrays(Float64Array, ps.map((x) => x.pulseIndex)), basis: concatArrays(Uint8Array, ps.map((x) => x.basis)), bit: concatArrays(Uint8Array, ps.map((x) => x.bit)) }));
      const n = blk.pulseIndex.length;
      // the satellite's sifting answer per part, in order
      const matches: BitArray[] = [];
      const intensities: Uint8Array[] = [];
      for (const part of parts) {
        const sm = await session.expect('sift');
        if (sm.match.length !== part.pulseIndex.length) throw new ProtocolAbort('protocol-violation', `block ${acc.blocks}: sifting covers ${sm.match.length} detections, expected ${part.pulseIndex.length}`);
        matches.push(sm.match);
        intensities.push(sm.intensity);
      }
      parts = [];
      const sm = { match: joined(matches, BitArray.concat), intensity: joined(intensities, (xs) => concatArrays(Uint8Array, xs)) };
      const s = sift(sm.match, blk.basis, sm.intensity, blk.bit);
      const sample = await session.expect('sample');
      const positions = sample.positions;
      if (positions.length !== sample.bits.length || (positions.length > 0 && positions[positions.length - 1] >= s.bits.length)) {
        throw new ProtocolAbort('protocol-violation', `block ${acc.blocks}: estimation sample does not fit the sifted key`);
      }
      const mine = s.bits.select(positions);
      await session.send({ type: 'sample', positions: new Float64Array(0), bits: mine });
      bookSample(block, positions.length);
      const offset = acc.siftedSoFar;
      acc.addSifted(s, n, positions, sample.bits, mine);
      checkSoFar(acc, params.qberThreshold);
      const keyPositions = complement(s.bits.length, positions);
      paBits += keyBasisBits(s, keyPositions, block);
      const raw = s.bits.select(keyPositions);
      let corrected = raw;
      if (raw.length > 0) {
        await reconcileVerified(acc, async (q) => {
          timeline.mark('ground', 'step', 'detections/reconcile');
          const k = await c.post.reconcileBob(params.reconciliation, raw.clone(), session.stage('reconcile'), block.ledger, q, reconcileRng);
          corrected = k;
          return () => {
            timeline.mark('ground', 'step', 'detections/verify');
            return c.post.verifyBob(k, session.stage('verify'), block.ledger, params.epsCor, verifyRng);
          };
        });
        if (corrected.length !== raw.length) throw new ProtocolAbort('reconciliation-failed', 'corrected key has the wrong length');
        // the errors this block had (now corrected) tune the next block's reconciliation
        const errors = raw.hammingDistance(corrected);
        await session.send({ type: 'errors', counts: [errors] });
        bookBlockErrors(block, raw.length);
        acc.blockErrors(errors, raw.length);
      }
      acc.addKey(keyPositions, offset, corrected, raw);
      pulse.push(blk.pulseIndex);
      basis.push(blk.basis);
      bit.push(blk.bit);
      timeline.mark('ground', 'step', 'detections/track');
    }
    if (parts.length > 0) throw new ProtocolAbort('protocol-violation', `the detections ended inside block ${acc.blocks} (a part marked as followed by another)`);
    timeline.mark('ground', 'step', 'detections/end');
    await session.send({ type: 'end', detections: acc.detections, blocks: acc.blocks });
    // the satellite sends its seed half once `end` is in: over an emulated link, let `end` (and
    // the last block's error count before it) out before the bookkeeping below holds the event loop
    await c.opts.linkSettled?.();
    timeline.mark('ground', 'step', 'detections/seed');
    await sendSeedPart(session, block, seedRng, paBits, false);
    c.opts.onEvent?.({ role: 'ground', state: 'detections', detail: `streamed pass complete: ${acc.detections} detections in ${acc.blocks} blocks`, passCompleteAtMs: lastBlockAtMs });
    // the whole-pass bookkeeping runs while the seed halves cross, in steps with the event loop
    // let through in between (yieldToTimers)
    await yieldToTimers();
    timeline.mark('ground', 'step', 'detections/end:input');
    c.input = { ...c.input, pulseIndex: concatArrays(Float64Array, pulse), basis: concatArrays(Uint8Array, basis), bit: concatArrays(Uint8Array, bit) };
    await yieldToTimers();
    timeline.mark('ground', 'step', 'detections/end:finish');
    acc.finish(block, true);
    await yieldToTimers();
    timeline.mark('ground', 'step', 'detections/end:detail');
    groundDetail(c);
    await yieldToTimers();
    timeline.mark('ground', 'step', 'detections/end:preliminary');
    preliminaryOnPass(c);
  },
};

/** A block's parts one after another: the one part itself when the block has only one (no copy). */
function joined<T>(parts: T[], concat: (parts: T[]) => T): T {
  return parts.length === 1 ? parts[0] : concat(parts);
}

/**
 * Let the event loop run its due timers and I/O before the next stretch of synchronous work. The
 * link emulator (link-emulator.ts) hands a frame on from a timer of this process, so a party
 * computing for a second would hold a frame due meanwhile for that second — which a real link does
 * not do (the kernel sends a written frame whatever the process computes). A setTimeout(0) yield
 * runs every timer already due (the frames just sent are let out first: PartyOptions.linkSettled).
 */
function yieldToTimers(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

/** The ground's per-detection report of the pass (as the batch estimation stage builds it). */
function groundDetail(c: GroundContext): void {
  const { block, input } = c;
  const sifted = need(block.sifted, 'sifted');
  const positions = need(block.sample, 'sample').positions;
  const m = sifted.bits.length;
  const error = new Uint8Array(m);
  const { alice, bob } = need(block.sample, 'sample');
  for (let i = 0; i < positions.length; i++) if (alice.get(i) !== bob.get(i)) error[positions[i]] = 1;
  const pulseIndex = new Float64Array(m);
  for (let i = 0; i < m; i++) pulseIndex[i] = input.pulseIndex[sifted.detection[i]];
  const sampled = new Uint8Array(m);
  for (let i = 0; i < positions.length; i++) sampled[positions[i]] = 1;
  block.siftedDetail = { pulseIndex, basis: sifted.basis, intensity: sifted.intensity, error, sampled, errorsExact: false };
}

/** A batch stage that a streamed pass has already done in its blocks. */
export function batchOnly(stage: Stage): Stage {
  return {
    state: stage.state,
    satellite: (c) => (c.streamed ? Promise.resolve() : stage.satellite(c)),
    ground: (c) => (c.streamed ? Promise.resolve() : stage.ground(c)),
  };
}
