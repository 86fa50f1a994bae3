/**
 * Shared scaffolding of the two state machines: state transitions with timings and events,
 * the abort path (tell the peer, return an aborted result, never store), the key digest.
 */
import { createHash } from 'node:crypto';
import type { BitArray } from '../core/bits.js';
import { ProtocolAbort } from '../core/errors.js';
import type { LeakageLedger } from '../postprocess/ledger.js';
import type { Session } from './session.js';
import type { PartyEvent, PartyOptions, PartyResult, PartyState } from './types.js';

export class StateTracker {
  state: PartyState = 'hello';
  private t = performance.now();
  readonly stageMs: Partial<Record<PartyState, number>> = {};

  constructor(
    private readonly role: 'satellite' | 'ground',
    private readonly onEvent?: (e: PartyEvent) => void,
  ) {
    onEvent?.({ role, state: 'hello' });
  }

  enter(state: PartyState, detail?: string): void {
    const now = performance.now();
    this.stageMs[this.state] = (this.stageMs[this.state] ?? 0) + (now - this.t);
    this.t = now;
    this.state = state;
    this.onEvent?.({ role: this.role, state, detail });
  }
}

export function keyDigest(key: BitArray): string {
  return createHash('sha256').update(key.toBytes()).update(`/${key.length}`).digest('hex');
}

/** Run a party body; a ProtocolAbort is told to the peer and turned into an aborted result. */
export async function runParty(
  role: 'satellite' | 'ground',
  session: Session,
  opts: PartyOptions,
  partial: Omit<PartyResult, 'aborted' | 'keyBits' | 'traffic' | 'stageMs'>,
  body: (tracker: StateTracker, result: PartyResult) => Promise<void>,
): Promise<PartyResult> {
  const tracker = new StateTracker(role, opts.onEvent);
  const result: PartyResult = { ...partial, aborted: false, keyBits: 0, traffic: {}, stageMs: tracker.stageMs };
  try {
    await body(tracker, result);
    tracker.enter('done');
  } catch (e) {
    const err =
      e instanceof ProtocolAbort ? e : new ProtocolAbort('protocol-violation', `internal error: ${(e as Error).message ?? String(e)}`);
    if (!(e instanceof ProtocolAbort) && process.env.MOZI_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
    await session.abort(err);
    result.aborted = true;
    result.abortReason = err.reason;
    result.abortMessage = err.message;
    result.keyBits = 0;
    result.key = undefined;
    result.keyDigest = undefined;
    tracker.enter('aborted', err.message);
  }
  result.traffic = Object.fromEntries(session.traffic);
  return result;
}

export function closeLedger(ledger: LeakageLedger): void {
  if (!ledger.isClosed) ledger.close();
}
