;; Written for Mozi.
;; Layered sum-product (tanh rule) decoding of ONE frame of a quasi-cyclic LDPC code lifted by
;; Z = 16 (ldpc-qc.ts), float32, 4 checks per f32x4 operation: base row i is processed as four
;; sub-rows k = 0..3, lane l of sub-row k being check 16·i + 4·k + l, which meets variable
;; 16·j + ((4·k + l + s) mod 16) on base edge (i, j, s). The 16 checks of a base row share no
;; variable, so the sub-rows of a row may run in any order (one layer). Driven by ldpc-qc-sp.ts.
;;
;; Rotation without shuffles: column block j of the posteriors is stored as 48 floats at
;; L + 192·j, positions x and x + 16 both hold variable 16·j + x (x < 16), positions 32..47 are
;; spill space never read. The four variables of sub-row k on shift s sit at positions
;; P .. P + 3, P = s + 4·k ≤ 30, so one unaligned v128.load reads them rotated. Writing them back
;; stores the same v128 at P − 16, P and P + 16: that covers both copies of each of the four
;; variables within positions 0..31, and the stray lanes land in spill space (this block's
;; positions ≥ 32 or, for P − 16 < 0, the previous block's; block 0 has 64 bytes below it).
;;
;; Check rule as in ldpc-simd.wat (tanh domain, Gallager 1963 / Richardson & Urbanke, Modern Coding
;; Theory §2.5): pass 1 stores the extrinsic t = L − R and u = e^−|t| (|t| clamped to
;; [1/128, 24]) in tmp (R is read once and written once per iteration), with the products Pn = Π(1 − u), Pd = Π(1 + u); pass 2: |message| =
;; 2·atanh(P/τ) = ln((A + B)/|A − B|), A = Pd·(1 − u), B = Pn·(1 + u), ratio capped at 2^21
;; (|message| ≤ 14.6), sign = syndrome ⊕ parity of the other signs; L = t + message.
;; 2^g of degree 2 (g ∈ [−½, ½], relative error 1.8e−3), log2(1 + z) = z·q(z), q of degree 2
;; (z ∈ [0, 1), absolute error 8.8e−4), both in Estrin form, as in ldpc-simd.wat.
;;
;; Memory (byte addresses from the caller):
;;   rows:  i32[m0+1]  base-row starts (base edge indices)
;;   edges: i32[E0]    192·j + 4·s per base edge (column block j's byte offset in L plus the shift s in floats)
;;   syn:   v128[4·m0] per sub-row 4·i + k, 0x80000000 in lane l where syndrome bit 16·i + 4·k + l is 1
;;   L:     f32[48·n0] posteriors (positive = bit 0) in the tripled layout above, 16-aligned, ≥ 64 bytes above 0
;;   R:     v128[4·E0] check-to-variable messages, base edge e sub-row k at R + 64·e + 16·k
;;   tmp:   v128[2·dmax] extrinsic values t and u = e^−|t| of the current sub-row, interleaved
;;   viol:  v128       out: i32x4 counts of checks whose hard decisions (read mid-sweep) violate the syndrome
(module
  (memory (export "memory") 1)

  (func (export "iterate") (param $m0 i32) (param $rows i32) (param $edges i32) (param $syn i32)
    (param $L i32) (param $R i32) (param $tmp i32) (param $viol i32)
    (local $i i32) (local $k i32) (local $e i32) (local $e0 i32) (local $e1 i32) (local $rec i32)
    (local $va i32) (local $ra i32) (local $ta i32) (local $koff i32) (local $Lk i32) (local $ea i32)
    (local $lv v128) (local $t v128) (local $a v128) (local $f v128) (local $sgn v128)
    (local $hard v128) (local $vacc v128)
    (local $y v128) (local $kk v128) (local $g v128) (local $p v128) (local $u v128) (local $r v128)
    (local $z v128) (local $q v128) (local $sq v128)
    (local $prod v128) (local $pd v128)
    (local $k0 v128) (local $k1 v128) (local $k3 v128) (local $k4 v128) (local $k5 v128) (local $k6 v128)
    (local $k7 v128) (local $k8 v128) (local $k9 v128) (local $k10 v128) (local $k11 v128) (local $k12 v128)
    (local $k13 v128) (local $k14 v128) (local $k15 v128) (local $k16 v128) (local $k17 v128) (local $k18 v128)
    (local.set $k0 (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (local.set $k1 (v128.const i32x4 0 0 0 0))
    (local.set $k3 (v128.const f32x4 24 24 24 24))
    (local.set $k4 (v128.const f32x4 0.0078125 0.0078125 0.0078125 0.0078125))
    (local.set $k5 (v128.const f32x4 -1.4426950408889634 -1.4426950408889634 -1.4426950408889634 -1.4426950408889634))
    (local.set $k6 (v128.const f32x4 12582912.0 12582912.0 12582912.0 12582912.0))
    (local.set $k7 (v128.const f32x4 1.0005138293752849 1.0005138293752849 1.0005138293752849 1.0005138293752849))
    (local.set $k8 (v128.const f32x4 0.7033982717268736 0.7033982717268736 0.7033982717268736 0.7033982717268736))
    (local.set $k9 (v128.const f32x4 0.23783071749708548 0.23783071749708548 0.23783071749708548 0.23783071749708548))
    (local.set $k10 (v128.const f32x4 1 1 1 1))
    (local.set $k11 (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
    (local.set $k12 (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000))
    (local.set $k13 (v128.const f32x4 1.423100338575225 1.423100338575225 1.423100338575225 1.423100338575225))
    (local.set $k14 (v128.const f32x4 -0.5845197554557253 -0.5845197554557253 -0.5845197554557253 -0.5845197554557253))
    (local.set $k15 (v128.const f32x4 0.16207245263652806 0.16207245263652806 0.16207245263652806 0.16207245263652806))
    (local.set $k16 (v128.const f32x4 0.6931471805599453 0.6931471805599453 0.6931471805599453 0.6931471805599453))
    (local.set $k17 (v128.const i32x4 127 127 127 127))
    (local.set $k18 (v128.const f32x4 2097152 2097152 2097152 2097152))
    (local.set $vacc (local.get $k1))
    (local.set $i (i32.const 0))
    (local.set $e1 (i32.load (local.get $rows)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $m0)))
        (local.set $e0 (local.get $e1))
        (local.set $e1 (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $k (i32.const 0))
        (loop $sub
          (local.set $koff (i32.shl (local.get $k) (i32.const 4)))
          (local.set $Lk (i32.add (local.get $L) (local.get $koff)))
          (local.set $sgn (v128.load (i32.add (local.get $syn) (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 2)) (local.get $k)) (i32.const 4)))))
          (local.set $hard (local.get $sgn))
          (local.set $prod (local.get $k10))
          (local.set $pd (local.get $k10))
          ;; pass 1: extrinsic t = L − R into tmp, u = e^−|t| into R, the products and the sign parity
          (local.set $e (local.get $e0))
          (local.set $ea (i32.add (local.get $edges) (i32.shl (local.get $e0) (i32.const 2))))
          (local.set $ta (local.get $tmp))
          (block $p1done
            (loop $p1
              (br_if $p1done (i32.ge_u (local.get $e) (local.get $e1)))
              (local.set $rec (i32.load (local.get $ea)))
              ;; L + 192·j + 4·(s + 4k) (rec = 192·j + 4·s, Lk = L + 16·k)
              (local.set $va (i32.add (local.get $Lk) (local.get $rec)))
              (local.set $ra (i32.add (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 6))) (local.get $koff)))
              (local.set $lv (v128.load align=4 (local.get $va)))
              (local.set $hard (v128.xor (local.get $hard) (local.get $lv)))
              (local.set $t (f32x4.sub (local.get $lv) (v128.load (local.get $ra))))
              (v128.store (local.get $ta) (local.get $t))
              (local.set $sgn (v128.xor (local.get $sgn) (local.get $t)))
              (local.set $a (f32x4.pmax (f32x4.pmin (f32x4.abs (local.get $t)) (local.get $k3)) (local.get $k4)))
              ;; u = e^−a = 2^y, y = −a·log2 e = kk + g, kk = round(y) (magic-number add), g ∈ [−½, ½]
              (local.set $y (f32x4.mul (local.get $a) (local.get $k5)))
              (local.set $kk (f32x4.add (local.get $y) (local.get $k6)))
              (local.set $g (f32x4.sub (local.get $y) (f32x4.sub (local.get $kk) (local.get $k6))))
              (local.set $sq (f32x4.mul (local.get $g) (local.get $g)))
              (local.set $p (f32x4.add (f32x4.add (local.get $k7) (f32x4.mul (local.get $g) (local.get $k8))) (f32x4.mul (local.get $sq) (local.get $k9))))
              (local.set $u (i32x4.add (local.get $p) (i32x4.shl (local.get $kk) (i32.const 23))))
              (v128.store offset=16 (local.get $ta) (local.get $u))
              (local.set $prod (f32x4.mul (local.get $prod) (f32x4.sub (local.get $k10) (local.get $u))))
              (local.set $pd (f32x4.mul (local.get $pd) (f32x4.add (local.get $k10) (local.get $u))))
              (local.set $ta (i32.add (local.get $ta) (i32.const 32)))
              (local.set $e (i32.add (local.get $e) (i32.const 1)))
              (local.set $ea (i32.add (local.get $ea) (i32.const 4)))
              (br $p1)))
          (local.set $vacc (i32x4.add (local.get $vacc) (i32x4.shr_u (local.get $hard) (i32.const 31))))
          (local.set $sgn (v128.and (local.get $sgn) (local.get $k0)))
          ;; pass 2: message 2·atanh(P/τ) with sign parity ⊕ sign(t); L = t + message, three stores
          (local.set $e (local.get $e0))
          (local.set $ea (i32.add (local.get $edges) (i32.shl (local.get $e0) (i32.const 2))))
          (local.set $ta (local.get $tmp))
          (block $p2done
            (loop $p2
              (br_if $p2done (i32.ge_u (local.get $e) (local.get $e1)))
              (local.set $rec (i32.load (local.get $ea)))
              (local.set $va (i32.add (local.get $Lk) (local.get $rec)))
              (local.set $ra (i32.add (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 6))) (local.get $koff)))
              (local.set $t (v128.load (local.get $ta)))
              (local.set $u (v128.load offset=16 (local.get $ta)))
              (local.set $a (f32x4.mul (local.get $pd) (f32x4.sub (local.get $k10) (local.get $u))))
              (local.set $p (f32x4.mul (local.get $prod) (f32x4.add (local.get $k10) (local.get $u))))
              (local.set $r (f32x4.pmin (f32x4.div (f32x4.add (local.get $a) (local.get $p)) (f32x4.abs (f32x4.sub (local.get $a) (local.get $p)))) (local.get $k18)))
              (local.set $z (f32x4.sub (v128.or (v128.and (local.get $r) (local.get $k11)) (local.get $k12)) (local.get $k10)))
              (local.set $sq (f32x4.mul (local.get $z) (local.get $z)))
              (local.set $q (f32x4.add (f32x4.add (local.get $k13) (f32x4.mul (local.get $z) (local.get $k14))) (f32x4.mul (local.get $sq) (local.get $k15))))
              (local.set $f (f32x4.mul (local.get $k16)
                (f32x4.add (f32x4.mul (local.get $z) (local.get $q))
                  (f32x4.convert_i32x4_s (i32x4.sub (i32x4.shr_u (local.get $r) (i32.const 23)) (local.get $k17))))))
              (local.set $f (v128.xor (local.get $f) (v128.and (v128.xor (local.get $sgn) (local.get $t)) (local.get $k0))))
              (v128.store (local.get $ra) (local.get $f))
              (local.set $lv (f32x4.add (local.get $t) (local.get $f)))
              (v128.store align=4 (i32.sub (local.get $va) (i32.const 64)) (local.get $lv))
              (v128.store align=4 (local.get $va) (local.get $lv))
              (v128.store offset=64 align=4 (local.get $va) (local.get $lv))
              (local.set $ta (i32.add (local.get $ta) (i32.const 32)))
              (local.set $e (i32.add (local.get $e) (i32.const 1)))
              (local.set $ea (i32.add (local.get $ea) (i32.const 4)))
              (br $p2)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $sub (i32.lt_u (local.get $k) (i32.const 4))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (v128.store (local.get $viol) (local.get $vacc)))
)
