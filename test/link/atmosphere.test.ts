import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { airmassKastenYoung, airmassSecant, atmosphereTransmittance, clearSkyZenithTransmittance } from '../../src/link/atmosphere.js';

describe('airmass', () => {
  it('Kasten–Young (1989): 1 at zenith, ≈ sec ζ at high elevation, ≈ 38 at the horizon', () => {
    expect(airmassKastenYoung(90)).toBeCloseTo(1, 3);
    expect(airmassKastenYoung(30)).toBeCloseTo(1.995, 2); // KY table, ζ = 60°
    expect(airmassKastenYoung(10)).toBeCloseTo(5.6, 1); // KY table, ζ = 80°: 5.60
    expect(airmassKastenYoung(5)).toBeCloseTo(10.3, 0); // KY table, ζ = 85°: 10.3
    expect(airmassKastenYoung(0)).toBeGreaterThan(37.5);
    expect(airmassKastenYoung(0)).toBeLessThan(38.2); // KY 1989: 38.09 from their integral
    for (const e of [20, 30, 45, 60, 80]) {
      expect(Math.abs(airmassKastenYoung(e) / airmassSecant(e) - 1)).toBeLessThan(0.01);
    }
  });

  it('MODTRAN (SatQuMA table, 850 nm): T_z = 0.895 → 0.802 / 0.726 / 0.539 / 0.310 at 30 / 20 / 10 / 5°', () => {
    expect(atmosphereTransmittance(90, 0.895)).toBeCloseTo(0.895, 3);
    expect(atmosphereTransmittance(30, 0.895)).toBeCloseTo(0.802, 2);
    expect(atmosphereTransmittance(20, 0.895)).toBeCloseTo(0.725, 2);
    expect(atmosphereTransmittance(10, 0.895)).toBeCloseTo(0.538, 2);
    expect(Math.abs(atmosphereTransmittance(5, 0.895) - 0.31)).toBeLessThan(0.01);
  });

  it('property: in [0,1], increasing with elevation, 0 below the horizon', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 90, noNaN: true }), fc.double({ min: 0.01, max: 90, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), (a, b, tz) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const tLo = atmosphereTransmittance(lo, tz);
        const tHi = atmosphereTransmittance(hi, tz);
        return tLo >= 0 && tHi <= 1 && tLo <= tHi + 1e-12;
      }),
    );
    expect(atmosphereTransmittance(-1, 0.9)).toBe(0);
  });
});

describe('clear-sky zenith transmittance vs wavelength (MODTRAN via SatQuMA)', () => {
  it('tabulated points and interpolation', () => {
    expect(clearSkyZenithTransmittance(850)).toBe(0.895);
    expect(clearSkyZenithTransmittance(785)).toBe(0.876);
    expect(clearSkyZenithTransmittance(820)).toBe(0.718);
    expect(clearSkyZenithTransmittance(815)).toBeCloseTo(0.766, 3);
    expect(clearSkyZenithTransmittance(900)).toBe(0.895);
  });
});
