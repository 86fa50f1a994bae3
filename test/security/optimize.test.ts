import { describe, expect, it } from 'vitest';
import { MICIUS_SOURCE, constantLossSamples, decodeSettings, encodeSettings, nelderMead, optimiseSettings } from '../../src/security/index.js';

describe('Nelder–Mead', () => {
  it('minimises the Rosenbrock function', () => {
    const r = nelderMead(([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-1.2, 1], { maxEvaluations: 2000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });
});

describe('settings reparametrisation', () => {
  it('always decodes to valid settings and round-trips', () => {
    const space = { mu3: 0 };
    for (const z of [[-50, -50, -50, 50, 0], [50, 50, 50, -50, 50], [0, 0, 0, 0, 0]]) {
      const s = decodeSettings(z, space, 0.5);
      const [m1, m2, m3] = s.intensities;
      expect(m1).toBeGreaterThan(m2 + m3);
      expect(m2).toBeGreaterThan(m3);
      expect(s.probabilities.every((p) => p > 0)).toBe(true);
      expect(s.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    const s = { intensities: [0.8, 0.1, 0] as const, probabilities: [0.5, 0.25, 0.25] as const, probX: 0.5 };
    const back = decodeSettings(encodeSettings(s, { mu3: 0 }), { mu3: 0 }, 0.5);
    back.intensities.forEach((m, k) => expect(m).toBeCloseTo(s.intensities[k], 6));
    back.probabilities.forEach((p, k) => expect(p).toBeCloseTo(s.probabilities[k], 6));
    expect(back.probX).toBeCloseTo(0.5, 6);
  });
});

describe('optimiseSettings (Micius source, constant 35 dB, 273 s)', () => {
  it('beats the Micius settings and is deterministic', () => {
    const samples = constantLossSamples(35, 273);
    const a = optimiseSettings(samples, MICIUS_SOURCE, { bound: 'hoeffding', protocol: 'symmetric' }, { restarts: 2 });
    expect(a.result.keyLengthBits).toBeGreaterThanOrEqual(a.baseline.keyLengthBits);
    expect(a.gain).toBeGreaterThan(1.2);
    expect(a.settings.intensities[2]).toBe(0);
    const b = optimiseSettings(samples, MICIUS_SOURCE, { bound: 'hoeffding', protocol: 'symmetric' }, { restarts: 2 });
    expect(b.result.keyLengthBits).toBe(a.result.keyLengthBits);
  });
  it('keeps the basis unbiased when asked', () => {
    const r = optimiseSettings(constantLossSamples(35, 273), MICIUS_SOURCE, { bound: 'chernoff', protocol: 'symmetric' }, { restarts: 1, space: { optimiseBasis: false } });
    expect(r.settings.probX).toBe(0.5);
    expect(r.result.keyLengthBits).toBeGreaterThanOrEqual(r.baseline.keyLengthBits);
  });
});
