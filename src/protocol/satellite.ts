/**
 * The satellite (Alice) driver. Knows only its source (seed-derived pulse settings) and
 * transmitter parameters; runs the satellite's half of every pipeline stage (stages/) on its
 * block: announces the block's parameters, sifts, estimates, decides the bounds, drives
 * reconciliation, verification and privacy amplification, stores its key.
 */
import { Drbg } from '../core/rng/drbg.js';
import { Block } from '../postprocess/block.js';
import type { MessageChannel } from '../postprocess/channel.js';
import { runParty } from './party.js';
import { Session } from './session.js';
import { PIPELINE } from './stages/index.js';
import type { PartyOptions, PartyResult, SatellitePolicy, SatelliteSource } from './types.js';

export const BLOCK_ID = 0;

export async function runSatellite(
  channel: MessageChannel,
  source: SatelliteSource,
  policy: SatellitePolicy,
  opts: PartyOptions,
): Promise<PartyResult> {
  const session = new Session(channel, 'satellite', undefined, opts.rawNotify, opts.rawReceive);
  const rng = new Drbg(opts.seed !== undefined ? `satellite/${opts.seed}` : undefined);
  const block = new Block(source.passId, BLOCK_ID, source.site);
  opts.attachLedger?.(block.ledger);
  return runParty({ role: 'satellite', session, block, rng, post: opts.post, opts, source, policy }, PIPELINE);
}
