/**
 * Public pseudo-randomness for reconciliation: permutations and position choices derived from a
 * public seed both parties know. These values need no secrecy (Cascade/Winnow shuffles and LDPC
 * puncturing patterns are public); they only must be identical on both sides and independent of
 * the channel errors. Generator: xoshiro128** (Blackman & Vigna 2018) seeded by splitmix32.
 */
import { randomBytes } from 'node:crypto';

export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    // Hash (seed, stream) into the splitmix start so that streams are unrelated sequences.
    let s = mix32(mix32(seed >>> 0) ^ mix32((stream + 0x632be5ab) >>> 0) ^ 0x5bd1e995);
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform integer in [0, bound) (multiply-shift; bias < bound/2^32, irrelevant for public shuffles). */
  below(bound: number): number {
    return Math.floor((this.nextU32() / 4294967296) * bound);
  }
}

/** murmur3 fmix32 finaliser. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Fisher–Yates shuffle of 0..n-1 from (seed, stream). */
export function randomPermutation(n: number, seed: number, stream: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = new Xoshiro128(seed, stream);
  for (let i = n - 1; i > 0; i--) {
    const j = r.below(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export interface CachedPermutation {
  perm: Uint32Array;
  inv: Uint32Array;
}

const cache = new Map<string, CachedPermutation>();
const CACHE_LIMIT = 64;

/**
 * Permutation and inverse for (n, seed, stream), memoised: permutations are public, so a system
 * may precompute them for its frame sizes. Both parties in one process share this cache; it holds
 * no key material.
 */
export function cachedPermutation(n: number, seed: number, stream: number): CachedPermutation {
  const k = `${n}:${seed}:${stream}`;
  let c = cache.get(k);
  if (!c) {
    const perm = randomPermutation(n, seed, stream);
    const inv = new Uint32Array(n);
    for (let i = 0; i < n; i++) inv[perm[i]] = i;
    c = { perm, inv };
    if (cache.size >= CACHE_LIMIT) {
      const first = cache.keys().next().value;
      if (first !== undefined) cache.delete(first);
    }
    cache.set(k, c);
  }
  return c;
}

/**
 * A fresh random public seed (uint32). Public, but drawn from node:crypto like every other
 * random choice of the protocol, so that an adversary cannot predict the permutations.
 */
export function freshSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
