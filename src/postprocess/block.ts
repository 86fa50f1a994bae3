/**
 * The key block: the one object both parties' post-processing pipelines carry from stage to stage
 * (AIT QKD's design: a stage reads the block, does its part, hands it on). It holds the block's
 * identity and sites, the parameters the satellite announced, the counts, the leakage ledger,
 * the stage timings and the working data of the stages (sifted string, sample and key positions,
 * the key as it is corrected). Nothing in it is shared with the peer: each party has its own.
 */
import type { BitArray } from '../core/bits.js';
import type { Bound, FiniteKeyResult, Protocol } from '../security/types.js';
import { LeakageLedger } from './ledger.js';
import type { ReconcilerName } from './reconcile/registry.js';
import type { Sifted } from './sift.js';

/** The block's parameters, as the satellite announces them (protocol message `params`). */
export interface BlockParameters {
  site: string;
  blockId: string;
  /** Mean photon numbers per intensity class (signal, decoy, vacuum). */
  mu: number[];
  /** Probabilities per intensity class. */
  p: number[];
  /** Probability of the Z basis at the transmitter. */
  pZ: number;
  epsSec: number;
  epsCor: number;
  bound: Bound;
  protocol: Protocol;
  reconciliation: ReconcilerName;
  qberThreshold: number;
  sampleFraction: number;
  pulseRateHz: number;
  /** Pulses sent in the data window (public; the no-decoy analysis uses gains). */
  pulsesSent: number;
}

export interface BlockCounts {
  detections: number;
  siftedBits: number;
  sampleBits: number;
  /** Sifted detections per (basis, class), index basis*3+class (basis 0 Z, 1 X). */
  detected: number[];
  /** Errors per (basis, class): sample-based after estimation, exact after reconciliation. */
  errors: number[];
  sampleErrors: number[];
  sampleDetected: number[];
}

/**
 * Ground only: per sifted detection, its pulse index and whether it was an error. Errors are
 * known for every bit once reconciliation has run (`errorsExact`), before that only for the
 * disclosed estimation sample (`sampled`).
 */
export interface SiftedDetail {
  pulseIndex: Float64Array;
  basis: Uint8Array;
  intensity: Uint8Array;
  error: Uint8Array;
  sampled: Uint8Array;
  errorsExact: boolean;
}

export class Block {
  readonly ledger: LeakageLedger;
  /** The peer's site, once the handshake has told it. */
  peerSite = '';
  params?: BlockParameters;
  /** Milliseconds spent per stage (filled by the driver). */
  readonly stageMs: Record<string, number> = {};

  // Working data, set by the stages in order.
  detections = 0;
  sifted?: Sifted;
  /** Sifted detections per (basis, class). */
  detected?: number[];
  /** Sample positions (into the sifted string) and the two parties' bits there. */
  sample?: { positions: Float64Array; alice: BitArray; bob: BitArray; errors: number[] };
  counts?: BlockCounts;
  sampleQber?: number;
  qber?: number;
  preliminary?: FiniteKeyResult;
  finiteKey?: FiniteKeyResult;
  /** Sifted positions that form the key (the complement of the sample). */
  keyPositions?: Uint32Array;
  /** The key: Alice's reference bits; Bob's raw bits, then his corrected bits. */
  key?: BitArray;
  /** Bob's key before reconciliation (for the exact error counts). */
  rawKey?: BitArray;
  /** Expected pulses per (basis, class), for the no-decoy analysis. */
  sent?: number[];
  /** The key bits that enter privacy amplification (the key bases' bits of the corrected key). */
  amplifyInput?: BitArray;
  /** A streamed pass: this side's half of the privacy-amplification seed, sent after the last block (privacy.ts seedParts), until the peer's half is in. */
  ownSeedPart?: { n: number; bits: BitArray };
  /** A streamed pass: the whole seed (n − 1 bits), both halves. */
  amplifySeed?: BitArray;
  /** Final key length ℓ decided by the final bound. */
  keyLengthBits?: number;
  /** The final key, after privacy amplification. */
  finalKey?: BitArray;
  /** Set once the final key is in the party's sink. */
  stored = false;
  siftedDetail?: SiftedDetail;

  constructor(
    readonly passId: string,
    public blockId: number,
    readonly site: string,
  ) {
    this.ledger = new LeakageLedger(`${passId}/${blockId}`);
  }

  /** The parameters; throws if a stage runs before the handshake set them (a bug, not an abort). */
  get parameters(): BlockParameters {
    if (!this.params) throw new Error(`block ${this.ledger.blockId}: parameters not set yet`);
    return this.params;
  }
}
