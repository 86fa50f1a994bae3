/**
 * Acceptance of the Micius preset against Liao et al., Nature 549, 43 (2017): the printed budget at
 * 1,200 km (22 dB diffraction, 3–8 dB atmosphere + turbulence, < 3 dB pointing) and the end-to-end
 * losses implied by the measured sifted rates (~12 kbit/s at 645 km, ~1 kbit/s at 1,200 km).
 * Geometry: the reference orbit's altitude at TCA (493 km, from the 2016-12-18 TLE) in the
 * circular-orbit slant-range formula: 1,200 km ↔ 19.3°, 645 km ↔ 47.9° (SGP4 gives 19.2–19.6° / 47.8°).
 */
import { describe, expect, it } from 'vitest';
import { etaToLossDb } from '../../src/core/units.js';
import { linkAt, linkBudget } from '../../src/link/budget.js';
import { etaFromSiftedRate, impliedLossAnchors, siftedRateHz } from '../../src/link/calibration.js';
import { MICIUS_TRANSMITTER as TX, XINGLONG_RECEIVER as RX } from '../../src/link/hardware.js';
import { elevationFromRangeDeg } from '../../src/link/synthetic.js';
import { getStation, MICIUS } from '../../src/mission/index.js';
import { passGeometry, resolvePass } from '../../src/orbit/index.js';

const H_KM = 493;
const at = (rangeKm: number) => linkAt(rangeKm, elevationFromRangeDeg(rangeKm, H_KM, 0.89), TX, RX);
const db = etaToLossDb;

describe('targets implied by the sifted rates (derivation in src/link/calibration.ts)', () => {
  it('R_sift ≈ f·Σ p_k(1 − e^{−μ_k η})·½ + noise: 12 kbit/s ⇒ 32.5 dB, 1 kbit/s ⇒ 43.3 dB', () => {
    // small-η slope: f·Σ p_k μ_k·½ = 1e8 × 0.425 × 0.5
    expect((siftedRateHz(1e-6, TX, RX) - siftedRateHz(0, TX, RX)) / 1e-6).toBeCloseTo(2.125e7, -3);
    // noise floor: 4 detectors × 25 Hz × 2 ns gate × 100 MHz × ½ = 10 bit/s
    expect(siftedRateHz(0, TX, RX)).toBeCloseTo(10, 9);
    const [a645, a1200] = impliedLossAnchors(TX, RX);
    expect(a645.lossDb).toBeCloseTo(32.5, 1);
    expect(a1200.lossDb).toBeCloseTo(43.3, 1);
    expect(siftedRateHz(etaFromSiftedRate(5000, TX, RX), TX, RX)).toBeCloseTo(5000, 6);
  });
});

describe('Micius preset vs the paper', () => {
  const s1200 = at(1200);
  const s645 = at(645);

  it('at 1,200 km: diffraction 22 ± 1 dB, atmosphere + turbulence 3–8 dB, pointing < 3 dB', () => {
    expect(db(s1200.etaDiffraction)).toBeGreaterThan(21);
    expect(db(s1200.etaDiffraction)).toBeLessThan(23);
    const atmTurb = db(s1200.etaAtmosphere * s1200.etaTurbulence);
    expect(atmTurb).toBeGreaterThan(3);
    expect(atmTurb).toBeLessThan(8);
    expect(db(s1200.etaPointing)).toBeLessThan(3);
  });

  it('end to end within ±1.5 dB of the sifted-rate targets at 645 km and 1,200 km', () => {
    const [a645, a1200] = impliedLossAnchors(TX, RX);
    expect(Math.abs(s645.lossTotalDb - a645.lossDb)).toBeLessThan(1.5);
    expect(Math.abs(s1200.lossTotalDb - a1200.lossDb)).toBeLessThan(1.5);
    // 11 dB between them, of which only 20·log10(1200/645) = 5.4 dB is diffraction
    expect(s1200.lossTotalDb - s645.lossTotalDb).toBeGreaterThan(8);
    expect(db(s1200.etaDiffraction) - db(s645.etaDiffraction)).toBeCloseTo(5.39, 2);
  });

  it('reference orbit (SGP4): the ≤ 1,200 km window lasts ≈ 273 s and yields ≈ 3.55 M detections (paper: 3,551,136)', () => {
    const st = getStation('xinglong');
    const p = resolvePass(MICIUS, st, '2016-12-19');
    const b = linkBudget(passGeometry(MICIUS, st, p.aosMs, p.losMs, 1), TX, RX);
    const window = b.samples.filter((s) => s.rangeKm <= 1200);
    expect(window.length).toBeGreaterThan(268);
    expect(window.length).toBeLessThan(278);
    let detections = 0;
    for (const s of window) {
      let click = 0;
      for (let k = 0; k < 3; k++) click += TX.intensityProbabilities[k] * -Math.expm1(-TX.intensities[k] * s.etaTotal);
      detections += TX.repetitionRateHz * (click + RX.detectorCount * s.backgroundHz * RX.gateWindowNs * 1e-9);
    }
    // mean transmittance over the window ⇒ detections; ±20 % ≈ ±0.8 dB
    expect(detections / 3_551_136).toBeGreaterThan(0.8);
    expect(detections / 3_551_136).toBeLessThan(1.2);
  });
});
