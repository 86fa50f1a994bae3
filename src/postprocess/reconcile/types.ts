/** The reconciliation interface shared by Cascade, LDPC and the Hamming (Winnow-like) scheme. */
import type { BitArray } from '../../core/bits.js';
import type { ChannelStats, MessageChannel } from '../channel.js';
import type { LeakageLedger } from '../ledger.js';

export interface ReconcileOptions {
  /** QBER from parameter estimation; both parties know it. Alice's value is sent to Bob and wins. */
  qberEstimate: number;
  /**
   * Public seed for permutations / code positions. It is not secret: Alice sends the value she
   * uses (opts.seed, or a fresh random one) in her first message and Bob adopts it, so both derive
   * identical permutations. Permutations only need to be unpredictable *before* the errors occur.
   */
  seed?: number;
  /**
   * Source of the secret random bits a reconciler draws (LDPC's punctured filler values), e.g.
   * the party's seeded Drbg (core/rng/drbg.ts), so a replay with the same `--seed` is reproducible.
   * Absent: node:crypto. These bits must stay secret: a caller passes a generator seeded from a
   * secret, never from a public value.
   */
  secretBits?: SecretBitSource;
}

/** Uniformly random secret bytes (Drbg has this shape). */
export interface SecretBitSource {
  bytes(n: number): Uint8Array;
}

export interface ReconcileStats {
  messages: number;
  bits: number;
  roundTrips: number;
}

export interface FrameOutcome {
  /** Range [from, to) of the frame in the algorithm's order of the key bits (see `positions`). */
  from: number;
  to: number;
  /**
   * The frame's key positions, when the algorithm reorders the key (LDPC interleaves it): frame
   * bit i is key bit positions[i]. Absent: the frame is key bits [from, to). Use `frameBits`.
   */
  positions?: Uint32Array;
  ok: boolean;
  leakedBits: number;
}

export interface ReconcileResult {
  /** Alice: her key unchanged. Bob: his corrected key (failed LDPC frames keep his input bits). */
  key: BitArray;
  /** As far as the algorithm knows (Cascade/Hamming cannot know; LDPC checks the syndrome). */
  ok: boolean;
  /** Bits booked in the ledger by this run, both directions (same on both sides). */
  leakedBits: number;
  /**
   * Of those, bits Alice disclosed (parities, syndromes, revealed bits): the numerator of the
   * efficiency f that the literature reports (Alice's disclosures only).
   */
  forwardBits: number;
  /** Of those, the information in Bob's messages (Bob→Alice), bounded as each reconciler states. */
  backwardBits: number;
  /** Bits Bob flipped (0 on Alice's side). */
  correctedErrors: number;
  /** This endpoint's channel traffic during the run (messages sent+received, bits both ways). */
  stats: ReconcileStats;
  /** Per-frame outcome for frame-based algorithms (LDPC). */
  frames?: FrameOutcome[];
}

export interface Reconciler {
  readonly name: string;
  alice(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult>;
  bob(key: BitArray, ch: MessageChannel, ledger: LeakageLedger, opts: ReconcileOptions): Promise<ReconcileResult>;
}

/**
 * A reconciler's booking of what it disclosed, per direction (Tupkary & Lütkenhaus,
 * arXiv:2307.00576: Bob's messages reveal his parities, i.e. the error pattern's, and count too).
 * Entries go to the block's ledger as kind 'reconciliation'; `forward` and `backward` are this
 * run's totals for the result.
 */
export class LeakBook {
  forward = 0;
  backward = 0;
  /** Ledger labels by `what`, per direction (built once: interactive reconcilers book every round, and a concatenated lookup key cost as much as the booking). */
  private readonly forwardLabels = new Map<string, string>();
  private readonly backwardLabels = new Map<string, string>();

  constructor(
    private readonly ledger: LeakageLedger,
    private readonly name: string,
  ) {}

  private label(labels: Map<string, string>, what: string, suffix: string): string {
    let l = labels.get(what);
    if (l === undefined) {
      l = `${this.name} ${what}${suffix}`;
      labels.set(what, l);
    }
    return l;
  }

  /** Bits Alice disclosed (label as the ledger shows it, e.g. "parities"). */
  alice(bits: number, what: string): void {
    this.forward += bits;
    this.ledger.add('reconciliation', bits, this.label(this.forwardLabels, what, ''));
  }

  /** Information in Bob's messages (label says what it is and carries the direction). */
  bob(bits: number, what: string): void {
    this.backward += bits;
    this.ledger.add('reconciliation', bits, this.label(this.backwardLabels, what, ' (Bob→Alice)'));
  }

  get total(): number {
    return this.forward + this.backward;
  }

  /** The result's leak fields. */
  result(): Pick<ReconcileResult, 'leakedBits' | 'forwardBits' | 'backwardBits'> {
    return { leakedBits: this.total, forwardBits: this.forward, backwardBits: this.backward };
  }
}

/** Snapshot of channel stats, to report the traffic of one run. */
export function statsSince(before: ChannelStats, now: ChannelStats): ReconcileStats {
  return {
    messages: now.messagesSent - before.messagesSent + (now.messagesReceived - before.messagesReceived),
    bits: now.bitsSent - before.bitsSent + (now.bitsReceived - before.bitsReceived),
    roundTrips: now.roundTrips - before.roundTrips,
  };
}

export function snapshot(s: ChannelStats): ChannelStats {
  return { ...s };
}

/** The bits of `key` (Alice's or Bob's, in the caller's order) that frame `f` covers. */
export function frameBits(key: BitArray, f: FrameOutcome): BitArray {
  return f.positions ? key.select(f.positions) : key.slice(f.from, f.to);
}
