/**
 * The one driver of both state machines: runs the pipeline's stages on the party's block with
 * state transitions, timings and events; the abort path (tell the peer, return an aborted result,
 * never store); the key digest.
 */
import { createHash } from 'node:crypto';
import type { BitArray } from '../core/bits.js';
import { ProtocolAbort } from '../core/errors.js';
import type { Block } from '../postprocess/block.js';
import type { GroundContext, SatelliteContext, Stage } from './stages/stage.js';
import { timeline } from './timeline.js';
import type { PartyEvent, PartyResult, PartyState } from './types.js';

export class StateTracker {
  state: PartyState = 'hello';
  private t = performance.now();

  constructor(
    private readonly role: 'satellite' | 'ground',
    private readonly onEvent?: (e: PartyEvent) => void,
    /** Milliseconds per state, accumulated here (the block's timings). */
    readonly stageMs: Partial<Record<PartyState, number>> = {},
  ) {
    onEvent?.({ role, state: 'hello' });
  }

  enter(state: PartyState, detail?: string): void {
    const now = performance.now();
    this.stageMs[this.state] = (this.stageMs[this.state] ?? 0) + (now - this.t);
    this.t = now;
    this.state = state;
    timeline.mark(this.role, 'stage', state);
    this.onEvent?.({ role: this.role, state, detail });
  }
}

export function keyDigest(key: BitArray): string {
  return createHash('sha256').update(key.toBytes()).update(`/${key.length}`).digest('hex');
}

/**
 * Run a party's pipeline on its block: every stage in order (stages/index.ts), with state events
 * and timings. A ProtocolAbort is told to the peer and turned into an aborted result that holds
 * no key; the result reports what the block holds either way.
 */
export async function runParty<C extends SatelliteContext | GroundContext>(
  context: C,
  stages: readonly Stage[],
): Promise<PartyResult> {
  const { role, session, block, opts } = context;
  const tracker = new StateTracker(role, opts.onEvent, block.stageMs);
  let failure: ProtocolAbort | undefined;
  try {
    for (const stage of stages) {
      if (stage.state !== tracker.state) tracker.enter(stage.state);
      if (context.role === 'satellite') await stage.satellite(context);
      else await stage.ground(context);
    }
    tracker.enter('done');
  } catch (e) {
    const err =
      e instanceof ProtocolAbort ? e : new ProtocolAbort('protocol-violation', `internal error: ${(e as Error).message ?? String(e)}`);
    if (!(e instanceof ProtocolAbort) && process.env.MOZI_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
    await session.abort(err);
    failure = err;
    tracker.enter('aborted', err.message);
  }
  return partyResult(role, block, failure, Object.fromEntries(session.traffic));
}

/** The party's report of its block. */
function partyResult(role: 'satellite' | 'ground', block: Block, failure: ProtocolAbort | undefined, traffic: PartyResult['traffic']): PartyResult {
  const ok = failure === undefined && block.stored && block.finalKey !== undefined;
  const r: PartyResult = {
    role,
    site: block.site,
    peerSite: block.peerSite,
    passId: block.passId,
    blockId: block.blockId,
    aborted: failure !== undefined,
    keyBits: 0,
    traffic,
    stageMs: block.stageMs as PartyResult['stageMs'],
  };
  if (failure) {
    r.abortReason = failure.reason;
    r.abortMessage = failure.message;
  }
  if (block.counts) r.counts = block.counts;
  if (block.sampleQber !== undefined) r.sampleQber = block.sampleQber;
  if (block.siftedDetail) r.siftedDetail = block.siftedDetail;
  if (block.preliminary) r.preliminary = block.preliminary;
  if (block.qber !== undefined) r.qber = block.qber;
  if (block.finiteKey) r.finiteKey = block.finiteKey;
  r.ledger = block.ledger.summary();
  if (ok && block.finalKey) {
    r.key = block.finalKey;
    r.keyBits = block.finalKey.length;
    r.keyDigest = keyDigest(block.finalKey);
  }
  return r;
}
