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

describe('city stray light', () => {
  const city = { name: 'Beijing', azimuthDeg: 241, backgroundHzAt20Deg: 550 };

  it('is full towards the city at 20°, zero facing away, and brighter towards the horizon', async () => {
    const { cityLightHz } = await import('../../src/link/background.js');
    expect(cityLightHz(city, 241, 20)).toBeCloseTo(550, 9);
    expect(cityLightHz(city, 61, 20)).toBe(0);
    expect(cityLightHz(city, 331, 20)).toBeCloseTo(0, 9);
    expect(cityLightHz(city, 241, 40)).toBeCloseTo((550 * Math.sin(Math.PI / 9)) / Math.sin((2 * Math.PI) / 9), 9);
    expect(cityLightHz(city, 241, -1)).toBe(0);
    expect(cityLightHz(undefined, 241, 20)).toBe(0);
  });

  it('raises the noise in the second half of the reference pass, as Liao et al. 2017 report', async () => {
    const { MICIUS, loadMission, missionStation, getStation } = await import('../../src/mission/index.js');
    const mission = loadMission('micius');
    const { resolvePass, passGeometry } = await import('../../src/orbit/index.js');
    const { linkBudget } = await import('../../src/link/index.js');
    const st = getStation('xinglong');
    const p = resolvePass(MICIUS, st, '2016-12-19');
    const g = passGeometry(MICIUS, st, p.tcaMs - 136_500, p.tcaMs + 136_500, 10);
    // the Xinglong station of the Micius mission carries Beijing's stray light in its own receiver
    const b = linkBudget(g, mission.transmitter, missionStation(mission, 'xinglong').receiver);
    const half = Math.floor(b.samples.length / 2);
    const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / xs.length;
    const first = mean(b.samples.slice(0, half).map((s) => s.backgroundHz));
    const second = mean(b.samples.slice(half + 1).map((s) => s.backgroundHz));
    expect(first).toBeLessThan(60);
    expect(second).toBeGreaterThan(5 * first);
  });
});
