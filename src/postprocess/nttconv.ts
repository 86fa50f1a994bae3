/**
 * Exact binary convolution by a number-theoretic transform mod p = 15·2²⁷ + 1 = 2013265921 in a
 * WebAssembly SIMD kernel (nttconv.wat): the alternative to the float64 FFT of fftconv.ts, with the
 * same plan interface (`ConvPlan`), selected by `kernel: 'ntt'` in the Toeplitz options.
 *
 * Exactness: a cyclic convolution mod p of length N | 2²⁷ (p − 1 = 15·2²⁷; ω = 31^((p−1)/N), 31 a
 * primitive root mod p) equals the integer convolution whenever every true sum is < p; the sums of
 * the Toeplitz product are ≤ n ≤ 2²⁷ < p. There is no rounding, and `extractParities` still checks
 * every value it reads against the caller's bound (a value above it can only be a kernel fault).
 *
 * Order: forward natural → bit-reversed, pointwise product in bit-reversed order, inverse
 * bit-reversed → natural, so no permutation pass (as in fftconv.ts). Stages whose blocks exceed
 * `NTT_CACHE_BLOCK` elements are passes over the whole array (two stages per pass where possible);
 * then every cache block runs its remaining stages while in cache (the Bailey/four-step idea of
 * doing the large-stride part first and the small transforms in cache, here without a transpose).
 * Scaling: the x bits load as c = 2³²·N⁻¹ mod p instead of 1, which cancels both Montgomery's 2⁻³²
 * of the pointwise product and the inverse transform's factor N, so `result()` is x ⊛ s itself.
 *
 * Memory: one kernel instance per process (per worker), grown to the largest plan and kept
 * (WebAssembly memory cannot shrink): twiddle tables T, T′, T⁻¹, T⁻¹′ of N/2 u32 each (8·N bytes),
 * packed bits (N/4 bytes), x and s (4·N bytes each) and an accumulator (4·N bytes) if requested:
 * ≈ 20·N bytes, 16·N without accumulator (fftconv: 28·N).
 */
import { instantiate, type WasmKernel } from '../core/wasm/instance.js';
import type { ConvPlan } from './fftconv.js';
import { wasmBytes } from './nttconv.wasm.js';

interface Kernel {
  setup(tw: number, twp: number): void;
  ct4(a: number, len: number, k0: number, k1: number): void;
  ct2(a: number, len: number, k0: number, k1: number): void;
  ct21(a: number, g0: number, g1: number): void;
  gs12(a: number, g0: number, g1: number): void;
  gs2(a: number, len: number, k0: number, k1: number): void;
  gs4(a: number, len: number, k0: number, k1: number): void;
  load(dst: number, bits: number, words: number, c: number): void;
  mulAcc(acc: number, x: number, s: number, count: number, first: number): void;
  extract(src: number, count: number, dst: number): number;
}

/** The prime modulus, 15·2²⁷ + 1. */
export const NTT_PRIME = 2013265921;
/** A primitive root mod `NTT_PRIME`. */
export const NTT_ROOT = 31;
/** Smallest and largest transform length of a plan. */
export const NTT_MIN_LENGTH = 32;
export const NTT_MAX_LENGTH = 1 << 26;
/** Sub-transforms of at most this many elements (4 B each) run all their stages in cache. */
export const NTT_CACHE_BLOCK = 1 << 14;

const P = NTT_PRIME;

/** a·b mod p for a, b < p, exactly in doubles (partial products < 2⁴⁸). */
export function mulMod(a: number, b: number): number {
  return (((a * (b >>> 16)) % P) * 65536 + a * (b & 0xffff)) % P;
}

/** bᵉ mod p. */
export function powMod(b: number, e: number): number {
  let r = 1;
  b %= P;
  while (e > 0) {
    if (e & 1) r = mulMod(r, b);
    b = mulMod(b, b);
    e = Math.floor(e / 2);
  }
  return r;
}

/** Shoup's companion ⌊w·2³²/p⌋ of a twiddle w < p (two exact 16-bit steps). */
function shoupOf(w: number): number {
  const q1 = Math.floor((w * 65536) / P);
  const r1 = w * 65536 - q1 * P;
  const q2 = Math.floor((r1 * 65536) / P);
  const r2 = r1 * 65536 - q2 * P;
  if (r1 < 0 || r1 >= P || r2 < 0 || r2 >= P) throw new Error('nttconv: Shoup companion out of range');
  return q1 * 65536 + q2;
}

