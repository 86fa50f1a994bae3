/**
 * The Toeplitz hash of privacy amplification (leftover hash lemma; algorithms.md §4), one thread.
 *
 * The hash the parties use is the modified Toeplitz family of Hayashi & Tsurumaru (IEEE Trans.
 * Inf. Theory 62, 2213 (2016)), `modifiedToeplitzHash`: y = (I_m | T)·x = x[0..m) ⊕ T·x[m..n), with
 * T the m × (n − m) Toeplitz matrix of an (n − 1)-bit seed. It is universal₂ (P[h(x) = h(x′)] ≤ 2^−m
 * for x ≠ x′ over a uniform seed): by linearity take d = x ⊕ x′ ≠ 0, d = (d₁ | d₂). If d₂ = 0 then
 * h(d) = d₁ ≠ 0 for every seed. Otherwise let j be the largest index where d₂ has a 1 and
 * u_i = T[i][j] = s[i − j + n − m − 1] (i < m; m distinct seed bits). Row i of T·d₂ is u_i ⊕ (seed
 * bits of index > that of u_i, i.e. some u_i′ with i′ > i and bits outside u). Fixing the bits
 * outside u, u ↦ T·d₂ is unit-triangular, hence a bijection of {0,1}^m: T·d₂ is uniform and
 * P[h(d) = 0] = P[T·d₂ = d₁] = 2^−m. Compared with the plain m × n Toeplitz matrix it needs n − 1
 * instead of n + m − 1 seed bits, and its convolution has n − 1 instead of n + m − 1 samples (one
 * 2²⁴-sample transform for n = 2²⁴ instead of a blocked 2²⁵ problem).
 *
 * The plain product `toeplitzHash` (also the T·x[m..n) part above): T is m × n with
 * T[i][j] = s[i − j + n − 1] (seed s of n + m − 1 bits), y = T·x mod 2, computed as
 * y_i = (s ∗ x)[i + n − 1] mod 2 — a float64 FFT convolution (fftconv.ts, a WebAssembly SIMD
 * kernel), exact and checked. The product is done blockwise: rows in chunks of R, columns in
 * blocks of L with L + R − 1 ≤ N (N a power of two ≤ `maxConvLength`). Block (i0, j0) is the sub-Toeplitz product with seed bits
 * from i0 − j0 + n − L on (a short last column block is zero-padded in front, so all blocks of a
 * row chunk put their outputs at the same positions); the spectra of a row chunk's blocks are
 * summed and inverted once (2K + 1 transforms for K column blocks, instead of 3K). N, R, L are
 * chosen by a cost model, which avoids rounding n + m − 1 up to the next power of two. The sums
 * are integers ≤ n, as for one convolution. A single-block product uses the kernel's fused
 * `convolve`. Memory ≈ 28·N bytes (kernel memory, kept for reuse).
 */
import { BitArray } from '../core/bits.js';
import { InputError } from '../core/errors.js';
import { MAX_CONV_LENGTH, convMemoryBytes, convPlan, type FftKernel } from './fftconv.js';
import { NTT_MAX_LENGTH, NTT_MIN_LENGTH, nttPlan } from './nttconv.js';

/** The convolution kernel: float64 FFT (fftconv.ts) or exact NTT mod 15·2²⁷ + 1 (nttconv.ts); same output bits. */
export type ConvKernel = 'fft' | 'ntt';

export interface ToeplitzOptions {
  /** Largest convolution length (power of two ≥ 8 (NTT: 32), ≤ 2²⁶, real samples). Default 2²⁴. */
  maxConvLength?: number;
  /** Convolution kernel (default 'fft'). */
  kernel?: ConvKernel;
}

const DEFAULT_MAX_CONV = 1 << 24;

/**
 * dst bit (at + q) = src bit (from + q) for 0 ≤ q < count, 0 elsewhere; `src` holds `srcLen` bits
 * (bits from srcLen on read as 0; from may be anything, at ≥ 0).
 */
