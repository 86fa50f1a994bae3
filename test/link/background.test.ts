import { describe, expect, it } from 'vitest';
import { SKY_RADIANCE_W_PER_M2_SR_NM, backgroundPerDetectorHz, skyBackgroundHz } from '../../src/link/background.js';

// algorithms.md §5.6: 1 m aperture, 100 µrad FOV, 1 nm filter, η = 0.16 × 0.5 → ≈ 3 cps (new moon), ≈ 3×10³ cps (full moon)
const base = { apertureM: 1, obscurationM: 0, fieldOfViewUrad: 100, filterWidthNm: 1, wavelengthNm: 850, etaReceiverDetector: 0.08 };

describe('sky background', () => {
  it('new moon ≈ 3 counts/s, full moon ≈ 3×10³ counts/s', () => {
    const nm = skyBackgroundHz({ ...base, skyRadianceWPerM2SrNm: SKY_RADIANCE_W_PER_M2_SR_NM.newMoon });
    const fm = skyBackgroundHz({ ...base, skyRadianceWPerM2SrNm: SKY_RADIANCE_W_PER_M2_SR_NM.fullMoon });
    expect(nm).toBeGreaterThan(2);
    expect(nm).toBeLessThan(4);
    expect(fm / nm).toBeCloseTo(1000, 6);
  });

  it('scales with FOV solid angle and filter width', () => {
    const a = skyBackgroundHz({ ...base, skyRadianceWPerM2SrNm: 1e-6 });
    expect(skyBackgroundHz({ ...base, fieldOfViewUrad: 200, skyRadianceWPerM2SrNm: 1e-6 }) / a).toBeCloseTo(4, 9);
    expect(skyBackgroundHz({ ...base, filterWidthNm: 3, skyRadianceWPerM2SrNm: 1e-6 }) / a).toBeCloseTo(3, 9);
  });

  it('per detector: dark counts plus a quarter of the sky light', () => {
    expect(backgroundPerDetectorHz(25, 100, 4)).toBe(50);
  });
});
