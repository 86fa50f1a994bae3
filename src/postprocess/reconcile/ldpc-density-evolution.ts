/**
 * Density evolution of belief propagation on the binary symmetric channel for an irregular LDPC
 * ensemble (Richardson & Urbanke, "The capacity of low-density parity-check codes under
 * message-passing decoding", IEEE Trans. IT 47, 599 (2001); Modern Coding Theory §4.5), by
 * population dynamics (sampled densities, Modern Coding Theory §4.5.2 / Mézard & Montanari,
 * "Information, Physics, and Computation" §14.6.4): each density is a population of LLR samples;
 * a variable-to-check sample is the channel LLR plus d−1 check samples (d drawn from λ), a
 * check-to-variable sample 2·atanh(∏ tanh(v/2)) over d−1 variable samples (d drawn from ρ). By
 * symmetry of BP under the syndrome-flipped all-zero word, the error probability is the mass of
 * non-positive samples. Used to compare degree profiles for ldpc-code.ts (the threshold p* and
 * the efficiency f* = (1 − R)/h(p*) at which the ensemble decodes asymptotically).
 * A finite population is biased towards decoding near threshold (it can lose its last wrong
 * samples by chance): Table I's rate-0.85 λ at rate 0.91 (capped degree 2) has p* 0.0106 with
 * 6,000 samples, 0.01006 with 20,000 and 0.00988 with 50,000; compare profiles at one population.
 */
import { binaryEntropy } from '../../core/entropy.js';
import { Xoshiro128 } from './prng.js';

/** Node-perspective degree profile: [degree, fraction of nodes]. */
export type DegreeProfile = readonly (readonly [number, number])[];

/** Edge-perspective cumulative distribution for sampling a degree from a node profile. */
function edgeSampler(profile: DegreeProfile): { degs: Int32Array; cum: Float64Array; mean: number } {
  const tot = profile.reduce((s, [d, f]) => s + d * f, 0);
  const degs = Int32Array.from(profile.map(([d]) => d));
  const cum = new Float64Array(profile.length);
  let acc = 0;
  profile.forEach(([d, f], i) => {
    acc += (d * f) / tot;
    cum[i] = acc;
  });
  cum[cum.length - 1] = 1;
  return { degs, cum, mean: tot / profile.reduce((s, [, f]) => s + f, 0) };
}

/** Check-degree profile of a concentrated (as regular as possible) check side for mean degree `mean`. */
export function concentratedChecks(mean: number): DegreeProfile {
  const lo = Math.floor(mean);
  const frac = mean - lo;
  return frac < 1e-9 ? [[lo, 1]] : [
    [lo, 1 - frac],
    [lo + 1, frac],
  ];
}

export interface DensityEvolutionOptions {
  /** Samples per density (default 20000). */
  population?: number;
  /** Iterations before declaring failure (default 300). */
  maxIterations?: number;
  /** Error probability that counts as decoded (default 1e-5; with a finite population: no sample ≤ 0 twice in a row). */
  target?: number;
  seed?: number;
}

const LLR_CAP = 30;

/** Outcome of one density-evolution run: whether it decoded, after how many iterations, and the last error probability. */
export interface DensityEvolutionRun {
  converged: boolean;
  iterations: number;
  errorProbability: number;
}

/**
 * Density evolution of BP on the ensemble (variable profile `vars`, check profile `checks`, node
 * fractions) on BSC(p): iterations until the bit error probability is below `target` (twice in a
 * row), or maxIterations and the error probability then (a continuous figure of merit for a
 * design search: fewer iterations, or a smaller residual error, means more margin at p).
 */
export function densityEvolutionRun(vars: DegreeProfile, checks: DegreeProfile, p: number, opts: DensityEvolutionOptions = {}): DensityEvolutionRun {
  const P = opts.population ?? 20000;
  const maxIt = opts.maxIterations ?? 300;
  const target = opts.target ?? 1e-5;
  const rng = new Xoshiro128(opts.seed ?? 0xde, 1);
  const vs = edgeSampler(vars);
  const cs = edgeSampler(checks);
  const draw = (s: { degs: Int32Array; cum: Float64Array }): number => {
    const u = rng.nextU32() / 4294967296;
    let i = 0;
    while (s.cum[i] < u) i++;
    return s.degs[i];
  };
  const lc = Math.log((1 - p) / p);
  // tanh(v/2) of the variable-to-check population; check-to-variable LLRs.
  const vt = new Float64Array(P);
  const c = new Float64Array(P);
  const channel = (): number => (rng.nextU32() / 4294967296 < p ? -lc : lc);
  for (let i = 0; i < P; i++) vt[i] = Math.tanh(channel() / 2);
  let prevErr = 1;
  let err = 1;
  for (let it = 0; it < maxIt; it++) {
    for (let i = 0; i < P; i++) {
      const d = draw(cs);
      let prod = 1;
      for (let k = 1; k < d; k++) prod *= vt[(rng.nextU32() % P) >>> 0];
      const t = Math.min(1 - 1e-15, Math.max(-1 + 1e-15, prod));
      c[i] = Math.max(-LLR_CAP, Math.min(LLR_CAP, 2 * Math.atanh(t)));
    }
    let errors = 0;
    for (let i = 0; i < P; i++) {
      const d = draw(vs);
      let v = channel();
      for (let k = 1; k < d; k++) v += c[(rng.nextU32() % P) >>> 0];
      if (v <= 0) errors++;
      vt[i] = Math.tanh(Math.max(-LLR_CAP, Math.min(LLR_CAP, v)) / 2);
    }
    err = errors / P;
    if (err <= target && prevErr <= target) return { converged: true, iterations: it + 1, errorProbability: err };
    prevErr = err;
  }
  return { converged: false, iterations: maxIt, errorProbability: err };
}

/**
 * Whether BP on the ensemble (variable profile `vars`, check profile `checks`, node fractions)
 * drives the bit error probability on BSC(p) below `target`.
 */
export function densityEvolutionConverges(vars: DegreeProfile, checks: DegreeProfile, p: number, opts: DensityEvolutionOptions = {}): boolean {
  return densityEvolutionRun(vars, checks, p, opts).converged;
}

/**
 * BP threshold p* of the ensemble on the BSC by bisection on p in [lo, hi] (`steps` halvings),
 * and the efficiency f* = (1 − R)/h(p*) with design rate R = 1 − (mean var degree)/(mean check degree).
 */
export function bscThreshold(vars: DegreeProfile, checks: DegreeProfile, opts: DensityEvolutionOptions & { lo?: number; hi?: number; steps?: number } = {}): { p: number; rate: number; efficiency: number } {
  let lo = opts.lo ?? 0.001;
  let hi = opts.hi ?? 0.2;
  for (let s = 0; s < (opts.steps ?? 10); s++) {
    const mid = (lo + hi) / 2;
    if (densityEvolutionConverges(vars, checks, mid, opts)) lo = mid;
    else hi = mid;
  }
  const rate = 1 - edgeSampler(vars).mean / edgeSampler(checks).mean;
  return { p: lo, rate, efficiency: (1 - rate) / binaryEntropy(lo) };
}
