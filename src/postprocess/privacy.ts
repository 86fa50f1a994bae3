/**
 * Privacy amplification (leftover hash lemma; algorithms.md §4): Alice draws the public seed of the
 * modified Toeplitz hash (toeplitz.ts) from node:crypto, sends it, both parties hash their
 * reconciled key, the ledger is closed. Large keys are hashed in segments on worker threads
 * (toeplitz-parallel.ts); the output bits are the same for any segmentation.
 */
import { BitArray } from '../core/bits.js';
import { InputError, ProtocolAbort } from '../core/errors.js';
import type { MessageChannel } from './channel.js';
import type { LeakageLedger } from './ledger.js';
import { modifiedToeplitzHashParallel, type ParallelOptions } from './toeplitz-parallel.js';

export {
  modifiedToeplitzHash,
  modifiedToeplitzReferenceBits,
  toeplitzHash,
  toeplitzReferenceBits,
  type ToeplitzOptions,
} from './toeplitz.js';

export interface AmplifyOptions extends ParallelOptions {
  /**
   * Source of the public seed's bytes (default node:crypto). The protocol passes its party's
   * deterministic generator so a run with the same --seed reproduces the same key.
   */
  seedBytes?: (n: number) => Uint8Array;
}

const MSG_SEED = 0x50;

/** Result of one side's privacy amplification. */
export interface AmplifyResult {
  key: BitArray;
  seedBits: number;
}

function checkOut(key: BitArray, outBits: number): void {
  if (!Number.isInteger(outBits) || outBits < 1 || outBits > key.length) {
    throw new InputError(`must be an integer in 1..${key.length} (key length), got ${outBits}`, { field: 'outBits' });
  }
}

/**
 * Alice's side: draws a fresh seed (n − 1 bits, node:crypto unless `opts.seedBytes`), sends it over
 * `ch` (which the protocol layer authenticates) as [0x50 'P'][n: u32 LE][m: u32 LE][seed bytes],
 * hashes with `modifiedToeplitzHash`, and
 * closes the ledger: nothing about this block may be disclosed afterwards.
 */
export async function amplifyAsAlice(
  key: BitArray,
  outBits: number,
  ch: MessageChannel,
  ledger: LeakageLedger,
  opts: AmplifyOptions = {},
): Promise<AmplifyResult> {
  checkOut(key, outBits);
  const seedLen = key.length - 1;
  const seed = opts.seedBytes ? BitArray.fromBytes(opts.seedBytes((seedLen + 7) >>> 3), seedLen) : BitArray.random(seedLen);
  const sb = seed.toBytes();
  const msg = new Uint8Array(9 + sb.length);
  const dv = new DataView(msg.buffer);
  msg[0] = MSG_SEED;
  dv.setUint32(1, key.length, true);
  dv.setUint32(5, outBits, true);
  msg.set(sb, 9);
  await ch.send(msg);
  const out = await modifiedToeplitzHashParallel(key, seed, outBits, opts);
  ledger.close();
  return { key: out, seedBits: seed.length };
}

/** Bob's side: receives Alice's seed, checks the sizes agree, hashes, closes the ledger. */
export async function amplifyAsBob(
  key: BitArray,
  outBits: number,
  ch: MessageChannel,
  ledger: LeakageLedger,
  opts: ParallelOptions = {},
): Promise<AmplifyResult> {
  checkOut(key, outBits);
  const msg = await ch.receive();
  if (msg.length < 9 || msg[0] !== MSG_SEED) throw new ProtocolAbort('protocol-violation', 'privacy amplification: expected seed message');
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const n = dv.getUint32(1, true);
  const m = dv.getUint32(5, true);
  if (n !== key.length || m !== outBits) {
    throw new ProtocolAbort('protocol-violation', `privacy amplification: Alice hashes ${n} → ${m} bits, Bob ${key.length} → ${outBits}`);
  }
  const seedLen = n - 1;
  if (msg.length !== 9 + ((seedLen + 7) >>> 3)) throw new ProtocolAbort('protocol-violation', 'privacy amplification: seed length');
  const seed = BitArray.fromBytes(msg.subarray(9), seedLen);
  const out = await modifiedToeplitzHashParallel(key, seed, outBits, opts);
  ledger.close();
  return { key: out, seedBits: seedLen };
}

