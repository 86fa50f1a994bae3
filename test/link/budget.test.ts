import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etaToLossDb } from '../../src/core/units.js';
import { linkAt, linkBudget, linkModel } from '../../src/link/budget.js';
import { MICIUS_TRANSMITTER as TX, XINGLONG_RECEIVER as RX } from '../../src/link/hardware.js';
import { elevationFromRangeDeg, slantRangeKm, syntheticPass } from '../../src/link/synthetic.js';
import { MAX_LOSS_DB } from '../../src/link/types.js';
import { atmosphereTransmittance } from '../../src/link/atmosphere.js';
import { fieldStopEfficiency, friedParameterM, seeingFwhmUrad } from '../../src/link/turbulence.js';
import { diffractionEfficiency } from '../../src/link/diffraction.js';

describe('synthetic circular-orbit geometry', () => {
  it('slant range for h = 500 km matches algorithms.md §5.1 (500/570/683/909/1193/1407/1695 km)', () => {
    const table: [number, number][] = [[90, 500], [60, 570], [45, 683], [30, 909], [20, 1193], [15, 1407], [10, 1695]];
    for (const [e, L] of table) expect(slantRangeKm(e, 500)).toBeCloseTo(L, -1);
    expect(elevationFromRangeDeg(slantRangeKm(23.4, 493), 493)).toBeCloseTo(23.4, 9);
  });

  it('an overhead 500 km pass above 10° lasts ≈ 443 s (algorithms.md §5.1)', () => {
    const p = syntheticPass({ altitudeKm: 500, maxElevationDeg: 90, minElevationDeg: 10, stepS: 1 });
    expect(p.summary.durationS).toBeGreaterThan(435);
    expect(p.summary.durationS).toBeLessThan(450);
  });
});

