/**
 * Philox4x32-10 counter-based generator.
 * Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11 (Random123);
 * constants and known-answer tests in shared/reference/algorithms.md §8.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32, exact in float64 arithmetic (algorithms.md §8). */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const hl = ah * bl;
  const lh = al * bh;
  const hh = ah * bh;
  const cross = (ll >>> 16) + (hl & 0xffff) + lh;
  return (hh + (hl >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/**
 * One Philox4x32-10 block: 4 counter words and 2 key words (uint32) → 4 output words written to
 * `out` (uint32). Allocation-free.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

/** Split a non-negative integer below 2^53 into its low and high 32-bit words. */
export function splitIndex(index: number): [number, number] {
  const lo = index % 4294967296;
  return [lo >>> 0, Math.floor(index / 4294967296) >>> 0];
}

const TWO_NEG_53 = 1 / 9007199254740992;

/** A uniform double in [0, 1) from two uint32 words (53 bits; algorithms.md §8). */
export function u53(a: number, b: number): number {
  return ((a >>> 5) * 67108864 + (b >>> 6)) * TWO_NEG_53;
}

/**
 * Distributions on top of a source of uint32 words. Subclasses provide `nextU32`.
 */
/**
 * Poisson means below this are drawn by inversion (exact there: e^−mean does not underflow and
 * the sum needs < 3000 terms), above by transformed rejection.
 */
export const POISSON_INVERSION_MAX = 500;

const LOG_FACT_TABLE = (() => {
  const t = new Float64Array(256);
  for (let k = 1; k < 256; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();

/** ln k! : a table below 256, Stirling's series above (error < 1e-15 relative; Abramowitz & Stegun 6.1.41). */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT_TABLE[k];
  const n = k + 1;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

export abstract class RandomStream {
  private spareNormal = NaN;

  abstract nextU32(): number;

  /** Uniform in [0, 1) with 53 bits. */
  nextDouble(): number {
    const a = this.nextU32();
    return u53(a, this.nextU32());
  }

  /** Uniform in (0, 1]: safe for logarithms. */
  nextOpen(): number {
    return 1 - this.nextDouble();
  }

  /** Standard normal (Marsaglia polar method, pairs cached). */
  nextNormal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const s = this.spareNormal;
      this.spareNormal = NaN;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextDouble() - 1;
      v = 2 * this.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Exponential with the given mean. */
  nextExponential(mean: number): number {
    return -Math.log(this.nextOpen()) * mean;
  }

  /**
   * Number of failures before the first success of a Bernoulli(p) sequence (geometric skip),
   * ⌊ln U / ln(1 − p)⌋ (algorithms.md §8). Returns Infinity when p = 0.
   */
  nextGeometric(p: number): number {
    if (p <= 0) return Infinity;
    if (p >= 1) return 0;
    return Math.floor(Math.log(this.nextOpen()) / Math.log1p(-p));
  }

  /** Geometric skip with a precomputed 1 / ln(1 − p) (hot loops). */
  nextGeometricInv(invLog1mP: number): number {
    return Math.floor(Math.log(this.nextOpen()) * invLog1mP);
  }

  /**
   * Poisson(mean), exact for any mean: inversion below POISSON_INVERSION_MAX (the sampler Mozi
   * always used there, so seeded streams are unchanged), Hörmann's transformed rejection PTRS
   * above (W. Hörmann, "The transformed rejection method for generating Poisson random
   * variables", Insurance: Mathematics and Economics 12, 39 (1993)), O(1) per draw.
   */
  nextPoisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean >= POISSON_INVERSION_MAX) return this.poissonPtrs(mean);
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    const u = this.nextDouble();
    // the cap only guards against a u within rounding of 1; P(k > 3000 | mean < 500) < 1e-300
    while (u > cdf && k < 3000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

  /** PTRS (Hörmann 1993, algorithm PTRS), valid for mean ≥ 10. */
  private poissonPtrs(mean: number): number {
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.nextDouble() - 0.5;
      const v = this.nextDouble();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) return k;
    }
  }

  /** Poisson(mean) conditioned on being ≥ 1: inversion for small means, rejection of zeros above. */
  nextPoissonAtLeastOne(mean: number): number {
    if (mean <= 0) return 1;
    if (mean >= POISSON_INVERSION_MAX) {
      for (;;) {
        const k = this.poissonPtrs(mean);
        if (k >= 1) return k;
      }
    }
    const p0 = Math.exp(-mean);
    const total = -Math.expm1(-mean);
    const u = this.nextDouble() * total;
    let k = 1;
    let p = p0 * mean;
    let cdf = p;
    while (u > cdf && k < 3000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
}

/**
 * A sequential stream from Philox4x32-10 in counter mode: key (k0, k1), counter
 * (n_lo, n_hi, stream, 0).
 */
export class PhiloxStream extends RandomStream {
  private readonly k0: number;
  private readonly k1: number;
  private readonly stream: number;
  private ctrLo = 0;
  private ctrHi = 0;
  private readonly buf = new Uint32Array(4);
  private pos = 4;

  constructor(k0: number, k1: number, stream = 0) {
    super();
    this.k0 = k0 >>> 0;
    this.k1 = k1 >>> 0;
    this.stream = stream >>> 0;
  }

  nextU32(): number {
    if (this.pos === 4) {
      philox4x32(this.ctrLo, this.ctrHi, this.stream, 0, this.k0, this.k1, this.buf);
      this.ctrLo = (this.ctrLo + 1) >>> 0;
      if (this.ctrLo === 0) this.ctrHi = (this.ctrHi + 1) >>> 0;
      this.pos = 0;
    }
    return this.buf[this.pos++];
  }
}

/**
 * xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47
 * (2021)): a fast sequential generator for the simulation's channel and detector randomness
 * (not random-access; the transmitter's settings use Philox).
 */
export class Xoshiro128 extends RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seed with four uint32 words, not all zero. */
  constructor(w0: number, w1: number, w2: number, w3: number) {
    super();
    this.s0 = w0 | 0;
    this.s1 = w1 | 0;
    this.s2 = w2 | 0;
    this.s3 = w3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextU32(): number {
    const s1 = this.s1;
    const r = Math.imul(s1, 5);
    const rot = (r << 7) | (r >>> 25);
    const result = Math.imul(rot, 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }
}
