import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etaToLossDb } from '../../src/core/units.js';
import { collectedFraction, diffractionEfficiency, diffractionEfficiencyOfRange, gaussianApertureFraction, spotRadiusM } from '../../src/link/diffraction.js';

describe('Gaussian aperture integral', () => {
  it('1 − exp(−2a²/w²) for a full aperture, and its small-aperture limit 2a²/w²', () => {
    expect(gaussianApertureFraction(1, 0, 1)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(gaussianApertureFraction(0.5, 0, 6)).toBeCloseTo(1 - Math.exp((-2 * 0.25) / 36), 14);
    expect(Math.abs(gaussianApertureFraction(0.5, 0, 6) / ((2 * 0.25) / 36) - 1)).toBeLessThan(0.01);
    expect(gaussianApertureFraction(10, 0, 1)).toBeCloseTo(1, 12);
  });

  it('numerical integration matches the closed forms (annulus, ellipse, offset)', () => {
    // circular with offset: via the elliptical path (wx ≠ wy by 1e-9) vs closed form at zero offset
    const round = collectedFraction('gaussian', { radiusXM: 2, radiusYM: 2 * (1 + 1e-9) }, 1.0, 0.3);
    expect(round).toBeCloseTo(gaussianApertureFraction(0.5, 0.15, 2), 4);
    // elliptical, small aperture: ≈ 2(a² − b²)/(wx·wy)
    const ell = collectedFraction('gaussian', { radiusXM: 5.4, radiusYM: 6.6 }, 1.0, 0.3);
    expect(Math.abs(ell / ((2 * (0.25 - 0.0225)) / (5.4 * 6.6)) - 1)).toBeLessThan(0.01);
    // offset by d in x: small-aperture intensity exp(−2d²/wx²)
    const off = collectedFraction('gaussian', { radiusXM: 5.4, radiusYM: 6.6 }, 1.0, 0, 2.7, 0);
    const on = collectedFraction('gaussian', { radiusXM: 5.4, radiusYM: 6.6 }, 1.0, 0);
    expect(off / on).toBeCloseTo(Math.exp(-2 * 0.25), 2);
    // flat-top: area ratio (a² − b²)/(wx·wy), and the numerical path near the edge stays ≤ 1
    expect(collectedFraction('flat-top', { radiusXM: 5.4, radiusYM: 6.6 }, 1.0, 0.3)).toBeCloseTo(0.2275 / (5.4 * 6.6), 10);
    const inside = collectedFraction('flat-top', { radiusXM: 0.3, radiusYM: 0.4 }, 1.0, 0);
    expect(inside).toBeGreaterThan(0.98);
    expect(inside).toBeLessThanOrEqual(1);
  });

  it('spot radius: w = L·θ_full/2', () => {
    expect(spotRadiusM(1200, 10)).toBeCloseTo(6, 12);
  });
});

describe('Micius diffraction loss (Liao 2017: 22 dB at 1,200 km)', () => {
  const micius = (rangeKm: number, profile: 'gaussian' | 'flat-top' = 'flat-top') =>
    diffractionEfficiency({
      rangeKm,
      divergenceUrad: { x: 9, y: 11 },
      profile,
      receiverApertureM: 1,
      receiverObscurationM: 0.3,
      transmitterEfficiency: 1,
    });

  it('22 ± 1 dB at 1,200 km with the measured 9 × 11 µrad beam', () => {
    const db = etaToLossDb(micius(1200));
    expect(db).toBeGreaterThan(21);
    expect(db).toBeLessThan(23);
  });

  it('scales as 20·log10 of range (far field): 5.4 dB between 645 and 1,200 km', () => {
    expect(etaToLossDb(micius(1200)) - etaToLossDb(micius(645))).toBeCloseTo(20 * Math.log10(1200 / 645), 6);
  });

  it('a Gaussian far field of the same 1/e² width collects 3 dB more on axis (peak 2P/πw²)', () => {
    expect(etaToLossDb(micius(1200)) - etaToLossDb(micius(1200, 'gaussian'))).toBeCloseTo(10 * Math.log10(2), 1);
  });

  // In the far field with a spot wider than the aperture (a beam narrower than the central
  // obscuration would, correctly, gain with range).
  it('property: transmittance in [0,1] and loss grows with range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 300, max: 3000, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 5, max: 50, noNaN: true }),
        fc.constantFrom<'gaussian' | 'flat-top'>('gaussian', 'flat-top'),
        (r, dr, div, profile) => {
          const p = { divergenceUrad: { x: div, y: div * 1.2 }, profile, receiverApertureM: 1, receiverObscurationM: 0.3, transmitterEfficiency: 0.9 };
          const near = diffractionEfficiency({ ...p, rangeKm: r });
          const far = diffractionEfficiency({ ...p, rangeKm: r + dr });
          return near >= 0 && near <= 1 && far >= 0 && far <= near * (1 + 1e-3);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('diffractionEfficiencyOfRange', () => {
  it('is diffractionEfficiency to the last bit: flat-top and Gaussian, round and elliptical, spots wider and narrower than the aperture', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('flat-top' as const, 'gaussian' as const),
        fc.double({ min: 1, max: 3000, noNaN: true }),
        fc.double({ min: 2, max: 30, noNaN: true }),
        fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 2, noNaN: true })),
        fc.double({ min: 0.2, max: 1.8, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (profile, rangeKm, divergenceXUrad, ellipticity, apertureM, obscurationShare) => {
          const params = {
            divergenceUrad: { x: divergenceXUrad, y: ellipticity === 0 ? divergenceXUrad : divergenceXUrad * ellipticity },
            profile,
            receiverApertureM: apertureM,
            receiverObscurationM: apertureM * obscurationShare,
            transmitterEfficiency: 0.83,
          };
          const got = diffractionEfficiencyOfRange(params)(rangeKm);
          expect(Object.is(got, diffractionEfficiency({ ...params, rangeKm }))).toBe(true);
        },
      ),
      { seed: 30016, numRuns: 400 },
    );
    // the flat-top's exact area ratio and its numerical integral (spot narrower than the aperture) both reached
    const near = { divergenceUrad: { x: 9, y: 11 }, profile: 'flat-top' as const, receiverApertureM: 1, receiverObscurationM: 0.2, transmitterEfficiency: 1 };
    expect(diffractionEfficiencyOfRange(near)(50)).toBe(diffractionEfficiency({ ...near, rangeKm: 50 }));
    expect(diffractionEfficiencyOfRange(near)(50)).toBeLessThan(1);
    expect(diffractionEfficiencyOfRange(near)(1000)).toBe((0.25 - 0.01) / (spotRadiusM(1000, 9) * spotRadiusM(1000, 11)));
  });
});