function loadBits(dst: Uint32Array, src: Uint32Array, srcLen: number, from: number, count: number, at: number): void {
  dst.fill(0);
  // clip to the source's bits [0, srcLen)
  if (from < 0) {
    count += from;
    at -= from;
    from = 0;
  }
  count = Math.min(count, srcLen - from);
  if (count <= 0) return;
  const d0 = at >>> 5, d1 = (at + count - 1) >>> 5;
  // dst word d holds src bits from 32d − at + from: a fixed funnel shift of the source words
  const off = from - at; // src bit = dst bit + off
  const sh = ((off % 32) + 32) % 32;
  const wb = (off - sh) / 32; // src word of dst word d's low part: d + wb
  const nw = src.length;
  for (let d = d0; d <= d1; d++) {
    const i = d + wb;
    const lo = i >= 0 && i < nw ? src[i] >>> sh : 0;
    const hi = sh === 0 || i + 1 >= nw || i + 1 < 0 ? 0 : src[i + 1] << (32 - sh);
    dst[d] = lo | hi;
  }
  // keep only dst bits [at, at + count)
  const a0 = at & 31;
  dst[d0] &= ~0 << a0;
  const e = (at + count) & 31;
  if (e) dst[d1] &= ~0 >>> (32 - e);
}

/** out bits [at, at + count) ^= src bits [0, count). */
export function xorBitsAt(out: Uint32Array, src: Uint32Array, count: number, at: number): void {
  const aw = at >>> 5, sh = at & 31;
  const nw = (count + 31) >>> 5;
  const tail = count & 31;
  for (let i = 0; i < nw; i++) {
    const v = i === nw - 1 && tail ? src[i] & (~0 >>> (32 - tail)) : src[i];
    if (sh === 0) out[aw + i] ^= v;
    else {
      out[aw + i] ^= v << sh;
      if (aw + i + 1 < out.length) out[aw + i + 1] ^= v >>> (32 - sh);
    }
  }
}

/** Throws InputError unless the kernel and the largest convolution length are valid. */
function checkConvOptions(opts: ToeplitzOptions): { maxN: number; ntt: boolean; minN: number } {
  const maxN = opts.maxConvLength ?? DEFAULT_MAX_CONV;
  const ntt = (opts.kernel ?? 'fft') === 'ntt';
  if (!ntt && opts.kernel !== undefined && opts.kernel !== 'fft') throw new InputError(`must be 'fft' or 'ntt', got ${String(opts.kernel)}`, { field: 'kernel' });
  const minN = ntt ? NTT_MIN_LENGTH : 8;
  if (!Number.isInteger(Math.log2(maxN)) || maxN < minN || maxN > (ntt ? NTT_MAX_LENGTH : MAX_CONV_LENGTH)) {
    throw new InputError(`must be a power of two in ${minN}..2^26, got ${maxN}`, { field: 'maxConvLength' });
  }
  return { maxN, ntt, minN };
}

/** Blockwise plan: FFT length N, rows per chunk R, columns per block L = N − R + 1. */
interface BlockPlan {
  N: number;
  R: number;
  L: number;
  /** The cost model's figure for the whole product (arbitrary units, comparable across plans). */
  cost: number;
}

/** Cheapest plan with N ≤ limit under the cost model Σ transforms·N·(log₂N + 2) + products. */
function choosePlan(n: number, m: number, limit: number, minN = 8): BlockPlan {
  let best: BlockPlan | null = null;
  let bestCost = Infinity;
  let top = minN;
  while (top < n + m - 1 && top < limit) top *= 2;
  for (let N = top; N >= minN; N >>>= 1) {
    const rs = new Set<number>([Math.min(m, N - 1)]);
    for (let c = 1; c <= 64; c++) rs.add(Math.ceil(m / c));
    for (let k = 1; k <= 6; k++) rs.add(N >>> k);
    for (const R of rs) {
      if (R < 1 || R > m || R > N - 1) continue;
      const L = N - R + 1;
      const C = Math.ceil(m / R), K = Math.ceil(n / L);
      if (C * K > 4096 && best) continue;
      const cost = C * ((2 * K + 1) * N * (Math.log2(N) + 2) + K * N * 2 + 2048);
      if (cost < bestCost) {
        bestCost = cost;
        best = { N, R, L, cost };
      }
    }
  }
  return best as BlockPlan;
}