const MSG_SEED_PART = 0x51;

/**
 * A streamed pass's seed (stages/streamed-blocks.ts) is exchanged right after the last block has
 * been reconciled (the quantum phase is over, and the key length n is known), in two halves drawn
 * by the two parties, each from its own generator (node:crypto unless --seed), one per direction
 * of the link, so that each direction carries half and the exchange overlaps the whole-pass
 * bookkeeping that follows: of the L = n − 1 bits, Alice draws [0, ⌈L/2⌉), Bob [⌈L/2⌉, L).
 * Uniform and independent of the key and of Eve's information since both parties are honest,
 * chosen after Eve's last interaction with the quantum signals (a seed known while signals are
 * still on their way could steer an attack on them), used once; not leakage (the ledger is
 * unchanged).
 */
export function seedParts(n: number): { alice: number; bob: number } {
  const L = Math.max(0, n - 1);
  const alice = Math.ceil(L / 2);
  return { alice, bob: L - alice };
}

/** One party's half of a streamed pass's seed: [0x51 'Q'][n: u32 LE][offset: u32 LE][bits: u32 LE][bytes]. */
export function encodeSeedPart(n: number, offset: number, part: BitArray): Uint8Array {
  const b = part.toBytes();
  const msg = new Uint8Array(13 + b.length);
  const dv = new DataView(msg.buffer);
  msg[0] = MSG_SEED_PART;
  dv.setUint32(1, n, true);
  dv.setUint32(5, offset, true);
  dv.setUint32(9, part.length, true);
  msg.set(b, 13);
  return msg;
}

/** The peer's half, checked against what this side computes (n, offset, bits) — else a protocol violation. */
export function decodeSeedPart(msg: Uint8Array, expected: { n: number; offset: number; bits: number }): BitArray {
  if (msg.length < 13 || msg[0] !== MSG_SEED_PART) throw new ProtocolAbort('protocol-violation', 'privacy amplification: expected a seed part');
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const n = dv.getUint32(1, true);
  const offset = dv.getUint32(5, true);
  const bits = dv.getUint32(9, true);
  if (n !== expected.n || offset !== expected.offset || bits !== expected.bits) {
    throw new ProtocolAbort('protocol-violation', `privacy amplification: seed part for ${n} key bits at ${offset} (${bits} bits), this side expects ${expected.n} at ${expected.offset} (${expected.bits} bits)`);
  }
  if (msg.length !== 13 + ((bits + 7) >>> 3)) throw new ProtocolAbort('protocol-violation', 'privacy amplification: seed part length');
  return BitArray.fromBytes(msg.subarray(13), bits);
}

/**
 * Below this many key bits a streamed pass hashes in the calling thread: the hash of the reference
 * pass's 1.8 Mbit takes 23–55 ms in one thread, while starting the two worker threads under tsx
 * took 0.25 s alone and 0.9 s with the other party hashing at the same time on the 2 cores.
 */
export const SEEDED_PARALLEL_MIN_BITS = 1 << 24;

/**
 * Privacy amplification with a seed exchanged before (seedParts): the key's n bits hashed to
 * `outBits` with the n − 1 seed bits; the ledger is closed. Both sides call it.
 */
export async function amplifyWithSeed(key: BitArray, outBits: number, seed: BitArray, ledger: LeakageLedger, opts: ParallelOptions = {}): Promise<AmplifyResult> {
  checkOut(key, outBits);
  if (seed.length !== key.length - 1) throw new ProtocolAbort('protocol-violation', `privacy amplification: a seed of ${seed.length} bits for a key of ${key.length}`);
  const out = await modifiedToeplitzHashParallel(key, seed, outBits, { minParallelBits: SEEDED_PARALLEL_MIN_BITS, ...opts });
  ledger.close();
  return { key: out, seedBits: seed.length };
}

/** A fresh random seed for `toeplitzHash` (n + m − 1 bits from node:crypto). */
export function randomToeplitzSeed(n: number, m: number): BitArray {
  return BitArray.random(n + m - 1);
}

/** A fresh random seed for `modifiedToeplitzHash` (n − 1 bits from node:crypto). */
export function randomModifiedToeplitzSeed(n: number): BitArray {
  return BitArray.random(n - 1);
}
