/** Background counts: detector dark counts plus sky light through the receiver. */
import { PLANCK_J_S, SPEED_OF_LIGHT_M_S } from '../core/units.js';

/**
 * Night-sky spectral radiance near 850 nm, W m⁻² sr⁻¹ nm⁻¹.
 * [Miao et al., NJP 7, 215 (2005) via algorithms.md §5.6: new moon 1.5e-6, full moon 1.5e-3 per µm]
 */
export const SKY_RADIANCE_W_PER_M2_SR_NM = {
  newMoon: 1.5e-9,
  /** [engineering estimate] geometric mean of new and full moon. */
  quarterMoon: 4.7e-8,
  fullMoon: 1.5e-6,
} as const;

export type SkyCondition = keyof typeof SKY_RADIANCE_W_PER_M2_SR_NM;

export interface SkyBackgroundParams {
  skyRadianceWPerM2SrNm: number;
  apertureM: number;
  obscurationM: number;
  fieldOfViewUrad: number;
  filterWidthNm: number;
  wavelengthNm: number;
  /** Receiver optics × detector efficiency. */
  etaReceiverDetector: number;
}

/**
 * Sky background summed over all detectors, counts/s:
 * N_b = L·A_R·Ω_FOV·Δλ·η_rx·η_det/(hc/λ), Ω_FOV = π(Θ/2)². [algorithms.md §5.6]
 */
export function skyBackgroundHz(p: SkyBackgroundParams): number {
  const areaM2 = (Math.PI / 4) * (p.apertureM ** 2 - p.obscurationM ** 2);
  const halfAngleRad = p.fieldOfViewUrad * 1e-6 * 0.5;
  const solidAngleSr = Math.PI * halfAngleRad * halfAngleRad;
  const powerW = p.skyRadianceWPerM2SrNm * areaM2 * solidAngleSr * p.filterWidthNm;
  const photonJ = (PLANCK_J_S * SPEED_OF_LIGHT_M_S) / (p.wavelengthNm * 1e-9);
  return (powerW / photonJ) * p.etaReceiverDetector;
}

/** Background per detector: its dark counts plus an equal share of the sky light (passive, unpolarised split). */
export function backgroundPerDetectorHz(darkCountHz: number, skyTotalHz: number, detectorCount: number): number {
  return darkCountHz + skyTotalHz / detectorCount;
}

/** Stray light from a nearby city's light dome, as seen by one station. */
export interface CityLight {
  /** Name of the city, for reports. */
  name: string;
  /** Azimuth of the city from the station, degrees from north. */
  azimuthDeg: number;
  /** Extra background per detector when looking straight towards the city at 20° elevation, counts/s. */
  backgroundHzAt20Deg: number;
}

/**
 * Stray city light per detector, counts/s: strongest when the telescope looks towards the city
 * and near the horizon, B·max(0, cos Δaz)·sin 20°/sin ε (light-dome brightness rises towards the
 * horizon, Garstang, PASP 98, 364 (1986); Liao et al. 2017 report city stray light raising the noise
 * in the second half of the pass).
 */
export function cityLightHz(city: CityLight | undefined, azimuthDeg: number, elevationDeg: number): number {
  if (!city || !(elevationDeg > 0)) return 0;
  const dAz = ((azimuthDeg - city.azimuthDeg) * Math.PI) / 180;
  const toward = Math.max(0, Math.cos(dAz));
  const el = (Math.max(elevationDeg, 5) * Math.PI) / 180;
  return city.backgroundHzAt20Deg * toward * (Math.sin((20 * Math.PI) / 180) / Math.sin(el));
}