let kernel: WasmKernel<Kernel> | null = null;
/** Length whose tables are in kernel memory (tables of N serve every length ≤ N: prefix property). */
let tableN = 0;

function getKernel(): WasmKernel<Kernel> {
  if (!kernel) kernel = instantiate<Kernel>(wasmBytes);
  return kernel;
}

const align = (x: number) => Math.ceil(x / 64) * 64;

/**
 * T[k] = ω^brv(k), T⁻¹[k] = ω^−brv(k) (brv over log₂N − 1 bits, k < N/2) and their Shoup
 * companions, at byte offsets 0, 2N, 4N, 6N.
 */
function writeTables(mem: ArrayBuffer, n: number): void {
  const half = n >>> 1;
  const lg = 31 - Math.clz32(n);
  const w = powMod(NTT_ROOT, (P - 1) / n);
  if (powMod(w, half) !== P - 1) throw new Error('nttconv: root of unity has the wrong order');
  const pw = new Uint32Array(half);
  pw[0] = 1;
  for (let j = 1; j < half; j++) pw[j] = mulMod(pw[j - 1], w);
  const T = new Uint32Array(mem, 0, half);
  const Tp = new Uint32Array(mem, 2 * n, half);
  const Ti = new Uint32Array(mem, 4 * n, half);
  const Tip = new Uint32Array(mem, 6 * n, half);
  const bits = lg - 1;
  for (let k = 0; k < half; k++) {
    let r = 0;
    for (let b = 0, x = k; b < bits; b++, x >>>= 1) r = (r << 1) | (x & 1);
    const t = pw[r];
    const ti = r === 0 ? 1 : P - pw[half - r]; // ω^−r = −ω^(N/2 − r)
    T[k] = t;
    Tp[k] = shoupOf(t);
    Ti[k] = ti;
    Tip[k] = shoupOf(ti);
  }
}

/**
 * A convolution plan for length N (power of two, `NTT_MIN_LENGTH` ≤ N ≤ `NTT_MAX_LENGTH`): the
 * FFT plan's interface (xBits, sBits, forward, mulAccumulate, inverse, convolve) with exact results.
 */
export interface NttPlan extends Omit<ConvPlan, 'result' | 'extractParities'> {
  /** After `inverse`: (x ⊛ s)[q] (summed over the accumulated pairs), exact, as u32. */
  result(): Uint32Array;
  /**
   * After `inverse`: the parities of (x ⊛ s)[start + i] for i < count, packed (a view into kernel
   * memory, valid until the next call), and `worst` = 0 if every value is ≤ `maxValue`, else
   * Infinity (the caller's check, shared with the FFT's rounding distance).
   */
  extractParities(start: number, count: number, maxValue?: number): { words: Uint32Array; worst: number };
}

