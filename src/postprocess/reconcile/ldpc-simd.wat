;; Written for Mozi.
;; Layered sum-product LDPC decoding of 4 frames in lock-step (one f32x4 lane per frame, same code),
;; inter-frame SIMD parallelism (Le Gal, Jego & Crenne). Driven by ldpc-simd.ts.
;;
;; Memory (byte addresses passed in by the caller, all 16-aligned):
;;   rows: i32[m+1]   CSR row starts (edge indices)
;;   cols: i32[E]     byte offset 16·v of edge e's variable in L
;;   syn:  v128[m]    per check, lane sign masks (0x80000000 where the syndrome bit is 1)
;;   L:    v128[n]    posterior LLRs, lane l = frame l (positive = bit 0)
;;   R:    v128[E]    check-to-variable messages
;;   viol: v128       out: per lane, the checks whose hard decisions (as read mid-sweep) violate
;;                    the syndrome (as in the scalar decoder, ldpc-decoder.ts)
;; Check rule in the tanh domain (one exp and one log per edge instead of Φ's two of each):
;; pass 1: u = e^−|t| (|t| clamped to [1/128, 24] like the scalar decoder's table) into R, and
;; the products Pn = Π(1 − u), Pd = Π(1 + u) over the check (P = Π τ = Pn/Pd, τ = tanh(|t|/2) =
;; (1 − u)/(1 + u)): no division; pass 2: |message| = 2·atanh(P/τ) = ln((A + B)/|A − B|) with
;; A = Pd·(1 − u), B = Pn·(1 + u): one division; the ratio capped at 2^21 (|message| ≤ 14.6; A = B
;; gives +inf, capped; |A − B| guards against rounding below 0). Division-free pass 1: QBER 2 %,
;; 10⁶ bits 0.954 → 1.041 Mbit/s (medians of 3 interleaved runs), f unchanged.
;; Polynomials in Estrin form: 2^g of degree 2 (g ∈ [−½, ½], relative error 1.8e−3) and
;; log2(1+z) = z·q(z), q of degree 2 (z ∈ [0, 1), absolute error 8.8e−4). Replaced the Φ-domain
;; rule (two exp2 + two log2 per edge): 10⁵ bits, 120 frames, f 1.1723 → 1.1706 at QBER 2 %,
;; 1.1903 at 1 %, 1.1925 at 5 %; throughput at 2 % 0.239 → 0.316 Mbit/s (same noisy machine).
;; Constants are held in locals (set once per call). pmin/pmax (plain minps/maxps) instead of
;; min/max: no NaN can occur here. The exp2 code is written out once per pass (no call: V8 spills
;; every live v128 around one).
(module
  (memory (export "memory") 1)

  ;; One layered iteration over all m checks.
  (func (export "iterate") (param $m i32) (param $rows i32) (param $cols i32) (param $syn i32)
    (param $L i32) (param $R i32) (param $viol i32)
    (local $c i32) (local $e i32) (local $e0 i32) (local $e1 i32) (local $va i32) (local $ra i32)
    (local $lv v128) (local $t v128) (local $a v128) (local $f v128) (local $sgn v128)
    (local $hard v128) (local $vacc v128)
    (local $y v128) (local $k v128) (local $g v128) (local $p v128) (local $u v128) (local $r v128)
    (local $z v128) (local $q v128) (local $sq v128)
    (local $k0 v128)
    (local $k1 v128)
    (local $k3 v128)
    (local $k4 v128)
    (local $k5 v128)
    (local $k6 v128)
    (local $k7 v128)
    (local $k8 v128)
    (local $k9 v128)
    (local $k10 v128)
    (local $k11 v128)
    (local $k12 v128)
    (local $k13 v128)
    (local $k14 v128)
    (local $k15 v128)
    (local $k16 v128)
    (local $k17 v128)
    (local $k18 v128)
    (local $prod v128) (local $pd v128)
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
    (local.set $c (i32.const 0))
    (local.set $e1 (i32.load (local.get $rows)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $c) (local.get $m)))
        (local.set $e0 (local.get $e1))
        (local.set $e1 (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $sgn (v128.load (i32.add (local.get $syn) (i32.shl (local.get $c) (i32.const 4)))))
        (local.set $hard (local.get $sgn))
        (local.set $prod (local.get $k10))
        (local.set $pd (local.get $k10))
        ;; pass 1: extrinsic t = L − R into L, τ = tanh(|t|/2) into R, their product P and the sign parity
        (local.set $e (local.get $e0))
        (block $p1done
          (loop $p1
            (br_if $p1done (i32.ge_u (local.get $e) (local.get $e1)))
            (local.set $va (i32.add (local.get $L) (i32.load (i32.add (local.get $cols) (i32.shl (local.get $e) (i32.const 2))))))
            (local.set $ra (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 4))))
            (local.set $lv (v128.load (local.get $va)))
            (local.set $hard (v128.xor (local.get $hard) (local.get $lv)))
            (local.set $t (f32x4.sub (local.get $lv) (v128.load (local.get $ra))))
            (v128.store (local.get $va) (local.get $t))
            (local.set $sgn (v128.xor (local.get $sgn) (local.get $t)))
            (local.set $a (f32x4.pmax (f32x4.pmin (f32x4.abs (local.get $t)) (local.get $k3)) (local.get $k4)))
            ;; u = e^−a = 2^y, y = −a·log2 e = k + g, k = round(y) (magic-number add), g ∈ [−½, ½]
            (local.set $y (f32x4.mul (local.get $a) (local.get $k5)))
            (local.set $k (f32x4.add (local.get $y) (local.get $k6)))
            (local.set $g (f32x4.sub (local.get $y) (f32x4.sub (local.get $k) (local.get $k6))))
            (local.set $sq (f32x4.mul (local.get $g) (local.get $g)))
            (local.set $p (f32x4.add (f32x4.add (local.get $k7) (f32x4.mul (local.get $g) (local.get $k8))) (f32x4.mul (local.get $sq) (local.get $k9))))
            ;; 2^g · 2^k: the low bits of k's pattern hold k; shifted into the exponent field
            (local.set $u (i32x4.add (local.get $p) (i32x4.shl (local.get $k) (i32.const 23))))
            ;; τ = tanh(a/2) = (1 − u)/(1 + u): u into R, numerator and denominator products apart
            (v128.store (local.get $ra) (local.get $u))
            (local.set $prod (f32x4.mul (local.get $prod) (f32x4.sub (local.get $k10) (local.get $u))))
            (local.set $pd (f32x4.mul (local.get $pd) (f32x4.add (local.get $k10) (local.get $u))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $p1)))
        (local.set $vacc (i32x4.add (local.get $vacc) (i32x4.shr_u (local.get $hard) (i32.const 31))))
        (local.set $sgn (v128.and (local.get $sgn) (local.get $k0)))
        ;; pass 2: message 2·atanh(P/τ) with sign parity ⊕ sign(t); L = t + message
        (local.set $e (local.get $e0))
        (block $p2done
          (loop $p2
            (br_if $p2done (i32.ge_u (local.get $e) (local.get $e1)))
            (local.set $va (i32.add (local.get $L) (i32.load (i32.add (local.get $cols) (i32.shl (local.get $e) (i32.const 2))))))
            (local.set $ra (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 4))))
            (local.set $t (v128.load (local.get $va)))
            (local.set $u (v128.load (local.get $ra)))
            ;; P/τ = B/A with A = Pd·(1 − u), B = Pn·(1 + u)
            (local.set $a (f32x4.mul (local.get $pd) (f32x4.sub (local.get $k10) (local.get $u))))
            (local.set $p (f32x4.mul (local.get $prod) (f32x4.add (local.get $k10) (local.get $u))))
            ;; r = (τ + P)/(τ − P) ≥ 1 (capped); |message| = 2·atanh(P/τ) = ln r = ln 2 · (exponent + log2(1 + z))
            (local.set $r (f32x4.pmin (f32x4.div (f32x4.add (local.get $a) (local.get $p)) (f32x4.abs (f32x4.sub (local.get $a) (local.get $p)))) (local.get $k18)))
            (local.set $z (f32x4.sub (v128.or (v128.and (local.get $r) (local.get $k11)) (local.get $k12)) (local.get $k10)))
            (local.set $sq (f32x4.mul (local.get $z) (local.get $z)))
            (local.set $q (f32x4.add (f32x4.add (local.get $k13) (f32x4.mul (local.get $z) (local.get $k14))) (f32x4.mul (local.get $sq) (local.get $k15))))
            (local.set $f (f32x4.mul (local.get $k16)
              (f32x4.add (f32x4.mul (local.get $z) (local.get $q))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.shr_u (local.get $r) (i32.const 23)) (local.get $k17))))))
            (local.set $f (v128.xor (local.get $f) (v128.and (v128.xor (local.get $sgn) (local.get $t)) (local.get $k0))))
            (v128.store (local.get $ra) (local.get $f))
            (v128.store (local.get $va) (f32x4.add (local.get $t) (local.get $f)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $p2)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $row)))
    (v128.store (local.get $viol) (local.get $vacc)))
)
