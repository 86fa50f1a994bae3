/**
 * Error verification after reconciliation: Alice and Bob compare a short universal hash of their
 * corrected keys (algorithms.md §3.1). Family: polynomial hash over GF(2⁶⁴) (Horner, see gf64.ts)
 * with a fresh key drawn from node:crypto per block, truncated to `tagBits`; for tagBits > 64 the
 * tag is the concatenation of ⌈tagBits/64⌉ independent polynomial hashes.
 *
 * Who sends what: Alice draws the seed(s), computes her tag and sends
 *   [0x56 'V'] [key length L: u32 LE] [tagBits: u8] [seeds: 8 bytes each, LE] [tag: ⌈t/8⌉ bytes]
 * in one message; Bob recomputes the tag on his key and answers [0x76 'v'] [verdict: 1 ok | 0 tags
 * differ | 2 malformed request (length or tag-size mismatch)].
 * Both book `tagBits` leaked bits in the ledger (kind 'verification') and 1 bit for Bob's
 * verdict (Bob→Alice: whether the tags matched); on mismatch both throw
 * ProtocolAbort('verification-failed') and the block is discarded.
 *
 * ε_cor: for keys that differ, Pr[tags equal] ≤ Π_j ⌈L/64⌉/2^(t_j) (t_j = bits kept of hash j);
 * for one hash, ⌈L/64⌉/2^t — the polynomial-hash bound of algorithms.md §3.1 with 64-bit blocks.
 */
import { randomFillSync } from 'node:crypto';
import { BitArray } from '../core/bits.js';
import { InputError, ProtocolAbort } from '../core/errors.js';
import type { MessageChannel } from './channel.js';
import type { LeakageLedger } from './ledger.js';
import { Gf64Hasher } from './gf64.js';
import { DEFAULT_EPS_COR } from '../security/defaults.js';

export interface VerifyOptions {
  /** Tag length in bits (1..128). Default: 64 if that meets `epsCorTarget`, else 128. */
  tagBits?: number;
  /** Target ε_cor (default DEFAULT_EPS_COR, 1e-15). With an explicit `tagBits` exceeding it, an InputError is thrown. */
  epsCorTarget?: number;
}

export interface VerifyResult {
  /** Collision probability bound actually achieved (ε_cor of this block). */
  epsCor: number;
  tagBits: number;
}

const MSG_SEED = 0x56;
/**
 * Bob's verdict discloses whether the tags matched: one bit of information about the keys
 * (arXiv:2507.21416: the verification result leaks and must be counted). Its third value,
 * "malformed seed message", depends on public data only.
 */
const VERDICT_BITS = 1;
const VERDICT_LABEL = 'verification verdict (Bob→Alice)';
const MSG_VERDICT = 0x76;

/** ε_cor = Π_j ⌈L/64⌉ / 2^(t_j) for a key of `keyBits` bits and a `tagBits`-bit tag (§3.1). */
export function verificationCollisionBound(keyBits: number, tagBits: number): number {
  const blocks = Math.max(1, Math.ceil(keyBits / 64));
  let eps = 1;
  for (let rem = tagBits; rem > 0; rem -= 64) eps *= Math.min(1, blocks / 2 ** Math.min(64, rem));
  return eps;
}

/** Smallest tag (64 or 128 bits) that meets `target` for a key of `keyBits` bits. */
export function chooseTagBits(keyBits: number, target = DEFAULT_EPS_COR): number {
  if (verificationCollisionBound(keyBits, 64) <= target) return 64;
  if (verificationCollisionBound(keyBits, 128) <= target) return 128;
  throw new InputError(`no tag of ≤ 128 bits reaches ε_cor ${target} for a ${keyBits}-bit key`, { field: 'epsCorTarget' });
}

function resolveTagBits(keyBits: number, opts: VerifyOptions): number {
  const target = opts.epsCorTarget ?? DEFAULT_EPS_COR;
  if (!(target > 0 && target < 1)) throw new InputError(`must be in (0, 1), got ${target}`, { field: 'epsCorTarget' });
  if (opts.tagBits === undefined) return chooseTagBits(keyBits, target);
  const t = opts.tagBits;
  if (!Number.isInteger(t) || t < 1 || t > 128) throw new InputError(`must be an integer in 1..128, got ${t}`, { field: 'tagBits' });
  if (opts.epsCorTarget !== undefined && verificationCollisionBound(keyBits, t) > target) {
    throw new InputError(`${t}-bit tag gives ε_cor ${verificationCollisionBound(keyBits, t)} > ${target}`, { field: 'tagBits' });
  }
  return t;
}

