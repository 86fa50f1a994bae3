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

  /** The generator's current state words (for inlined loops that continue the same sequence). */
  state(): { a: number; b: number; c: number; d: number } {
    return { a: this.a, b: this.b, c: this.c, d: this.d };
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

/**
 * Fisher–Yates shuffle of 0..n-1 from (seed, stream). The generator is inlined on local state
 * (same outputs as `Xoshiro128.below`, which the test compares): the shuffle is on the path of
 * every reconciliation with a fresh public seed.
 */
export function randomPermutation(n: number, seed: number, stream: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = new Xoshiro128(seed, stream);
  let { a, b, c, d } = r.state();
  for (let i = n - 1; i > 0; i--) {
    const x = Math.imul(b, 5);
    const y = (x << 7) | (x >>> 25);
    const u = Math.imul(y, 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    const j = Math.floor((u / 4294967296) * (i + 1));
    const v = p[i];
    p[i] = p[j];
    p[j] = v;
  }
  return p;
}

/** A permutation and its inverse (computed on first use: Hamming and LDPC need only `perm`). */
export class CachedPermutation {
  private invCache: Uint32Array | null = null;
  constructor(readonly perm: Uint32Array) {}

  get inv(): Uint32Array {
    let inv = this.invCache;
    if (!inv) {
      const perm = this.perm;
      inv = new Uint32Array(perm.length);
      for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
      this.invCache = inv;
    }
    return inv;
  }
}

const cache = new Map<string, CachedPermutation>();
const CACHE_LIMIT = 64;

/**
 * Permutation and inverse for (n, seed, stream), memoised with least-recently-used eviction:
 * permutations are public, so a system may precompute them for its frame sizes. Both parties in
 * one process share this cache; it holds no key material.
 */
export function cachedPermutation(n: number, seed: number, stream: number): CachedPermutation {
  const k = `${n}:${seed}:${stream}`;
  let c = cache.get(k);
  if (c) {
    // refresh its place in the insertion order (Map iteration order = least recently used first)
    cache.delete(k);
  } else {
    c = new CachedPermutation(randomPermutation(n, seed, stream));
    if (cache.size >= CACHE_LIMIT) {
      const first = cache.keys().next().value;
      if (first !== undefined) cache.delete(first);
    }
  }
  cache.set(k, c);
  return c;
}

/**
 * A fresh random public seed (uint32). Public, but drawn from node:crypto like every other
 * random choice of the protocol, so that an adversary cannot predict the permutations.
 */
export function freshSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
