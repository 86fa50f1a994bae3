;; Written for Mozi.
;; Layered sum-product decoding of ONE frame of a quasi-cyclic LDPC code lifted by Z = 16
;; (ldpc-qc.ts) in 16-bit fixed point, 8 checks per i16x8 operation and both halves of a base row
;; (16 checks, two independent dependency chains) in one loop. Driven by ldpc-qc-sp16.ts.
;;
;; Check rule: the exact two-input box-plus in the log domain (Hu, Eleftheriou, Arnold &
;; Dholakia, "Efficient implementations of the sum-product algorithm for decoding LDPC codes",
;; GLOBECOM 2001, eq. for the "core operation"; Jones, Valles, Smith & Villasenor 2003),
;;   |a ⊞ b| = min(|a|, |b|) + c(|a| + |b|) − c(||a| − |b||),  c(x) = ln(1 + e^−x),
;; sign = product of the signs, with c tabulated in two 16-step tables: for the difference
;; argument Td[q] = 256·c on [q/4, (q + 1)/4) (index x >> 6; x ≥ 4: 0), for the sum argument
;; Ts[q] = 256·c on [q/2, (q + 1)/2) (index x >> 7; x ≥ 8: 0), one i8x16.swizzle per argument (an
;; i16 lane's high byte is forced to 0xFF, which selects 0, as does an index ≥ 16).
;; The extrinsic message of each edge is the
;; box-plus of the other edges' magnitudes by the forward-backward recursion: pass 1 stores the
;; prefix F_{j−1} = |t_0| ⊞ … ⊞ |t_{j−1}| of each edge and the extrinsic t = L − R; pass 2 runs the
;; edges backwards with the suffix B_{j+1}: |message_j| = F_{j−1} ⊞ B_{j+1}, sign = syndrome ⊕
;; parity of the other signs; L = t + message (saturating).
;;
;; Fixed point: LLR × 256 in i16 (posteriors saturate at ±128, where L − R is still ≥ 100 and
;; every box-plus ignores it); magnitudes are clamped to cap = 7168 (28 LLR) so that
;; (|a| + |b|) >> 6 stays below 256; inf = 8192 = cap + 16·64 is the identity of ⊞ on clamped
;; magnitudes (the difference argument is ≥ 4 LLR, the sum ≥ 32 LLR: both give 0, min gives the other).
;;
;; Rotation without shuffles (as ldpc-qc-sp.wat, with i16): column block j of the posteriors is
;; 48 i16 at L + 96·j, positions x and x + 16 both hold variable 16·j + x (x < 16), 32..47 are
;; spill space. Half h ∈ {0, 1} of base row i on shift s reads the 8 variables at positions
;; P = s + 8h … P + 7 (≤ 30) and stores the new posteriors at P − 16, P and P + 16 (stray lanes
;; land in this block's spill or, for P < 16, the previous block's; block 0 has 32 bytes below).
;; A base row meets each column block once, so the two halves' writes never touch the other's
;; variables.
;;
;; Memory (byte addresses from the caller, 16-aligned):
;;   rows:  i32[m0+1]  base-row starts (base edge indices)
;;   edges: i32[E0]    2·(48·j + s) per base edge (block j's byte offset in L plus the shift)
;;   syn:   v128[2·m0] per half 2·i + h: 0x8000 in lane l where syndrome bit 16·i + 8·h + l is 1
;;   L:     i16[48·n0] posteriors (positive = bit 0), layout above, ≥ 64 bytes above 0 (the kernel forms L − 64)
;;   R:     v128[2·E0] check-to-variable messages, base edge e half h at R + 32·e + 16·h
;;   tmp:   v128[4·dmax] per edge of the current row: t (both halves), then F (both halves)
;;   tab:   u8[32]     Td, then Ts (LLR × 256 units)
;;   viol:  v128       out: i16x8 counts of checks whose hard decisions (read mid-sweep) violate the syndrome
(module
  (memory (export "memory") 1)

  (func (export "iterate") (param $m0 i32) (param $rows i32) (param $edges i32) (param $syn i32)
    (param $L i32) (param $R i32) (param $tmp i32) (param $tab i32) (param $viol i32)
    (local $i i32) (local $e i32) (local $e0 i32) (local $e1 i32) (local $va i32) (local $ra i32) (local $ta i32) (local $ea i32)
    (local $lv v128)
    (local $t v128)
    (local $s v128)
    (local $hi v128)
    (local $Td v128)
    (local $Ts v128)
    (local $cap v128)
    (local $inf v128)
    (local $vacc v128)
    (local $hmask v128)
    (local $hard0 v128)
    (local $sgn0 v128)
    (local $a0 v128)
    (local $F0 v128)
    (local $B0 v128)
    (local $g0 v128)
    (local $hard1 v128)
    (local $sgn1 v128)
    (local $a1 v128)
    (local $F1 v128)
    (local $B1 v128)
    (local $g1 v128)
    (local $mn0 v128)
    (local $mx0 v128)
    (local $mn1 v128)
    (local $mx1 v128)
    (local $mng0 v128)
    (local $mxg0 v128)
    (local $mng1 v128)
    (local $mxg1 v128)
    (local.set $hi (v128.const i16x8 0xff00 0xff00 0xff00 0xff00 0xff00 0xff00 0xff00 0xff00))
    (local.set $hmask (i16x8.splat (i32.const 0x8000)))
    (local.set $Td (v128.load (local.get $tab)))
    (local.set $Ts (v128.load offset=16 (local.get $tab)))
    (local.set $cap (i16x8.splat (i32.const 7168)))
    (local.set $inf (i16x8.splat (i32.const 8192)))
    (local.set $vacc (v128.const i32x4 0 0 0 0))
    (local.set $i (i32.const 0))
    (local.set $e1 (i32.load (local.get $rows)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $m0)))
        (local.set $e0 (local.get $e1))
        (local.set $e1 (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $sgn0 (v128.load (i32.add (local.get $syn) (i32.shl (local.get $i) (i32.const 5)))))
        (local.set $sgn1 (v128.load offset=16 (i32.add (local.get $syn) (i32.shl (local.get $i) (i32.const 5)))))
        (local.set $hard0 (local.get $sgn0))
        (local.set $hard1 (local.get $sgn1))
        (local.set $F0 (local.get $inf))
        (local.set $F1 (local.get $inf))
        ;; pass 1 (forward): t = L − R into tmp, prefix F before the edge into tmp, F ⊞= |t|, sign parity
        (local.set $e (local.get $e0))
        (local.set $ea (i32.add (local.get $edges) (i32.shl (local.get $e0) (i32.const 2))))
        (local.set $ta (local.get $tmp))
        (block $p1done
          (loop $p1
            (br_if $p1done (i32.ge_u (local.get $e) (local.get $e1)))
            (local.set $va (i32.add (local.get $L) (i32.load (local.get $ea))))
            (local.set $ra (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 5))))
              (local.set $lv (v128.load offset=0 align=2 (local.get $va)))
              (local.set $hard0 (v128.xor (local.get $hard0) (local.get $lv)))
              (local.set $t (i16x8.sub_sat_s (local.get $lv) (v128.load offset=0 (local.get $ra))))
              (v128.store offset=0 (local.get $ta) (local.get $t))
              (local.set $sgn0 (v128.xor (local.get $sgn0) (local.get $t)))
              (local.set $a0 (i16x8.min_u (i16x8.abs (local.get $t)) (local.get $cap)))
              (v128.store offset=32 (local.get $ta) (local.get $F0))
              ;; $F0 = (local.get $F0) ⊞ (local.get $a0) (magnitudes)
              (local.set $mn0 (i16x8.min_s (local.get $F0) (local.get $a0)))
              (local.set $mx0 (i16x8.max_s (local.get $F0) (local.get $a0)))
              (local.set $F0 (i16x8.sub_sat_u
                (i16x8.add (local.get $mn0)
                  (i8x16.swizzle (local.get $Ts) (v128.or (i16x8.shr_u (i16x8.add (local.get $mx0) (local.get $mn0)) (i32.const 7)) (local.get $hi))))
                (i8x16.swizzle (local.get $Td) (v128.or (i16x8.shr_u (i16x8.sub (local.get $mx0) (local.get $mn0)) (i32.const 6)) (local.get $hi)))))
              (local.set $lv (v128.load offset=16 align=2 (local.get $va)))
              (local.set $hard1 (v128.xor (local.get $hard1) (local.get $lv)))
              (local.set $t (i16x8.sub_sat_s (local.get $lv) (v128.load offset=16 (local.get $ra))))
              (v128.store offset=16 (local.get $ta) (local.get $t))
              (local.set $sgn1 (v128.xor (local.get $sgn1) (local.get $t)))
              (local.set $a1 (i16x8.min_u (i16x8.abs (local.get $t)) (local.get $cap)))
              (v128.store offset=48 (local.get $ta) (local.get $F1))
              ;; $F1 = (local.get $F1) ⊞ (local.get $a1) (magnitudes)
              (local.set $mn1 (i16x8.min_s (local.get $F1) (local.get $a1)))
              (local.set $mx1 (i16x8.max_s (local.get $F1) (local.get $a1)))
              (local.set $F1 (i16x8.sub_sat_u
                (i16x8.add (local.get $mn1)
                  (i8x16.swizzle (local.get $Ts) (v128.or (i16x8.shr_u (i16x8.add (local.get $mx1) (local.get $mn1)) (i32.const 7)) (local.get $hi))))
                (i8x16.swizzle (local.get $Td) (v128.or (i16x8.shr_u (i16x8.sub (local.get $mx1) (local.get $mn1)) (i32.const 6)) (local.get $hi)))))
            (local.set $ta (i32.add (local.get $ta) (i32.const 64)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (local.set $ea (i32.add (local.get $ea) (i32.const 4)))
            (br $p1)))
        (local.set $vacc (i16x8.add (local.get $vacc)
          (i16x8.add (i16x8.shr_u (local.get $hard0) (i32.const 15)) (i16x8.shr_u (local.get $hard1) (i32.const 15)))))
        (local.set $sgn0 (v128.and (local.get $sgn0) (local.get $hmask)))
        (local.set $sgn1 (v128.and (local.get $sgn1) (local.get $hmask)))
        (local.set $B0 (local.get $inf))
        (local.set $B1 (local.get $inf))
        ;; pass 2 (backward): message F ⊞ B, B ⊞= |t|, L = t + message, three stores per half
        (local.set $e (local.get $e1))
        (local.set $ea (i32.add (local.get $edges) (i32.shl (local.get $e1) (i32.const 2))))
        (local.set $ta (i32.add (local.get $tmp) (i32.shl (i32.sub (local.get $e1) (local.get $e0)) (i32.const 6))))
        (block $p2done
          (loop $p2
            (br_if $p2done (i32.le_u (local.get $e) (local.get $e0)))
            (local.set $e (i32.sub (local.get $e) (i32.const 1)))
            (local.set $ea (i32.sub (local.get $ea) (i32.const 4)))
            (local.set $ta (i32.sub (local.get $ta) (i32.const 64)))
            (local.set $va (i32.add (local.get $L) (i32.load (local.get $ea))))
            (local.set $ra (i32.add (local.get $R) (i32.shl (local.get $e) (i32.const 5))))
              (local.set $t (v128.load offset=0 (local.get $ta)))
              (local.set $a0 (i16x8.min_u (i16x8.abs (local.get $t)) (local.get $cap)))
              ;; $g0 = (v128.load offset=32 (local.get $ta)) ⊞ (local.get $B0) (magnitudes)
              (local.set $mng0 (i16x8.min_s (v128.load offset=32 (local.get $ta)) (local.get $B0)))
              (local.set $mxg0 (i16x8.max_s (v128.load offset=32 (local.get $ta)) (local.get $B0)))
              (local.set $g0 (i16x8.sub_sat_u
                (i16x8.add (local.get $mng0)
                  (i8x16.swizzle (local.get $Ts) (v128.or (i16x8.shr_u (i16x8.add (local.get $mxg0) (local.get $mng0)) (i32.const 7)) (local.get $hi))))
                (i8x16.swizzle (local.get $Td) (v128.or (i16x8.shr_u (i16x8.sub (local.get $mxg0) (local.get $mng0)) (i32.const 6)) (local.get $hi)))))
              ;; $B0 = (local.get $B0) ⊞ (local.get $a0) (magnitudes)
              (local.set $mn0 (i16x8.min_s (local.get $B0) (local.get $a0)))
              (local.set $mx0 (i16x8.max_s (local.get $B0) (local.get $a0)))
              (local.set $B0 (i16x8.sub_sat_u
                (i16x8.add (local.get $mn0)
                  (i8x16.swizzle (local.get $Ts) (v128.or (i16x8.shr_u (i16x8.add (local.get $mx0) (local.get $mn0)) (i32.const 7)) (local.get $hi))))
                (i8x16.swizzle (local.get $Td) (v128.or (i16x8.shr_u (i16x8.sub (local.get $mx0) (local.get $mn0)) (i32.const 6)) (local.get $hi)))))
              (local.set $s (i16x8.shr_s (v128.xor (local.get $sgn0) (local.get $t)) (i32.const 15)))
              (local.set $g0 (i16x8.sub (v128.xor (local.get $g0) (local.get $s)) (local.get $s)))
              (v128.store offset=0 (local.get $ra) (local.get $g0))
              (local.set $lv (i16x8.add_sat_s (local.get $t) (local.get $g0)))
              (v128.store offset=32 align=2 (i32.sub (local.get $va) (i32.const 64)) (local.get $lv))
              (v128.store offset=0 align=2 (local.get $va) (local.get $lv))
              (v128.store offset=32 align=2 (local.get $va) (local.get $lv))
              (local.set $t (v128.load offset=16 (local.get $ta)))
              (local.set $a1 (i16x8.min_u (i16x8.abs (local.get $t)) (local.get $cap)))
              ;; $g1 = (v128.load offset=48 (local.get $ta)) ⊞ (local.get $B1) (magnitudes)
              (local.set $mng1 (i16x8.min_s (v128.load offset=48 (local.get $ta)) (local.get $B1)))
              (local.set $mxg1 (i16x8.max_s (v128.load offset=48 (local.get $ta)) (local.get $B1)))
              (local.set $g1 (i16x8.sub_sat_u
                (i16x8.add (local.get $mng1)
                  (i8x16.swizzle (local.get $Ts) (v128.or (i16x8.shr_u (i16x8.add (local.get $mxg1) (local.get $mng1)) (i32.const 7)) (local.get $hi))))
                (i8x16.swizzle (local.get $Td) (v128.or (i16x8.shr_u (i16x8.sub (local.get $mxg1) (local.get $mng1)) (i32.const 6)) (local.get $hi)))))
              ;; $B1 = (local.get $B1) ⊞ (local.get $a1) (magnitudes)
              (local.set $mn1 (i16x8.min_s (local.get $B1) (local.get $a1)))
              (local.set $mx1 (i16x8.max_s (local.get $B1) (local.get $a1)))
              (local.set $B1 (i16x8.sub_sat_u
                (i16x8.add (local.get $mn1)
                  (i8x16.swizzle (local.get $Ts) (v128.or (i16x8.shr_u (i16x8.add (local.get $mx1) (local.get $mn1)) (i32.const 7)) (local.get $hi))))
                (i8x16.swizzle (local.get $Td) (v128.or (i16x8.shr_u (i16x8.sub (local.get $mx1) (local.get $mn1)) (i32.const 6)) (local.get $hi)))))
              (local.set $s (i16x8.shr_s (v128.xor (local.get $sgn1) (local.get $t)) (i32.const 15)))
              (local.set $g1 (i16x8.sub (v128.xor (local.get $g1) (local.get $s)) (local.get $s)))
              (v128.store offset=16 (local.get $ra) (local.get $g1))
              (local.set $lv (i16x8.add_sat_s (local.get $t) (local.get $g1)))
              (v128.store offset=48 align=2 (i32.sub (local.get $va) (i32.const 64)) (local.get $lv))
              (v128.store offset=16 align=2 (local.get $va) (local.get $lv))
              (v128.store offset=48 align=2 (local.get $va) (local.get $lv))
            (br $p2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (v128.store (local.get $viol) (local.get $vacc)))
)
