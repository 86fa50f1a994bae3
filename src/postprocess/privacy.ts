/**
 * Privacy amplification by Toeplitz hashing (leftover hash lemma; algorithms.md §4).
 *
 * T is m × n with T[i][j] = s[i − j + n − 1] (seed s of n + m − 1 bits), y = T·x mod 2, computed
 * as y_i = (s ∗ x)[i + n − 1] mod 2 — a float64 FFT convolution (fft.ts), exact and checked.
 * Inputs whose convolution would exceed `maxConvLength` — or where splitting is cheaper than
 * rounding n + m − 1 up to the next power of two — are split into sub-Toeplitz blocks (rows
 * [i0, i0+mo) × columns [j0, j0+ni) use seed bits from i0 − j0 + n − ni on), whose results are
 * XORed: memory stays at ≈ 24·maxConvLength bytes.
 */
import { BitArray } from '../core/bits.js';
import { InputError, ProtocolAbort } from '../core/errors.js';
import type { MessageChannel } from './channel.js';
import type { LeakageLedger } from './ledger.js';
import { convScale, realConvolveInPlace } from './fft.js';

export interface ToeplitzOptions {
  /** Largest FFT convolution length (power of two, real samples). Default 2²⁴. */
  maxConvLength?: number;
}

const DEFAULT_MAX_CONV = 1 << 24;
/** Work buffers up to this length are kept between calls (≤ 64 MiB); larger ones are freed. */
const KEEP_MAX = 1 << 22;
let keep: { xa: Float64Array<ArrayBuffer>; sa: Float64Array<ArrayBuffer> } | null = null;

function nextPow2(x: number): number {
  let p = 4;
  while (p < x) p *= 2;
  return p;
}

/** dst[q] = src[from + q] for q < count, 0 beyond. */
function loadBits(dst: Float64Array, src: BitArray, from: number, count: number): void {
  dst.fill(0);
  const w = src.slice(from, from + count).words;
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    if (x === 0) continue;
    const base = i << 5;
    for (let b = 0; b < 32; b++) dst[base + b] = (x >>> b) & 1;
  }
}

/** Sub-problem sizes of the blockwise plan: rows per output chunk and the FFT length cap. */
interface BlockPlan {
  rowsPerChunk: number;
  maxN: number;
}

/** Convolutions (lengths) a plan with FFT cap `maxN` performs for n inputs, m outputs. */
function planConvs(n: number, m: number, maxN: number): number[] {
  const mo = Math.min(m, maxN >>> 1);
  const lens: number[] = [];
  for (let i0 = 0; i0 < m; i0 += mo) {
    const rows = Math.min(mo, m - i0);
    const niMax = maxN - rows + 1;
    for (let j0 = 0; j0 < n; j0 += niMax) lens.push(nextPow2(Math.min(niMax, n - j0) + rows - 1));
  }
  return lens;
}

/** Cheapest cap ≤ limit under the cost model Σ N·log₂N (a power-of-two rounding can double N). */
function choosePlan(n: number, m: number, limit: number): BlockPlan {
  let best: BlockPlan = { rowsPerChunk: Math.min(m, limit >>> 1), maxN: limit };
  let bestCost = Infinity;
  for (let cap = limit; cap >= 1024; cap >>>= 1) {
    const lens = planConvs(n, m, cap);
    if (lens.length > 4096) break;
    const cost = lens.reduce((s, N) => s + N * Math.log2(N) + 64 * 1024, 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = { rowsPerChunk: Math.min(m, cap >>> 1), maxN: cap };
    }
  }
  return best;
}

/**
 * y = T·x over GF(2) for the Toeplitz matrix T[i][j] = seed[i − j + n − 1] (m = outBits rows,
 * n = input.length columns). Exact for any size (blockwise beyond `maxConvLength`).
 */