/**
 * The convolution length N of the (FFT) plan for an m-row, n-column product with N ≤ `limit`,
 * whether it sums several column blocks (a separate accumulator), and the kernel memory it needs.
 */
export function toeplitzConvPlan(n: number, m: number, limit: number): { N: number; blocks: number; memoryBytes: number } {
  checkConvOptions({ maxConvLength: limit });
  const { N, L } = choosePlan(n, m, limit);
  const blocks = Math.ceil(n / L);
  return { N, blocks, memoryBytes: convMemoryBytes(N, blocks > 1) };
}

/** The cost model's estimate for an m-row, n-column Toeplitz product with FFT length ≤ `limit`. */
export function toeplitzCost(n: number, m: number, limit: number): number {
  return choosePlan(n, m, limit).cost;
}

/**
 * y = T·x over GF(2) for the Toeplitz matrix T[i][j] = seed[i − j + n − 1] (m = outBits rows,
 * n = input.length columns). Exact for any size (blockwise, FFT length ≤ `maxConvLength`).
 */
export function toeplitzHash(input: BitArray, seed: BitArray, outBits: number, opts: ToeplitzOptions = {}): BitArray {
  const n = input.length;
  const m = outBits;
  if (!Number.isInteger(m) || m < 0) throw new InputError(`must be a non-negative integer, got ${m}`, { field: 'outBits' });
  if (n < 1) throw new InputError('input must not be empty', { field: 'input' });
  if (seed.length !== n + m - 1 && m > 0) {
    throw new InputError(`seed must have n + m − 1 = ${n + m - 1} bits, got ${seed.length}`, { field: 'seed' });
  }
  const out = new BitArray(m);
  toeplitzInto(out.words, input.words, 0, n, seed, m, opts);
  return out;
}

/**
 * Thread t of T working on one product with the others (toeplitz-parallel.ts): its kernel instance
 * on the memory they share, and a barrier over all T threads.
 */
export interface ProductShare {
  t: number;
  T: number;
  barrier: () => void;
  kernel: FftKernel;
}

/**
 * out ^= T·x for x = bits [x0, x0 + n) of `input` and T[i][j] = seed[i − j + n − 1] (m rows; seed
 * of n + m − 1 bits, checked by the callers). With `share` (FFT kernel only), this thread's part
 * of the product that T threads compute together (the same plan in every thread, the steps split
 * by `SharedConvPlan`): thread 0 loads x, thread 1 (or 0) the seed window, thread 0 writes `out`.
 */
