import { describe, expect, it } from 'vitest';
import {
  constantLossSamples,
  finiteKey,
  gammaLim,
  predictCounts,
  toFiniteKeyInput,
  tau,
} from '../../src/security/index.js';
import type { Bound, FiniteKeyInput, PredictParams } from '../../src/security/index.js';
import { InputError } from '../../src/core/errors.js';

/** Inputs of the reference table, algorithms.md §1.7. */
const REF_PARAMS: PredictParams = {
  intensities: [0.8, 0.1, 2e-4],
  probabilities: [0.5, 0.25, 0.25],
  probX: 0.5,
  bobProbX: 0.5,
  repetitionRateHz: 1e8,
  darkCountProbability: 1e-6,
  misalignment: 0.01,
};

function refInput(lossDb: number, bound: Bound): FiniteKeyInput {
  const pred = predictCounts(constantLossSamples(lossDb, 273), REF_PARAMS);
  return toFiniteKeyInput(pred, { bound, protocol: 'efficient', epsSec: 1e-9, epsCor: 1e-15, fEC: 1.16 });
}

// algorithms.md §1.7 [C]: loss, bound, n_X, Q_X, s_X0, s_X1, v_Z1, φ_X, λ_EC, ℓ
const TABLE: [number, Bound, number, number, number, number, number, number, number, number][] = [
  [30, 'asymptotic', 2.914e6, 0.0123, 9466, 1.308e6, 1.672e4, 0.0128, 3.233e5, 8.65e5],
  [30, 'hoeffding', 2.914e6, 0.0123, 0, 1.192e6, 2.787e4, 0.0251, 3.233e5, 6.67e5],
  [30, 'chernoff', 2.914e6, 0.0123, 8227, 1.273e6, 2.296e4, 0.0195, 3.233e5, 7.81e5],
  [35, 'hoeffding', 9.31e5, 0.0172, 169, 3.496e5, 1.373e4, 0.0435, 1.353e5, 1.24e5],
  [35, 'chernoff', 9.31e5, 0.0172, 8341, 3.934e5, 1.184e4, 0.0336, 1.353e5, 1.83e5],
  [40, 'hoeffding', 3.04e5, 0.032, 4207, 9.56e4, 8786, 0.104, 7.2e4, 0],
  [40, 'chernoff', 3.04e5, 0.032, 8379, 1.184e5, 8289, 0.0795, 7.2e4, 7.08e3],
];

/** Within 0.5 % (plus the rounding of the table's printed digits). */
function near(actual: number, expected: number, printedDigits = 3): void {
  const rounding = expected === 0 ? 0.5 : 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(expected))) - printedDigits + 1);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(0.005 * Math.abs(expected) + rounding + 1e-12);
}

describe('finiteKey: reference table algorithms.md §1.7 (Lim 2014 Eqs. 1–5, SatQuMA Chernoff)', () => {
  for (const [loss, bound, nX, qX, sX0, sX1, vZ1, phiX, lambdaEC, ell] of TABLE) {
    it(`${loss} dB, ${bound}: ℓ = ${ell}`, () => {
      const r = finiteKey(refInput(loss, bound));
      near(r.nX, nX);
      near(r.qberX, qX, 2);
      near(r.sX0, sX0, 4);
      near(r.sX1, sX1, 4);
      near(r.vZ1, vZ1, 4);
      near(r.phiX, phiX, 2);
      near(r.lambdaEC, lambdaEC, 4);
      near(r.keyLengthBits, ell, 3);
      expect(r.leakageSource).toBe('model');
    });
  }
  it('30 dB Hoeffding: s_X0 raw is −7102 before the clamp', () => {
    const r = finiteKey(refInput(30, 'hoeffding'));
    expect(Math.round(r.sX0Raw)).toBe(-7102);
    expect(r.sX0).toBe(0);
  });
  it('40 dB Hoeffding gives no key, with a reason', () => {
    const r = finiteKey(refInput(40, 'hoeffding'));
    expect(r.keyLengthBits).toBe(0);
    expect(r.reason).toMatch(/no secret key/);
  });
});

describe('finiteKey: asymptotic bound equals Ma et al. 2005 vacuum + weak decoy (Eq. 34) when μ3 = 0', () => {
  it('s_X1 = τ1·N_X·Y1^L', () => {
    const params: PredictParams = { ...REF_PARAMS, intensities: [0.6, 0.15, 0], darkCountProbability: 3e-6 };
    const pred = predictCounts(constantLossSamples(33, 100), params);
    const r = finiteKey(toFiniteKeyInput(pred, { bound: 'asymptotic', protocol: 'efficient' }));
    const [mu, nu] = [0.6, 0.15];
    const sifted = (k: number) => pred.counts.X[k].sent! * pred.bobProbX;
    const Q = (k: number) => pred.counts.X[k].detected / sifted(k);
    const Y0 = Q(2);
    const Y1L = (mu / (mu * nu - nu * nu)) * (Q(1) * Math.exp(nu) - ((nu * nu) / (mu * mu)) * Q(0) * Math.exp(mu) - ((mu * mu - nu * nu) / (mu * mu)) * Y0);
    const NX = sifted(0) + sifted(1) + sifted(2);
    expect(r.sX1 / (r.tau1 * NX * Y1L)).toBeCloseTo(1, 9);
  });
});