/** Plan for length `n`; `withAcc` gives a separate accumulator (else acc aliases x). */
export function nttPlan(n: number, withAcc: boolean): NttPlan {
  if (!Number.isInteger(Math.log2(n)) || n < NTT_MIN_LENGTH || n > NTT_MAX_LENGTH) {
    throw new RangeError(`NTT length must be a power of two in 32..2^26, got ${n}`);
  }
  const k = getKernel();
  const tabN = Math.max(n, tableN);
  const xBitsAt = align(8 * tabN);
  const sBitsAt = align(xBitsAt + (n >>> 3));
  const xAt = align(sBitsAt + (n >>> 3));
  const sAt = xAt + 4 * n;
  const accAt = withAcc ? sAt + 4 * n : xAt;
  k.ensure((withAcc ? accAt : sAt) + 4 * n);
  if (tabN > tableN) {
    writeTables(k.memory.buffer, tabN);
    tableN = tabN;
  }
  const ex = k.exports;
  const B = Math.min(NTT_CACHE_BLOCK, n);
  const scale = mulMod(2 ** 32 % P, P - (P - 1) / n); // 2³²·N⁻¹ mod p
  // table offsets for tabN (the prefix for n is the same array)
  const fwdTabs = () => ex.setup(0, 2 * tabN);
  const invTabs = () => ex.setup(4 * tabN, 6 * tabN);

  /** Forward stages whose blocks exceed the cache block, over the whole array; returns the next stage's len. */
  const forwardBig = (a: number, bits: number, c: number): number => {
    ex.load(a, bits, n >>> 5, c);
    fwdTabs();
    let len = n >>> 1;
    while (2 * len > B) {
      if (len > B) {
        ex.ct4(a, len, 0, n / (2 * len));
        len >>>= 2;
      } else {
        ex.ct2(a, len, 0, n / (2 * len));
        len >>>= 1;
      }
    }
    return len;
  };
  /** The remaining forward stages (from `len` on) of the cache block at element o. */
  const forwardBlock = (a: number, o: number, len: number): void => {
    while (len >= 4) {
      if (len >= 8) {
        ex.ct4(a, len, o / (2 * len), (o + B) / (2 * len));
        len >>>= 2;
      } else {
        ex.ct2(a, len, o / (2 * len), (o + B) / (2 * len));
        len >>>= 1;
      }
    }
    ex.ct21(a, o >>> 2, (o + B) >>> 2);
  };
  /** The inverse stages of the cache block at element o whose blocks fit in it (from len 1 on). */
  const inverseBlock = (a: number, o: number): void => {
    ex.gs12(a, o >>> 2, (o + B) >>> 2);
    let len = 4;
    while (2 * len <= B) {
      if (4 * len <= B) {
        ex.gs4(a, 2 * len, o / (4 * len), (o + B) / (4 * len));
        len *= 4;
      } else {
        ex.gs2(a, len, o / (2 * len), (o + B) / (2 * len));
        len *= 2;
      }
    }
  };
  /** The inverse stages whose blocks exceed the cache block (len B on). */
  const inverseBig = (a: number): void => {
    for (let len = B; len < n; ) {
      if (2 * len < n) {
        ex.gs4(a, 2 * len, 0, n / (4 * len));
        len *= 4;
      } else {
        ex.gs2(a, len, 0, n / (2 * len));
        len *= 2;
      }
    }
  };
  const forwardAt = (a: number, bits: number, c: number): void => {
    const len = forwardBig(a, bits, c);
    for (let o = 0; o < n; o += B) forwardBlock(a, o, len);
  };
  const inverseAt = (a: number): void => {
    invTabs();
    for (let o = 0; o < n; o += B) inverseBlock(a, o);
    inverseBig(a);
  };
  const mul = (first: boolean) => ex.mulAcc(accAt, xAt, sAt, n, first ? 1 : 0);

  return {
    n,
    xBits: () => new Uint32Array(k.memory.buffer, xBitsAt, n >>> 5),
    sBits: () => new Uint32Array(k.memory.buffer, sBitsAt, n >>> 5),
    forward(which) {
      if (which === 'x') forwardAt(xAt, xBitsAt, scale);
      else forwardAt(sAt, sBitsAt, 1);
    },
    mulAccumulate: mul,
    inverse: () => inverseAt(accAt),
    convolve() {
      // after the passes over memory of both forward transforms, each cache block gets its last x
      // and s stages, the product and its first inverse stages while in cache
      const len = forwardBig(xAt, xBitsAt, scale);
      forwardBig(sAt, sBitsAt, 1);
      for (let o = 0; o < n; o += B) {
        fwdTabs();
        forwardBlock(xAt, o, len);
        forwardBlock(sAt, o, len);
        ex.mulAcc(accAt + 4 * o, xAt + 4 * o, sAt + 4 * o, B, 1);
        invTabs();
        inverseBlock(accAt, o);
      }
      inverseBig(accAt);
    },
    result: () => new Uint32Array(k.memory.buffer, accAt, n),
    extractParities(start, count, maxValue = P - 1) {
      if (start < 0 || count < 0 || start + count > n) throw new RangeError('extractParities: range outside the result');
      // the s bits are no longer needed after the forward transform: reuse them for the output
      const max = ex.extract(accAt + 4 * start, count, sBitsAt) >>> 0;
      return { words: new Uint32Array(k.memory.buffer, sBitsAt, (count + 31) >>> 5), worst: max <= maxValue ? 0 : Infinity };
    },
  };
}
