import { describe, expect, it } from 'vitest';
import { cachedQcLdpcCode } from '../../../src/postprocess/reconcile/ldpc-qc.js';
import { QcSp16Decoder, SP16_CAP, SP16_INF, SP16_SCALE, correctionTables, qcSp16DecoderAvailable } from '../../../src/postprocess/reconcile/ldpc-qc-sp16.js';
import { syndromeOf } from '../../../src/postprocess/reconcile/ldpc-code.js';
import { LdpcReconciler, planLdpc } from '../../../src/postprocess/reconcile/ldpc.js';
import { errors, floatLayeredSweep, mixedLlr } from './qc-sp-fixtures.js';
import type { QcCode } from './qc-sp-fixtures.js';

const N = 4096;
const M = 1024;

/**
 * Scalar model of the kernel's integer arithmetic, written from its specification (ldpc-qc-sp16.wat
 * header), check by check over the expanded code: t = sat16(L − R), a = min(|t|, cap), prefix F
 * and suffix B from inf, |message| = F ⊞ B with x ⊞ y = max(0, min + Ts[(x + y) >> 7] − Td[|x − y| >> 6])
 * (entries q ≥ 16 are 0), sign = syndrome ⊕ other signs, L = sat16(t + message).
 */
function integerSweep(code: QcCode, llr: Float32Array, syn: Uint8Array, iterations: number, tab = correctionTables()): Float32Array {
  const Td = (q: number): number => (q < 16 ? tab[q] : 0);
  const Ts = (q: number): number => (q < 16 ? tab[16 + q] : 0);
  const sat = (x: number): number => Math.max(-32768, Math.min(32767, x));
  const bp = (x: number, y: number): number => {
    const mn = Math.min(x, y);
    const mx = Math.max(x, y);
    return Math.max(0, mn + Ts((mx + mn) >> 7) - Td((mx - mn) >> 6));
  };
  const L = Int32Array.from(llr, (y) => Math.max(-32767, Math.min(32767, Math.round(y * SP16_SCALE))));
  const R = new Int32Array(code.edges);
  for (let it = 0; it < iterations; it++) {
    for (let c = 0; c < code.m; c++) {
      const k0 = code.rowStart[c];
      const d = code.rowStart[c + 1] - k0;
      const t = new Int32Array(d);
      const a = new Int32Array(d);
      const F = new Int32Array(d + 1);
      F[0] = SP16_INF;
      let parity = syn[c];
      for (let j = 0; j < d; j++) {
        t[j] = sat(L[code.cols[k0 + j]] - R[k0 + j]);
        a[j] = Math.min(Math.abs(t[j]), SP16_CAP);
        if (t[j] < 0) parity ^= 1;
        F[j + 1] = bp(F[j], a[j]);
      }
      let B = SP16_INF;
      for (let j = d - 1; j >= 0; j--) {
        const mag = bp(F[j], B);
        B = bp(B, a[j]);
        const msg = parity ^ (t[j] < 0 ? 1 : 0) ? -mag : mag;
        R[k0 + j] = msg;
        L[code.cols[k0 + j]] = sat(t[j] + msg);
      }
    }
  }
  return Float32Array.from(L, (x) => x / SP16_SCALE);
}

describe('16-bit sum-product correction tables', () => {
  it('hold 256·ln(1 + e^−x) averaged over each step: 0.25 wide for the difference term, 0.5 for the sum (independent quadrature)', () => {
    const t = correctionTables();
    expect(t).toHaveLength(32);
    // 256·∫_0^0.25 ln(1 + e^−x) dx / 0.25 = 162.11…; 256·∫_0^0.5 … / 0.5 = 148.10…
    expect(t[0]).toBe(162);
    expect(t[16]).toBe(148);
    const c = (x: number): number => Math.log(1 + Math.exp(-x));
    for (const [off, w] of [[0, 0.25], [16, 0.5]] as const) {
      for (let q = 0; q < 16; q++) {
        // Simpson's rule on the step
        const a = q * w;
        const mean = (c(a) + 4 * c(a + w / 2) + c(a + w)) / 6;
        expect(Math.abs(t[off + q] - 256 * mean), `table ${off}, step ${q}`).toBeLessThanOrEqual(0.5 + 1e-3);
        if (q > 0) expect(t[off + q]).toBeLessThanOrEqual(t[off + q - 1]);
      }
    }
    // the sum table reaches 8 LLR: c(7.75) · 256 ≈ 0.11 rounds to 0, c(5.25) · 256 ≈ 1.3 to 1
    expect(t[16 + 15]).toBe(0);
    expect(t[16 + 10]).toBe(1);
  });
});