describe('finiteKey: leakage and protocol variants', () => {
  it('uses the ledger total when given: ℓ = ⌊boundBeforeLeakage − leakage⌋', () => {
    const base = refInput(30, 'chernoff');
    const r = finiteKey({ ...base, leakageBits: 400_000 });
    expect(r.leakageSource).toBe('ledger');
    expect(r.fEC).toBeUndefined();
    expect(r.lambdaEC).toBe(400_000);
    expect(r.keyLengthBits).toBe(Math.floor(r.boundBeforeLeakageBits - 400_000));
    const model = finiteKey(base);
    expect(model.boundBeforeLeakageBits).toBeCloseTo(r.boundBeforeLeakageBits, 6);
  });
  it('symmetric BB84 takes key from both bases, each phase error from the other basis', () => {
    const pred = predictCounts(constantLossSamples(32, 273), { ...REF_PARAMS, intensities: [0.8, 0.1, 0] });
    const eff = finiteKey(toFiniteKeyInput(pred, { bound: 'hoeffding', protocol: 'efficient' }));
    const sym = finiteKey(toFiniteKeyInput(pred, { bound: 'hoeffding', protocol: 'symmetric' }));
    expect(sym.keyBases).toEqual(['X', 'Z']);
    expect(sym.phiZ).toBeDefined();
    // Unbiased bases: both halves are alike, so the symmetric key is about twice the efficient one
    // (a little less: each half is analysed at ε_sec/2).
    expect(sym.keyLengthBits / eff.keyLengthBits).toBeGreaterThan(1.9);
    expect(sym.keyLengthBits / eff.keyLengthBits).toBeLessThan(2.0);
  });
  it('γ vanishes for b ∉ (0,1) and is finite otherwise (Lim Eq. 5)', () => {
    expect(gammaLim(1e-9, 0, 1e5, 1e5)).toBe(0);
    expect(gammaLim(1e-9, 0.02, 1e5, 1e5)).toBeGreaterThan(0);
    expect(Number.isFinite(gammaLim(1e-9, 0.5, 1, 1))).toBe(true);
  });
  it('τ_n sums the Poisson weights (Lim after Eq. 2)', () => {
    expect(tau(0, [0.8, 0.1, 0], [0.5, 0.25, 0.25])).toBeCloseTo(0.5 * Math.exp(-0.8) + 0.25 * Math.exp(-0.1) + 0.25, 12);
    expect(tau(2, [1, 0.5, 0], [1, 0, 0] as unknown as [number, number, number])).toBeCloseTo(Math.exp(-1) / 2, 12);
  });
});

describe('finiteKey: invalid input is rejected with the field named', () => {
  const good = refInput(30, 'hoeffding');
  const withCount = (b: 'X' | 'Z', k: number, patch: object): FiniteKeyInput => ({
    ...good,
    counts: { ...good.counts, [b]: good.counts[b].map((c, i) => (i === k ? { ...c, ...patch } : c)) },
  });
  const cases: [string, FiniteKeyInput, string][] = [
    ['negative detections', withCount('X', 0, { detected: -1 }), 'counts.X[0].detected'],
    ['negative errors', withCount('Z', 2, { errors: -3 }), 'counts.Z[2].errors'],
    ['errors above detections', withCount('Z', 1, { errors: 1e12 }), 'counts.Z[1].errors'],
    ['NaN', withCount('X', 1, { detected: NaN }), 'counts.X[1].detected'],
    ['ε_sec = 0', { ...good, epsSec: 0 }, 'epsSec'],
    ['ε_sec = 1', { ...good, epsSec: 1 }, 'epsSec'],
    ['ε_cor > 1', { ...good, epsCor: 2 }, 'epsCor'],
    ['μ1 ≤ μ2 + μ3', { ...good, intensities: [0.1, 0.08, 0.03] }, 'intensities'],
    ['μ2 ≤ μ3', { ...good, intensities: [0.8, 0.1, 0.1] }, 'intensities'],
    ['p sum', { ...good, probabilities: [0.5, 0.3, 0.3] }, 'probabilities'],
    ['p = 0', { ...good, probabilities: [0.75, 0.25, 0] }, 'probabilities[2]'],
    ['fEC < 1', { ...good, fEC: 0.9 }, 'fEC'],
    ['negative leakage', { ...good, leakageBits: -5 }, 'leakageBits'],
    ['bad bound', { ...good, bound: 'gaussian' as Bound }, 'bound'],
    ['no-decoy without sent', withCount('X', 0, { sent: undefined }), 'counts.X[0].sent'],
  ];
  for (const [name, input, field] of cases) {
    it(name, () => {
      const run = () => finiteKey(name === 'no-decoy without sent' ? { ...input, bound: 'no-decoy' } : input);
      expect(run).toThrow(InputError);
      try {
        run();
      } catch (e) {
        expect((e as InputError).field).toBe(field);
      }
    });
  }
});

describe('finiteKey: m_Z = 0 keeps a finite-size phase-error margin (issue 21)', () => {
  for (const bound of ['chernoff', 'hoeffding'] as const) {
    it(`${bound}: φ_X > 0 and equals the zero-error sampling bound ln(1/ε)/(s_X1·ln(1 + s_Z1/s_X1))`, () => {
      const base = refInput(30, bound);
      const input: FiniteKeyInput = { ...base, counts: { X: base.counts.X, Z: base.counts.Z.map((c) => ({ ...c, errors: 0 })) } };
      const r = finiteKey(input);
      expect(r.mZ).toBe(0);
      expect(r.vZ1).toBe(0);
      expect(r.phiX).toBeGreaterThan(0);
      // independent evaluation of the hypergeometric tail bound (ε_sec = 1e-9, efficient protocol)
      const expected = Math.log(1 / 1e-9) / (r.sX1 * Math.log(1 + r.sZ1 / r.sX1));
      expect(r.phiX).toBeCloseTo(expected, 12);
      expect(r.phiX).toBeGreaterThanOrEqual(Math.log(1 / 1e-9) / r.sZ1); // at least ln(1/ε)/s_Z1, not 0
    });
  }
});
