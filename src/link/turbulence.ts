/**
 * Turbulence: (1) mean loss at the receiver's field stop from the seeing-broadened spot,
 * (2) scintillation as unit-mean log-normal fading with a correlation time.
 */
import { hypot2 } from '../core/hypot.js';
import { airmass } from './atmosphere.js';
import { ar1Gaussian } from './random.js';

/**
 * Fried parameter at wavelength λ and elevation ε from its zenith value at 500 nm:
 * r0 = r0_500 · (λ/500 nm)^{6/5} · AM(ε)^{−3/5}. [Fried 1966; algorithms.md §5.4, r0 ∝ λ^{6/5}(cos ζ)^{3/5}]
 */
export function friedParameterM(r0ZenithAt500Cm: number, wavelengthNm: number, elevationDeg: number): number {
  return r0ZenithAt500Cm * 1e-2 * Math.pow(wavelengthNm / 500, 1.2) * Math.pow(airmass(elevationDeg), -0.6);
}

/** Long-exposure seeing FWHM ≈ 0.98 λ/r0. [Dierickx, J. Mod. Opt. 39, 569 (1992)] */
export function seeingFwhmUrad(r0M: number, wavelengthNm: number): number {
  return ((0.98 * wavelengthNm * 1e-9) / r0M) * 1e6;
}

/**
 * Fraction of the focal-plane spot inside a circular field stop of full angle Θ, the spot taken
 * as Gaussian with FWHM F = √(F_seeing² + (1.03 λ/D)²): EE = 1 − 2^{−(Θ/F)²}.
 * [Gaussian encircled energy; Airy FWHM 1.03 λ/D, Born & Wolf §8.5] (hypot2: Math.hypot's value without its allocation.)
 */
export function fieldStopEfficiency(
  fieldOfViewUrad: number,
  seeingUrad: number,
  wavelengthNm: number,
  apertureM: number,
): number {
  const diffractionUrad = ((1.03 * wavelengthNm * 1e-9) / apertureM) * 1e6;
  const fwhm = hypot2(seeingUrad, diffractionUrad);
  return 1 - Math.pow(2, -((fieldOfViewUrad / fwhm) ** 2));
}

/**
 * fieldStopEfficiency(Θ, seeingFwhmUrad(friedParameterM(r0, λ, ε), λ), λ, D) as a function of the
 * Kasten–Young airmass at ε (friedParameterM's), with the factors that do not depend on ε computed
 * once: the same operations in the same order as the three functions above, so the same numbers
 * to the last bit (test/link/budget.test.ts). For the per-slot path of linkModel (link/budget.ts).
 */
export function fieldStopEfficiencyOfAirmass(
  fieldOfViewUrad: number,
  r0ZenithAt500Cm: number,
  wavelengthNm: number,
  apertureM: number,
): (airmassKastenYoung: number) => number {
  const r0ZenithFactorM = r0ZenithAt500Cm * 1e-2 * Math.pow(wavelengthNm / 500, 1.2);
  const seeingNumerator = 0.98 * wavelengthNm * 1e-9;
  const diffractionUrad = ((1.03 * wavelengthNm * 1e-9) / apertureM) * 1e6;
  return (airmassKy) => {
    const r0M = r0ZenithFactorM * Math.pow(airmassKy, -0.6);
    const seeingUrad = (seeingNumerator / r0M) * 1e6;
    const fwhm = hypot2(seeingUrad, diffractionUrad);
    return 1 - Math.pow(2, -((fieldOfViewUrad / fwhm) ** 2));
  };
}

/** Weak-fluctuation ceiling for the scintillation index (saturation regime not modelled). */
export const MAX_SCINTILLATION_INDEX = 1;

/**
 * Aperture-averaged scintillation index vs elevation, σ_I²(ε) = σ_I²(zenith)·AM(ε)^{11/6}
 * (Rytov variance ∝ sec^{11/6} ζ, Andrews & Phillips 2005 §12), capped at MAX_SCINTILLATION_INDEX.
 */
export function scintillationIndex(zenithIndex: number, elevationDeg: number): number {
  if (elevationDeg <= 0) return MAX_SCINTILLATION_INDEX;
  return Math.min(MAX_SCINTILLATION_INDEX, zenithIndex * Math.pow(airmass(elevationDeg), 11 / 6));
}

export interface FadingParams {
  /** Normalised irradiance variance σ_I² = ⟨I²⟩/⟨I⟩² − 1. */
  scintillationIndex: number;
  /** 1/e correlation time of the log-irradiance. */
  correlationTimeS: number;
}

/**
 * Unit-mean log-normal irradiance fades: I = exp(σ X − σ²/2), σ² = ln(1 + σ_I²), X a stationary
 * AR(1) standard normal with ρ = exp(−dt/τ). [log-normal PDT, Andrews & Phillips 2005 §5; algorithms.md §5.4]
 * Mean 1, variance σ_I²: multiply a slot's mean transmittance by these.
 */
export function drawFading(params: FadingParams, n: number, dtS: number, uniform: () => number): Float64Array {
  const sigma2 = Math.log(1 + params.scintillationIndex);
  const sigma = Math.sqrt(sigma2);
  const x = ar1Gaussian(n, dtS, params.correlationTimeS, uniform);
  for (let i = 0; i < n; i++) x[i] = Math.exp(sigma * x[i] - sigma2 / 2);
  return x;
}

/** Mean transmittance of the scintillation fades alone: 1 (energy is conserved on average). */
export function meanFadingEfficiency(_params: FadingParams): number {
  return 1;
}
