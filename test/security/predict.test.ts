import { describe, expect, it } from 'vitest';
import { MICIUS_SOURCE, constantLossSamples, predictCounts, slotProbabilities } from '../../src/security/index.js';
import { InputError } from '../../src/core/errors.js';

describe('predictCounts (SatQuMA / Lim Sec. IV expected counts)', () => {
  it('constant 30 dB, 273 s at 100 MHz: n_X = 2.914e6 as in algorithms.md §1.7', () => {
    const p = predictCounts(constantLossSamples(30, 273), {
      intensities: [0.8, 0.1, 2e-4], probabilities: [0.5, 0.25, 0.25], probX: 0.5, repetitionRateHz: 1e8, darkCountProbability: 1e-6, misalignment: 0.01,
    });
    expect(p.pulses).toBeCloseTo(2.73e10, -3);
    const nX = p.counts.X.reduce((a, c) => a + c.detected, 0);
    expect(nX / 2.914e6).toBeCloseTo(1, 3);
  });
  it('sums slots; slot length from timeMs spacing', () => {
    const s = [0, 1, 2].map((i) => ({ etaTotal: 1e-3, timeMs: i * 1000 }));
    const a = predictCounts(s, MICIUS_SOURCE);
    const b = predictCounts([{ etaTotal: 1e-3, durationS: 3 }], MICIUS_SOURCE);
    expect(a.pulses).toBe(3e8);
    expect(a.counts.Z[1].detected).toBeCloseTo(b.counts.Z[1].detected, 6);
  });
  it('background raises errors by half its clicks; contrast 280:1 gives e_mis ≈ 0.36 %', () => {
    const { detect, error } = slotProbabilities(1e-3, 0.8, 0, 1 / 281, 0);
    expect(error / detect).toBeCloseTo(0.00356, 5);
    const quiet = predictCounts([{ etaTotal: 1e-4, durationS: 1 }], MICIUS_SOURCE);
    const noisy = predictCounts([{ etaTotal: 1e-4, durationS: 1, backgroundHz: 5000 }], MICIUS_SOURCE);
    expect(noisy.counts.X[0].errors).toBeGreaterThan(quiet.counts.X[0].errors);
  });
  it('rejects bad samples', () => {
    expect(() => predictCounts([], MICIUS_SOURCE)).toThrow(InputError);
    expect(() => predictCounts([{ etaTotal: 2 }], MICIUS_SOURCE)).toThrow(/samples\[0\].etaTotal/);
    expect(() => constantLossSamples(-1, 10)).toThrow(/lossDb/);
  });
});

describe('passive receiver noise', () => {
  it('each basis pair sees 2·p_dc of noise per pulse whatever the splitter ratio (four armed detectors)', () => {
    const base = { intensities: [0.8, 0.1, 0] as [number, number, number], probabilities: [0.5, 0.25, 0.25] as [number, number, number], probX: 0.5, repetitionRateHz: 1e8, darkCountProbability: 1e-6, misalignment: 0, afterpulseProbability: 0 };
    const dark = [{ etaTotal: 0, backgroundHz: 0, durationS: 1 }];
    const active = predictCounts(dark, base);
    const passive = predictCounts(dark, { ...base, passiveReceiver: true });
    const sentX = 1e8 * 0.5 * 0.5; // signal class, X basis
    // active choice (Lim 2014): bobProb·(1 − (1 − 2p)) = p per pulse; passive: 2p per pulse
    expect(active.counts.X[0].detected / sentX).toBeCloseTo(1e-6, 12);
    expect(passive.counts.X[0].detected / sentX).toBeCloseTo(2e-6, 12);
    // half of the noise clicks are errors
    expect(passive.counts.X[0].errors / passive.counts.X[0].detected).toBeCloseTo(0.5, 6);
  });
});