describe.runIf(qcSp16DecoderAvailable())('16-bit fixed-point QC sum-product kernel', () => {
  const code = cachedQcLdpcCode(N, M, 0x1dc0de);
  const q = 0.03;
  const lc = Math.log((1 - q) / q);
  it('equals a scalar model of its integer arithmetic, bit for bit (punctured and known inputs)', () => {
    for (const seed of [4242, 17]) {
      const e = errors(N, q, seed);
      const syn = syndromeOf(code, e);
      const llr = mixedLlr(e, lc, seed);
      const dec = new QcSp16Decoder(code);
      for (const its of [1, 4]) {
        const got = dec.sweep(llr, syn, its);
        const want = integerSweep(code, llr, syn, its);
        let diff = 0;
        for (let v = 0; v < N; v++) if (got[v] !== want[v]) diff++;
        expect(diff, `seed ${seed}, ${its} iterations`).toBe(0);
        let moved = 0;
        for (let v = 0; v < N; v++) if (Math.abs(got[v] - llr[v]) > 0.5) moved++;
        expect(moved).toBeGreaterThan(N / 4);
      }
    }
  });
  it('stays within the quantisation error of float64 sum-product (2·atanh ∏ tanh), far closer than min-sum', () => {
    for (const seed of [4242, 17]) {
      const e = errors(N, q, seed);
      const syn = syndromeOf(code, e);
      const llr = mixedLlr(e, lc, seed);
      const dec = new QcSp16Decoder(code);
      for (const its of [1, 3]) {
        const got = dec.sweep(llr, syn, its);
        const want = floatLayeredSweep(code, llr, syn, its);
        // the same integer recursion with zero tables is min-sum (forward-backward minimum)
        const minSum = integerSweep(code, llr, syn, its, new Uint8Array(32));
        let sumDiff = 0;
        let sumMs = 0;
        let maxDiff = 0;
        let signs = 0;
        let n = 0;
        for (let v = 0; v < N; v++) {
          // posteriors driven by the known ±40 inputs (the kernel caps |t| at 28, the reference at 24) are not compared
          if (Math.abs(want[v]) > 30) continue;
          const d = Math.abs(got[v] - want[v]);
          maxDiff = Math.max(maxDiff, d);
          sumDiff += d;
          sumMs += Math.abs(minSum[v] - want[v]);
          n++;
          if (got[v] < 0 !== want[v] < 0 && Math.abs(want[v]) > 0.5) signs++;
        }
        // measured (seeds 4242, 17): mean |error| 0.075–0.081 after 1 iteration, 0.20–0.23 after 3 (max 0.92, 2.45); min-sum's 14–19× that
        expect(sumDiff / n, `seed ${seed}, ${its} iterations`).toBeLessThan(its === 1 ? 0.12 : 0.3);
        expect(sumDiff, `seed ${seed}, ${its} iterations`).toBeLessThan(sumMs / 2);
        expect(maxDiff, `seed ${seed}, ${its} iterations`).toBeLessThan(its === 1 ? 1.5 : 4);
        expect(signs, `seed ${seed}, ${its} iterations`).toBe(0);
      }
    }
  });
});

describe("'qc-sp16' plan", () => {
  it("is the float 'qc-sp' decoder's: the same code object, lengths, puncturing, start and steps at every QBER and length", () => {
    const base = (new LdpcReconciler({}) as unknown as { params: Parameters<typeof planLdpc>[0] }).params;
    const key = (p: ReturnType<typeof planLdpc>): string => JSON.stringify([p.N, p.d, p.K, p.m, p.p0, p.delta, p.step, p.maxRetries]);
    for (const q of [0.005, 0.01, 0.02, 0.03, 0.05]) {
      for (const n of [10_000, 100_000, 1_000_000]) {
        const sp = planLdpc({ ...base, decoder: 'qc-sp' }, q, n);
        const sp16 = planLdpc({ ...base, decoder: 'qc-sp16' }, q, n);
        expect(key(sp16), `QBER ${q}, ${n} bits`).toBe(key(sp));
        expect(sp16.code, `QBER ${q}, ${n} bits`).toBe(sp.code);
      }
    }
    // and not the min-sum decoder's (whose tuning differs): the comparison can fail
    expect(key(planLdpc({ ...base, decoder: 'qc-minsum' }, 0.02, 100_000))).not.toBe(key(planLdpc({ ...base, decoder: 'qc-sp16' }, 0.02, 100_000)));
  });
});
