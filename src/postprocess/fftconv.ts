/**
 * Exact binary convolution by float64 FFT in a WebAssembly SIMD kernel (fftconv.wat), for
 * Toeplitz hashing (algorithms.md §4.1).
 *
 * A real sequence of length N is transformed as one complex sequence of length M = N/2 (even/odd
 * samples as real/imaginary parts): radix-4 DIF forward (natural → bit-reversed, reading the 0/1
 * samples straight from packed bits in its first pass), the real-FFT split and pointwise product
 * in bit-reversed order (frequencies k and M − k sit at mirrored positions of one octave block),
 * radix-4 DIT inverse (bit-reversed → natural), so there is no bit-reversal pass. In a transform
 * larger than a cache block (`CACHE_BLOCK` points) the stages of block size > CACHE_BLOCK are done
 * first (forward; last for the inverse) as passes over the whole array, two radix-4 levels per trip
 * through memory where possible (radix 16, in chunks of 64 points that stay in L1), with twiddles
 * computed per chunk from two small tables (w_M^k = hi[k >> b]·lo[k mod 2^b]) and shared by all
 * blocks; then each cache block runs all its remaining stages in cache, with per-size twiddle
 * tables, ending with a fused size-8/4/2 codelet.
 * (It replaced a plain-JS float64 FFT with the same structure, ≈ 3× slower; earlier measured and not
 * kept: a radix-2 NTT mod 998244353 in JS, ≈ 10× slower than that JS FFT.)
 *
 * One kernel memory serves all plans: only the plan used last has valid buffers (using another
 * plan may overwrite them), so a plan is used from loading its bits to reading its result without
 * interleaving another.
 *
 * Usage: `convPlan(N)` → load packed bits into `xBits()` / `sBits()`, `forward('x')`,
 * `forward('s')`, `mulAccumulate(first)` (acc ← / += spectrum of x ⊛ s), … , `inverse()`; the
 * circular convolution times `2N` is then in `result()`. The spectra of several products can be
 * summed before one inverse (blockwise Toeplitz hashing).
 *
 * Memory: one kernel instance per process; its WebAssembly memory grows to the largest plan used
 * (≈ 24·N + 4·N bytes for N real samples: x, s and accumulator spectra, split twiddles) and stays
 * at that size (WebAssembly memory cannot shrink). N ≤ 2²⁶ keeps it under 2 GiB.
 *
 * Exactness: the convolution of 0/1 sequences is an integer ≤ min(n, m); the caller checks every
 * output it uses to be within 0.25 of an integer (algorithms.md §4.1: max deviation 7×10⁻¹⁰ at
 * N = 2²⁴ for a float64 FFT).
 */
import { collectGarbage } from '../core/collect-garbage.js';
import { instantiateOn, type WasmKernel } from '../core/wasm/instance.js';
import { wasmBytes } from './fftconv.wasm.js';

interface Kernel {
  setup(tab: number, hi: number, lo: number, lobits: number, pw: number, lut: number, scr: number): void;
  difBits(a: number, w: number, m: number): void;
  difBits2(a: number, w: number, m: number): void;
  difBig(a: number, len: number, sz: number, shift: number): void;
  difBig2(a: number, len: number, sz: number, shift: number): void;
  ditBig2(a: number, len: number, sz: number, shift: number, off0: number, off1: number): void;
  difTail(a: number, len: number, sz: number): void;
  ditBig(a: number, len: number, sz: number, shift: number, off0: number, off1: number): void;
  ditTail(a: number, sz: number): void;
  mulAcc(acc: number, x: number, s: number, m: number, first: number): void;
  mulAccRange(acc: number, x: number, s: number, b0: number, b1: number, first: number): void;
  mulAccPart(acc: number, x: number, s: number, b: number, p0: number, p1: number, first: number): void;
  extract(src: number, count: number, scale: number, dst: number): number;
}

/** Sub-transforms of at most this many complex points (16 B each) are done in cache. */
export const CACHE_BLOCK = 1 << 15;
/** Largest real length a plan accepts. */
export const MAX_CONV_LENGTH = 1 << 26;

/** One instance of the kernel on one (shared) memory, and which twiddle tables that memory holds. */
export interface FftKernel {
  readonly k: WasmKernel<Kernel>;
  /** Complex length whose two-level and split twiddles are in the memory (0: none). */
  loadedM: number;
  smallTablesDone: boolean;
}

