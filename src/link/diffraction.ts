/**
 * Geometric / diffraction loss of the downlink: the satellite's far-field beam collected by the
 * ground telescope's annular aperture.
 */
import type { FarFieldProfile } from './hardware.js';

/** Far-field spot at the receiver: 1/e² semi-axes in metres. */
export interface Spot {
  radiusXM: number;
  radiusYM: number;
}

/** 1/e² spot semi-axes at range L from full divergence angles: w = L·θ_full/2 (far field, L ≫ D_T²/λ). */
export function spotRadiusM(rangeKm: number, divergenceFullUrad: number): number {
  return rangeKm * 1e3 * divergenceFullUrad * 1e-6 * 0.5;
}

/**
 * Fraction of a circular Gaussian beam of 1/e² radius w falling on an annulus (outer radius a,
 * inner b), beam centred: exp(−2b²/w²) − exp(−2a²/w²). [algorithms.md §5.2, η_geo = 1 − exp(−2a²/w²)]
 */
export function gaussianApertureFraction(outerRadiusM: number, innerRadiusM: number, beamRadiusM: number): number {
  const w2 = beamRadiusM * beamRadiusM;
  return Math.exp((-2 * innerRadiusM * innerRadiusM) / w2) - Math.exp((-2 * outerRadiusM * outerRadiusM) / w2);
}

/**
 * Collected fraction of a far-field spot (Gaussian or uniform flat-top, elliptical, 1/e² semi-axes)
 * over an annular aperture, integrated numerically in polar coordinates (midpoint rule).
 * Gaussian: I = 2/(π wx wy)·exp(−2(x²/wx² + y²/wy²)) [Gaussian beam optics, Saleh & Teich ch. 3];
 * flat-top: I = 1/(π wx wy) inside the ellipse (uniform spot; the paper's (D_R/(L·θ))² estimate).
 */
export function collectedFraction(
  profile: FarFieldProfile,
  spot: Spot,
  apertureM: number,
  obscurationM: number,
  offsetXM = 0,
  offsetYM = 0,
): number {
  const a = apertureM / 2;
  const b = obscurationM / 2;
  const { radiusXM: wx, radiusYM: wy } = spot;
  if (profile === 'gaussian' && offsetXM === 0 && offsetYM === 0 && wx === wy) {
    return gaussianApertureFraction(a, b, wx);
  }
  // Aperture well inside a flat-top spot: exact area ratio.
  if (profile === 'flat-top') {
    const maxR = a + Math.hypot(offsetXM, offsetYM);
    if ((maxR / wx) ** 2 <= 1 && (maxR / wy) ** 2 <= 1) return (a * a - b * b) / (wx * wy);
  }
  const nr = 96;
  const nphi = 96;
  const dr = (a - b) / nr;
  const dphi = (2 * Math.PI) / nphi;
  let sum = 0;
  for (let i = 0; i < nr; i++) {
    const r = b + (i + 0.5) * dr;
    for (let j = 0; j < nphi; j++) {
      const phi = (j + 0.5) * dphi;
      const x = r * Math.cos(phi) - offsetXM;
      const y = r * Math.sin(phi) - offsetYM;
      const q = (x * x) / (wx * wx) + (y * y) / (wy * wy);
      const intensity = profile === 'gaussian' ? (2 / (Math.PI * wx * wy)) * Math.exp(-2 * q) : q <= 1 ? 1 / (Math.PI * wx * wy) : 0;
      sum += intensity * r;
    }
  }
  return Math.min(1, sum * dr * dphi);
}

export interface DiffractionParams {
  rangeKm: number;
  divergenceUrad: { x: number; y: number };
  profile: FarFieldProfile;
  receiverApertureM: number;
  receiverObscurationM: number;
  /** Transmit optics efficiency (1 when the intensities are defined at the telescope output). */
  transmitterEfficiency: number;
}

/**
 * η_diffraction = η_tx · (collected fraction of the far-field spot at range L).
 * [algorithms.md §5.2; Liao 2017: 22 dB at 1,200 km for the ~10 µrad beam and a 1 m telescope]
 */
export function diffractionEfficiency(p: DiffractionParams): number {
  const spot: Spot = {
    radiusXM: spotRadiusM(p.rangeKm, p.divergenceUrad.x),
    radiusYM: spotRadiusM(p.rangeKm, p.divergenceUrad.y),
  };
  return p.transmitterEfficiency * collectedFraction(p.profile, spot, p.receiverApertureM, p.receiverObscurationM);
}

/**
 * diffractionEfficiency as a function of the range alone, for one beam and aperture: the same
 * operations in the same order (diffractionEfficiency → collectedFraction), with the
 * range-free parts (radii, the annulus's area, the flat-top test's reach) computed once. For the
 * per-slot path of linkModel (link/budget.ts); equal to diffractionEfficiency to the last bit
 * (test/link/diffraction.test.ts).
 */
export function diffractionEfficiencyOfRange(p: Omit<DiffractionParams, 'rangeKm'>): (rangeKm: number) => number {
  const { profile, receiverApertureM, receiverObscurationM, transmitterEfficiency } = p;
  const divergenceXUrad = p.divergenceUrad.x;
  const divergenceYUrad = p.divergenceUrad.y;
  const general = (rangeKm: number): number =>
    transmitterEfficiency *
    collectedFraction(profile, { radiusXM: spotRadiusM(rangeKm, divergenceXUrad), radiusYM: spotRadiusM(rangeKm, divergenceYUrad) }, receiverApertureM, receiverObscurationM);
  if (profile !== 'flat-top') return general;
  // collectedFraction's exact area ratio when the aperture lies inside the spot (no offset: a + |offset| = a)
  const a = receiverApertureM / 2;
  const b = receiverObscurationM / 2;
  const annulusM2 = a * a - b * b;
  return (rangeKm) => {
    const wx = spotRadiusM(rangeKm, divergenceXUrad);
    const wy = spotRadiusM(rangeKm, divergenceYUrad);
    if ((a / wx) ** 2 <= 1 && (a / wy) ** 2 <= 1) return transmitterEfficiency * (annulusM2 / (wx * wy));
    return general(rangeKm);
  };
}
