/** Atmospheric extinction along the slant path: airmass laws and T(ε) = T_zenith^AM(ε). */
import { DEG } from '../core/units.js';

export type AirmassLaw = 'kasten-young' | 'secant';

/** Plane-parallel airmass sec ζ, ζ = 90° − ε. [algorithms.md §5.3] */
export function airmassSecant(elevationDeg: number): number {
  return 1 / Math.sin(elevationDeg * DEG);
}

/**
 * Kasten & Young (1989), Appl. Opt. 28, 4735: AM = 1/(cos ζ + 0.50572·(96.07995° − ζ)^−1.6364);
 * finite at the horizon (≈ 38), equal to sec ζ within 0.3 % above 15° elevation.
 */
export function airmassKastenYoung(elevationDeg: number): number {
  const zenithDeg = 90 - elevationDeg;
  return 1 / (Math.cos(zenithDeg * DEG) + 0.50572 * Math.pow(96.07995 - zenithDeg, -1.6364));
}

export function airmass(elevationDeg: number, law: AirmassLaw = 'kasten-young'): number {
  return law === 'secant' ? airmassSecant(elevationDeg) : airmassKastenYoung(elevationDeg);
}

/**
 * Slant-path transmittance T(ε) = T_zenith^AM(ε) (Beer–Lambert over a horizontally stratified
 * atmosphere). [algorithms.md §5.3; MODTRAN 0.895 at zenith, 850 nm → 0.802/0.725/0.538 at 30/20/10°]
 * Below the horizon the transmittance is 0.
 */
export function atmosphereTransmittance(
  elevationDeg: number,
  zenithTransmittance: number,
  law: AirmassLaw = 'kasten-young',
): number {
  if (elevationDeg <= 0) return 0;
  return Math.pow(zenithTransmittance, airmass(elevationDeg, law));
}

/**
 * Clear-sky zenith transmittance, 500 km → sea level, MODTRAN as tabulated by SatQuMA
 * (algorithms.md §5.3): 785 nm 0.876, 810 nm 0.814, 820 nm 0.718 (water-vapour band), 850 nm 0.895.
 * Linear interpolation between the points, clamped outside 785–850 nm. An upper bound for a real site.
 */
export const MODTRAN_ZENITH_TRANSMITTANCE: readonly [number, number][] = [
  [785, 0.876],
  [810, 0.814],
  [820, 0.718],
  [850, 0.895],
];

export function clearSkyZenithTransmittance(wavelengthNm: number): number {
  const t = MODTRAN_ZENITH_TRANSMITTANCE;
  if (wavelengthNm <= t[0][0]) return t[0][1];
  for (let i = 1; i < t.length; i++) {
    const [x1, y1] = t[i];
    if (wavelengthNm <= x1) {
      const [x0, y0] = t[i - 1];
      return y0 + ((y1 - y0) * (wavelengthNm - x0)) / (x1 - x0);
    }
  }
  return t[t.length - 1][1];
}