let compiled: WebAssembly.Module | null = null;
/** The process's (thread's) own kernel for `convPlan` without an explicit kernel. */
let kernel: FftKernel | null = null;
let releaseTimer: NodeJS.Timeout | null = null;

/** Kernel memory above which the thread's own kernel is dropped after `RELEASE_IDLE_MS` without use. */
export const RELEASE_ABOVE_BYTES = 64 * 2 ** 20;
/** Idle time after which a large thread-own kernel is dropped, so its memory goes back to the system. */
export const RELEASE_IDLE_MS = 2000;

/** An instance of the kernel on `memory` (a shared memory another thread created, or a new one). */
export function fftKernelOn(memory?: WebAssembly.Memory): FftKernel {
  if (!compiled) compiled = new WebAssembly.Module(wasmBytes);
  return { k: instantiateOn<Kernel>(compiled, memory), loadedM: 0, smallTablesDone: false };
}

function getKernel(): FftKernel {
  if (releaseTimer) clearTimeout(releaseTimer);
  releaseTimer = null;
  if (!kernel) kernel = fftKernelOn();
  return kernel;
}

/**
 * Drop this thread's own kernel now and collect it, so its memory goes back to the system; the
 * next plan makes a new one. Also happens by itself `RELEASE_IDLE_MS` after the last use of a kernel of more than
 * `RELEASE_ABOVE_BYTES` (WebAssembly memory cannot shrink, so a 2²⁴-sample plan would otherwise
 * keep ≈ 0.5 GiB for the life of the process).
 */
export function releaseFftKernel(): void {
  if (releaseTimer) clearTimeout(releaseTimer);
  releaseTimer = null;
  if (!kernel) return;
  kernel = null;
  collectGarbage(); // unmap the memory now (core/collect-garbage.ts)
}

/** After a use of the thread's own kernel: schedule its release if it is large. */
function scheduleRelease(kern: FftKernel): void {
  if (kern !== kernel || kern.k.memory.buffer.byteLength <= RELEASE_ABOVE_BYTES) return;
  if (releaseTimer) clearTimeout(releaseTimer);
  releaseTimer = setTimeout(releaseFftKernel, RELEASE_IDLE_MS);
  releaseTimer.unref();
}

const align = (x: number) => Math.ceil(x / 64) * 64;

/** Memory layout of a plan (byte offsets). */
interface Layout {
  scr: number;
  hi: number;
  lo: number;
  lobits: number;
  pw: number;
  xBits: number;
  sBits: number;
  x: number;
  s: number;
  acc: number;
  end: number;
}

