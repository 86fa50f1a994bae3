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
import { instantiate, type WasmKernel } from '../core/wasm/instance.js';
import { wasmBytes } from './fftconv.wasm.js';

interface Kernel {
  setup(tab: number, hi: number, lo: number, lobits: number, pw: number, lut: number, scr: number): void;
  difBits(a: number, w: number, m: number): void;
  difBits2(a: number, w: number, m: number): void;
  difBig(a: number, len: number, sz: number, shift: number): void;
  difBig2(a: number, len: number, sz: number, shift: number): void;
  ditBig2(a: number, len: number, sz: number, shift: number): void;
  difTail(a: number, len: number, sz: number): void;
  ditBig(a: number, len: number, sz: number, shift: number): void;
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

let kernel: WasmKernel<Kernel> | null = null;
/** Complex length whose two-level and split twiddles are currently in the kernel's memory. */
let loadedM = 0;
let smallTablesDone = false;

function getKernel(): WasmKernel<Kernel> {
  if (!kernel) kernel = instantiate<Kernel>(wasmBytes);
  return kernel;
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

/** Plan for real length `n` (N); `withAcc` gives a separate accumulator (else acc aliases x's spectrum). */
export function convPlan(n: number, withAcc: boolean): ConvPlan {
  if (!Number.isInteger(Math.log2(n)) || n < 8 || n > MAX_CONV_LENGTH) throw new RangeError(`convolution length must be a power of two in 8..2^26, got ${n}`);
  const k = getKernel();
  const m = n >>> 1;
  const lgM = 31 - Math.clz32(m);
  const lobits = Math.max(1, (lgM + 1) >>> 1);
  const tabEnd = 48 * CACHE_BLOCK;
  const hiCount = (m >>> 2 >>> lobits) + 1;
  const L = {} as Layout;
  L.scr = align(tabEnd);
  L.hi = align(L.scr + 5 * 96 * 64);
  L.lo = align(L.hi + 16 * hiCount);
  L.lobits = lobits;
  L.pw = align(L.lo + 16 * (1 << lobits));
  L.xBits = align(L.pw + 16 * ((m >>> 1) + 2));
  L.sBits = align(L.xBits + Math.max(4, n >>> 3));
  L.x = align(L.sBits + Math.max(4, n >>> 3));
  L.s = L.x + 16 * m;
  L.acc = withAcc ? L.s + 16 * m : L.x;
  L.end = (withAcc ? L.acc : L.s) + 16 * m;
  k.ensure(L.end);
  const ex = k.exports;
  if (!smallTablesDone) {
    writeSmallTables(new Float64Array(k.memory.buffer, 0, tabEnd >>> 3));
    smallTablesDone = true;
  }
  const prepare = () => {
    if (loadedM !== m) {
      writeTwiddles(new Float64Array(k.memory.buffer), L, m);
      loadedM = m;
    }
    ex.setup(0, L.hi, L.lo, L.lobits, L.pw, 0, L.scr);
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
  const ditBigs = (a: number): void => {
    for (let sz = tail * 4; sz <= m; ) {
      if (sz * 4 <= m) {
        ex.ditBig2(a, 16 * m, sz * 4, shiftOf(sz * 4));
        sz *= 16;
      } else {
        ex.ditBig(a, 16 * m, sz, shiftOf(sz));
        sz *= 4;
      }
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
      selfPairs(first);
      ex.mulAcc(L.acc, L.x, L.s, m, first ? 1 : 0);
    },
    inverse() {
      prepare();
      ditTails(L.acc);
      ditBigs(L.acc);
    },
    convolve() {
      prepare();
      dif(L.x, L.xBits);
      dif(L.s, L.sBits);
      const B = fwdTail;
      if (withAcc || m <= CACHE_BLOCK || B !== tail) {
        difTails(L.x);
        difTails(L.s);
        selfPairs(true);
        ex.mulAcc(L.acc, L.x, L.s, m, 1);
        ditTails(L.acc);
      } else {
        // blocks 0 and 1 hold whole octaves (b < B, and b = B); for b ≥ 2B block c of the first
        // half of the octave pairs with block 3b/B − 1 − c of its second half
        for (let c = 0; c < 2; c++) {
          ex.difTail(L.x + 16 * c * B, 16 * B, B);
          ex.difTail(L.s + 16 * c * B, 16 * B, B);
          if (c === 0) {
            selfPairs(true);
            ex.mulAccRange(L.x, L.x, L.s, 2, B, 1);
          } else ex.mulAccRange(L.x, L.x, L.s, B, 2 * B, 1);
          ex.ditTail(L.x + 16 * c * B, B);
        }
        for (let b = 2 * B; b < m; b *= 2) {
          for (let p0 = b; p0 < b + b / 2; p0 += B) {
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
      }
      ditBigs(L.acc);
    },
    result: () => new Float64Array(k.memory.buffer, L.acc, n),
    extractParities(start, count) {
      if (start < 0 || count < 0 || start + count > n) throw new RangeError('extractParities: range outside the result');
      // the s bits are no longer needed after the forward transform: reuse them for the output
      const worst = ex.extract(L.acc + 8 * start, count, 1 / convScale(n), L.sBits);
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
