/**
 * What each party needs and returns. The satellite knows only its source (the seed-derived
 * settings of any pulse) and transmitter parameters; the ground only its detection list.
 * The post-processing algorithms are injected (`PostProcessing`) so the state machines can be
 * exercised alone; `defaultPostProcessing()` (postprocessing.ts) wires the real modules.
 */
import type { BitArray } from '../core/bits.js';
import type { AbortReason } from '../core/errors.js';
import type { Drbg } from '../core/rng/drbg.js';
import type { BlockCounts, SiftedDetail } from '../postprocess/block.js';
import type { LedgerSummary, LeakageLedger } from '../postprocess/ledger.js';
import type { MessageChannel } from '../postprocess/channel.js';
import type { ReconcilerName } from '../postprocess/reconcile/registry.js';
import { SECURITY_DEFAULTS } from '../security/defaults.js';
import type { Bound, FiniteKeyFn, FiniteKeyResult, Protocol } from '../security/types.js';

export type { BlockCounts, SiftedDetail } from '../postprocess/block.js';
export type { FiniteKeyFn } from '../security/types.js';

/** A reconciler's name (postprocess/reconcile/registry.ts holds the list). */
export type ReconciliationMethod = ReconcilerName;

export interface PulseSettingsBatch {
  intensity: Uint8Array;
  basis: Uint8Array;
  bit: Uint8Array;
}

export interface SatelliteSource {
  site: string;
  passId: string;
  /** Mean photon numbers per class [signal, decoy, vacuum]. */
  mu: number[];
  p: number[];
  pZ: number;
  pulseRateHz: number;
  /** Pulses sent during the data window (for the no-decoy gains). */
  pulsesSent: number;
  /** What the source sent at these pulse indices (from the seed; O(1) per pulse). */
  settings(pulseIndex: Float64Array): PulseSettingsBatch;
  /** A record still being written (a growing QRNG record): resolves once the settings of pulses up to this index can be read. */
  ready?(maxPulseIndex: number): Promise<void>;
}

export interface GroundDetections {
  site: string;
  passId: string;
  /** Strictly increasing pulse indices of the detections (after timing recovery). */
  pulseIndex: Float64Array;
  /** Bob's basis per detection, 0 = Z, 1 = X. */
  basis: Uint8Array;
  /** Bob's bit per detection (double clicks already resolved to a random bit). */
  bit: Uint8Array;
}

export interface SatellitePolicy {
  epsSec: number;
  epsCor: number;
  bound: Bound;
  protocol: Protocol;
  reconciliation: ReconciliationMethod;
  /** Abort when the sampled QBER exceeds this. */
  qberThreshold: number;
  /** Fraction of sifted bits disclosed for the preliminary estimate. */
  sampleFraction: number;
}

/**
 * Defaults: ε_sec, ε_cor, QBER threshold and sample fraction from security/defaults.ts (ε_sec =
 * 1e-9 as Micius); the Hoeffding finite-key analysis of Lim et al., PRA 89, 022307 (2014) (the
 * standard of the time; Chernoff is tighter, see algorithms.md §1.7), symmetric BB84 (key from
 * both bases, as Micius sent both with probability 1/2), Cascade.
 */
export const DEFAULT_POLICY: SatellitePolicy = {
  epsSec: SECURITY_DEFAULTS.epsSec,
  epsCor: SECURITY_DEFAULTS.epsCor,
  bound: 'hoeffding',
  protocol: 'symmetric',
  reconciliation: 'cascade',
  qberThreshold: SECURITY_DEFAULTS.qberThreshold,
  sampleFraction: SECURITY_DEFAULTS.sampleFraction,
};

export interface PostProcessing {
  finiteKey: FiniteKeyFn;
  reconcileAlice(method: ReconciliationMethod, key: BitArray, ch: MessageChannel, ledger: LeakageLedger, qber: number, rng: Drbg): Promise<void>;
  reconcileBob(method: ReconciliationMethod, key: BitArray, ch: MessageChannel, ledger: LeakageLedger, qber: number, rng: Drbg): Promise<BitArray>;
  /** Throws ProtocolAbort('verification-failed') on mismatch. */
  verifyAlice(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, epsCor: number, rng: Drbg): Promise<void>;
  verifyBob(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, epsCor: number, rng: Drbg): Promise<void>;
  amplifyAlice(key: BitArray, lengthBits: number, ch: MessageChannel, ledger: LeakageLedger, rng: Drbg): Promise<BitArray>;
  amplifyBob(key: BitArray, lengthBits: number, ch: MessageChannel, ledger: LeakageLedger): Promise<BitArray>;
  /** Either side, a streamed pass: hash with the seed whose two halves the parties exchanged after the last block (privacy.ts seedParts). */
  amplifySeeded(key: BitArray, lengthBits: number, seed: BitArray, ledger: LeakageLedger): Promise<BitArray>;
}