export function toeplitzInto(out: Uint32Array, input: Uint32Array, x0: number, n: number, seed: BitArray, m: number, opts: ToeplitzOptions, share?: ProductShare): void {
  const { maxN, ntt, minN } = checkConvOptions(opts);
  if (m === 0) return;
  const { N, R, L } = choosePlan(n, m, maxN, minN);
  const K = Math.ceil(n / L);
  if (share && ntt) throw new Error('toeplitzInto: only the FFT kernel is shared between threads');
  const sw = seed.words;
  if (share) {
    const { t, T, barrier } = share;
    const plan = convPlan(N, K > 1, share.kernel);
    if (t === 0) plan.writeTables();
    barrier();
    if (t !== 0) plan.adoptTables();
    const sLoader = T > 1 ? 1 : 0;
    for (let i0 = 0; i0 < m; i0 += R) {
      const rows = Math.min(R, m - i0);
      for (let b = 0; b < K; b++) {
        const j0 = b * L;
        const ni = Math.min(L, n - j0);
        if (t === 0) loadBits(plan.xBits(), input, x0 + n, x0 + j0, ni, L - ni);
        if (t === sLoader) loadBits(plan.sBits(), sw, seed.length, i0 - j0 + n - ni, L + rows - 1, 0);
        barrier();
        if (K === 1) plan.convolvePart(t, T, barrier);
        else {
          plan.forwardPart(t, T);
          barrier();
          plan.mulAccumulatePart(b === 0, t, T);
        }
        barrier();
      }
      if (K > 1) {
        plan.inversePart(t, T, barrier);
        barrier();
      }
      if (t === 0) {
        const { words, worst } = plan.extractParities(L - 1, rows);
        if (!(worst < 0.25)) throw new Error(`toeplitzHash: FFT rounding error ${worst} — result not exact`);
        xorBitsAt(out, words, rows, i0);
      }
      barrier(); // the extracted words sit where the next seed window is loaded
    }
    return;
  }
  const plan = ntt ? nttPlan(N, K > 1) : convPlan(N, K > 1);
  for (let i0 = 0; i0 < m; i0 += R) {
    const rows = Math.min(R, m - i0);
    for (let b = 0; b < K; b++) {
      const j0 = b * L;
      const ni = Math.min(L, n - j0);
      loadBits(plan.xBits(), input, x0 + n, x0 + j0, ni, L - ni);
      loadBits(plan.sBits(), sw, seed.length, i0 - j0 + n - ni, L + rows - 1, 0);
      if (K === 1) plan.convolve();
      else {
        plan.forward('x');
        plan.forward('s');
        plan.mulAccumulate(b === 0);
      }
    }
    if (K > 1) plan.inverse();
    // a sum of the product is at most n (NTT: any larger value is a fault; FFT: distance to the integers)
    const { words, worst } = plan.extractParities(L - 1, rows, n);
    if (!(worst < 0.25)) throw new Error(`toeplitzHash: ${ntt ? 'NTT value out of range' : `FFT rounding error ${worst}`} — result not exact`);
    xorBitsAt(out, words, rows, i0);
  }
}

/** Throws InputError unless input is non-empty, 0 ≤ outBits ≤ n and the seed has n − 1 bits. */
export function checkModifiedArgs(input: BitArray, seed: BitArray, outBits: number): void {
  const n = input.length;
  const m = outBits;
  if (n < 1) throw new InputError('input must not be empty', { field: 'input' });
  if (!Number.isInteger(m) || m < 0 || m > n) throw new InputError(`must be an integer in 0..${n}, got ${m}`, { field: 'outBits' });
  if (seed.length !== n - 1) throw new InputError(`seed must have n − 1 = ${n - 1} bits, got ${seed.length}`, { field: 'seed' });
}

/**
 * The privacy-amplification hash: y = (I_m | T)·x = x[0..m) ⊕ T·x[m..n) over GF(2), T the m × (n − m)
 * Toeplitz matrix T[i][j] = seed[i − j + n − m − 1] of an (n − 1)-bit seed (Hayashi–Tsurumaru
 * modified Toeplitz, universal₂; proof in the module comment). m = n is the identity.
 */
export function modifiedToeplitzHash(input: BitArray, seed: BitArray, outBits: number, opts: ToeplitzOptions = {}): BitArray {
  checkModifiedArgs(input, seed, outBits);
  const n = input.length;
  const m = outBits;
  const y = input.slice(0, m);
  if (m > 0 && m < n) toeplitzInto(y.words, input.words, m, n - m, seed, m, opts);
  return y;
}

/** Slow reference for `modifiedToeplitzHash`: output bits `rows`, each x_i ⊕ parity of a seed window. */
export function modifiedToeplitzReferenceBits(input: BitArray, seed: BitArray, outBits: number, rows: ArrayLike<number>): number[] {
  const n = input.length;
  if (outBits === n) return Array.from(rows, (i) => input.get(i));
  const t = toeplitzReferenceBits(input.slice(outBits, n), seed, outBits, rows);
  return t.map((b, k) => b ^ input.get(rows[k]));
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

