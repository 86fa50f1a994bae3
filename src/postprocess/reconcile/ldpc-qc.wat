;; Written for Mozi.
;; Layered offset/normalised min-sum decoding of ONE frame of a quasi-cyclic LDPC code lifted by
;; Z = 16 (ldpc-qc.ts), 8-bit fixed point, 16 checks at once: lane r of base row i is check 16·i + r,
;; which meets variable 16·j + ((r + s) mod 16) on base edge (i, j, s). The 16 checks of a base row
;; share no variable, so they are one layer; the rotation is one i8x16.swizzle each way (intra-frame
;; SIMD, cf. Le Gal, Jego & Crenne 2015 for inter-frame SIMD and QC layered scheduling).
;;
;; Memory (byte addresses from the caller, 16-aligned):
;;   rows:  i32[m0+1]  base-row starts (base edge indices)
;;   edges: i32[E0]    16·j | s per base edge (column block byte offset in L, shift)
;;   rot:   v128[32]   rot[s] = lane indices (r + s) & 15, rot[16 + s] = (r − s) & 15
;;   syn:   v128[m0]   per base row, 0x80 in lane r where syndrome bit 16·i + r is 1
;;   L:     i8[16·n0]  posterior LLRs of the variables in natural order (positive = bit 0), in [−127, 127]
;;   pin:   i8[16·n0]  ±127 for variables known exactly (shortened, revealed), kept as posterior; 0 otherwise
;;                    (in place, a saturated posterior would drift: L − R underestimates it)
;;   R:     v128[E0]   check-to-variable messages (i8 lanes)
;;   tmp:   v128[dmax] extrinsic values of the current base row (rotated)
;;   viol:  v128       out: i16x8 counts of checks whose hard decisions (read mid-sweep) violate the syndrome
;; Check rule: |msg| = max(0, min' − β) − (max(0, min' − β) >> k), min' the smallest other |extrinsic|
;; (min1 or min2; a tie makes them equal, so no index is kept), capped at mmax, sign = syndrome ⊕ other
;; signs. The cap keeps |R| well inside the posterior range: without it a saturated posterior
;; (±127) gives a wrong extrinsic L − R and a converging frame can blow up (seen at N = 131072).
(module
  (memory (export "memory") 1)

  (func (export "iterate") (param $m0 i32) (param $rows i32) (param $edges i32) (param $rot i32)
    (param $syn i32) (param $L i32) (param $pin i32) (param $R i32) (param $tmp i32) (param $viol i32)
    (param $beta i32) (param $shift i32) (param $shift2 i32) (param $mmax i32) (param $Q i32) (param $scms i32)
    (local $i i32) (local $e i32) (local $e0 i32) (local $e1 i32) (local $rec i32)
    (local $ta i32) (local $off i32)
    (local $lv v128) (local $t v128) (local $a v128) (local $sgn v128) (local $hard v128)
    (local $min1 v128) (local $min2 v128) (local $m1 v128) (local $m2 v128) (local $s v128)
    (local $msg v128) (local $vacc v128) (local $vb v128)
    (local $neg v128) (local $big v128) (local $vmax v128) (local $pv v128) (local $zero v128)
    (local $ts v128) (local $qv v128) (local $qa i32)
    (local.set $neg (i8x16.splat (i32.const -127)))
    (local.set $big (i8x16.splat (i32.const 127)))
    (local.set $vmax (i8x16.splat (local.get $mmax)))
    (local.set $vb (i8x16.splat (local.get $beta)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $vacc (local.get $zero))
    (local.set $i (i32.const 0))
    (local.set $e1 (i32.load (local.get $rows)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $m0)))
        (local.set $e0 (local.get $e1))
        (local.set $e1 (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $sgn (v128.load (i32.add (local.get $syn) (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $hard (local.get $sgn))
        (local.set $min1 (local.get $big))
        (local.set $min2 (local.get $big))
        ;; pass 1: extrinsic t = L − R (rotated to check order) into tmp, sign parity, two smallest |t|
        (local.set $e (local.get $e0))
        (local.set $ta (local.get $tmp))
        (block $p1done
          (loop $p1
            (br_if $p1done (i32.ge_u (local.get $e) (local.get $e1)))
            (local.set $rec (i32.load (i32.add (local.get $edges) (i32.shl (local.get $e) (i32.const 2)))))
            (local.set $lv (i8x16.swizzle
              (v128.load (i32.add (local.get $L) (i32.and (local.get $rec) (i32.const -16))))
              (v128.load (i32.add (local.get $rot) (i32.shl (i32.and (local.get $rec) (i32.const 15)) (i32.const 4))))))
            (local.set $hard (v128.xor (local.get $hard) (local.get $lv)))
            (local.set $t (i8x16.max_s
              (i8x16.sub_sat_s (local.get $lv) (v128.load (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 4)))))
              (local.get $neg)))
            (v128.store (local.get $ta) (local.get $t))
            ;; self-corrected min-sum: a message whose sign flipped since the last one sent on this
            ;; edge (and that one was not erased) is erased; Q keeps the message sent
            (local.set $ts (local.get $t))
            (if (local.get $scms)
              (then
                (local.set $qa (i32.add (local.get $Q) (i32.shl (local.get $e) (i32.const 4))))
                (local.set $qv (v128.load (local.get $qa)))
                (local.set $ts (v128.andnot (local.get $t)
                  (v128.and (i8x16.lt_s (v128.xor (local.get $t) (local.get $qv)) (local.get $zero))
                            (i8x16.ne (local.get $qv) (local.get $zero)))))
                (v128.store (local.get $qa) (local.get $ts))))
            (local.set $sgn (v128.xor (local.get $sgn) (local.get $ts)))
            (local.set $a (i8x16.abs (local.get $ts)))
            (local.set $min2 (i8x16.min_u (local.get $min2) (i8x16.max_u (local.get $min1) (local.get $a))))
            (local.set $min1 (i8x16.min_u (local.get $min1) (local.get $a)))
            (local.set $ta (i32.add (local.get $ta) (i32.const 16)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $p1)))
        ;; violated checks of this row: top bit of hard per lane, summed pairwise into i16 lanes
        (local.set $vacc (i16x8.add (local.get $vacc)
          (i16x8.extadd_pairwise_i8x16_u (i8x16.shr_u (local.get $hard) (i32.const 7)))))
        ;; corrected magnitudes (offset β, then normalised by 1 − 2^−k − 2^−k2)
        (local.set $m1 (i8x16.sub_sat_u (local.get $min1) (local.get $vb)))
        (local.set $m1 (i8x16.sub (i8x16.sub (local.get $m1) (i8x16.shr_u (local.get $m1) (local.get $shift))) (i8x16.shr_u (local.get $m1) (local.get $shift2))))
        (local.set $m2 (i8x16.sub_sat_u (local.get $min2) (local.get $vb)))
        (local.set $m2 (i8x16.sub (i8x16.sub (local.get $m2) (i8x16.shr_u (local.get $m2) (local.get $shift))) (i8x16.shr_u (local.get $m2) (local.get $shift2))))
        ;; messages capped below the posterior range, so t = L − R stays exact while L saturates
        (local.set $m1 (i8x16.min_u (local.get $m1) (local.get $vmax)))
        (local.set $m2 (i8x16.min_u (local.get $m2) (local.get $vmax)))
        ;; pass 2: message, L = t + message rotated back
        (local.set $e (local.get $e0))
        (local.set $ta (local.get $tmp))
        (block $p2done
          (loop $p2
            (br_if $p2done (i32.ge_u (local.get $e) (local.get $e1)))
            (local.set $rec (i32.load (i32.add (local.get $edges) (i32.shl (local.get $e) (i32.const 2)))))
            (local.set $t (v128.load (local.get $ta)))
            (local.set $ts (local.get $t))
            (if (local.get $scms)
              (then (local.set $ts (v128.load (i32.add (local.get $Q) (i32.shl (local.get $e) (i32.const 4)))))))
            ;; |ts| = min1 → the other edges' minimum is min2
            (local.set $msg (v128.bitselect (local.get $m2) (local.get $m1) (i8x16.eq (i8x16.abs (local.get $ts)) (local.get $min1))))
            ;; sign mask of the message: all ones where sgn ⊕ ts is negative (a compare, not an 8-bit shift, which x86 lacks)
            (local.set $s (i8x16.lt_s (v128.xor (local.get $sgn) (local.get $ts)) (local.get $zero)))
            (local.set $msg (i8x16.sub (v128.xor (local.get $msg) (local.get $s)) (local.get $s)))
            (v128.store (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 4))) (local.get $msg))
            ;; new posterior, rotated back; pinned (known) variables keep their value
            (local.set $off (i32.and (local.get $rec) (i32.const -16)))
            (local.set $pv (v128.load (i32.add (local.get $pin) (local.get $off))))
            ;; (adding pv = ±127 twice saturates a pinned lane to ±127 whatever the sum; 0 leaves the others)
            (v128.store (i32.add (local.get $L) (local.get $off))
              (i8x16.max_s
                (i8x16.add_sat_s (i8x16.add_sat_s
                  (i8x16.swizzle
                    (i8x16.add_sat_s (local.get $t) (local.get $msg))
                    (v128.load offset=256 (i32.add (local.get $rot) (i32.shl (i32.and (local.get $rec) (i32.const 15)) (i32.const 4)))))
                  (local.get $pv)) (local.get $pv))
                (local.get $neg)))
            (local.set $ta (i32.add (local.get $ta) (i32.const 16)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $p2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (v128.store (local.get $viol) (local.get $vacc)))
)
