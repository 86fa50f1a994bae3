/** Small helpers turning a uniform source into the Gaussian processes the fading models need. */

/** Standard normal from a uniform (0,1) source, Box–Muller (one of the pair). */
export function gaussianFrom(uniform: () => number): number {
  let u = uniform();
  while (u <= 0) u = uniform();
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Stationary AR(1) (discretised Ornstein–Uhlenbeck) standard-normal sequence with correlation
 * ρ = exp(−dt/τ) between consecutive samples. [Gillespie, PRE 54, 2084 (1996), exact OU update]
 */
export function ar1Gaussian(n: number, dtS: number, correlationTimeS: number, uniform: () => number): Float64Array {
  const out = new Float64Array(n);
  const rho = correlationTimeS > 0 ? Math.exp(-dtS / correlationTimeS) : 0;
  const s = Math.sqrt(1 - rho * rho);
  let x = 0;
  for (let i = 0; i < n; i++) {
    const z = gaussianFrom(uniform);
    x = i === 0 ? z : rho * x + s * z;
    out[i] = x;
  }
  return out;
}