describe('linkBudget', () => {
  const geometry = syntheticPass({ altitudeKm: 493, maxElevationDeg: 47.8, minElevationDeg: 10, stepS: 2 });
  const b = linkBudget(geometry, TX, RX);

  it('one sample per geometry slot, t from the pass start, etaTotal the product of the terms', () => {
    expect(b.samples).toHaveLength(geometry.samples.length);
    expect(b.samples[0].t).toBe(0);
    expect(b.samples[1].t).toBe(2);
    for (const s of b.samples) {
      const prod = s.etaDiffraction * s.etaAtmosphere * s.etaTurbulence * s.etaPointing * s.etaReceiver * s.etaDetector;
      expect(s.etaTotal).toBeCloseTo(prod, 15);
      expect(s.lossTotalDb).toBeCloseTo(etaToLossDb(prod), 9);
      for (const eta of [s.etaDiffraction, s.etaAtmosphere, s.etaTurbulence, s.etaPointing, s.etaReceiver, s.etaDetector, s.etaTotal]) {
        expect(eta).toBeGreaterThanOrEqual(0);
        expect(eta).toBeLessThanOrEqual(1);
      }
      expect(s.backgroundHz).toBeGreaterThanOrEqual(RX.darkCountHz);
    }
    expect(b.pointing.halfAngleUrad).toEqual({ x: 4.5, y: 5.5 });
    expect(b.fading.correlationTimeS).toBeCloseTo(RX.scintillationCorrelationTimeMs / 1e3, 12);
  });

  it('receiver optics and detector add 10.97 dB (0.16 × 0.5)', () => {
    const s = b.samples[0];
    expect(etaToLossDb(s.etaReceiver * s.etaDetector)).toBeCloseTo(10.97, 2);
  });

  it('loss is lowest at closest approach and symmetric about it', () => {
    const i = b.samples.reduce((best, s, k) => (s.lossTotalDb < b.samples[best].lossTotalDb ? k : best), 0);
    const minRange = Math.min(...b.samples.map((s) => s.rangeKm));
    expect(b.samples[i].rangeKm).toBeCloseTo(minRange, 0);
    expect(b.samples[0].lossTotalDb).toBeCloseTo(b.samples[b.samples.length - 1].lossTotalDb, 0); // ends differ by < 1 slot
  });

  it('below the horizon: no light, loss capped', () => {
    const s = linkAt(3000, -2, TX, RX);
    expect(s.etaTotal).toBe(0);
    expect(s.lossTotalDb).toBe(MAX_LOSS_DB);
  });

  it('options: sky radiance, extra background, zenith transmittance', () => {
    const dark = linkAt(800, 35, TX, RX);
    const moon = linkAt(800, 35, TX, RX, { skyRadianceWPerM2SrNm: 1.5e-6, extraBackgroundHz: 10 });
    expect(moon.backgroundHz).toBeGreaterThan(dark.backgroundHz + 10);
    const clear = linkAt(800, 35, TX, RX, { zenithTransmittance: 0.895 });
    expect(clear.etaAtmosphere).toBeGreaterThan(dark.etaAtmosphere);
  });

  it('property: along any circular-orbit pass, loss grows with range; all transmittances in [0,1]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 400, max: 1200, noNaN: true }),
        fc.double({ min: 0.5, max: 89.5, noNaN: true }),
        fc.double({ min: 0.5, max: 89.5, noNaN: true }),
        (h, e1, e2) => {
          const [lo, hi] = e1 < e2 ? [e1, e2] : [e2, e1];
          const far = linkAt(slantRangeKm(lo, h), lo, TX, RX);
          const near = linkAt(slantRangeKm(hi, h), hi, TX, RX);
          const in01 = [far, near].every((s) => s.etaTotal >= 0 && s.etaTotal <= 1);
          return in01 && far.lossTotalDb >= near.lossTotalDb - 1e-9;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('linkModel', () => {
  it('etaTotal and backgroundHz are linkAt\'s to the last bit (random ranges, elevations, azimuths, a city)', () => {
    const city = { name: 'c', azimuthDeg: 241, backgroundHzAt20Deg: 300 };
    fc.assert(
      fc.property(fc.double({ min: 300, max: 3000, noNaN: true }), fc.double({ min: -5, max: 90, noNaN: true }), fc.double({ min: 0, max: 360, maxExcluded: true, noNaN: true }), fc.boolean(), (rangeKm, el, az, withCity) => {
        const rx = withCity ? { ...RX, cityLight: city } : RX;
        const ref = linkAt(rangeKm, el, TX, rx, {}, az);
        const m = linkModel(TX, rx);
        expect(m.sample(rangeKm, el, az)).toEqual(ref);
        expect(Object.is(m.etaTotal(rangeKm, el), ref.etaTotal)).toBe(true);
        expect(Object.is(m.backgroundHz(el, az), ref.backgroundHz)).toBe(true);
        const diffraction = diffractionEfficiency({ rangeKm, divergenceUrad: TX.divergenceUrad, profile: TX.farFieldProfile, receiverApertureM: rx.apertureM, receiverObscurationM: rx.obscurationM, transmitterEfficiency: TX.opticsEfficiency });
        expect(Object.is(ref.etaDiffraction, diffraction)).toBe(true);
        const eta = new Float64Array(2);
        const bg = new Float64Array(2);
        m.slots(2, [rangeKm, rangeKm * 1.5], [el, el / 2], [az, 360 - az], eta, bg);
        expect([eta[0], bg[0], eta[1], bg[1]]).toEqual([ref.etaTotal, ref.backgroundHz, m.etaTotal(rangeKm * 1.5, el / 2), m.backgroundHz(el / 2, 360 - az)]);
      }),
      { seed: 16016, numRuns: 300 },
    );
  });

  it('η_atm and η_turb are atmosphereTransmittance and fieldStopEfficiency(seeing(friedParameterM)) to the last bit, either airmass law', () => {
    fc.assert(
      fc.property(fc.double({ min: 300, max: 3000, noNaN: true }), fc.double({ min: -5, max: 90, noNaN: true }), fc.constantFrom('kasten-young' as const, 'secant' as const), (rangeKm, el, law) => {
        const s = linkModel(TX, RX, { airmassLaw: law }).sample(rangeKm, el);
        const atm = atmosphereTransmittance(el, RX.zenithTransmittance, law);
        const turb = el > 0 ? fieldStopEfficiency(RX.fieldOfViewUrad, seeingFwhmUrad(friedParameterM(RX.friedParameterZenithCm, TX.wavelengthNm, el), TX.wavelengthNm), TX.wavelengthNm, RX.apertureM) : 0;
        expect(Object.is(s.etaAtmosphere, atm)).toBe(true);
        expect(Object.is(s.etaTurbulence, turb)).toBe(true);
        expect(Object.is(s.etaTotal, s.etaDiffraction * atm * turb * s.etaPointing * s.etaReceiver * s.etaDetector)).toBe(true);
      }),
      { seed: 16017, numRuns: 300 },
    );
  });
});
