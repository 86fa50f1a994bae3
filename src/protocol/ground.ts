/**
 * The ground-station (Bob) driver. Knows only its detection list (pulse index, basis, bit after
 * timing recovery); runs the ground's half of every pipeline stage (stages/) on its block:
 * announces detections, sifts on the satellite's disclosure, answers the estimation sample,
 * corrects its key, reports the error counts reconciliation found, checks every decision of the
 * satellite against its own computation, stores its key. With `blocks` the pass is streamed:
 * `input` names site and pass, its arrays may be empty, the detections come block by block.
 */
import { Drbg } from '../core/rng/drbg.js';
import { Block } from '../postprocess/block.js';
import type { MessageChannel } from '../postprocess/channel.js';
import { runParty } from './party.js';
import { Session } from './session.js';
import { PIPELINE, type GroundExpectations } from './stages/index.js';
import type { DetectionBlock, GroundDetections, PartyOptions, PartyResult } from './types.js';

export type { GroundExpectations } from './stages/index.js';

export async function runGround(
  channel: MessageChannel,
  input: GroundDetections,
  opts: PartyOptions & GroundExpectations & { blocks?: AsyncIterable<DetectionBlock> },
): Promise<PartyResult> {
  const session = new Session(channel, 'ground', undefined, opts.rawNotify, opts.rawReceive);
  const rng = new Drbg(opts.seed !== undefined ? `ground/${opts.seed}` : undefined);
  const block = new Block(input.passId, 0, input.site);
  opts.attachLedger?.(block.ledger);
  const limits: GroundExpectations = opts.maxEpsSec !== undefined ? { maxEpsSec: opts.maxEpsSec } : {};
  return runParty({ role: 'ground', session, block, rng, post: opts.post, opts, input, limits, ...(opts.blocks ? { blocks: opts.blocks } : {}) }, PIPELINE);
}
