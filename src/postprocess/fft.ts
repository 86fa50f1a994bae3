/**
 * Exact binary convolution by float64 FFT, for Toeplitz hashing (algorithms.md §4.1).
 *
 * Real sequences of length N are transformed with one complex FFT of length M = N/2 (even/odd
 * samples as real/imaginary parts). The forward transform is decimation-in-frequency (natural in,
 * bit-reversed out), the inverse decimation-in-time (bit-reversed in, natural out), so no
 * bit-reversal pass is needed; the real-FFT split and the pointwise product are done directly in
 * bit-reversed order, where frequency k and M−k sit at mirrored positions of the same octave block.
 * Radix-4 passes (two fused radix-2 stages, per-stage contiguous twiddles); the last two stages
 * (sizes 16 and 4) are one straight-line codelet with constant twiddles. Large transforms are done
 * depth-first (one pass, then each quarter), so that sub-problems of ≤ 2¹² points run in cache.
 * All twiddles come from one quarter-wave cosine table (M/4 + 1 calls of Math.cos per size).
 * `forwardRealBits` reads 0/1 samples straight from packed bits in its first pass (no unpacking).
 * (Measured alternatives not kept: two radix-4 passes fused into one radix-16 pass — slower, register
 * spills; a radix-2 NTT mod 998244353 with Math.imul mulmod — ≈ 10× slower per real sample.)
 *
 * The split API (`forwardReal`, `mulAccumulate`, `inverseReal`) lets a caller sum the spectra of
 * several products and invert once (blockwise Toeplitz hashing).
 *
 * Exactness: the convolution of 0/1 sequences is an integer ≤ n; every output used is checked by
 * the caller to be within 0.25 of an integer. algorithms.md §4.1 measured max deviation 7×10⁻¹⁰
 * at N = 2²⁴.
 */

const SMALL = 1 << 12;

export interface FftPlan {
  /** Complex length M (real length N = 2M). */
  m: number;
  /**
   * w_M^k (re, im) with k = rev(pos), for the positions pos ≤ mirror(pos) in the order
   * `mulAccumulate` visits them (0, 1, then the first half of each octave block).
   */
  pw: Float64Array;
  /** Per radix-4 stage size sz ≥ 16: [w^j, w^2j, w^3j] (re, im interleaved), j < sz/4, w = e^(−2πi/sz). */
  stage: Float64Array[];
}

const plans = new Map<number, FftPlan>();
const LARGE_PLAN = 1 << 20;

