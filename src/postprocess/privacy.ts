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

/** A fresh random seed for `toeplitzHash` (n + m − 1 bits from node:crypto). */
export function randomToeplitzSeed(n: number, m: number): BitArray {
  return BitArray.random(n + m - 1);
}

/** A fresh random seed for `modifiedToeplitzHash` (n − 1 bits from node:crypto). */
export function randomModifiedToeplitzSeed(n: number): BitArray {
  return BitArray.random(n - 1);
}
