/**
 * Exact binary convolution by float64 FFT, for Toeplitz hashing (algorithms.md §4.1).
 *
 * Real sequences of length N are transformed with one complex FFT of length M = N/2 (even/odd
 * samples as real/imaginary parts). The forward transform is decimation-in-frequency (natural in,
 * bit-reversed out), the inverse decimation-in-time (bit-reversed in, natural out), so no
 * bit-reversal pass is needed; the real-FFT split and the pointwise product are done directly in
 * bit-reversed order, where frequency k and M−k sit at mirrored positions of the same octave block.
 * Radix-4 passes (two fused radix-2 stages, per-stage contiguous twiddles); large transforms are
 * done depth-first (one pass, then each quarter), so that sub-problems of ≤ 2¹² points run in cache.
 *
 * Exactness: the convolution of 0/1 sequences is an integer ≤ n; every output used is checked to
 * be within 0.25 of an integer (else an Error: a bug, not a user error). algorithms.md §4.1 measured
 * max deviation 7×10⁻¹⁰ at N = 2²⁴.
 */

const SMALL = 1 << 12;

interface Plan {
  m: number;
  /**
   * w_M^k (re, im) with k = rev(pos), for the positions pos ≤ mirror(pos) in the order
   * `pointwise` visits them (0, 1, then the first half of each octave block): sequential access.
   */
  pw: Float64Array;
  /** Per radix-4 stage size sz: [w^j, w^2j, w^3j] (re, im interleaved) for j < sz/4, w = e^(−2πi/sz). */
  stage: Map<number, Float64Array>;
}

const plans = new Map<number, Plan>();

