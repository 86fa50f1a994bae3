;; Float64 FFT convolution kernel for Toeplitz hashing (fftconv.ts drives it; algorithms.md §4.1).
;;
;; One complex number per v128 (f64x2: re, im), interleaved arrays; all addresses are byte offsets.
;; Forward: radix-4 decimation in frequency (natural in, bit-reversed out); inverse: radix-4
;; decimation in time (bit-reversed in, natural out, conjugate twiddles) — the same butterflies as
;; fft.ts, so the pairing of the real-FFT split is unchanged. Complex product x·w =
;; x·splat(w.re) + (i·x)·splat(w.im), with i·x = swap(x) with the sign of lane 0 flipped.
;;
;; Twiddles: passes of block size ≤ the caller's cache block read per-size tables
;; (w^j, w^2j, w^3j for j < size/4, w = e^(−2πi/size), each stored as (re, re), (−im, im); the table
;; of size s lives at tab + 24·s bytes, so the tables of all powers of two are disjoint); larger passes (few, memory-bound) compute
;; w1 = w_M^k = hi[k >> lobits] · lo[k & (2^lobits − 1)] (k = j·M/size), w2 = w1², w3 = w1·w2 from
;; two small tables instead of streaming a table as large as the data.
;;
;; The memory is imported and shared (fftconv.ts creates it), so that two threads can work on one
;; transform: the inverse's passes over memory take a chunk range [$off0, $off1) (bytes within the
;; block's quarter, resp. sixteenth, for ditBig2) so that a pass with a single block can be split.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (global $tab (mut i32) (i32.const 0))
  (global $hi (mut i32) (i32.const 0))
  (global $lo (mut i32) (i32.const 0))
  (global $lobits (mut i32) (i32.const 0))
  (global $pw (mut i32) (i32.const 0))
  (global $lut (mut i32) (i32.const 0))
  (global $scr (mut i32) (i32.const 0))

  ;; Table addresses: small-size tables, two-level big twiddles, split twiddles for mulacc,
  ;; a 3 KiB scratch area for twiddle chunks, and the 4-entry lookup table of (bit0, bit1) as f64x2 for reading packed bits.
  (func (export "setup") (param $tab i32) (param $hi i32) (param $lo i32) (param $lobits i32) (param $pw i32) (param $lut i32) (param $scr i32)
    (global.set $scr (local.get $scr))
    (global.set $tab (local.get $tab))
    (global.set $hi (local.get $hi))
    (global.set $lo (local.get $lo))
    (global.set $lobits (local.get $lobits))
    (global.set $pw (local.get $pw))
    (global.set $lut (local.get $lut)))

