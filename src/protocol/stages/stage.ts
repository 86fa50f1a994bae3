/**
 * A stage of the per-block pipeline: one module per stage, each with the satellite's (Alice's)
 * and the ground's (Bob's) half. A stage reads what earlier stages left in the block, talks to
 * the peer through the session, and leaves its results in the block; the drivers
 * (satellite.ts, ground.ts) only run the stages in order (stages/index.ts).
 */
import type { Drbg } from '../../core/rng/drbg.js';
import type { Block } from '../../postprocess/block.js';
import type { DetectionsMsg } from '../messages.js';
import type { Session } from '../session.js';
import type { DetectionBlock, GroundDetections, PartyOptions, PartyState, PostProcessing, SatellitePolicy, SatelliteSource } from '../types.js';

export interface GroundExpectations {
  /** Reject a satellite proposing a weaker ε_sec than this (default: accept the satellite's). */
  maxEpsSec?: number;
}

interface PartyContext {
  session: Session;
  block: Block;
  /** The party's public randomness; each stage forks its own stream by name. */
  rng: Drbg;
  post: PostProcessing;
  opts: PartyOptions;
  /** The pass is streamed in blocks (stages/streamed-blocks.ts): the ground's choice, announced in its hello. */
  streamed?: boolean;
}

export interface SatelliteContext extends PartyContext {
  role: 'satellite';
  source: SatelliteSource;
  policy: SatellitePolicy;
  /** Detections the ground announced in its hello, and then sent. */
  announcedDetections?: number;
  detections?: DetectionsMsg;
}

export interface GroundContext extends PartyContext {
  role: 'ground';
  input: GroundDetections;
  limits: GroundExpectations;
  /** Streamed pass: the detection blocks as timing recovery emits them (`input` is filled with their concatenation at the end). */
  blocks?: AsyncIterable<DetectionBlock>;
  /**
   * Streamed pass: the satellite's final ℓ, checked against the ground's own (stages/finalBound.ts),
   * still on its way while the ground amplifies; amplification awaits it before the key is kept.
   */
  finalDecision?: Promise<void>;
}

export interface Stage {
  /** The party state while this stage runs (reported in events and timings). */
  state: PartyState;
  satellite(c: SatelliteContext): Promise<void>;
  ground(c: GroundContext): Promise<void>;
}

/** The block's field `name`, which an earlier stage must have set (a bug if not). */
export function need<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`pipeline: ${name} is not set; a stage ran out of order`);
  return value;
}