/** 32-bit bit reversal. */
function reverseBits(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/** Twiddles for complex length m (power of two ≥ 1), computed once per size (cached, see below). */
export function fftPlan(m: number): FftPlan {
  let p = plans.get(m);
  if (p) return p;
  const bitsM = 31 - Math.clz32(m);
  // cos(2πk/M) for 0 ≤ k ≤ M/4 (exactly symmetric); w_M^k = cos − i·sin by octant symmetry.
  const q4 = m >>> 2;
  const cq = new Float64Array(q4 + 1);
  for (let k = 0; k <= q4; k++) cq[k] = Math.cos((2 * Math.PI * k) / m);
  const cosK = (k: number): number => {
    k &= m - 1;
    if (k <= q4) return cq[k];
    if (k <= 2 * q4) return -cq[2 * q4 - k];
    if (k <= 3 * q4) return -cq[k - 2 * q4];
    return cq[m - k];
  };
  // sin(2πk/M) = cos(2π(k − M/4)/M)
  const sinK = (k: number): number => (m < 4 ? Math.sin((2 * Math.PI * k) / m) : cosK(k - q4 + m));
  const cosA = (k: number): number => (m < 4 ? Math.cos((2 * Math.PI * k) / m) : cosK(k));
  const pw = new Float64Array(2 * ((m >>> 1) + 2));
  let idx = 0;
  const put = (pos: number) => {
    const k = bitsM === 0 ? 0 : reverseBits(pos) >>> (32 - bitsM);
    pw[idx++] = cosA(k);
    pw[idx++] = -sinK(k);
  };
  put(0);
  if (m > 1) put(1);
  for (let b = 2; b < m; b *= 2) for (let pos = b; pos < b + (b >>> 1); pos++) put(pos);
  const stage: Float64Array[] = [];
  for (let sz = m; sz >= 16; sz >>>= 2) {
    const q = sz >>> 2;
    const step = m / sz;
    const t = new Float64Array(6 * q);
    for (let j = 0; j < q; j++) {
      for (let r = 1; r <= 3; r++) {
        const k = r * j * step;
        t[6 * j + 2 * (r - 1)] = cosA(k);
        t[6 * j + 2 * (r - 1) + 1] = -sinK(k);
      }
    }
    stage[31 - Math.clz32(sz)] = t;
  }
  p = { m, pw, stage };
  // ≤ 3 sizes cached, at most one of them large (a 2²³-point plan holds ≈ 190 MB of twiddles)
  if (m > LARGE_PLAN) for (const k of plans.keys()) if (k > LARGE_PLAN) plans.delete(k);
  if (plans.size >= 3) plans.delete(plans.keys().next().value as number);
  plans.set(m, p);
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
  const end = 2 * (off + len);
  for (let base = 2 * off; base < end; base += 2 * sz) {
    const stop = base + q2;
    for (let i0 = base, k = 0; i0 < stop; i0 += 2, k += 6) {
      const i1 = i0 + q2, i2 = i1 + q2, i3 = i2 + q2;
      const a0r = a[i0], a0i = a[i0 + 1], a1r = a[i1], a1i = a[i1 + 1];
      const a2r = a[i2], a2i = a[i2 + 1], a3r = a[i3], a3i = a[i3 + 1];
      const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      const t3r = a1i - a3i, t3i = a3r - a1r; // −i(a1−a3)
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

/** Size-4 DIF butterflies (all twiddles 1) on [off, off+len). */
function difPass4Last(a: Float64Array, off: number, len: number): void {
  const end = 2 * (off + len);
  for (let i = 2 * off; i < end; i += 8) {
    const a0r = a[i], a0i = a[i + 1], a1r = a[i + 2], a1i = a[i + 3];
    const a2r = a[i + 4], a2i = a[i + 5], a3r = a[i + 6], a3i = a[i + 7];
    const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
    const t2r = a1r + a3r, t2i = a1i + a3i;
    const t3r = a1i - a3i, t3i = a3r - a1r;
    a[i] = t0r + t2r;
    a[i + 1] = t0i + t2i;
    a[i + 2] = t0r - t2r;
    a[i + 3] = t0i - t2i;
    a[i + 4] = t1r + t3r;
    a[i + 5] = t1i + t3i;
    a[i + 6] = t1r - t3r;
    a[i + 7] = t1i - t3i;
  }
}

/** Radix-4 DIT pass (inverse of difPass4 up to a factor 4, conjugate twiddles). */
function ditPass4(a: Float64Array, off: number, len: number, sz: number, t: Float64Array): void {
  const q = sz >>> 2;
  const q2 = 2 * q;
  const end = 2 * (off + len);
  for (let base = 2 * off; base < end; base += 2 * sz) {
    const stop = base + q2;
    for (let i0 = base, k = 0; i0 < stop; i0 += 2, k += 6) {
      const i1 = i0 + q2, i2 = i1 + q2, i3 = i2 + q2;
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

/** Size-4 DIT butterflies (all twiddles 1) on [off, off+len). */
function ditPass4First(a: Float64Array, off: number, len: number): void {
  const end = 2 * (off + len);
  for (let i = 2 * off; i < end; i += 8) {
    const c0r = a[i], c0i = a[i + 1], s1r = a[i + 2], s1i = a[i + 3];
    const pr = a[i + 4], pi = a[i + 5], rr = a[i + 6], ri = a[i + 7];
    const x0r = c0r + s1r, x0i = c0i + s1i, x1r = c0r - s1r, x1i = c0i - s1i;
    const er = pr + rr, ei = pi + ri;
    const fr = ri - pi, fi = pr - rr;
    a[i] = x0r + er;
    a[i + 1] = x0i + ei;
    a[i + 4] = x0r - er;
    a[i + 5] = x0i - ei;
    a[i + 2] = x1r + fr;
    a[i + 3] = x1i + fi;
    a[i + 6] = x1r - fr;
    a[i + 7] = x1i - fi;
  }
}

const C = 0.9238795325112867, S = 0.3826834323650898, H = 0.7071067811865476; // cos π/8, sin π/8, √½

/** Last two DIF stages (sizes 16 and 4) fused, straight-line with constant twiddles, on [off, off+len). */
function difLast16(a: Float64Array, off: number, len: number): void {
  const end = 2 * (off + len);
  for (let i = 2 * off; i < end; i += 32) {
    const x0r = a[i + 0], x0i = a[i + 1];
    const x1r = a[i + 2], x1i = a[i + 3];
    const x2r = a[i + 4], x2i = a[i + 5];
    const x3r = a[i + 6], x3i = a[i + 7];
    const x4r = a[i + 8], x4i = a[i + 9];
    const x5r = a[i + 10], x5i = a[i + 11];
    const x6r = a[i + 12], x6i = a[i + 13];
    const x7r = a[i + 14], x7i = a[i + 15];
    const x8r = a[i + 16], x8i = a[i + 17];
    const x9r = a[i + 18], x9i = a[i + 19];
    const x10r = a[i + 20], x10i = a[i + 21];
    const x11r = a[i + 22], x11i = a[i + 23];
    const x12r = a[i + 24], x12i = a[i + 25];
    const x13r = a[i + 26], x13i = a[i + 27];
    const x14r = a[i + 28], x14i = a[i + 29];
    const x15r = a[i + 30], x15i = a[i + 31];
    const v1 = x0r + x8r, v2 = x0i + x8i;
    const v3 = x0r - x8r, v4 = x0i - x8i;
    const v5 = x4r + x12r, v6 = x4i + x12i;
    const v7 = x4r - x12r, v8 = x4i - x12i;
    const v9 = v8, v10 = -v7;
    const v11 = v1 + v5, v12 = v2 + v6;
    const v13 = v1 - v5, v14 = v2 - v6;
    const v15 = v3 + v9, v16 = v4 + v10;
    const v17 = v3 - v9, v18 = v4 - v10;
    const v19 = x1r + x9r, v20 = x1i + x9i;
    const v21 = x1r - x9r, v22 = x1i - x9i;
    const v23 = x5r + x13r, v24 = x5i + x13i;
    const v25 = x5r - x13r, v26 = x5i - x13i;
    const v27 = v26, v28 = -v25;
    const v29 = v19 + v23, v30 = v20 + v24;
    const v31 = v19 - v23, v32 = v20 - v24;
    const v33 = v31 * H - v32 * -H, v34 = v31 * -H + v32 * H;
    const v35 = v21 + v27, v36 = v22 + v28;
    const v37 = v35 * C - v36 * -S, v38 = v35 * -S + v36 * C;
    const v39 = v21 - v27, v40 = v22 - v28;
    const v41 = v39 * S - v40 * -C, v42 = v39 * -C + v40 * S;
    const v43 = x2r + x10r, v44 = x2i + x10i;
    const v45 = x2r - x10r, v46 = x2i - x10i;
    const v47 = x6r + x14r, v48 = x6i + x14i;
    const v49 = x6r - x14r, v50 = x6i - x14i;
    const v51 = v50, v52 = -v49;
    const v53 = v43 + v47, v54 = v44 + v48;
    const v55 = v43 - v47, v56 = v44 - v48;
    const v57 = v56, v58 = -v55;
    const v59 = v45 + v51, v60 = v46 + v52;
    const v61 = v59 * H - v60 * -H, v62 = v59 * -H + v60 * H;
    const v63 = v45 - v51, v64 = v46 - v52;
    const v65 = v63 * -H - v64 * -H, v66 = v63 * -H + v64 * -H;
    const v67 = x3r + x11r, v68 = x3i + x11i;
    const v69 = x3r - x11r, v70 = x3i - x11i;
    const v71 = x7r + x15r, v72 = x7i + x15i;
    const v73 = x7r - x15r, v74 = x7i - x15i;
    const v75 = v74, v76 = -v73;
    const v77 = v67 + v71, v78 = v68 + v72;
    const v79 = v67 - v71, v80 = v68 - v72;
    const v81 = v79 * -H - v80 * -H, v82 = v79 * -H + v80 * -H;
    const v83 = v69 + v75, v84 = v70 + v76;
    const v85 = v83 * S - v84 * -C, v86 = v83 * -C + v84 * S;
    const v87 = v69 - v75, v88 = v70 - v76;
    const v89 = v87 * -C - v88 * S, v90 = v87 * S + v88 * -C;
    const v91 = v11 + v53, v92 = v12 + v54;
    const v93 = v11 - v53, v94 = v12 - v54;
    const v95 = v29 + v77, v96 = v30 + v78;
    const v97 = v29 - v77, v98 = v30 - v78;
    const v99 = v98, v100 = -v97;
    const v101 = v91 + v95, v102 = v92 + v96;
    const v103 = v91 - v95, v104 = v92 - v96;
    const v105 = v93 + v99, v106 = v94 + v100;
    const v107 = v93 - v99, v108 = v94 - v100;
    const v109 = v13 + v57, v110 = v14 + v58;
    const v111 = v13 - v57, v112 = v14 - v58;
    const v113 = v33 + v81, v114 = v34 + v82;
    const v115 = v33 - v81, v116 = v34 - v82;
    const v117 = v116, v118 = -v115;
    const v119 = v109 + v113, v120 = v110 + v114;
    const v121 = v109 - v113, v122 = v110 - v114;
    const v123 = v111 + v117, v124 = v112 + v118;
    const v125 = v111 - v117, v126 = v112 - v118;
    const v127 = v15 + v61, v128 = v16 + v62;
    const v129 = v15 - v61, v130 = v16 - v62;
    const v131 = v37 + v85, v132 = v38 + v86;
    const v133 = v37 - v85, v134 = v38 - v86;
    const v135 = v134, v136 = -v133;
    const v137 = v127 + v131, v138 = v128 + v132;
    const v139 = v127 - v131, v140 = v128 - v132;
    const v141 = v129 + v135, v142 = v130 + v136;
    const v143 = v129 - v135, v144 = v130 - v136;
    const v145 = v17 + v65, v146 = v18 + v66;
    const v147 = v17 - v65, v148 = v18 - v66;
    const v149 = v41 + v89, v150 = v42 + v90;
    const v151 = v41 - v89, v152 = v42 - v90;
    const v153 = v152, v154 = -v151;
    const v155 = v145 + v149, v156 = v146 + v150;
    const v157 = v145 - v149, v158 = v146 - v150;
    const v159 = v147 + v153, v160 = v148 + v154;
    const v161 = v147 - v153, v162 = v148 - v154;
    a[i + 0] = v101;
    a[i + 1] = v102;
    a[i + 2] = v103;
    a[i + 3] = v104;
    a[i + 4] = v105;
    a[i + 5] = v106;
    a[i + 6] = v107;
    a[i + 7] = v108;
    a[i + 8] = v119;
    a[i + 9] = v120;
    a[i + 10] = v121;
    a[i + 11] = v122;
    a[i + 12] = v123;
    a[i + 13] = v124;
    a[i + 14] = v125;
    a[i + 15] = v126;
    a[i + 16] = v137;
    a[i + 17] = v138;
    a[i + 18] = v139;
    a[i + 19] = v140;
    a[i + 20] = v141;
    a[i + 21] = v142;
    a[i + 22] = v143;
    a[i + 23] = v144;
    a[i + 24] = v155;
    a[i + 25] = v156;
    a[i + 26] = v157;
    a[i + 27] = v158;
    a[i + 28] = v159;
    a[i + 29] = v160;
    a[i + 30] = v161;
    a[i + 31] = v162;
  }
}

/** First two DIT stages (sizes 4 and 16) fused (inverse of difLast16 up to 16, conjugate twiddles). */
function ditFirst16(a: Float64Array, off: number, len: number): void {
  const end = 2 * (off + len);
  for (let i = 2 * off; i < end; i += 32) {
    const x0r = a[i + 0], x0i = a[i + 1];
    const x1r = a[i + 2], x1i = a[i + 3];
    const x2r = a[i + 4], x2i = a[i + 5];
    const x3r = a[i + 6], x3i = a[i + 7];
    const x4r = a[i + 8], x4i = a[i + 9];
    const x5r = a[i + 10], x5i = a[i + 11];
    const x6r = a[i + 12], x6i = a[i + 13];
    const x7r = a[i + 14], x7i = a[i + 15];
    const x8r = a[i + 16], x8i = a[i + 17];
    const x9r = a[i + 18], x9i = a[i + 19];
    const x10r = a[i + 20], x10i = a[i + 21];
    const x11r = a[i + 22], x11i = a[i + 23];
    const x12r = a[i + 24], x12i = a[i + 25];
    const x13r = a[i + 26], x13i = a[i + 27];
    const x14r = a[i + 28], x14i = a[i + 29];
    const x15r = a[i + 30], x15i = a[i + 31];
    const v1 = x0r + x1r, v2 = x0i + x1i;
    const v3 = x0r - x1r, v4 = x0i - x1i;
    const v5 = x2r + x3r, v6 = x2i + x3i;
    const v7 = x2r - x3r, v8 = x2i - x3i;
    const v9 = -v8, v10 = v7;
    const v11 = v1 + v5, v12 = v2 + v6;
    const v13 = v1 - v5, v14 = v2 - v6;
    const v15 = v3 + v9, v16 = v4 + v10;
    const v17 = v3 - v9, v18 = v4 - v10;
    const v19 = x4r + x5r, v20 = x4i + x5i;
    const v21 = x4r - x5r, v22 = x4i - x5i;
    const v23 = x6r + x7r, v24 = x6i + x7i;
    const v25 = x6r - x7r, v26 = x6i - x7i;
    const v27 = -v26, v28 = v25;
    const v29 = v19 + v23, v30 = v20 + v24;
    const v31 = v19 - v23, v32 = v20 - v24;
    const v33 = v21 + v27, v34 = v22 + v28;
    const v35 = v21 - v27, v36 = v22 - v28;
    const v37 = x8r + x9r, v38 = x8i + x9i;
    const v39 = x8r - x9r, v40 = x8i - x9i;
    const v41 = x10r + x11r, v42 = x10i + x11i;
    const v43 = x10r - x11r, v44 = x10i - x11i;
    const v45 = -v44, v46 = v43;
    const v47 = v37 + v41, v48 = v38 + v42;
    const v49 = v37 - v41, v50 = v38 - v42;
    const v51 = v39 + v45, v52 = v40 + v46;
    const v53 = v39 - v45, v54 = v40 - v46;
    const v55 = x12r + x13r, v56 = x12i + x13i;
    const v57 = x12r - x13r, v58 = x12i - x13i;
    const v59 = x14r + x15r, v60 = x14i + x15i;
    const v61 = x14r - x15r, v62 = x14i - x15i;
    const v63 = -v62, v64 = v61;
    const v65 = v55 + v59, v66 = v56 + v60;
    const v67 = v55 - v59, v68 = v56 - v60;
    const v69 = v57 + v63, v70 = v58 + v64;
    const v71 = v57 - v63, v72 = v58 - v64;
    const v73 = v11 + v29, v74 = v12 + v30;
    const v75 = v11 - v29, v76 = v12 - v30;
    const v77 = v47 + v65, v78 = v48 + v66;
    const v79 = v47 - v65, v80 = v48 - v66;
    const v81 = -v80, v82 = v79;
    const v83 = v73 + v77, v84 = v74 + v78;
    const v85 = v73 - v77, v86 = v74 - v78;
    const v87 = v75 + v81, v88 = v76 + v82;
    const v89 = v75 - v81, v90 = v76 - v82;
    const v91 = v33 * H - v34 * H, v92 = v33 * H + v34 * H;
    const v93 = v51 * C - v52 * S, v94 = v51 * S + v52 * C;
    const v95 = v69 * S - v70 * C, v96 = v69 * C + v70 * S;
    const v97 = v15 + v91, v98 = v16 + v92;
    const v99 = v15 - v91, v100 = v16 - v92;
    const v101 = v93 + v95, v102 = v94 + v96;
    const v103 = v93 - v95, v104 = v94 - v96;
    const v105 = -v104, v106 = v103;
    const v107 = v97 + v101, v108 = v98 + v102;
    const v109 = v97 - v101, v110 = v98 - v102;
    const v111 = v99 + v105, v112 = v100 + v106;
    const v113 = v99 - v105, v114 = v100 - v106;
    const v115 = -v32, v116 = v31;
    const v117 = v49 * H - v50 * H, v118 = v49 * H + v50 * H;
    const v119 = v67 * -H - v68 * H, v120 = v67 * H + v68 * -H;
    const v121 = v13 + v115, v122 = v14 + v116;
    const v123 = v13 - v115, v124 = v14 - v116;
    const v125 = v117 + v119, v126 = v118 + v120;
    const v127 = v117 - v119, v128 = v118 - v120;
    const v129 = -v128, v130 = v127;
    const v131 = v121 + v125, v132 = v122 + v126;
    const v133 = v121 - v125, v134 = v122 - v126;
    const v135 = v123 + v129, v136 = v124 + v130;
    const v137 = v123 - v129, v138 = v124 - v130;
    const v139 = v35 * -H - v36 * H, v140 = v35 * H + v36 * -H;
    const v141 = v53 * S - v54 * C, v142 = v53 * C + v54 * S;
    const v143 = v71 * -C - v72 * -S, v144 = v71 * -S + v72 * -C;
    const v145 = v17 + v139, v146 = v18 + v140;
    const v147 = v17 - v139, v148 = v18 - v140;
    const v149 = v141 + v143, v150 = v142 + v144;
    const v151 = v141 - v143, v152 = v142 - v144;
    const v153 = -v152, v154 = v151;
    const v155 = v145 + v149, v156 = v146 + v150;
    const v157 = v145 - v149, v158 = v146 - v150;
    const v159 = v147 + v153, v160 = v148 + v154;
    const v161 = v147 - v153, v162 = v148 - v154;
    a[i + 0] = v83;
    a[i + 1] = v84;
    a[i + 2] = v107;
    a[i + 3] = v108;
    a[i + 4] = v131;
    a[i + 5] = v132;
    a[i + 6] = v155;
    a[i + 7] = v156;
    a[i + 8] = v87;
    a[i + 9] = v88;
    a[i + 10] = v111;
    a[i + 11] = v112;
    a[i + 12] = v135;
    a[i + 13] = v136;
    a[i + 14] = v159;
    a[i + 15] = v160;
    a[i + 16] = v85;
    a[i + 17] = v86;
    a[i + 18] = v109;
    a[i + 19] = v110;
    a[i + 20] = v133;
    a[i + 21] = v134;
    a[i + 22] = v157;
    a[i + 23] = v158;
    a[i + 24] = v89;
    a[i + 25] = v90;
    a[i + 26] = v113;
    a[i + 27] = v114;
    a[i + 28] = v137;
    a[i + 29] = v138;
    a[i + 30] = v161;
    a[i + 31] = v162;
  }
}

/** Size-2 butterflies (twiddle 1) on [off, off+len). */
function pass2(a: Float64Array, off: number, len: number): void {
  const end = 2 * (off + len);
  for (let i = 2 * off; i < end; i += 4) {
    const ur = a[i], ui = a[i + 1], vr = a[i + 2], vi = a[i + 3];
    a[i] = ur + vr;
    a[i + 1] = ui + vi;
    a[i + 2] = ur - vr;
    a[i + 3] = ui - vi;
  }
}

/** Forward DIF on complex points [off, off+sz) of interleaved `a` (natural → bit-reversed). */
function dif(a: Float64Array, off: number, sz: number, p: FftPlan): void {
  if (sz > SMALL) {
    difPass4(a, off, sz, sz, p.stage[31 - Math.clz32(sz)]);
    difRest(a, off, sz, p);
    return;
  }
  difTail(a, off, sz, sz, p);
}

/** The rest of `dif` on [off, off+sz) after its first (size-sz) radix-4 pass. */
function difRest(a: Float64Array, off: number, sz: number, p: FftPlan): void {
  const q = sz >>> 2;
  if (sz > SMALL) for (let r = 0; r < 4; r++) dif(a, off + r * q, q, p);
  else difTail(a, off, sz, q, p);
}

/** In-cache DIF stages of block size `size`, size/4, … on [off, off+sz). */
function difTail(a: Float64Array, off: number, sz: number, size: number, p: FftPlan): void {
  for (; size >= 32; size >>>= 2) difPass4(a, off, sz, size, p.stage[31 - Math.clz32(size)]);
  if (size === 16) difLast16(a, off, sz);
  else if (size === 8) {
    difPass4(a, off, sz, 8, stage8);
    pass2(a, off, sz);
  } else if (size === 4) difPass4Last(a, off, sz);
  else if (size === 2) pass2(a, off, sz);
}

/**
 * First radix-4 DIF pass (size M ≥ 64) reading the real 0/1 samples straight from packed bits
 * (w bit q = sample q, i.e. complex point j = bit 2j + i·bit 2j+1), writing interleaved `a`.
 */
function difPass4Bits(a: Float64Array, w: Int32Array, m: number, t: Float64Array): void {
  const q = m >>> 2;
  const q2 = 2 * q;
  const qw = q >>> 4; // words per quarter
  for (let j = 0, k = 0; j < q; j++, k += 6) {
    const wi = j >>> 4, sh = (2 * j) & 31;
    const v0 = w[wi] >> sh, v1 = w[wi + qw] >> sh, v2 = w[wi + 2 * qw] >> sh, v3 = w[wi + 3 * qw] >> sh;
    const a0r = v0 & 1, a0i = (v0 >>> 1) & 1, a1r = v1 & 1, a1i = (v1 >>> 1) & 1;
    const a2r = v2 & 1, a2i = (v2 >>> 1) & 1, a3r = v3 & 1, a3i = (v3 >>> 1) & 1;
    const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
    const t2r = a1r + a3r, t2i = a1i + a3i;
    const t3r = a1i - a3i, t3i = a3r - a1r;
    const w1r = t[k], w1i = t[k + 1], w2r = t[k + 2], w2i = t[k + 3], w3r = t[k + 4], w3i = t[k + 5];
    const i0 = 2 * j, i1 = i0 + q2, i2 = i1 + q2, i3 = i2 + q2;
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

/**
 * `forwardReal` of a 0/1 sequence given as packed bits: `w` holds N/32 words (bit q = sample q),
 * `a` (length N) receives the packed bit-reversed spectrum; no unpacking pass.
 */
export function forwardRealBits(a: Float64Array, w: Uint32Array, p: FftPlan = fftPlan(a.length >>> 1)): void {
  const m = p.m;
  if (m < 64) {
    for (let q = 0; q < 2 * m; q++) a[q] = (w[q >>> 5] >> (q & 31)) & 1;
    dif(a, 0, m, p);
    return;
  }
  difPass4Bits(a, new Int32Array(w.buffer, w.byteOffset, w.length), m, p.stage[31 - Math.clz32(m)]);
  difRest(a, 0, m, p);
}

/** Inverse (unnormalised, conjugate) DIT on [off, off+sz) (bit-reversed → natural). */
function dit(a: Float64Array, off: number, sz: number, p: FftPlan): void {
  if (sz > SMALL) {
    const q = sz >>> 2;
    for (let r = 0; r < 4; r++) dit(a, off + r * q, q, p);
    ditPass4(a, off, sz, sz, p.stage[31 - Math.clz32(sz)]);
    return;
  }
  let size: number;
  const lg = 31 - Math.clz32(sz);
  if (lg & 1) {
    pass2(a, off, sz);
    if (sz === 2) return;
    ditPass4(a, off, sz, 8, stage8);
    size = 32;
  } else if (sz >= 16) {
    ditFirst16(a, off, sz);
    size = 64;
  } else {
    if (sz >= 4) ditPass4First(a, off, sz);
    size = 16;
  }
  for (; size <= sz; size <<= 2) ditPass4(a, off, sz, size, p.stage[31 - Math.clz32(size)]);
}

/** Twiddles of the size-8 radix-4 pass (used when log₂M is odd). */
const stage8 = (() => {
  const t = new Float64Array(12);
  for (let j = 0; j < 2; j++) {
    for (let r = 1; r <= 3; r++) {
      const a = (2 * Math.PI * r * j) / 8;
      t[6 * j + 2 * (r - 1)] = Math.cos(a);
      t[6 * j + 2 * (r - 1) + 1] = -Math.sin(a);
    }
  }
  return t;
})();

/**
 * Forward transform of a real length-N sequence stored as interleaved complex length M = N/2
 * (a[q] = sample q), in place; result is the packed spectrum in bit-reversed order.
 */
export function forwardReal(a: Float64Array, p: FftPlan = fftPlan(a.length >>> 1)): void {
  dif(a, 0, p.m, p);
}

/** Inverse of `forwardReal` applied to a packed product spectrum (from `mulAccumulate`); × 2N. */
export function inverseReal(a: Float64Array, p: FftPlan = fftPlan(a.length >>> 1)): void {
  dit(a, 0, p.m, p);
}

/**
 * Given the packed bit-reversed spectra x, s of two real length-N sequences (from `forwardReal`),
 * write (first) or add the packed spectrum of their circular convolution, scaled by 4, into
 * `acc` (which may alias x). Real-FFT split: X_k = E_k + W^k O_k,
 * Q_k = E_xE_s + w_M^k O_xO_s + i(E_xO_s + O_xE_s).
 */
export function mulAccumulate(acc: Float64Array, x: Float64Array, s: Float64Array, first: boolean, p: FftPlan = fftPlan(x.length >>> 1)): void {
  const { pw, m } = p;
  pairSelf(acc, x, s, 0, pw[0], first);
  if (m > 1) pairSelf(acc, x, s, 1, pw[2], first);
  let idx = 4;
  for (let b = 2; b < m; b *= 2) {
    const end = b + (b >>> 1);
    for (let pos = b, mir = 3 * b - 1 - b; pos < end; pos++, mir--, idx += 2) pair(acc, x, s, pos, mir, pw[idx], pw[idx + 1], first);
  }
}

/** One (k, M−k) pair at positions (pos, mir) with w = w_M^k = wr + i·wi. */
function pair(o: Float64Array, x: Float64Array, s: Float64Array, pos: number, mir: number, wr: number, wi: number, first: boolean): void {
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
  if (first) {
    o[ip] = Ar - Bi;
    o[ip + 1] = Ai + Br;
    o[iq] = Ar + Bi;
    o[iq + 1] = Br - Ai;
  } else {
    o[ip] += Ar - Bi;
    o[ip + 1] += Ai + Br;
    o[iq] += Ar + Bi;
    o[iq + 1] += Br - Ai;
  }
}

/** Self-mirrored position (k = 0 or M/2, w = ±1): everything is real, Q = A + iB. */
function pairSelf(o: Float64Array, x: Float64Array, s: Float64Array, pos: number, w: number, first: boolean): void {
  const ip = 2 * pos;
  const exr = 2 * x[ip], oxr = 2 * x[ip + 1], esr = 2 * s[ip], osr = 2 * s[ip + 1];
  const A = exr * esr + w * oxr * osr;
  const B = exr * osr + oxr * esr;
  if (first) {
    o[ip] = A;
    o[ip + 1] = B;
  } else {
    o[ip] += A;
    o[ip + 1] += B;
  }
}

/**
 * Circular convolution of two real sequences already loaded as interleaved arrays of length N
 * (a[q] = sample q; N = 2M, M a power of two ≥ 2). Result (× 2N, see `convScale`) left in `x`.
 * `s` is destroyed.
 */
export function realConvolveInPlace(x: Float64Array, s: Float64Array): void {
  const p = fftPlan(x.length >>> 1);
  dif(x, 0, p.m, p);
  dif(s, 0, p.m, p);
  mulAccumulate(x, x, s, true, p);
  dit(x, 0, p.m, p);
}

/** Factor by which `realConvolveInPlace` / `inverseReal` output (length N) exceeds the convolution: 4·M = 2N. */
export function convScale(n: number): number {
  return 2 * n;
}
