/**
 * Efficiency and frame-error helpers shared by tests, the bench suite and reports.
 * f = disclosed bits / (n·h(QBER)) (algorithms.md §2); f = 1 is the Slepian–Wolf limit.
 */
import { BitArray } from '../../core/bits.js';
import { binaryEntropy } from '../../core/entropy.js';
import { memoryChannelPair } from '../channel.js';
import type { ChannelStats } from '../channel.js';
import { LeakageLedger } from '../ledger.js';
import { Xoshiro128 } from './prng.js';
import type { ReconcileOptions, ReconcileResult, Reconciler } from './types.js';

/** Reconciliation efficiency f = leaked / (n·h(qber)) (algorithms.md §2). */
export function efficiency(leakedBits: number, n: number, qber: number): number {
  const h = binaryEntropy(qber);
  return h > 0 && n > 0 ? leakedBits / (n * h) : Infinity;
}

/** Efficiency with failed frames counted as fully leaked: f_FER = (1−FER)·f + FER/h(Q) (Müller et al. 2025, algorithms.md §1.3). */
export function efficiencyWithFailures(f: number, fer: number, qber: number): number {
  const h = binaryEntropy(qber);
  return (1 - fer) * f + fer / h;
}

export interface FrameErrorStats {
  frames: number;
  failed: number;
  fer: number;
  /** Upper end of a one-sided 95 % confidence interval (rule of three when failed = 0). */
  ferUpper95: number;
}

/** Frame error rate with a Wilson-style 95 % upper bound. */
export function frameErrorRate(failed: number, frames: number): FrameErrorStats {
  if (frames <= 0) return { frames: 0, failed: 0, fer: NaN, ferUpper95: NaN };
  const p = failed / frames;
  const z = 1.645;
  const denom = 1 + (z * z) / frames;
  const centre = p + (z * z) / (2 * frames);
  const half = z * Math.sqrt((p * (1 - p)) / frames + (z * z) / (4 * frames * frames));
  const upper = failed === 0 ? Math.min(1, 3 / frames) : Math.min(1, (centre + half) / denom);
  return { frames, failed, fer: p, ferUpper95: upper };
}

/** A test key pair: Alice random, Bob = Alice with exactly round(qber·n) flips at random places. */
export function noisyPair(n: number, qber: number, seed: number): { alice: BitArray; bob: BitArray; errors: number } {
  const r = new Xoshiro128(seed, 0x51f7);
  const alice = new BitArray(n);
  for (let i = 0; i < alice.words.length; i++) alice.words[i] = r.nextU32();
  alice.clearTail();
  const bob = alice.clone();
  const errors = Math.round(qber * n);
  // Partial Fisher–Yates over positions: exactly `errors` distinct flips.
  const pos = new Uint32Array(n);
  for (let i = 0; i < n; i++) pos[i] = i;
  for (let i = 0; i < errors; i++) {
    const j = i + r.below(n - i);
    const t = pos[i];
    pos[i] = pos[j];
    pos[j] = t;
    bob.flip(pos[i]);
  }
  return { alice, bob, errors };
}

export interface PairOutcome {
  alice: ReconcileResult;
  bob: ReconcileResult;
  /** Bob's key equals Alice's. */
  match: boolean;
  /** Residual errors after reconciliation. */
  residual: number;
  aliceLedger: LeakageLedger;
  bobLedger: LeakageLedger;
  /** Raw per-endpoint channel counters. */
  aliceChannel: ChannelStats;
  bobChannel: ChannelStats;
}

/** Run both parties over an in-memory channel pair. */
export async function runPair(
  rec: Reconciler,
  alice: BitArray,
  bob: BitArray,
  opts: ReconcileOptions,
  bobOpts: ReconcileOptions = opts,
): Promise<PairOutcome> {
  const [ca, cb] = memoryChannelPair();
  const la = new LeakageLedger('a');
  const lb = new LeakageLedger('b');
  const [ra, rb] = await Promise.all([rec.alice(alice, ca, la, opts), rec.bob(bob, cb, lb, bobOpts)]);
  const residual = ra.key.hammingDistance(rb.key);
  return {
    alice: ra,
    bob: rb,
    match: residual === 0,
    residual,
    aliceLedger: la,
    bobLedger: lb,
    aliceChannel: { ...ca.stats },
    bobChannel: { ...cb.stats },
  };
}
