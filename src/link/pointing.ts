/**
 * Pointing: the satellite's APT error moves the far-field beam over the ground aperture.
 * The angular roll-off is the Gaussian of the beam's 1/e² half-angles θx, θy (a real beam's
 * edges are soft), so an offset (ex, ey) keeps η = exp(−2(ex²/θx² + ey²/θy²)).
 */
import { ar1Gaussian } from './random.js';

export interface PointingParams {
  /** RMS jitter per axis. */
  jitterUrad: number;
  /** Static bias (boresight / point-ahead residual), taken along the narrow (x) axis. */
  biasUrad: number;
  /** 1/e correlation time of the jitter. */
  correlationTimeS: number;
  /** Beam 1/e² half-angles. */
  halfAngleUrad: { x: number; y: number };
}

/** η_pt for a static offset: exp(−2(ex²/θx² + ey²/θy²)). [algorithms.md §5.5, η_pt = exp(−2θe²/θd²)] */
export function pointingEfficiency(offsetXUrad: number, offsetYUrad: number, halfAngleUrad: { x: number; y: number }): number {
  return Math.exp(
    -2 * ((offsetXUrad / halfAngleUrad.x) ** 2 + (offsetYUrad / halfAngleUrad.y) ** 2),
  );
}

/**
 * Mean η_pt for Gaussian jitter σ per axis and bias b along x:
 * Π_axes (1 + 4σ²/θ²)^{−1/2} · exp(−2b²/(θx² + 4σ²)).
 * Reduces to 1/(1 + 4σ²/θd²) for a round beam without bias [algorithms.md §5.5].
 */
export function meanPointingEfficiency(p: PointingParams): number {
  const s2 = p.jitterUrad * p.jitterUrad;
  const ax2 = p.halfAngleUrad.x ** 2;
  const ay2 = p.halfAngleUrad.y ** 2;
  return (
    (1 / Math.sqrt(1 + (4 * s2) / ax2)) *
    (1 / Math.sqrt(1 + (4 * s2) / ay2)) *
    Math.exp((-2 * p.biasUrad * p.biasUrad) / (ax2 + 4 * s2))
  );
}

/**
 * A time-correlated pointing-loss sequence: independent AR(1) jitter per axis (σ, τ) plus the bias,
 * mapped through pointingEfficiency. Its mean is meanPointingEfficiency(p); divide by that for a
 * unit-mean multiplier of a slot's etaTotal.
 */
export function drawPointing(p: PointingParams, n: number, dtS: number, uniform: () => number): Float64Array {
  const ex = ar1Gaussian(n, dtS, p.correlationTimeS, uniform);
  const ey = ar1Gaussian(n, dtS, p.correlationTimeS, uniform);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = pointingEfficiency(p.biasUrad + p.jitterUrad * ex[i], p.jitterUrad * ey[i], p.halfAngleUrad);
  }
  return out;
}