/** 32-bit bit reversal. */
function reverseBits(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/** A convolution plan for real length N (a power of two, 8 ≤ N ≤ `MAX_CONV_LENGTH`). */
export interface ConvPlan {
  /** Real length N. */
  readonly n: number;
  /** Packed input words (N/32, bit q = sample q) of x and s in kernel memory; re-take after any other plan's use. */
  xBits(): Uint32Array;
  sBits(): Uint32Array;
  /** Forward transform of the packed bits of x or s into its spectrum buffer. */
  forward(which: 'x' | 's'): void;
  /** acc ← (first) or += the packed spectrum of x ⊛ s (×4, see `convScale`). */
  mulAccumulate(first: boolean): void;
  /** Inverse transform of acc in place. */
  inverse(): void;
  /**
   * forward('x'), forward('s'), mulAccumulate(true), inverse() in one go; without a separate
   * accumulator and for N > 2·CACHE_BLOCK fused: after the passes over memory of both forward
   * transforms, each pair of mirrored cache blocks gets its last x and s stages, the product and
   * its first inverse stages while in cache.
   */
  convolve(): void;
  /** acc as real samples: after `inverse`, sample q is 2N × (x ⊛ s)[q]. */
  result(): Float64Array;
  /**
   * After `inverse`: the parities of round((x ⊛ s)[start + i]) for i < count, packed (a view into
   * the kernel's memory, valid until the next call), and the largest distance of those samples
   * to their integers (NaN if any is NaN), for the caller's exactness check.
   */
  extractParities(start: number, count: number): { words: Uint32Array; worst: number };
}

/** A plan whose steps can also be split between threads sharing one kernel memory. */
export interface SharedConvPlan extends ConvPlan {
  /**
   * Two or more threads on one transform (each with its own kernel instance on one shared memory,
   * the same plan): thread 0 calls `writeTables()`, then after a barrier the others call
   * `adoptTables()`; thereafter each thread t of T calls the same `…Part` steps in the same order,
   * with a barrier between steps (a step's own inner barriers come from `barrier`). The result is
   * the same as the one-thread steps': each part computes the same butterflies on disjoint data.
   * Shares: forward — x on thread 0, s on thread 1; product — octaves below M/2 on thread 0, the
   * last octave on thread 1; inverse and fused `convolve` — cache blocks, then each pass over
   * memory by blocks or, for a pass of one block, by chunks of 64 points.
   */
  writeTables(): void;
  adoptTables(): void;
  forwardPart(t: number, T: number): void;
  mulAccumulatePart(first: boolean, t: number, T: number): void;
  inversePart(t: number, T: number, barrier: () => void): void;
  convolvePart(t: number, T: number, barrier: () => void): void;
}

/** Twiddle scratch of one thread (5 arrays of 64 points, 96 bytes each); one per thread sharing the memory. */
const SCRATCH_BYTES = 5 * 96 * 64;
/** Most threads that can share one kernel memory (each has its own scratch area). */
export const SHARED_MAX_THREADS = 8;

/** Memory layout of a plan for real length `n`. */
function layout(n: number, withAcc: boolean): Layout {
  const m = n >>> 1;
  const lgM = 31 - Math.clz32(m);
  const lobits = Math.max(1, (lgM + 1) >>> 1);
  const tabEnd = 48 * CACHE_BLOCK;
  const hiCount = (m >>> 2 >>> lobits) + 1;
  const L = {} as Layout;
  L.scr = align(tabEnd);
  L.hi = align(L.scr + SHARED_MAX_THREADS * SCRATCH_BYTES);
  L.lo = align(L.hi + 16 * hiCount);
  L.lobits = lobits;
  L.pw = align(L.lo + 16 * (1 << lobits));
  L.xBits = align(L.pw + 16 * ((m >>> 1) + 2));
  L.sBits = align(L.xBits + Math.max(4, n >>> 3));
  L.x = align(L.sBits + Math.max(4, n >>> 3));
  L.s = L.x + 16 * m;
  L.acc = withAcc ? L.s + 16 * m : L.x;
  L.end = (withAcc ? L.acc : L.s) + 16 * m;
  return L;
}

/** Bytes of kernel memory a plan of real length `n` needs (for growing a shared memory before its threads start). */
export function convMemoryBytes(n: number, withAcc: boolean): number {
  return layout(n, withAcc).end;
}

/** [from, to) of `count` items for thread t of T (contiguous, near-equal). */
function share(count: number, t: number, T: number): [number, number] {
  return [Math.floor((count * t) / T), Math.floor((count * (t + 1)) / T)];
}

/**
 * Plan for real length `n` (N); `withAcc` gives a separate accumulator (else acc aliases x's
 * spectrum). `kern`: the kernel instance (default this thread's own).
 */
export function convPlan(n: number, withAcc: boolean, kern?: FftKernel): SharedConvPlan {
  if (!Number.isInteger(Math.log2(n)) || n < 8 || n > MAX_CONV_LENGTH) throw new RangeError(`convolution length must be a power of two in 8..2^26, got ${n}`);
  const own = kern === undefined;
  const kk = kern ?? getKernel();
  const k = kk.k;
  const m = n >>> 1;
  const lgM = 31 - Math.clz32(m);
  const tabEnd = 48 * CACHE_BLOCK;
  const L = layout(n, withAcc);
  k.ensure(L.end);
  const ex = k.exports;
  const writeTables = () => {
    if (!kk.smallTablesDone) {
      writeSmallTables(new Float64Array(k.memory.buffer, 0, tabEnd >>> 3));
      kk.smallTablesDone = true;
    }
    if (kk.loadedM !== m) {
      writeTwiddles(new Float64Array(k.memory.buffer), L, m);
      kk.loadedM = m;
    }
  };
  // thread t's instance computes its chunks' twiddles in its own scratch area
  const prepare = (t = 0) => {
    if (t === 0) writeTables();
    ex.setup(0, L.hi, L.lo, L.lobits, L.pw, 0, L.scr + SCRATCH_BYTES * t);
  };
  const done = () => {
    if (own) scheduleRelease(kk);
  };

  // Passes of block size > CACHE_BLOCK breadth-first over the whole array (twiddles amortised
  // over the blocks), then every cache block's remaining stages at once.
  // (The forward transform's first pass, of size M or sizes M and M/4, reads the packed bits.)
  let tail = m;
  while (tail > CACHE_BLOCK) tail >>>= 2;
  let fwdTail = m >>> 2;
  while (fwdTail > CACHE_BLOCK) fwdTail >>>= 2;
  // Two such passes at a time (radix 16: one trip through memory) where possible.
  const shiftOf = (sz: number) => lgM - (31 - Math.clz32(sz));
  const dif = (a: number, bits: number): void => {
    let sz = m >>> 2;
    if (sz > fwdTail) {
      ex.difBits2(a, bits, m);
      sz >>>= 2;
    } else ex.difBits(a, bits, m);
    while (sz > fwdTail) {
      if (sz >>> 2 > fwdTail) {
        ex.difBig2(a, 16 * m, sz, shiftOf(sz));
        sz >>>= 4;
      } else {
        ex.difBig(a, 16 * m, sz, shiftOf(sz));
        sz >>>= 2;
      }
    }
  };
  const difTails = (a: number): void => {
    for (let off = 0; off < m; off += fwdTail) ex.difTail(a + 16 * off, 16 * fwdTail, fwdTail);
  };
  const ditBigs = (a: number): void => ditBigsPart(a, 0, 1, () => {});
  // Thread t's share of every inverse pass over memory (a barrier after each): the blocks of a pass
  // are split between the threads, or, for a pass of one block, its chunks of 64 points.
  const ditBigsPart = (a: number, t: number, T: number, barrier: () => void): void => {
    for (let sz = tail * 4; sz <= m; ) {
      const two = sz * 4 <= m;
      const P = two ? sz * 4 : sz; // block size of the pass (points)
      const blocks = m / P;
      if (blocks >= T) {
        const [b0, b1] = share(blocks, t, T);
        const range = two ? P : 4 * P;
        if (b1 > b0) (two ? ex.ditBig2 : ex.ditBig)(a + 16 * P * b0, 16 * P * (b1 - b0), P, shiftOf(P), 0, range);
      } else {
        const range = two ? P : 4 * P; // bytes of the sixteenth (ditBig2) or quarter (ditBig)
        const chunk = Math.min(1024, range);
        const [c0, c1] = share(range / chunk, t, T);
        if (c1 > c0) (two ? ex.ditBig2 : ex.ditBig)(a, 16 * m, P, shiftOf(P), c0 * chunk, c1 * chunk);
      }
      if (T > 1) barrier();
      sz *= two ? 16 : 4;
    }
  };
  const ditTails = (a: number): void => {
    for (let off = 0; off < m; off += tail) ex.ditTail(a + 16 * off, tail);
  };
  const selfPairs = (first: boolean) => {
    const f = new Float64Array(k.memory.buffer);
    selfPair(f, L.acc >>> 3, L.x >>> 3, L.s >>> 3, 0, 1, first);
    selfPair(f, L.acc >>> 3, L.x >>> 3, L.s >>> 3, 1, -1, first);
  };

  const noBarrier = (): void => {};
  // thread t's share of the forward transforms: x on thread 0, s on thread 1 (both if T = 1)
  const forwardPart = (t: number, T: number, tails: boolean): void => {
    if (t === 0) dif(L.x, L.xBits);
    if (t === (T > 1 ? 1 : 0)) dif(L.s, L.sBits);
    if (!tails) return;
    if (t === 0) difTails(L.x);
    if (t === (T > 1 ? 1 : 0)) difTails(L.s);
  };
  // thread t's octaves of the product: [2, M/2) with positions 0, 1 on thread 0, [M/2, M) on thread 1
  const mulAccPart = (first: boolean, t: number, T: number): void => {
    if (T === 1 || m < 8) {
      if (t !== 0) return;
      selfPairs(first);
      ex.mulAcc(L.acc, L.x, L.s, m, first ? 1 : 0);
    } else if (t === 0) {
      selfPairs(first);
      ex.mulAccRange(L.acc, L.x, L.s, 2, m >>> 1, first ? 1 : 0);
    } else if (t === 1) ex.mulAccRange(L.acc, L.x, L.s, m >>> 1, m, first ? 1 : 0);
  };
  const inversePart = (t: number, T: number, barrier: () => void): void => {
    const [b0, b1] = share(m / tail, t, T);
    for (let b = b0; b < b1; b++) ex.ditTail(L.acc + 16 * b * tail, tail);
    if (T > 1) barrier();
    ditBigsPart(L.acc, t, T, barrier);
  };
  const convolvePart = (t: number, T: number, barrier: () => void): void => {
    if (T > SHARED_MAX_THREADS) throw new RangeError(`at most ${SHARED_MAX_THREADS} threads share a kernel`);
    prepare(t);
    forwardPart(t, T, false);
    if (T > 1) barrier();
    const B = fwdTail;
    if (withAcc || m <= CACHE_BLOCK || B !== tail) {
      const [b0, b1] = share(m / fwdTail, t, T);
      for (let b = b0; b < b1; b++) {
        ex.difTail(L.x + 16 * b * fwdTail, 16 * fwdTail, fwdTail);
        ex.difTail(L.s + 16 * b * fwdTail, 16 * fwdTail, fwdTail);
      }
      if (T > 1) barrier();
      mulAccPart(true, t, T);
      if (T > 1) barrier();
      inversePart(t, T, barrier);
      return;
    }
    // Fused: blocks 0 and 1 hold whole octaves (b < B, and b = B); for b ≥ 2B block c of the first
    // half of the octave pairs with block 3b/B − 1 − c of its second half. Each item (a block, or a
    // pair of blocks) gets its last x and s stages, the product and its first inverse stages in
    // cache; the items are independent and split between the threads by their number of blocks.
    const items: [number, number][] = [[0, 0], [1, 0]];
    for (let b = 2 * B; b < m; b *= 2) for (let p0 = b; p0 < b + b / 2; p0 += B) items.push([b, p0]);
    const [u0, u1] = share(m / B, t, T);
    let u = 0;
    for (const [b, p0] of items) {
      const w = b === 0 || b === 1 ? 1 : 2;
      const mine = u >= u0 && u < u1;
      u += w;
      if (!mine) continue;
      if (b < 2) {
        const c = b;
        ex.difTail(L.x + 16 * c * B, 16 * B, B);
        ex.difTail(L.s + 16 * c * B, 16 * B, B);
        if (c === 0) {
          selfPairs(true);
          ex.mulAccRange(L.x, L.x, L.s, 2, B, 1);
        } else ex.mulAccRange(L.x, L.x, L.s, B, 2 * B, 1);
        ex.ditTail(L.x + 16 * c * B, B);
      } else {
        const p1 = 3 * b - p0 - B; // first position of the partner block
        ex.difTail(L.x + 16 * p0, 16 * B, B);
        ex.difTail(L.s + 16 * p0, 16 * B, B);
        ex.difTail(L.x + 16 * p1, 16 * B, B);
        ex.difTail(L.s + 16 * p1, 16 * B, B);
        ex.mulAccPart(L.x, L.x, L.s, b, p0, p0 + B, 1);
        ex.ditTail(L.x + 16 * p0, B);
        ex.ditTail(L.x + 16 * p1, B);
      }
    }
    if (T > 1) barrier();
    ditBigsPart(L.acc, t, T, barrier);
  };

  return {
    n,
    xBits: () => new Uint32Array(k.memory.buffer, L.xBits, Math.max(1, n >>> 5)),
    sBits: () => new Uint32Array(k.memory.buffer, L.sBits, Math.max(1, n >>> 5)),
    forward(which) {
      prepare();
      const a = which === 'x' ? L.x : L.s;
      dif(a, which === 'x' ? L.xBits : L.sBits);
      difTails(a);
    },
    mulAccumulate(first) {
      prepare();
      mulAccPart(first, 0, 1);
    },
    inverse() {
      prepare();
      ditTails(L.acc);
      ditBigs(L.acc);
    },
    convolve() {
      convolvePart(0, 1, noBarrier);
    },
    writeTables,
    adoptTables() {
      kk.smallTablesDone = true;
      kk.loadedM = m;
    },
    forwardPart(t, T) {
      prepare(t);
      forwardPart(t, T, true);
    },
    mulAccumulatePart(first, t, T) {
      prepare(t);
      mulAccPart(first, t, T);
    },
    inversePart(t, T, barrier) {
      prepare(t);
      inversePart(t, T, barrier);
    },
    convolvePart,
    result: () => {
      done();
      return new Float64Array(k.memory.buffer, L.acc, n);
    },
    extractParities(start, count) {
      if (start < 0 || count < 0 || start + count > n) throw new RangeError('extractParities: range outside the result');
      // the s bits are no longer needed after the forward transform: reuse them for the output
      const worst = ex.extract(L.acc + 8 * start, count, 1 / convScale(n), L.sBits);
      done();
      return { words: new Uint32Array(k.memory.buffer, L.sBits, (count + 31) >>> 5), worst };
    },
  };
}

/** Self-mirrored position (k = 0 or M/2, w = ±1): everything is real, Q = A + iB (as fft.ts). */
function selfPair(f: Float64Array, acc: number, x: number, s: number, pos: number, w: number, first: boolean): void {
  const ip = 2 * pos;
  const exr = 2 * f[x + ip], oxr = 2 * f[x + ip + 1], esr = 2 * f[s + ip], osr = 2 * f[s + ip + 1];
  const A = exr * esr + w * oxr * osr;
  const B = exr * osr + oxr * esr;
  if (first) {
    f[acc + ip] = A;
    f[acc + ip + 1] = B;
  } else {
    f[acc + ip] += A;
    f[acc + ip + 1] += B;
  }
}

/**
 * Per-size twiddle tables for sizes 8 … CACHE_BLOCK at byte 24·size: for j < size/4, w^j, w^2j, w^3j
 * (w = e^(−2πi/size)), each as (re, re, −im, im).
 */
function writeSmallTables(t: Float64Array): void {
  for (let sz = 8; sz <= CACHE_BLOCK; sz *= 2) {
    const at = (24 * sz) >>> 3;
    for (let j = 0; j < sz >>> 2; j++) {
      for (let r = 1; r <= 3; r++) {
        const a = (2 * Math.PI * r * j) / sz;
        const o = at + 12 * j + 4 * (r - 1);
        const re = Math.cos(a), im = -Math.sin(a);
        t[o] = re;
        t[o + 1] = re;
        t[o + 2] = -im;
        t[o + 3] = im;
      }
    }
  }
  // lookup table of packed bit pairs at byte 0: lut[b0 + 2·b1] = (b0, b1)
  t.set([0, 0, 1, 0, 0, 1, 1, 1], 0);
}

/** Two-level tables hi[u] = w_M^(u·2^lobits), lo[t] = w_M^t and the split twiddles w_M^rev(pos). */
function writeTwiddles(f: Float64Array, L: Layout, m: number): void {
  const lgM = 31 - Math.clz32(m);
  const hiCount = (m >>> 2 >>> L.lobits) + 1;
  const put = (at: number, k: number) => {
    const a = (2 * Math.PI * k) / m;
    f[at] = Math.cos(a);
    f[at + 1] = -Math.sin(a);
  };
  for (let u = 0; u < hiCount; u++) put((L.hi >>> 3) + 2 * u, u << L.lobits);
  for (let t = 0; t < 1 << L.lobits; t++) put((L.lo >>> 3) + 2 * t, t);
  // split twiddles in mulAcc's visiting order: pos 0, 1, then the first half of each octave block
  let idx = L.pw >>> 3;
  const hi = L.hi >>> 3, lo = L.lo >>> 3, mask = (1 << L.lobits) - 1;
  const putRev = (pos: number) => {
    const k = lgM === 0 ? 0 : reverseBits(pos) >>> (32 - lgM);
    // w_M^k for k < M: reduce to k mod M/4 quarter-turns of the two-level table (k < M/4 there)
    const quarter = Math.floor(k / (m >>> 2 || 1));
    const r = m >= 4 ? k - quarter * (m >>> 2) : 0;
    let wr: number, wi: number;
    if (m < 4) {
      const a = (2 * Math.PI * k) / m;
      wr = Math.cos(a);
      wi = -Math.sin(a);
    } else {
      const hr = f[hi + 2 * (r >>> L.lobits)], hiI = f[hi + 2 * (r >>> L.lobits) + 1];
      const lr = f[lo + 2 * (r & mask)], li = f[lo + 2 * (r & mask) + 1];
      wr = hr * lr - hiI * li;
      wi = hr * li + hiI * lr;
      // multiply by (−i)^quarter: w_M^(M/4) = −i
      for (let qq = 0; qq < quarter; qq++) {
        const t = wr;
        wr = wi;
        wi = -t;
      }
    }
    f[idx++] = wr;
    f[idx++] = wi;
  };
  putRev(0);
  if (m > 1) putRev(1);
  for (let b = 2; b < m; b *= 2) for (let pos = b; pos < b + (b >>> 1); pos++) putRev(pos);
}

/** Factor by which `result()` exceeds the convolution: 2N. */
export function convScale(n: number): number {
  return 2 * n;
}
