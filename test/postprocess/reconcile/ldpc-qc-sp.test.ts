import { describe, expect, it } from 'vitest';
import { cachedQcLdpcCode } from '../../../src/postprocess/reconcile/ldpc-qc.js';
import { QcSpDecoder, qcSpDecoderAvailable } from '../../../src/postprocess/reconcile/ldpc-qc-sp.js';
import { profileFor, syndromeOf } from '../../../src/postprocess/reconcile/ldpc-code.js';
import { ELKOUSS_2009_TABLE } from '../../../src/postprocess/reconcile/ldpc-profiles.js';
import { QcSp16Decoder, qcSp16DecoderAvailable } from '../../../src/postprocess/reconcile/ldpc-qc-sp16.js';
import type { QcCode } from './qc-sp-fixtures.js';
import { errors, floatLayeredSweep, mixedLlr } from './qc-sp-fixtures.js';

const N = 4096;
const M = 1024;

describe.runIf(qcSpDecoderAvailable())('float32 QC sum-product kernel', () => {
  const code = cachedQcLdpcCode(N, M, 0x1dc0de);
  const q = 0.03;
  const lc = Math.log((1 - q) / q);
  it('matches an independent float64 layered 2·atanh(∏ tanh(x/2)) decoder (punctured and known inputs)', () => {
    for (const seed of [4242, 17]) {
      const e = errors(N, q, seed);
      const syn = syndromeOf(code, e);
      const llr = mixedLlr(e, lc, seed);
      const dec = new QcSpDecoder(code);
      for (const its of [1, 3]) {
        const got = dec.sweep(llr, syn, its);
        const want = floatLayeredSweep(code, llr, syn, its, Math.log(2 ** 21));
        let maxDiff = 0;
        let signs = 0;
        for (let v = 0; v < N; v++) {
          maxDiff = Math.max(maxDiff, Math.abs(got[v] - want[v]));
          if (got[v] < 0 !== want[v] < 0 && Math.abs(want[v]) > 0.1) signs++;
        }
        // the kernel's exp2/log2 polynomials: relative error ≈ 2e−3 per message (measured max 0.011 after 1 iteration, 0.034 after 3)
        expect(maxDiff, `seed ${seed}, ${its} iterations`).toBeLessThan(its === 1 ? 0.03 : 0.08);
        expect(signs, `seed ${seed}, ${its} iterations`).toBe(0);
        // and the sweep moved the posteriors (a no-op kernel would fail the comparison above unless …)
        let moved = 0;
        for (let v = 0; v < N; v++) if (Math.abs(got[v] - llr[v]) > 0.5) moved++;
        expect(moved).toBeGreaterThan(N / 4);
      }
    }
  });
});

describe.each([
  ['float32', qcSpDecoderAvailable, (c: QcCode) => new QcSpDecoder(c)],
  ['16-bit', qcSp16DecoderAvailable, (c: QcCode) => new QcSp16Decoder(c)],
] as const)('decoding with the %s QC sum-product kernel', (_name, available, make) => {
  const code = cachedQcLdpcCode(N, M, 0x1dc0de);
  const q = 0.03;
  const lc = Math.log((1 - q) / q);
  it.runIf(available())('decodes to the true error pattern (H·out = s and out = e) at rate 0.75, QBER 3 %', () => {
    const dec = make(code);
    dec.patience = 30;
    const llr = new Float32Array(N).fill(lc);
    const out = new Uint8Array(N);
    for (const seed of [1, 2, 3, 4]) {
      const e = errors(N, q, seed);
      const r = dec.decode(llr, lc, syndromeOf(code, e), out, 100);
      expect(r.ok, `seed ${seed}`).toBe(true);
      expect(out.every((b, v) => b === e[v]), `seed ${seed}`).toBe(true);
    }
  });
  it.runIf(available())('reports failure (not a wrong word) far beyond the code’s capacity', () => {
    const dec = make(code);
    const q2 = 0.2;
    const e = errors(N, q2, 99);
    const out = new Uint8Array(N);
    const r = dec.decode(new Float32Array(N).fill(Math.log((1 - q2) / q2)), 0, syndromeOf(code, e), out, 40);
    expect(r.ok).toBe(false);
  });
});

describe("'elkouss2009-high' degree profile", () => {
  // node fractions λ_i/i / Σ λ_j/j of a Table I row, computed here from the published edge-perspective λ
  const row = (rate: number): [number, number][] => {
    const lam = ELKOUSS_2009_TABLE.find((r) => r.rate === rate)?.lambda ?? {};
    const tot = Object.entries(lam).reduce((a, [d, l]) => a + l / Number(d), 0);
    return Object.entries(lam).map(([d, l]) => [Number(d), l / Number(d) / tot]);
  };
  it('is the rate-0.85 row above rate 0.85 and the nearest row below', () => {
    for (const [m, rate] of [[1600, 0.85], [2000, 0.85], [4800, 0.7], [4000, 0.75], [8000, 0.5]] as const) {
      const got = profileFor('elkouss2009-high', 16000, m);
      const want = row(rate);
      expect(got.length, `m ${m}`).toBe(want.length);
      got.forEach(([d, f], i) => {
        expect(d).toBe(want[i][0]);
        expect(f).toBeCloseTo(want[i][1], 12);
      });
    }
    // above 0.875 'auto' is the 2-3-12 profile, not Table I
    expect(profileFor('auto', 16000, 1600).map(([d]) => d)).toEqual([2, 3, 12]);
  });
});