/**
 * The t-bit verification tag of `key` under seeds (8 bytes per independent hash, LE).
 * Tag bits: hash j contributes its low min(64, t − 64j) bits, in order.
 */
export function verificationTag(key: BitArray, seeds: Uint8Array, tagBits: number): BitArray {
  const parts: BitArray[] = [];
  for (let j = 0, rem = tagBits; rem > 0; j++, rem -= 64) {
    const h = Gf64Hasher.fromKeyBytes(seeds, 8 * j).hashWords(key.words);
    parts.push(new BitArray(Math.min(64, rem), h));
  }
  return BitArray.concat(parts);
}

function tagEquals(a: BitArray, b: BitArray): boolean {
  return a.equals(b);
}

/**
 * Alice's side: draws fresh seeds, sends seeds and tag, waits for Bob's verdict.
 * Books tagBits in the ledger. Throws ProtocolAbort('verification-failed') if Bob reports a mismatch.
 */
export async function verifyAsAlice(
  key: BitArray,
  ch: MessageChannel,
  ledger: LeakageLedger,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const tagBits = resolveTagBits(key.length, opts);
  const nHashes = Math.ceil(tagBits / 64);
  const seeds = new Uint8Array(8 * nHashes);
  randomFillSync(seeds);
  const tag = verificationTag(key, seeds, tagBits).toBytes();
  const msg = new Uint8Array(6 + seeds.length + tag.length);
  const dv = new DataView(msg.buffer);
  msg[0] = MSG_SEED;
  dv.setUint32(1, key.length, true);
  msg[5] = tagBits;
  msg.set(seeds, 6);
  msg.set(tag, 6 + seeds.length);
  ledger.add('verification', tagBits, 'verification tag');
  await ch.send(msg);
  const reply = await ch.receive();
  if (reply.length !== 2 || reply[0] !== MSG_VERDICT || reply[1] > 2) {
    throw new ProtocolAbort('protocol-violation', 'verification: malformed verdict from Bob');
  }
  if (reply[1] === 2) throw new ProtocolAbort('protocol-violation', 'verification: Bob rejected the seed message');
  ledger.add('verification', VERDICT_BITS, VERDICT_LABEL);
  if (reply[1] !== 1) throw new ProtocolAbort('verification-failed', 'verification: Bob reports a tag mismatch; block discarded');
  return { epsCor: verificationCollisionBound(key.length, tagBits), tagBits };
}

/**
 * Bob's side: receives seeds and Alice's tag, compares with his own, sends the verdict.
 * Books tagBits in the ledger. Throws ProtocolAbort('verification-failed') on mismatch (after telling Alice).
 */
export async function verifyAsBob(
  key: BitArray,
  ch: MessageChannel,
  ledger: LeakageLedger,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const msg = await ch.receive();
  const violation = async (text: string): Promise<never> => {
    await ch.send(Uint8Array.of(MSG_VERDICT, 2));
    throw new ProtocolAbort('protocol-violation', `verification: ${text}`);
  };
  if (msg.length < 6 || msg[0] !== MSG_SEED) return violation('expected seed message');
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const keyBits = dv.getUint32(1, true);
  const tagBits = msg[5];
  const nHashes = Math.ceil(tagBits / 64);
  const tagBytes = (tagBits + 7) >>> 3;
  if (tagBits < 1 || tagBits > 128 || msg.length !== 6 + 8 * nHashes + tagBytes) {
    return violation('malformed seed message');
  }
  if (keyBits !== key.length) return violation(`Alice's key has ${keyBits} bits, Bob's ${key.length}`);
  if (opts.tagBits !== undefined && opts.tagBits !== tagBits) {
    return violation(`Alice used ${tagBits}-bit tags, expected ${opts.tagBits}`);
  }
  const epsCor = verificationCollisionBound(keyBits, tagBits);
  if (epsCor > (opts.epsCorTarget ?? DEFAULT_EPS_COR) && opts.tagBits === undefined) {
    return violation(`Alice's ${tagBits}-bit tag gives ε_cor ${epsCor}`);
  }
  ledger.add('verification', tagBits, 'verification tag');
  const seeds = msg.subarray(6, 6 + 8 * nHashes);
  const theirs = BitArray.fromBytes(msg.subarray(6 + 8 * nHashes), tagBits);
  const ok = tagEquals(verificationTag(key, seeds, tagBits), theirs);
  ledger.add('verification', VERDICT_BITS, VERDICT_LABEL);
  await ch.send(Uint8Array.of(MSG_VERDICT, ok ? 1 : 0));
  if (!ok) throw new ProtocolAbort('verification-failed', 'verification: tags differ; block discarded');
  return { epsCor, tagBits };
}