export function toeplitzHash(input: BitArray, seed: BitArray, outBits: number, opts: ToeplitzOptions = {}): BitArray {
  const n = input.length;
  const m = outBits;
  if (!Number.isInteger(m) || m < 0) throw new InputError(`must be a non-negative integer, got ${m}`, { field: 'outBits' });
  if (n < 1) throw new InputError('input must not be empty', { field: 'input' });
  if (seed.length !== n + m - 1 && m > 0) {
    throw new InputError(`seed must have n + m − 1 = ${n + m - 1} bits, got ${seed.length}`, { field: 'seed' });
  }
  const maxN = opts.maxConvLength ?? DEFAULT_MAX_CONV;
  if (!Number.isInteger(Math.log2(maxN)) || maxN < 8) {
    throw new InputError(`must be a power of two ≥ 8, got ${maxN}`, { field: 'maxConvLength' });
  }
  const out = new BitArray(m);
  if (m === 0) return out;
  const { rowsPerChunk: mo, maxN: cap } = choosePlan(n, m, maxN);
  let bufN = 0;
  let xa = new Float64Array(0);
  let sa = new Float64Array(0);
  const take = (len: number) => {
    if (keep && keep.xa.length === len) return keep;
    const fresh = { xa: new Float64Array(len), sa: new Float64Array(len) };
    if (len <= KEEP_MAX) keep = fresh;
    return fresh;
  };
  for (let i0 = 0; i0 < m; i0 += mo) {
    const rows = Math.min(mo, m - i0);
    const niMax = cap - rows + 1;
    for (let j0 = 0; j0 < n; j0 += niMax) {
      const ni = Math.min(niMax, n - j0);
      const convLen = nextPow2(ni + rows - 1);
      if (convLen !== bufN) {
        bufN = convLen;
        ({ xa, sa } = take(convLen));
      }
      loadBits(xa, input, j0, ni);
      loadBits(sa, seed, i0 - j0 + n - ni, ni + rows - 1);
      realConvolveInPlace(xa, sa);
      const inv = 1 / convScale(convLen);
      const ow = out.words;
      let worst = 0;
      for (let i = 0; i < rows; i++) {
        const v = xa[i + ni - 1] * inv;
        const r = Math.round(v);
        const e = Math.abs(v - r);
        if (e > worst) worst = e;
        const oi = i0 + i;
        ow[oi >>> 5] ^= (r & 1) << (oi & 31);
      }
      if (!(worst < 0.25)) throw new Error(`toeplitzHash: FFT rounding error ${worst} — result not exact`);
    }
  }
  return out;
}

/**
 * Slow reference: output bits `rows` of T·x, each as parity(x AND seed window) on packed words
 * (row i uses the reversed seed r[m−1−i .. m−1−i+n), r[t] = s[n+m−2−t]). O(n/32) per row.
 */
export function toeplitzReferenceBits(input: BitArray, seed: BitArray, outBits: number, rows: ArrayLike<number>): number[] {
  const n = input.length;
  const m = outBits;
  const len = n + m - 1;
  const rev = new BitArray(len);
  for (let t = 0; t < len; t++) if (seed.get(len - 1 - t)) rev.words[t >>> 5] |= 1 << (t & 31);
  const res: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const win = rev.slice(m - 1 - i, m - 1 - i + n);
    res.push(andParity(win, input));
  }
  return res;
}

function andParity(a: BitArray, b: BitArray): number {
  let x = 0;
  for (let i = 0; i < a.words.length; i++) x ^= a.words[i] & b.words[i];
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
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
 * Alice's side: draws a fresh seed (n + m − 1 bits, node:crypto), sends it over `ch` (which the
 * protocol layer authenticates) as [0x50 'P'][n: u32 LE][m: u32 LE][seed bytes], hashes, and
 * closes the ledger: nothing about this block may be disclosed afterwards.
 */
export async function amplifyAsAlice(
  key: BitArray,
  outBits: number,
  ch: MessageChannel,
  ledger: LeakageLedger,
  opts: ToeplitzOptions = {},
): Promise<AmplifyResult> {
  checkOut(key, outBits);
  const seed = BitArray.random(key.length + outBits - 1);
  const sb = seed.toBytes();
  const msg = new Uint8Array(9 + sb.length);
  const dv = new DataView(msg.buffer);
  msg[0] = MSG_SEED;
  dv.setUint32(1, key.length, true);
  dv.setUint32(5, outBits, true);
  msg.set(sb, 9);
  await ch.send(msg);
  const out = toeplitzHash(key, seed, outBits, opts);
  ledger.close();
  return { key: out, seedBits: seed.length };
}

/** Bob's side: receives Alice's seed, checks the sizes agree, hashes, closes the ledger. */
export async function amplifyAsBob(
  key: BitArray,
  outBits: number,
  ch: MessageChannel,
  ledger: LeakageLedger,
  opts: ToeplitzOptions = {},
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
  const seedLen = n + m - 1;
  if (msg.length !== 9 + ((seedLen + 7) >>> 3)) throw new ProtocolAbort('protocol-violation', 'privacy amplification: seed length');
  const seed = BitArray.fromBytes(msg.subarray(9), seedLen);
  const out = toeplitzHash(key, seed, outBits, opts);
  ledger.close();
  return { key: out, seedBits: seedLen };
}

/** A fresh random seed for `toeplitzHash` (n + m − 1 bits from node:crypto). */
export function randomToeplitzSeed(n: number, m: number): BitArray {
  return BitArray.random(n + m - 1);
}