;; Radix-4 DIF butterflies on points [$i, $stop) (bytes) of one block with quarter $q bytes,
  ;; twiddles from $k on: per point w, w², w³, each as (re, re) and (−im, im) (96 bytes per point),
  ;; so that x·w = x·(re, re) + swap(x)·(−im, im).
  ;; c0 = t0+t2, c1 = (t0−t2)w², c2 = (t1+t3)w, c3 = (t1−t3)w³; t0 = a0+a2, t1 = a0−a2,
  ;; t2 = a1+a3, t3 = −i(a1−a3).
  (func $bf_dif (param $i i32) (param $stop i32) (param $q i32) (param $k i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $x v128)
    (local $n0 v128) (local $n1 v128) (local $q2 i32) (local $q3 i32)
    (local.set $q2 (i32.shl (local.get $q) (i32.const 1)))
    (local.set $q3 (i32.mul (local.get $q) (i32.const 3)))
    (local.set $n0 (v128.const i64x2 0x8000000000000000 0))
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    (loop $bf
          (local.set $a0 (v128.load (local.get $i)))
          (local.set $a1 (v128.load (i32.add (local.get $i) (local.get $q))))
          (local.set $a2 (v128.load (i32.add (local.get $i) (local.get $q2))))
          (local.set $a3 (v128.load (i32.add (local.get $i) (local.get $q3))))
          (local.set $t0 (f64x2.add (local.get $a0) (local.get $a2)))
          (local.set $t1 (f64x2.sub (local.get $a0) (local.get $a2)))
          (local.set $t2 (f64x2.add (local.get $a1) (local.get $a3)))
          (local.set $x (f64x2.sub (local.get $a1) (local.get $a3)))
          (local.set $t3 (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))
                                   (local.get $n1)))
          (v128.store (local.get $i) (f64x2.add (local.get $t0) (local.get $t2)))
          (local.set $x (f64x2.sub (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $i) (local.get $q))
            (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $k)))
                       (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=48 (local.get $k)))))
          (local.set $x (f64x2.add (local.get $t1) (local.get $t3)))
          (v128.store (i32.add (local.get $i) (local.get $q2))
            (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $k)))
                       (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=16 (local.get $k)))))
          (local.set $x (f64x2.sub (local.get $t1) (local.get $t3)))
          (v128.store (i32.add (local.get $i) (local.get $q3))
            (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=64 (local.get $k)))
                       (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=80 (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 96)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $stop)))))

  ;; Radix-4 DIT butterflies (inverse of $bf_dif up to a factor 4, conjugate twiddles).
  ;; s1 = a1·w̄², p = a2·w̄, r = a3·w̄³; x0 = a0+s1, x1 = a0−s1, e = p+r, f = i(p−r);
  ;; out: x0+e, x1+f, x0−e, x1−f.
  (func $bf_dit (param $i i32) (param $stop i32) (param $q i32) (param $k i32)
    (local $a0 v128) (local $s1 v128) (local $p v128) (local $r v128)
    (local $x0 v128) (local $x1 v128) (local $e v128) (local $f v128) (local $x v128)
    (local $n0 v128) (local $n1 v128) (local $q2 i32) (local $q3 i32)
    (local.set $q2 (i32.shl (local.get $q) (i32.const 1)))
    (local.set $q3 (i32.mul (local.get $q) (i32.const 3)))
    (local.set $n0 (v128.const i64x2 0x8000000000000000 0))
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    (loop $bf
          (local.set $a0 (v128.load (local.get $i)))
          (local.set $x (v128.load (i32.add (local.get $i) (local.get $q))))
          (local.set $s1
            (f64x2.sub (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $k)))
                       (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=48 (local.get $k)))))
          (local.set $x (v128.load (i32.add (local.get $i) (local.get $q2))))
          (local.set $p
            (f64x2.sub (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $k)))
                       (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=16 (local.get $k)))))
          (local.set $x (v128.load (i32.add (local.get $i) (local.get $q3))))
          (local.set $r
            (f64x2.sub (f64x2.mul (local.get $x) (v128.load offset=64 (local.get $k)))
                       (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=80 (local.get $k)))))
          (local.set $x0 (f64x2.add (local.get $a0) (local.get $s1)))
          (local.set $x1 (f64x2.sub (local.get $a0) (local.get $s1)))
          (local.set $e (f64x2.add (local.get $p) (local.get $r)))
          (local.set $x (f64x2.sub (local.get $p) (local.get $r)))
          (local.set $f (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))
                                  (local.get $n0)))
          (v128.store (local.get $i) (f64x2.add (local.get $x0) (local.get $e)))
          (v128.store (i32.add (local.get $i) (local.get $q)) (f64x2.add (local.get $x1) (local.get $f)))
          (v128.store (i32.add (local.get $i) (local.get $q2)) (f64x2.sub (local.get $x0) (local.get $e)))
          (v128.store (i32.add (local.get $i) (local.get $q3)) (f64x2.sub (local.get $x1) (local.get $f)))
      (local.set $k (i32.add (local.get $k) (i32.const 96)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $stop)))))

  ;; Radix-4 DIF / DIT pass of block size $sz points (8 ≤ $sz ≤ cache block) on bytes
  ;; [$a, $a + $len), per-size table twiddles.
  (func $dif_tab (param $a i32) (param $len i32) (param $sz i32)
    (local $q i32) (local $end i32) (local $t i32)
    (local.set $q (i32.shl (local.get $sz) (i32.const 2)))
    (local.set $t (i32.add (global.get $tab) (i32.mul (local.get $sz) (i32.const 24))))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (loop $blocks
      (call $bf_dif (local.get $a) (i32.add (local.get $a) (local.get $q)) (local.get $q) (local.get $t))
      (local.set $a (i32.add (local.get $a) (i32.shl (local.get $sz) (i32.const 4))))
      (br_if $blocks (i32.lt_u (local.get $a) (local.get $end)))))
  (func $dit_tab (param $a i32) (param $len i32) (param $sz i32)
    (local $q i32) (local $end i32) (local $t i32)
    (local.set $q (i32.shl (local.get $sz) (i32.const 2)))
    (local.set $t (i32.add (global.get $tab) (i32.mul (local.get $sz) (i32.const 24))))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (loop $blocks
      (call $bf_dit (local.get $a) (i32.add (local.get $a) (local.get $q)) (local.get $q) (local.get $t))
      (local.set $a (i32.add (local.get $a) (i32.shl (local.get $sz) (i32.const 4))))
      (br_if $blocks (i32.lt_u (local.get $a) (local.get $end)))))

  ;; Twiddles w1 = w_M^k, w2 = w1², w3 = w1·w2 for k = (j0 + t) << $shift, t < $count, written to
  ;; $dst (in $bf_dif's layout, 96 bytes per point) from the two-level table: w_M^k = hi[k >> lobits] · lo[k & (2^lobits − 1)].
  (func $twiddles (param $j0 i32) (param $count i32) (param $shift i32) (param $dst i32)
    (local $kk i32) (local $end i32) (local $mask i32) (local $h i32) (local $l i32)
    (local $x v128) (local $w1 v128) (local $w2 v128) (local $ix v128)
    (local $n0 v128) (local $n1 v128)
    (local.set $n0 (v128.const i64x2 0x8000000000000000 0))
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (global.get $lobits)) (i32.const 1)))
    (local.set $kk (i32.shl (local.get $j0) (local.get $shift)))
    (local.set $end (i32.add (local.get $dst) (i32.mul (local.get $count) (i32.const 96))))
    (loop $tw
      (local.set $h (i32.add (global.get $hi) (i32.shl (i32.shr_u (local.get $kk) (global.get $lobits)) (i32.const 4))))
      (local.set $l (i32.add (global.get $lo) (i32.shl (i32.and (local.get $kk) (local.get $mask)) (i32.const 4))))
      (local.set $x (v128.load (local.get $h)))
      (local.set $w1
        (f64x2.add (f64x2.mul (local.get $x) (v128.load64_splat (local.get $l)))
                   (f64x2.mul (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))
                                        (local.get $n0))
                              (v128.load64_splat offset=8 (local.get $l)))))
      (local.set $ix (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w1) (local.get $w1))
                               (local.get $n0)))
      (local.set $w2
        (f64x2.add (f64x2.mul (local.get $w1) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $w1) (local.get $w1)))
                   (f64x2.mul (local.get $ix) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w1) (local.get $w1)))))
      (local.set $x
        (f64x2.add (f64x2.mul (local.get $w1) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $w2) (local.get $w2)))
                   (f64x2.mul (local.get $ix) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w2) (local.get $w2)))))
      (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $w1) (local.get $w1)))
      (v128.store offset=16 (local.get $dst) (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w1) (local.get $w1)) (local.get $n0)))
      (v128.store offset=32 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $w2) (local.get $w2)))
      (v128.store offset=48 (local.get $dst) (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w2) (local.get $w2)) (local.get $n0)))
      (v128.store offset=64 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
      (v128.store offset=80 (local.get $dst) (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)) (local.get $n0)))
      (local.set $kk (i32.add (local.get $kk) (i32.shl (i32.const 1) (local.get $shift))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 96)))
      (br_if $tw (i32.lt_u (local.get $dst) (local.get $end)))))

  ;; Radix-4 DIF / DIT pass of block size $sz points (> cache block, $shift = log₂(M/sz)) on bytes
  ;; [$a, $a + $len), breadth-first: the twiddles of a chunk of CHUNK = 64 points j are computed
  ;; once into the scratch area and used by that chunk of every block (≤ 4·len/sz streams of 1 KiB).
  ;; ditBig does the chunks [$off0, $off1) of the quarter (bytes; all: 0, 4·sz).
  (func (export "difBig") (param $a i32) (param $len i32) (param $sz i32) (param $shift i32)
    (local $q i32) (local $end i32) (local $off i32) (local $base i32) (local $cnt i32)
    (local.set $q (i32.shl (local.get $sz) (i32.const 2)))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (local.set $cnt (i32.const 64))
    (if (i32.lt_u (i32.shr_u (local.get $q) (i32.const 4)) (local.get $cnt)) (then (local.set $cnt (i32.shr_u (local.get $q) (i32.const 4)))))
    (local.set $off (i32.const 0))
    (loop $chunks
      (call $twiddles (i32.shr_u (local.get $off) (i32.const 4)) (local.get $cnt) (local.get $shift) (global.get $scr))
      (local.set $base (local.get $a))
      (loop $blocks
        (call $bf_dif (i32.add (local.get $base) (local.get $off)) (i32.add (i32.add (local.get $base) (local.get $off)) (i32.shl (local.get $cnt) (i32.const 4)))
          (local.get $q) (global.get $scr))
        (local.set $base (i32.add (local.get $base) (i32.shl (local.get $sz) (i32.const 4))))
        (br_if $blocks (i32.lt_u (local.get $base) (local.get $end))))
      (local.set $off (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 4))))
      (br_if $chunks (i32.lt_u (local.get $off) (local.get $q)))))
  (func (export "ditBig") (param $a i32) (param $len i32) (param $sz i32) (param $shift i32) (param $off0 i32) (param $off1 i32)
    (local $q i32) (local $end i32) (local $off i32) (local $base i32) (local $cnt i32)
    (local.set $q (i32.shl (local.get $sz) (i32.const 2)))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (local.set $cnt (i32.const 64))
    (if (i32.lt_u (i32.shr_u (local.get $q) (i32.const 4)) (local.get $cnt)) (then (local.set $cnt (i32.shr_u (local.get $q) (i32.const 4)))))
    (local.set $off (local.get $off0))
    (loop $chunks
      (call $twiddles (i32.shr_u (local.get $off) (i32.const 4)) (local.get $cnt) (local.get $shift) (global.get $scr))
      (local.set $base (local.get $a))
      (loop $blocks
        (call $bf_dit (i32.add (local.get $base) (local.get $off)) (i32.add (i32.add (local.get $base) (local.get $off)) (i32.shl (local.get $cnt) (i32.const 4)))
          (local.get $q) (global.get $scr))
        (local.set $base (i32.add (local.get $base) (i32.shl (local.get $sz) (i32.const 4))))
        (br_if $blocks (i32.lt_u (local.get $base) (local.get $end))))
      (local.set $off (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 4))))
      (br_if $chunks (i32.lt_u (local.get $off) (local.get $off1)))))


  ;; Two radix-4 levels (block sizes $sz and $sz/4, i.e. radix 16) in one pass over the data, for
  ;; $sz > 4·cache block ($shift = log₂(M/sz)): per chunk of CHUNK = 64 points j < sz/16, the 16
  ;; runs j + r·sz/16 of a block are transformed by the size-$sz butterflies (4 groups c, twiddles of
  ;; j + c·sz/16) and then, while still in L1, by the size-$sz/4 butterflies (4 quarters, twiddles
  ;; of j at size sz/4). Scratch: 5 twiddle arrays of CHUNK points.
  (func (export "difBig2") (param $a i32) (param $len i32) (param $sz i32) (param $shift i32)
    (local $q i32) (local $q4 i32) (local $end i32) (local $off i32) (local $base i32) (local $cnt i32) (local $tb i32) (local $r i32) (local $p i32)
    (local.set $q (i32.shl (local.get $sz) (i32.const 2)))  ;; quarter in bytes
    (local.set $q4 (i32.shr_u (local.get $q) (i32.const 2))) ;; sixteenth in bytes
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (local.set $cnt (i32.const 64))
    (if (i32.lt_u (i32.shr_u (local.get $q4) (i32.const 4)) (local.get $cnt)) (then (local.set $cnt (i32.shr_u (local.get $q4) (i32.const 4)))))
    (local.set $tb (i32.mul (local.get $cnt) (i32.const 96)))
    (local.set $off (i32.const 0))
    (loop $chunks
      (local.set $r (i32.const 0))
      (loop $tw
        (call $twiddles (i32.shr_u (i32.add (local.get $off) (i32.mul (local.get $r) (local.get $q4))) (i32.const 4))
          (local.get $cnt) (local.get $shift) (i32.add (global.get $scr) (i32.mul (local.get $r) (local.get $tb))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $tw (i32.lt_u (local.get $r) (i32.const 4))))
      (call $twiddles (i32.shr_u (local.get $off) (i32.const 4)) (local.get $cnt) (i32.add (local.get $shift) (i32.const 2))
        (i32.add (global.get $scr) (i32.shl (local.get $tb) (i32.const 2))))
      (local.set $base (local.get $a))
      (loop $blocks
        (local.set $r (i32.const 0))
        (loop $lvl1
          (local.set $p (i32.add (i32.add (local.get $base) (local.get $off)) (i32.mul (local.get $r) (local.get $q4))))
          (call $bf_dif (local.get $p) (i32.add (local.get $p) (i32.shl (local.get $cnt) (i32.const 4)))
            (local.get $q) (i32.add (global.get $scr) (i32.mul (local.get $r) (local.get $tb))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $lvl1 (i32.lt_u (local.get $r) (i32.const 4))))
        (local.set $r (i32.const 0))
        (loop $lvl2
          (local.set $p (i32.add (i32.add (local.get $base) (local.get $off)) (i32.mul (local.get $r) (local.get $q))))
          (call $bf_dif (local.get $p) (i32.add (local.get $p) (i32.shl (local.get $cnt) (i32.const 4)))
            (local.get $q4) (i32.add (global.get $scr) (i32.shl (local.get $tb) (i32.const 2))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $lvl2 (i32.lt_u (local.get $r) (i32.const 4))))
        (local.set $base (i32.add (local.get $base) (i32.shl (local.get $sz) (i32.const 4))))
        (br_if $blocks (i32.lt_u (local.get $base) (local.get $end))))
      (local.set $off (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 4))))
      (br_if $chunks (i32.lt_u (local.get $off) (local.get $q4)))))

  ;; Inverse of difBig2 (up to 16): the size-$sz/4 DIT butterflies of the 4 quarters, then the size-$sz ones;
  ;; the chunks [$off0, $off1) of the sixteenth (bytes; all: 0, sz).
  (func (export "ditBig2") (param $a i32) (param $len i32) (param $sz i32) (param $shift i32) (param $off0 i32) (param $off1 i32)
    (local $q i32) (local $q4 i32) (local $end i32) (local $off i32) (local $base i32) (local $cnt i32) (local $tb i32) (local $r i32) (local $p i32)
    (local.set $q (i32.shl (local.get $sz) (i32.const 2)))
    (local.set $q4 (i32.shr_u (local.get $q) (i32.const 2)))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (local.set $cnt (i32.const 64))
    (if (i32.lt_u (i32.shr_u (local.get $q4) (i32.const 4)) (local.get $cnt)) (then (local.set $cnt (i32.shr_u (local.get $q4) (i32.const 4)))))
    (local.set $tb (i32.mul (local.get $cnt) (i32.const 96)))
    (local.set $off (local.get $off0))
    (loop $chunks
      (local.set $r (i32.const 0))
      (loop $tw
        (call $twiddles (i32.shr_u (i32.add (local.get $off) (i32.mul (local.get $r) (local.get $q4))) (i32.const 4))
          (local.get $cnt) (local.get $shift) (i32.add (global.get $scr) (i32.mul (local.get $r) (local.get $tb))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $tw (i32.lt_u (local.get $r) (i32.const 4))))
      (call $twiddles (i32.shr_u (local.get $off) (i32.const 4)) (local.get $cnt) (i32.add (local.get $shift) (i32.const 2))
        (i32.add (global.get $scr) (i32.shl (local.get $tb) (i32.const 2))))
      (local.set $base (local.get $a))
      (loop $blocks
        (local.set $r (i32.const 0))
        (loop $lvl2
          (local.set $p (i32.add (i32.add (local.get $base) (local.get $off)) (i32.mul (local.get $r) (local.get $q))))
          (call $bf_dit (local.get $p) (i32.add (local.get $p) (i32.shl (local.get $cnt) (i32.const 4)))
            (local.get $q4) (i32.add (global.get $scr) (i32.shl (local.get $tb) (i32.const 2))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $lvl2 (i32.lt_u (local.get $r) (i32.const 4))))
        (local.set $r (i32.const 0))
        (loop $lvl1
          (local.set $p (i32.add (i32.add (local.get $base) (local.get $off)) (i32.mul (local.get $r) (local.get $q4))))
          (call $bf_dit (local.get $p) (i32.add (local.get $p) (i32.shl (local.get $cnt) (i32.const 4)))
            (local.get $q) (i32.add (global.get $scr) (i32.mul (local.get $r) (local.get $tb))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $lvl1 (i32.lt_u (local.get $r) (i32.const 4))))
        (local.set $base (i32.add (local.get $base) (i32.shl (local.get $sz) (i32.const 4))))
        (br_if $blocks (i32.lt_u (local.get $base) (local.get $end))))
      (local.set $off (i32.add (local.get $off) (i32.shl (local.get $cnt) (i32.const 4))))
      (br_if $chunks (i32.lt_u (local.get $off) (local.get $off1)))))

  ;; Size-M DIF butterflies (the first forward pass) for points j in [$j0, $j0 + $cnt), reading the
  ;; real 0/1 samples from packed bits at $w: complex point p = bit 2p + i·bit 2p+1, via the lookup
  ;; table lut[b0 + 2·b1] = (b0, b1); twiddles from $k on ($bf_dif's layout). M ≥ 4.
  (func $bf_bits (param $j0 i32) (param $cnt i32) (param $a i32) (param $w i32) (param $m i32) (param $k i32)
    (local $q i32) (local $i i32) (local $stop i32) (local $bit i32) (local $hb i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $x v128) (local $n1 v128)
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    (local.set $q (i32.shl (local.get $m) (i32.const 2)))
    (local.set $hb (i32.shr_u (local.get $m) (i32.const 1))) ;; bits per quarter
    (local.set $i (i32.add (local.get $a) (i32.shl (local.get $j0) (i32.const 4))))
    (local.set $stop (i32.add (local.get $i) (i32.shl (local.get $cnt) (i32.const 4))))
    (local.set $bit (i32.shl (local.get $j0) (i32.const 1)))
    (loop $bf
      ;; bit index of point j of quarter r: 2j + r·M/2
      (local.set $a0 (v128.load (i32.add (global.get $lut) (i32.shl (i32.and (i32.shr_u
        (i32.load (i32.add (local.get $w) (i32.shl (i32.shr_u (local.get $bit) (i32.const 5)) (i32.const 2)))) (local.get $bit)) (i32.const 3)) (i32.const 4)))))
      (local.set $bit (i32.add (local.get $bit) (local.get $hb)))
      (local.set $a1 (v128.load (i32.add (global.get $lut) (i32.shl (i32.and (i32.shr_u
        (i32.load (i32.add (local.get $w) (i32.shl (i32.shr_u (local.get $bit) (i32.const 5)) (i32.const 2)))) (local.get $bit)) (i32.const 3)) (i32.const 4)))))
      (local.set $bit (i32.add (local.get $bit) (local.get $hb)))
      (local.set $a2 (v128.load (i32.add (global.get $lut) (i32.shl (i32.and (i32.shr_u
        (i32.load (i32.add (local.get $w) (i32.shl (i32.shr_u (local.get $bit) (i32.const 5)) (i32.const 2)))) (local.get $bit)) (i32.const 3)) (i32.const 4)))))
      (local.set $bit (i32.add (local.get $bit) (local.get $hb)))
      (local.set $a3 (v128.load (i32.add (global.get $lut) (i32.shl (i32.and (i32.shr_u
        (i32.load (i32.add (local.get $w) (i32.shl (i32.shr_u (local.get $bit) (i32.const 5)) (i32.const 2)))) (local.get $bit)) (i32.const 3)) (i32.const 4)))))
      (local.set $bit (i32.sub (local.get $bit) (i32.sub (i32.mul (local.get $hb) (i32.const 3)) (i32.const 2))))
      (local.set $t0 (f64x2.add (local.get $a0) (local.get $a2)))
      (local.set $t1 (f64x2.sub (local.get $a0) (local.get $a2)))
      (local.set $t2 (f64x2.add (local.get $a1) (local.get $a3)))
      (local.set $x (f64x2.sub (local.get $a1) (local.get $a3)))
      (local.set $t3 (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (local.get $n1)))
      (v128.store (local.get $i) (f64x2.add (local.get $t0) (local.get $t2)))
      (local.set $x (f64x2.sub (local.get $t0) (local.get $t2)))
      (v128.store (i32.add (local.get $i) (local.get $q)) (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=48 (local.get $k)))))
      (local.set $x (f64x2.add (local.get $t1) (local.get $t3)))
      (v128.store (i32.add (local.get $i) (i32.shl (local.get $q) (i32.const 1))) (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=16 (local.get $k)))))
      (local.set $x (f64x2.sub (local.get $t1) (local.get $t3)))
      (v128.store (i32.add (local.get $i) (i32.mul (local.get $q) (i32.const 3))) (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=64 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=80 (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 96)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $stop)))))

  ;; First forward pass (block size M = whole transform) from packed bits, twiddles per chunk of 64.
  (func (export "difBits") (param $a i32) (param $w i32) (param $m i32)
    (local $j i32) (local $cnt i32) (local $q i32)
    (local.set $q (i32.shr_u (local.get $m) (i32.const 2)))
    (local.set $cnt (i32.const 64))
    (if (i32.lt_u (local.get $q) (local.get $cnt)) (then (local.set $cnt (local.get $q))))
    (loop $chunks
      (call $twiddles (local.get $j) (local.get $cnt) (i32.const 0) (global.get $scr))
      (call $bf_bits (local.get $j) (local.get $cnt) (local.get $a) (local.get $w) (local.get $m) (global.get $scr))
      (local.set $j (i32.add (local.get $j) (local.get $cnt)))
      (br_if $chunks (i32.lt_u (local.get $j) (local.get $q)))))

  ;; The first two forward levels (block sizes M and M/4, radix 16) from packed bits in one pass,
  ;; as difBig2 (M ≥ 16).
  (func (export "difBits2") (param $a i32) (param $w i32) (param $m i32)
    (local $j i32) (local $cnt i32) (local $q i32) (local $q4 i32) (local $tb i32) (local $r i32) (local $p i32)
    (local.set $q (i32.shr_u (local.get $m) (i32.const 2)))  ;; quarter, points
    (local.set $q4 (i32.shr_u (local.get $m) (i32.const 4))) ;; sixteenth, points
    (local.set $cnt (i32.const 64))
    (if (i32.lt_u (local.get $q4) (local.get $cnt)) (then (local.set $cnt (local.get $q4))))
    (local.set $tb (i32.mul (local.get $cnt) (i32.const 96)))
    (loop $chunks
      (local.set $r (i32.const 0))
      (loop $lvl1
        (call $twiddles (i32.add (local.get $j) (i32.mul (local.get $r) (local.get $q4))) (local.get $cnt) (i32.const 0) (global.get $scr))
        (call $bf_bits (i32.add (local.get $j) (i32.mul (local.get $r) (local.get $q4))) (local.get $cnt) (local.get $a) (local.get $w) (local.get $m) (global.get $scr))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $lvl1 (i32.lt_u (local.get $r) (i32.const 4))))
      (call $twiddles (local.get $j) (local.get $cnt) (i32.const 2) (global.get $scr))
      (local.set $r (i32.const 0))
      (loop $lvl2
        (local.set $p (i32.add (local.get $a) (i32.shl (i32.add (local.get $j) (i32.mul (local.get $r) (local.get $q))) (i32.const 4))))
        (call $bf_dif (local.get $p) (i32.add (local.get $p) (i32.shl (local.get $cnt) (i32.const 4)))
          (i32.shl (local.get $q4) (i32.const 4)) (global.get $scr))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $lvl2 (i32.lt_u (local.get $r) (i32.const 4))))
      (local.set $j (i32.add (local.get $j) (local.get $cnt)))
      (br_if $chunks (i32.lt_u (local.get $j) (local.get $q4)))))

  ;; Size-4 DIF butterflies (twiddles 1) on [$a, $a + $len).
  (func $dif_last4 (param $a i32) (param $len i32)
    (local $i i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $x v128)
    (local $n0 v128) (local $n1 v128)
    (local.set $n0 (v128.const i64x2 0x8000000000000000 0))
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    (local.set $i (local.get $a))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (loop $bf
      (local.set $a0 (v128.load (local.get $i)))
      (local.set $a1 (v128.load offset=16 (local.get $i)))
      (local.set $a2 (v128.load offset=32 (local.get $i)))
      (local.set $a3 (v128.load offset=48 (local.get $i)))
      (local.set $t0 (f64x2.add (local.get $a0) (local.get $a2)))
      (local.set $t1 (f64x2.sub (local.get $a0) (local.get $a2)))
      (local.set $t2 (f64x2.add (local.get $a1) (local.get $a3)))
      (local.set $x (f64x2.sub (local.get $a1) (local.get $a3)))
      (local.set $t3 (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))
                               (local.get $n1)))
      (v128.store (local.get $i) (f64x2.add (local.get $t0) (local.get $t2)))
      (v128.store offset=16 (local.get $i) (f64x2.sub (local.get $t0) (local.get $t2)))
      (v128.store offset=32 (local.get $i) (f64x2.add (local.get $t1) (local.get $t3)))
      (v128.store offset=48 (local.get $i) (f64x2.sub (local.get $t1) (local.get $t3)))
      (local.set $i (i32.add (local.get $i) (i32.const 64)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $end)))))

  ;; Size-4 DIT butterflies (twiddles 1): out x0+e, x1+f, x0−e, x1−f with x0/x1 = a0 ± a1,
  ;; e = a2+a3, f = i(a2−a3).
  (func $dit_first4 (param $a i32) (param $len i32)
    (local $i i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $x0 v128) (local $x1 v128) (local $e v128) (local $f v128) (local $x v128)
    (local $n0 v128) (local $n1 v128)
    (local.set $n0 (v128.const i64x2 0x8000000000000000 0))
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    (local.set $i (local.get $a))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (loop $bf
      (local.set $a0 (v128.load (local.get $i)))
      (local.set $a1 (v128.load offset=16 (local.get $i)))
      (local.set $a2 (v128.load offset=32 (local.get $i)))
      (local.set $a3 (v128.load offset=48 (local.get $i)))
      (local.set $x0 (f64x2.add (local.get $a0) (local.get $a1)))
      (local.set $x1 (f64x2.sub (local.get $a0) (local.get $a1)))
      (local.set $e (f64x2.add (local.get $a2) (local.get $a3)))
      (local.set $x (f64x2.sub (local.get $a2) (local.get $a3)))
      (local.set $f (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))
                              (local.get $n0)))
      (v128.store (local.get $i) (f64x2.add (local.get $x0) (local.get $e)))
      (v128.store offset=16 (local.get $i) (f64x2.add (local.get $x1) (local.get $f)))
      (v128.store offset=32 (local.get $i) (f64x2.sub (local.get $x0) (local.get $e)))
      (v128.store offset=48 (local.get $i) (f64x2.sub (local.get $x1) (local.get $f)))
      (local.set $i (i32.add (local.get $i) (i32.const 64)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $end)))))


  ;; Last three DIF stages (sizes 8, 4 and 2: the radix-4 size-8 pass and the size-2 butterflies of
  ;; $dif_tab + $pass2, fused) on blocks of 8 points in [$a, $a + $len). Twiddles of j = 1 from the
  ;; size-8 table.
  (func $dif_last8 (param $a i32) (param $len i32)
    (local $i i32) (local $end i32) (local $k i32)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $x v128)
    (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $n1 v128)
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    (local.set $k (i32.add (global.get $tab) (i32.const 288)))
    (local.set $i (local.get $a))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (loop $bf
      (local.set $p0 (v128.load offset=16 (local.get $i)))
      (local.set $p1 (v128.load offset=48 (local.get $i)))
      (local.set $p2 (v128.load offset=80 (local.get $i)))
      (local.set $p3 (v128.load offset=112 (local.get $i)))
      (local.set $t0 (f64x2.add (local.get $p0) (local.get $p2)))
      (local.set $t1 (f64x2.sub (local.get $p0) (local.get $p2)))
      (local.set $t2 (f64x2.add (local.get $p1) (local.get $p3)))
      (local.set $x (f64x2.sub (local.get $p1) (local.get $p3)))
      (local.set $t3 (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (local.get $n1)))
      (local.set $p0 (f64x2.add (local.get $t0) (local.get $t2)))
      (local.set $x (f64x2.sub (local.get $t0) (local.get $t2)))
      (local.set $b1 (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=48 (local.get $k)))))
      (local.set $x (f64x2.add (local.get $t1) (local.get $t3)))
      (local.set $b2 (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=16 (local.get $k)))))
      (local.set $x (f64x2.sub (local.get $t1) (local.get $t3)))
      (local.set $b3 (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=64 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (v128.load offset=80 (local.get $k)))))
      (local.set $p1 (local.get $p0))
      (local.set $p0 (v128.load offset=0 (local.get $i)))
      (local.set $p2 (v128.load offset=32 (local.get $i)))
      (local.set $t2 (v128.load offset=64 (local.get $i)))
      (local.set $p3 (v128.load offset=96 (local.get $i)))
      (local.set $t0 (f64x2.add (local.get $p0) (local.get $t2)))
      (local.set $t1 (f64x2.sub (local.get $p0) (local.get $t2)))
      (local.set $t2 (f64x2.add (local.get $p2) (local.get $p3)))
      (local.set $x (f64x2.sub (local.get $p2) (local.get $p3)))
      (local.set $t3 (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (local.get $n1)))
      (local.set $x (f64x2.add (local.get $t0) (local.get $t2)))
      (v128.store offset=0 (local.get $i) (f64x2.add (local.get $x) (local.get $p1)))
      (v128.store offset=16 (local.get $i) (f64x2.sub (local.get $x) (local.get $p1)))
      (local.set $x (f64x2.sub (local.get $t0) (local.get $t2)))
      (v128.store offset=32 (local.get $i) (f64x2.add (local.get $x) (local.get $b1)))
      (v128.store offset=48 (local.get $i) (f64x2.sub (local.get $x) (local.get $b1)))
      (local.set $x (f64x2.add (local.get $t1) (local.get $t3)))
      (v128.store offset=64 (local.get $i) (f64x2.add (local.get $x) (local.get $b2)))
      (v128.store offset=80 (local.get $i) (f64x2.sub (local.get $x) (local.get $b2)))
      (local.set $x (f64x2.sub (local.get $t1) (local.get $t3)))
      (v128.store offset=96 (local.get $i) (f64x2.add (local.get $x) (local.get $b3)))
      (v128.store offset=112 (local.get $i) (f64x2.sub (local.get $x) (local.get $b3)))
      (local.set $i (i32.add (local.get $i) (i32.const 128)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $end)))))

  ;; First three DIT stages (sizes 2, 4 and 8 fused; inverse of $dif_last8 up to a factor 8).
  (func $dit_first8 (param $a i32) (param $len i32)
    (local $i i32) (local $end i32) (local $k i32)
    (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $x0 v128) (local $x1 v128) (local $e v128) (local $f v128) (local $x v128) (local $n0 v128)
    (local.set $n0 (v128.const i64x2 0x8000000000000000 0))
    (local.set $k (i32.add (global.get $tab) (i32.const 288)))
    (local.set $i (local.get $a))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (loop $bf
      (local.set $x (v128.load offset=0 (local.get $i)))
      (local.set $e (v128.load offset=16 (local.get $i)))
      (local.set $u0 (f64x2.add (local.get $x) (local.get $e)))
      (local.set $v0 (f64x2.sub (local.get $x) (local.get $e)))
      (local.set $x (v128.load offset=32 (local.get $i)))
      (local.set $e (v128.load offset=48 (local.get $i)))
      (local.set $u1 (f64x2.add (local.get $x) (local.get $e)))
      (local.set $v1 (f64x2.sub (local.get $x) (local.get $e)))
      (local.set $x (v128.load offset=64 (local.get $i)))
      (local.set $e (v128.load offset=80 (local.get $i)))
      (local.set $u2 (f64x2.add (local.get $x) (local.get $e)))
      (local.set $v2 (f64x2.sub (local.get $x) (local.get $e)))
      (local.set $x (v128.load offset=96 (local.get $i)))
      (local.set $e (v128.load offset=112 (local.get $i)))
      (local.set $u3 (f64x2.add (local.get $x) (local.get $e)))
      (local.set $v3 (f64x2.sub (local.get $x) (local.get $e)))
      (local.set $x0 (f64x2.add (local.get $u0) (local.get $u1)))
      (local.set $x1 (f64x2.sub (local.get $u0) (local.get $u1)))
      (local.set $e (f64x2.add (local.get $u2) (local.get $u3)))
      (local.set $x (f64x2.sub (local.get $u2) (local.get $u3)))
      (local.set $f (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (local.get $n0)))
      (v128.store offset=0 (local.get $i) (f64x2.add (local.get $x0) (local.get $e)))
      (v128.store offset=32 (local.get $i) (f64x2.add (local.get $x1) (local.get $f)))
      (v128.store offset=64 (local.get $i) (f64x2.sub (local.get $x0) (local.get $e)))
      (v128.store offset=96 (local.get $i) (f64x2.sub (local.get $x1) (local.get $f)))
      (local.set $u1 (f64x2.sub (f64x2.mul (local.get $v1) (v128.load offset=32 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1)) (v128.load offset=48 (local.get $k)))))
      (local.set $u2 (f64x2.sub (f64x2.mul (local.get $v2) (v128.load offset=0 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v2) (local.get $v2)) (v128.load offset=16 (local.get $k)))))
      (local.set $u3 (f64x2.sub (f64x2.mul (local.get $v3) (v128.load offset=64 (local.get $k))) (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v3) (local.get $v3)) (v128.load offset=80 (local.get $k)))))
      (local.set $x0 (f64x2.add (local.get $v0) (local.get $u1)))
      (local.set $x1 (f64x2.sub (local.get $v0) (local.get $u1)))
      (local.set $e (f64x2.add (local.get $u2) (local.get $u3)))
      (local.set $x (f64x2.sub (local.get $u2) (local.get $u3)))
      (local.set $f (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (local.get $n0)))
      (v128.store offset=16 (local.get $i) (f64x2.add (local.get $x0) (local.get $e)))
      (v128.store offset=48 (local.get $i) (f64x2.add (local.get $x1) (local.get $f)))
      (v128.store offset=80 (local.get $i) (f64x2.sub (local.get $x0) (local.get $e)))
      (v128.store offset=112 (local.get $i) (f64x2.sub (local.get $x1) (local.get $f)))
      (local.set $i (i32.add (local.get $i) (i32.const 128)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $end)))))

  ;; Size-2 butterflies (twiddle 1, its own inverse up to 2) on [$a, $a + $len).
  (func $pass2 (param $a i32) (param $len i32)
    (local $i i32) (local $end i32) (local $u v128) (local $v v128)
    (local.set $i (local.get $a))
    (local.set $end (i32.add (local.get $a) (local.get $len)))
    (loop $bf
      (local.set $u (v128.load (local.get $i)))
      (local.set $v (v128.load offset=16 (local.get $i)))
      (v128.store (local.get $i) (f64x2.add (local.get $u) (local.get $v)))
      (v128.store offset=16 (local.get $i) (f64x2.sub (local.get $u) (local.get $v)))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br_if $bf (i32.lt_u (local.get $i) (local.get $end)))))

  ;; Forward DIF stages of block sizes $sz, $sz/4, … (table twiddles) on [$a, $a + $len), ending
  ;; with the fused size-8/4/2 stages or the size-4 (or, for $sz = 2, size-2) butterflies. $sz ≥ 1 points.
  (func (export "difTail") (param $a i32) (param $len i32) (param $sz i32)
    (block $end
      (loop $stages
        (br_if $end (i32.lt_u (local.get $sz) (i32.const 16)))
        (call $dif_tab (local.get $a) (local.get $len) (local.get $sz))
        (local.set $sz (i32.shr_u (local.get $sz) (i32.const 2)))
        (br $stages)))
    (if (i32.eq (local.get $sz) (i32.const 8)) (then (call $dif_last8 (local.get $a) (local.get $len))))
    (if (i32.eq (local.get $sz) (i32.const 4)) (then (call $dif_last4 (local.get $a) (local.get $len))))
    (if (i32.eq (local.get $sz) (i32.const 2)) (then (call $pass2 (local.get $a) (local.get $len)))))

  ;; Inverse DIT stages on a block of $sz points at $a: size 2 or 4 first, then ×4 up to $sz.
  (func (export "ditTail") (param $a i32) (param $sz i32)
    (local $len i32) (local $size i32)
    (local.set $len (i32.shl (local.get $sz) (i32.const 4)))
    (if (i32.lt_u (local.get $sz) (i32.const 2)) (then (return)))
    (if (i32.eq (local.get $sz) (i32.const 2)) (then (call $pass2 (local.get $a) (local.get $len)) (return)))
    (if (i32.and (i32.ctz (local.get $sz)) (i32.const 1))
      (then (call $dit_first8 (local.get $a) (local.get $len)) (local.set $size (i32.const 32)))
      (else (call $dit_first4 (local.get $a) (local.get $len)) (local.set $size (i32.const 16))))
    (block $end
      (loop $stages
        (br_if $end (i32.gt_u (local.get $size) (local.get $sz)))
        (call $dit_tab (local.get $a) (local.get $len) (local.get $size))
        (local.set $size (i32.shl (local.get $size) (i32.const 2)))
        (br $stages))))

  ;; Pointwise product of two packed bit-reversed real spectra x, s (M complex points) for the
  ;; pairs (pos, mirror) of the octave block [b, 2b) (b ≥ 2) with $p0 ≤ pos < $p1 ≤ b + b/2,
  ;; mirror = 3b − 1 − pos, with the twiddle w_M^k (k = rev(pos)) read sequentially from $pw (entry
  ;; pos − b/2 + 1: the entries are in the order pos = 0, 1, then the first half of each octave). Writes ($first) or adds the
  ;; product spectrum into acc (may alias x). Positions 0 and 1 are done by the caller.
  ;; Z_k = X[pos], Z_{M−k} = X[mir]: 2E = Z_k + conj(Z_{M−k}), 2O = −i(Z_k − conj(Z_{M−k}));
  ;; A = Ex·Es + w·(Ox·Os), B = Ex·Os + Ox·Es; acc[pos] = A + iB, acc[mir] = conj(A) + i·conj(B).
  (func $mul_oct (param $acc i32) (param $xa i32) (param $sa i32) (param $b i32) (param $p0 i32) (param $p1 i32) (param $first i32)
    (local $pos i32) (local $mir i32) (local $end i32) (local $k i32)
    (local $x v128) (local $y v128) (local $ex v128) (local $ox v128) (local $es v128) (local $os v128)
    (local $oo v128) (local $aa v128) (local $bb v128) (local $w v128) (local $p v128) (local $q v128)
    (local $n0 v128) (local $n1 v128)
    (local.set $n0 (v128.const i64x2 0x8000000000000000 0))
    (local.set $n1 (v128.const i64x2 0 0x8000000000000000))
    ;; split twiddle of position pos (octave b) is entry pos − b/2 + 1 of the table
    (local.set $k (i32.add (global.get $pw) (i32.shl (i32.add (i32.sub (local.get $p0) (i32.shr_u (local.get $b) (i32.const 1))) (i32.const 1)) (i32.const 4))))
    (local.set $pos (i32.shl (local.get $p0) (i32.const 4)))
    (local.set $end (i32.shl (local.get $p1) (i32.const 4)))
    (local.set $mir (i32.shl (i32.sub (i32.sub (i32.mul (local.get $b) (i32.const 3)) (i32.const 1)) (local.get $p0)) (i32.const 4)))
    (loop $pairs
      ;; x spectrum
      (local.set $x (v128.load (i32.add (local.get $xa) (local.get $pos))))
      (local.set $y (v128.xor (v128.load (i32.add (local.get $xa) (local.get $mir))) (local.get $n1)))
      (local.set $ex (f64x2.add (local.get $x) (local.get $y)))
      (local.set $y (f64x2.sub (local.get $x) (local.get $y)))
      (local.set $ox (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $y) (local.get $y))
                               (local.get $n1)))
      ;; s spectrum
      (local.set $x (v128.load (i32.add (local.get $sa) (local.get $pos))))
      (local.set $y (v128.xor (v128.load (i32.add (local.get $sa) (local.get $mir))) (local.get $n1)))
      (local.set $es (f64x2.add (local.get $x) (local.get $y)))
      (local.set $y (f64x2.sub (local.get $x) (local.get $y)))
      (local.set $os (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $y) (local.get $y))
                               (local.get $n1)))
      ;; oo = Ox·Os
      (local.set $oo
        (f64x2.add (f64x2.mul (local.get $ox) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $os) (local.get $os)))
                   (f64x2.mul (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $ox) (local.get $ox))
                                        (local.get $n0))
                              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $os) (local.get $os)))))
      ;; A = Ex·Es + w·oo
      (local.set $aa
        (f64x2.add
          (f64x2.add (f64x2.mul (local.get $ex) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $es) (local.get $es)))
                     (f64x2.mul (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $ex) (local.get $ex))
                                          (local.get $n0))
                                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $es) (local.get $es))))
          (f64x2.add (f64x2.mul (local.get $oo) (v128.load64_splat (local.get $k)))
                     (f64x2.mul (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $oo) (local.get $oo))
                                          (local.get $n0))
                                (v128.load64_splat offset=8 (local.get $k))))))
      ;; B = Ex·Os + Ox·Es
      (local.set $bb
        (f64x2.add
          (f64x2.add (f64x2.mul (local.get $ex) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $os) (local.get $os)))
                     (f64x2.mul (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $ex) (local.get $ex))
                                          (local.get $n0))
                                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $os) (local.get $os))))
          (f64x2.add (f64x2.mul (local.get $ox) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $es) (local.get $es)))
                     (f64x2.mul (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $ox) (local.get $ox))
                                          (local.get $n0))
                                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $es) (local.get $es))))))
      ;; p = A + iB ; q = conj(A) + i·conj(B)
      (local.set $y (v128.xor (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $bb) (local.get $bb))
                              (local.get $n0))) ;; iB = (−Bi, Br)
      (local.set $p (f64x2.add (local.get $aa) (local.get $y)))
      ;; conj(A) + i conj(B) = (Ar + Bi, Br − Ai)
      (local.set $q (f64x2.add (v128.xor (local.get $aa) (local.get $n1))
                               (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $bb) (local.get $bb))))
      (if (local.get $first)
        (then
          (v128.store (i32.add (local.get $acc) (local.get $pos)) (local.get $p))
          (v128.store (i32.add (local.get $acc) (local.get $mir)) (local.get $q)))
        (else
          (v128.store (i32.add (local.get $acc) (local.get $pos))
            (f64x2.add (v128.load (i32.add (local.get $acc) (local.get $pos))) (local.get $p)))
          (v128.store (i32.add (local.get $acc) (local.get $mir))
            (f64x2.add (v128.load (i32.add (local.get $acc) (local.get $mir))) (local.get $q)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (local.set $mir (i32.sub (local.get $mir) (i32.const 16)))
      (local.set $pos (i32.add (local.get $pos) (i32.const 16)))
      (br_if $pairs (i32.lt_u (local.get $pos) (local.get $end))))
)

  ;; All pairs of all octaves b = 2, 4, …, M/2 (positions 0 and 1 are done by the caller).
  (func (export "mulAcc") (param $acc i32) (param $xa i32) (param $sa i32) (param $m i32) (param $first i32)
    (call $mulAccRange (local.get $acc) (local.get $xa) (local.get $sa) (i32.const 2) (local.get $m) (local.get $first)))

  ;; The pairs of the octaves b with $b0 ≤ b < $b1 (powers of two ≥ 2).
  (func $mulAccRange (export "mulAccRange") (param $acc i32) (param $xa i32) (param $sa i32) (param $b0 i32) (param $b1 i32) (param $first i32)
    (block $done
      (loop $oct
        (br_if $done (i32.ge_u (local.get $b0) (local.get $b1)))
        (call $mul_oct (local.get $acc) (local.get $xa) (local.get $sa) (local.get $b0) (local.get $b0)
          (i32.add (local.get $b0) (i32.shr_u (local.get $b0) (i32.const 1))) (local.get $first))
        (local.set $b0 (i32.shl (local.get $b0) (i32.const 1)))
        (br $oct))))

  ;; Pairs (pos, 3b − 1 − pos) for pos in [$p0, $p1) of octave $b (the first half of [b, 2b)).
  (func (export "mulAccPart") (param $acc i32) (param $xa i32) (param $sa i32) (param $b i32) (param $p0 i32) (param $p1 i32) (param $first i32)
    (call $mul_oct (local.get $acc) (local.get $xa) (local.get $sa) (local.get $b) (local.get $p0) (local.get $p1) (local.get $first)))

  ;; Output bits of a convolution: for i < $count, v = f64[$src + 8i]·$scale, bit i of the words at
  ;; $dst = parity of round(v). Returns the largest |v − round(v)| (NaN if any v is NaN) for the
  ;; caller's exactness check.
  (func (export "extract") (param $src i32) (param $count i32) (param $scale f64) (param $dst i32) (result f64)
    (local $i i32) (local $word i32) (local $v f64) (local $r f64) (local $worst f64)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $v (f64.mul (f64.load (local.get $src)) (local.get $scale)))
        (local.set $r (f64.nearest (local.get $v)))
        (local.set $worst (f64.max (local.get $worst) (f64.abs (f64.sub (local.get $v) (local.get $r)))))
        (local.set $word (i32.or (local.get $word)
          (i32.shl (i32.and (i32.trunc_sat_f64_s (local.get $r)) (i32.const 1)) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 31)))
          (then
            (i32.store (local.get $dst) (local.get $word))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $word (i32.const 0))))
        (br $rows)))
    (if (i32.and (local.get $count) (i32.const 31)) (then (i32.store (local.get $dst) (local.get $word))))
    (local.get $worst))
)