/** 32-bit bit reversal. */
function reverseBits(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/** Twiddles computed once per size (at most 3 sizes cached). */
function plan(m: number): Plan {
  let p = plans.get(m);
  if (!p) {
    const bitsM = 31 - Math.clz32(m);
    const pw = new Float64Array(2 * ((m >>> 1) + 2));
    let idx = 0;
    const put = (pos: number) => {
      const k = bitsM === 0 ? 0 : reverseBits(pos) >>> (32 - bitsM);
      const a = (2 * Math.PI * k) / m;
      pw[idx++] = Math.cos(a);
      pw[idx++] = -Math.sin(a);
    };
    put(0);
    if (m > 1) put(1);
    for (let b = 2; b < m; b *= 2) for (let pos = b; pos < b + (b >>> 1); pos++) put(pos);
    const stage = new Map<number, Float64Array>();
    for (let sz = m; sz >= 4; sz >>>= 2) {
      const q = sz >>> 2;
      const t = new Float64Array(6 * q);
      for (let j = 0; j < q; j++) {
        for (let r = 1; r <= 3; r++) {
          const a = (2 * Math.PI * r * j) / sz;
          t[6 * j + 2 * (r - 1)] = Math.cos(a);
          t[6 * j + 2 * (r - 1) + 1] = -Math.sin(a);
        }
      }
      stage.set(sz, t);
    }
    p = { m, pw, stage };
    if (plans.size >= 3) plans.delete(plans.keys().next().value as number);
    plans.set(m, p);
  }
  return p;
}

/**
 * Radix-4 DIF pass (two fused radix-2 DIF stages) on blocks of size sz in [off, off+len).
 * c0 = t0+t2, c1 = (t0−t2)w^2j, c2 = (t1+t3)w^j, c3 = (t1−t3)w^3j; t0 = a0+a2, t1 = a0−a2,
 * t2 = a1+a3, t3 = −i(a1−a3).
 */
function difPass4(a: Float64Array, off: number, len: number, sz: number, t: Float64Array): void {
  const q = sz >>> 2;
  const q2 = 2 * q;
  for (let blk = off; blk < off + len; blk += sz) {
    const base = 2 * blk;
    for (let j = 0; j < q; j++) {
      const i0 = base + 2 * j, i1 = i0 + q2, i2 = i1 + q2, i3 = i2 + q2;
      const a0r = a[i0], a0i = a[i0 + 1], a1r = a[i1], a1i = a[i1 + 1];
      const a2r = a[i2], a2i = a[i2 + 1], a3r = a[i3], a3i = a[i3 + 1];
      const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      const t3r = a1i - a3i, t3i = a3r - a1r; // −i(a1−a3)
      const k = 6 * j;
      const w1r = t[k], w1i = t[k + 1], w2r = t[k + 2], w2i = t[k + 3], w3r = t[k + 4], w3i = t[k + 5];
      a[i0] = t0r + t2r;
      a[i0 + 1] = t0i + t2i;
      let xr = t0r - t2r, xi = t0i - t2i;
      a[i1] = xr * w2r - xi * w2i;
      a[i1 + 1] = xr * w2i + xi * w2r;
      xr = t1r + t3r; xi = t1i + t3i;
      a[i2] = xr * w1r - xi * w1i;
      a[i2 + 1] = xr * w1i + xi * w1r;
      xr = t1r - t3r; xi = t1i - t3i;
      a[i3] = xr * w3r - xi * w3i;
      a[i3 + 1] = xr * w3i + xi * w3r;
    }
  }
}

/** Radix-4 DIT pass (inverse of difPass4 up to a factor 4, conjugate twiddles). */
function ditPass4(a: Float64Array, off: number, len: number, sz: number, t: Float64Array): void {
  const q = sz >>> 2;
  const q2 = 2 * q;
  for (let blk = off; blk < off + len; blk += sz) {
    const base = 2 * blk;
    for (let j = 0; j < q; j++) {
      const i0 = base + 2 * j, i1 = i0 + q2, i2 = i1 + q2, i3 = i2 + q2;
      const k = 6 * j;
      const w1r = t[k], w1i = -t[k + 1], w2r = t[k + 2], w2i = -t[k + 3], w3r = t[k + 4], w3i = -t[k + 5];
      const c0r = a[i0], c0i = a[i0 + 1];
      let xr = a[i1], xi = a[i1 + 1];
      const s1r = xr * w2r - xi * w2i, s1i = xr * w2i + xi * w2r;
      xr = a[i2]; xi = a[i2 + 1];
      const pr = xr * w1r - xi * w1i, pi = xr * w1i + xi * w1r;
      xr = a[i3]; xi = a[i3 + 1];
      const rr = xr * w3r - xi * w3i, ri = xr * w3i + xi * w3r;
      const x0r = c0r + s1r, x0i = c0i + s1i, x1r = c0r - s1r, x1i = c0i - s1i;
      const er = pr + rr, ei = pi + ri;
      const fr = ri - pi, fi = pr - rr; // i(p − r)
      a[i0] = x0r + er;
      a[i0 + 1] = x0i + ei;
      a[i2] = x0r - er;
      a[i2 + 1] = x0i - ei;
      a[i1] = x1r + fr;
      a[i1 + 1] = x1i + fi;
      a[i3] = x1r - fr;
      a[i3 + 1] = x1i - fi;
    }
  }
}

/** Size-2 butterflies (twiddle 1) on [off, off+len). */
function pass2(a: Float64Array, off: number, len: number): void {
  for (let i = 2 * off; i < 2 * (off + len); i += 4) {
    const ur = a[i], ui = a[i + 1], vr = a[i + 2], vi = a[i + 3];
    a[i] = ur + vr;
    a[i + 1] = ui + vi;
    a[i + 2] = ur - vr;
    a[i + 3] = ui - vi;
  }
}

/** Forward DIF on complex points [off, off+sz) of interleaved `a` (natural → bit-reversed). */
function dif(a: Float64Array, off: number, sz: number, p: Plan): void {
  if (sz > SMALL) {
    difPass4(a, off, sz, sz, p.stage.get(sz) as Float64Array);
    const q = sz >>> 2;
    for (let r = 0; r < 4; r++) dif(a, off + r * q, q, p);
    return;
  }
  let size = sz;
  for (; size >= 4; size >>>= 2) difPass4(a, off, sz, size, p.stage.get(size) as Float64Array);
  if (size === 2) pass2(a, off, sz);
}

/** Inverse (unnormalised, conjugate) DIT on [off, off+sz) (bit-reversed → natural). */
function dit(a: Float64Array, off: number, sz: number, p: Plan): void {
  if (sz > SMALL) {
    const q = sz >>> 2;
    for (let r = 0; r < 4; r++) dit(a, off + r * q, q, p);
    ditPass4(a, off, sz, sz, p.stage.get(sz) as Float64Array);
    return;
  }
  let size = 4;
  if ((31 - Math.clz32(sz)) & 1) {
    pass2(a, off, sz);
    size = 8;
  }
  for (; size <= sz; size <<= 2) ditPass4(a, off, sz, size, p.stage.get(size) as Float64Array);
}

/**
 * Given the bit-reversed DIF spectra of two real length-N sequences packed as complex length M,
 * overwrite `x` with the packed spectrum Q of their circular convolution, scaled by 4 (real-FFT
 * split: X_k = E_k + W^k O_k, Q_k = E_xE_s + w_M^k O_xO_s + i(E_xO_s + O_xE_s)).
 */
function pointwise(x: Float64Array, s: Float64Array, p: Plan): void {
  const { pw, m } = p;
  let idx = 0;
  pair(x, s, 0, 0, pw[idx++], pw[idx++]);
  if (m > 1) pair(x, s, 1, 1, pw[idx++], pw[idx++]);
  for (let b = 2; b < m; b *= 2) {
    const end = b + (b >>> 1);
    for (let pos = b; pos < end; pos++) pair(x, s, pos, 3 * b - 1 - pos, pw[idx++], pw[idx++]);
  }
}

/** One (k, M−k) pair at positions (pos, mir) with w = w_M^k = wr + i·wi. */
function pair(x: Float64Array, s: Float64Array, pos: number, mir: number, wr: number, wi: number): void {
  const ip = 2 * pos, iq = 2 * mir;
  // Z_k = a+bi, Z_{M-k} = c+di; 2E = (a+c) + i(b−d); 2O = (b+d) + i(c−a)
  let a = x[ip], b = x[ip + 1], c = x[iq], d = x[iq + 1];
  const exr = a + c, exi = b - d, oxr = b + d, oxi = c - a;
  a = s[ip]; b = s[ip + 1]; c = s[iq]; d = s[iq + 1];
  const esr = a + c, esi = b - d, osr = b + d, osi = c - a;
  // A = Ex·Es + w·(Ox·Os); B = Ex·Os + Ox·Es
  const oor = oxr * osr - oxi * osi, ooi = oxr * osi + oxi * osr;
  const Ar = exr * esr - exi * esi + (oor * wr - ooi * wi);
  const Ai = exr * esi + exi * esr + (oor * wi + ooi * wr);
  const Br = exr * osr - exi * osi + (oxr * esr - oxi * esi);
  const Bi = exr * osi + exi * osr + (oxr * esi + oxi * esr);
  // Q_k = A + iB ; Q_{M−k} = conj(A) + i·conj(B)
  x[ip] = Ar - Bi;
  x[ip + 1] = Ai + Br;
  x[iq] = Ar + Bi;
  x[iq + 1] = Br - Ai;
}

/**
 * Circular convolution of two real sequences already loaded as interleaved arrays of length N
 * (a[q] = sample q; N = 2M, M a power of two ≥ 2). Result (× 2N, see `convScale`) left in `x`.
 * `s` is destroyed.
 */
export function realConvolveInPlace(x: Float64Array, s: Float64Array): void {
  const m = x.length >>> 1;
  const p = plan(m);
  dif(x, 0, m, p);
  dif(s, 0, m, p);
  pointwise(x, s, p);
  dit(x, 0, m, p);
}

/** Factor by which `realConvolveInPlace` output (length N) exceeds the convolution: 4·M = 2N. */
export function convScale(n: number): number {
  return 2 * n;
}
