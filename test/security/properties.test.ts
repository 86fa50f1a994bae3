import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { constantLossSamples, finiteKey, predictCounts, toFiniteKeyInput } from '../../src/security/index.js';
import type { Bound, FiniteKeyInput, FiniteKeyResult, PredictParams, Protocol } from '../../src/security/index.js';

const settings = fc.record({
  mu1: fc.double({ min: 0.3, max: 1.0, noNaN: true }),
  mu2: fc.double({ min: 0.03, max: 0.25, noNaN: true }),
  mu3: fc.constantFrom(0, 2e-4, 0.01),
  p1: fc.double({ min: 0.3, max: 0.8, noNaN: true }),
  p2share: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
  probX: fc.double({ min: 0.2, max: 0.9, noNaN: true }),
  lossDb: fc.double({ min: 20, max: 45, noNaN: true }),
  durationS: fc.double({ min: 5, max: 2000, noNaN: true }),
  protocol: fc.constantFrom<Protocol>('efficient', 'symmetric'),
});

type S = typeof settings extends fc.Arbitrary<infer T> ? T : never;

function params(s: S): PredictParams {
  const p2 = (1 - s.p1) * s.p2share;
  return {
    intensities: [s.mu1, s.mu2, s.mu3],
    probabilities: [s.p1, p2, 1 - s.p1 - p2],
    probX: s.probX,
    repetitionRateHz: 1e8,
    darkCountProbability: 1e-6,
    misalignment: 0.01,
  };
}

function input(s: S, bound: Bound, scale = 1): FiniteKeyInput {
  const pred = predictCounts(constantLossSamples(s.lossDb, s.durationS * scale), params(s));
  return toFiniteKeyInput(pred, { bound, protocol: s.protocol });
}

function sane(r: FiniteKeyResult): void {
  for (const [k, v] of Object.entries(r)) if (typeof v === 'number') expect(Number.isNaN(v), k).toBe(false);
  expect(Number.isInteger(r.keyLengthBits)).toBe(true);
  expect(r.keyLengthBits).toBeGreaterThanOrEqual(0);
  expect(r.phiX).toBeGreaterThanOrEqual(0);
  expect(r.phiX).toBeLessThanOrEqual(0.5);
  expect(r.sX0).toBeGreaterThanOrEqual(0);
  expect(r.sX1).toBeGreaterThanOrEqual(0);
  expect(r.vZ1).toBeGreaterThanOrEqual(0);
  expect(r.vZ1).toBeLessThanOrEqual(r.mZ);
  expect(r.keyLengthBits === 0).toBe(r.reason !== undefined);
}

describe('finiteKey properties', () => {
  it('ℓ never exceeds the asymptotic value', () => {
    fc.assert(
      fc.property(settings, fc.constantFrom<Bound>('hoeffding', 'chernoff'), (s, bound) => {
        const fin = finiteKey(input(s, bound));
        const asy = finiteKey(input(s, 'asymptotic'));
        expect(fin.keyLengthRawBits).toBeLessThanOrEqual(asy.keyLengthRawBits + 1e-6);
        expect(fin.keyLengthBits).toBeLessThanOrEqual(asy.keyLengthBits);
      }),
      { numRuns: 150 },
    );
  });

  it('ℓ grows with block size (more pulses of the same channel)', () => {
    fc.assert(
      fc.property(settings, fc.constantFrom<Bound>('hoeffding', 'chernoff', 'asymptotic'), fc.double({ min: 1, max: 50, noNaN: true }), (s, bound, c) => {
        const small = finiteKey(input(s, bound));
        const large = finiteKey(input(s, bound, c));
        expect(large.keyLengthBits).toBeGreaterThanOrEqual(small.keyLengthBits);
      }),
      { numRuns: 150 },
    );
  });

  it('Chernoff ≥ Hoeffding when the decoy counts are small (≤ 1/8 of the basis total)', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const inp = input(s, 'hoeffding');
        const nX = inp.counts.X.reduce((a, c) => a + c.detected, 0);
        const nZ = inp.counts.Z.reduce((a, c) => a + c.detected, 0);
        fc.pre(inp.counts.X[1].detected <= nX / 8 && inp.counts.Z[1].detected <= nZ / 8);
        const h = finiteKey(inp);
        const c = finiteKey({ ...inp, bound: 'chernoff' });
        expect(c.keyLengthBits).toBeGreaterThanOrEqual(h.keyLengthBits);
        expect(c.sX1).toBeGreaterThanOrEqual(h.sX1);
      }),
      { numRuns: 150 },
    );
  });

  it('clamps behave on arbitrary counts: no NaN, no negative lengths, reason iff ℓ = 0', () => {
    const count = fc
      .tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([d, f]) => ({ detected: d, errors: Math.floor(d * f * 0.6) }));
    const triple = fc.tuple(count, count, count);
    fc.assert(
      fc.property(
        triple,
        triple,
        fc.constantFrom<Bound>('hoeffding', 'chernoff', 'asymptotic'),
        fc.constantFrom<Protocol>('efficient', 'symmetric'),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        (X, Z, bound, protocol, leakageBits) => {
          const r = finiteKey({
            intensities: [0.8, 0.1, 0],
            probabilities: [0.5, 0.25, 0.25],
            counts: { X, Z },
            bound,
            protocol,
            ...(leakageBits !== undefined ? { leakageBits } : {}),
          });
          sane(r);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('zero counts give ℓ = 0 with a reason', () => {
    const zero = [0, 1, 2].map(() => ({ detected: 0, errors: 0 }));
    const r = finiteKey({ intensities: [0.8, 0.1, 0], probabilities: [0.5, 0.25, 0.25], counts: { X: zero, Z: zero }, bound: 'hoeffding', protocol: 'symmetric' });
    expect(r.keyLengthBits).toBe(0);
    expect(r.reason).toMatch(/s_X1 is 0/);
    sane(r);
  });
});
