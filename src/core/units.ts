/** Unit conversions. Names carry units (DESIGN.md conventions). */

export const SPEED_OF_LIGHT_M_S = 299_792_458;
export const PLANCK_J_S = 6.62607015e-34;
export const EARTH_RADIUS_KM = 6378.137;
export const DEG = Math.PI / 180;

/** Transmittance (0..1] → loss in dB (positive). */
export function etaToLossDb(eta: number): number {
  return -10 * Math.log10(eta);
}

/** Loss in dB → transmittance. */
export function lossDbToEta(lossDb: number): number {
  return 10 ** (-lossDb / 10);
}

export function degToRad(deg: number): number {
  return deg * DEG;
}

export function radToDeg(rad: number): number {
  return rad / DEG;
}
