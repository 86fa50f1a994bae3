import { describe, expect, it } from 'vitest';
import {
  MAX_SCINTILLATION_INDEX,
  drawFading,
  fieldStopEfficiency,
  friedParameterM,
  scintillationIndex,
  seeingFwhmUrad,
} from '../../src/link/turbulence.js';
import { mean, mulberry32, variance } from './rng.js';

describe('seeing', () => {
  it('r0 ∝ λ^{6/5} (cos ζ)^{3/5} (Fried 1966)', () => {
    expect(friedParameterM(5, 500, 90)).toBeCloseTo(0.05, 4);
    expect(friedParameterM(5, 1000, 90) / friedParameterM(5, 500, 90)).toBeCloseTo(2 ** 1.2, 3);
    expect(friedParameterM(5, 500, 30) / friedParameterM(5, 500, 90)).toBeCloseTo(0.5 ** 0.6, 2);
  });

  it('FWHM = 0.98 λ/r0: 1″ (4.85 µrad) seeing ⇔ r0 = 10.1 cm at 500 nm', () => {
    expect(seeingFwhmUrad(0.101, 500)).toBeCloseTo(4.85, 2);
  });

  it('field-stop efficiency: 1/2 when the stop equals the FWHM; → 1 for a wide stop; in (0,1)', () => {
    expect(fieldStopEfficiency(10, 10, 1e-6, 1)).toBeCloseTo(0.5, 6);
    expect(fieldStopEfficiency(1000, 10, 850, 1)).toBeCloseTo(1, 9);
    const e = fieldStopEfficiency(15, 17, 848.6, 1);
    expect(e).toBeGreaterThan(0);
    expect(e).toBeLessThan(1);
  });
});

describe('scintillation', () => {
  it('σ_I² ∝ sec^{11/6} ζ and is capped', () => {
    expect(scintillationIndex(0.02, 90)).toBeCloseTo(0.02, 4);
    expect(scintillationIndex(0.02, 30) / 0.02).toBeCloseTo(2 ** (11 / 6), 1);
    expect(scintillationIndex(0.5, 3)).toBe(MAX_SCINTILLATION_INDEX);
  });

  it('drawFading: unit mean, variance σ_I², lag-1 correlation exp(−dt/τ) in log space', () => {
    const n = 200_000;
    const dt = 0.001;
    const tau = 0.01;
    const f = drawFading({ scintillationIndex: 0.2, correlationTimeS: tau }, n, dt, mulberry32(7));
    expect(f.length).toBe(n);
    expect(Math.min(...f.subarray(0, 1000))).toBeGreaterThan(0);
    // effective sample size ≈ n(1−ρ)/(1+ρ) ≈ 10⁴ → standard error of the mean ≈ 0.005
    expect(mean(f)).toBeCloseTo(1, 1);
    expect(Math.abs(mean(f) - 1)).toBeLessThan(0.03);
    expect(variance(f)).toBeGreaterThan(0.15);
    expect(variance(f)).toBeLessThan(0.25);
    const l = Array.from(f, Math.log);
    const m = mean(l);
    let c0 = 0;
    let c1 = 0;
    for (let i = 0; i < n; i++) c0 += (l[i] - m) ** 2;
    for (let i = 1; i < n; i++) c1 += (l[i] - m) * (l[i - 1] - m);
    expect(c1 / c0).toBeCloseTo(Math.exp(-dt / tau), 2);
  });

  it('zero index gives no fading', () => {
    const f = drawFading({ scintillationIndex: 0, correlationTimeS: 0.01 }, 100, 0.001, mulberry32(1));
    expect(Array.from(f).every((x) => x === 1)).toBe(true);
  });
});