export interface StoredBlock {
  passId: string;
  blockId: number;
  site: string;
  peerSite: string;
  epsSec: number;
  epsCor: number;
  key: BitArray;
}

/**
 * Where a party puts its final key: the port the protocol defines and kms/ implements
 * (kms/sink.ts: the site's key store, or a file). Called only when the whole block succeeded.
 */
export interface KeySink {
  store(block: StoredBlock): Promise<void> | void;
  /**
   * The two-phase port of the commit protocol (protocol/commit.ts). A sink without it gets
   * `store` once the block is confirmed; a sink with it stores durably pending first.
   */
  commit?: CommitPort;
}

/** A block of a link, as the commit protocol names it. */
export interface BlockRef {
  passId: string;
  blockId: number;
  peerSite: string;
}

/** Durable two-phase storage of final keys (kms/sink.ts implements it on the key store). */
export interface CommitPort {
  /** Store the block durably, pending: deliverable to nobody. `poolBytes`: the part that refills the auth pool on confirmation. */
  storePending(block: StoredBlock, poolBytes?: Uint8Array): void | Promise<void>;
  /** Make the pending block deliverable (idempotent). */
  confirm(ref: BlockRef): void | Promise<void>;
  /** Erase the pending block (never a confirmed one). */
  discard(ref: BlockRef): void | Promise<void>;
  /** Pending blocks of the link with `peerSite`. */
  pending(peerSite: string): BlockRef[];
  /** Whether the block is held here, pending or confirmed. */
  holds(ref: BlockRef): boolean;
  /** The pool bytes stored with a pending block (undefined if none). */
  pendingPoolBytes(ref: BlockRef): Uint8Array | undefined;
}

export type PartyState =
  | 'hello'
  | 'detections'
  | 'sifting'
  | 'estimation'
  | 'preliminary-bound'
  | 'reconciliation'
  | 'verification'
  | 'final-bound'
  | 'amplification'
  | 'storing'
  | 'done'
  | 'aborted';

export interface PartyEvent {
  role: 'satellite' | 'ground';
  state: PartyState;
  detail?: string;
  /** Streamed pass: wall time (epoch ms) at which the party received (satellite) or sent (ground) the last block's detections. */
  passCompleteAtMs?: number;
}

/**
 * One block of a streamed pass's detections (what timing recovery emitted for ~10 s of tags),
 * decoded as GroundDetections' arrays — or a part of one (`more`: the block's next part follows;
 * the block is its parts up to the first without `more`). The ground announces each part as it
 * comes; sifting, estimation and reconciliation run on the whole block (stages/streamed-blocks.ts).
 */
export interface DetectionBlock {
  pulseIndex: Float64Array;
  basis: Uint8Array;
  bit: Uint8Array;
  more?: boolean;
}

export interface PartyResult {
  role: 'satellite' | 'ground';
  site: string;
  peerSite: string;
  passId: string;
  blockId: number;
  aborted: boolean;
  abortReason?: AbortReason;
  abortMessage?: string;
  /** Final key length (0 when aborted). */
  keyBits: number;
  /** SHA-256 of the final key bytes (for out-of-band comparison; never sent on the channel). */
  keyDigest?: string;
  key?: BitArray;
  counts?: BlockCounts;
  sampleQber?: number;
  qber?: number;
  preliminary?: FiniteKeyResult;
  finiteKey?: FiniteKeyResult;
  ledger?: LedgerSummary;
  traffic: Record<string, { messages: number; bytes: number }>;
  stageMs: Partial<Record<PartyState, number>>;
  /** Ground only: per sifted detection, its pulse index and whether it was an error (postprocess/block.ts). */
  siftedDetail?: SiftedDetail;
}

export interface PartyOptions {
  post: PostProcessing;
  sink?: KeySink;
  /** Seed for the party's public random choices (sample, hash seeds); random when absent. */
  seed?: string;
  onEvent?: (e: PartyEvent) => void;
  /** Called with the block's ledger when it is opened (the channel books pad consumption there). */
  attachLedger?: (ledger: LeakageLedger) => void;
  /** Unauthenticated abort notice on the raw transport when the authenticated channel has failed. */
  rawNotify?: (frame: Uint8Array) => Promise<void>;
  /** The raw transport's next frame (the peer's abort notice after a failed send). */
  rawReceive?: () => Promise<Uint8Array>;
  /**
   * An emulated link (link-emulator.ts): resolves once the frames sent so far are delivered. The
   * emulator hands a frame on from a timer of this process, so a long synchronous computation
   * right after a send would hold the frame back — a real link sends it meanwhile; a party about
   * to compute while the peer waits for its last frames awaits this first.
   */
  linkSettled?: () => Promise<void>;
}
