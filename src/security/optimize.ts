/**
 * Parameter optimisation: intensities, intensity probabilities and basis bias that maximise the
 * predicted finite key of a pass (as SatQuMA and Lim et al. 2014 Sec. IV do). Derivative-free:
 * Nelder–Mead (Lagarias et al., SIAM J. Optim. 9, 112 (1998)) on an unconstrained
 * reparametrisation that always satisfies μ1 > μ2 + μ3, μ2 > μ3 ≥ 0, p_k > 0, with restarts.
 */
import { finiteKey } from './finiteKey.js';
import { predictCounts, toFiniteKeyInput } from './predict.js';
import type { AnalysisOptions, LinkSampleLike, PredictParams, SourceSettings } from './predict.js';
import type { FiniteKeyResult, Triple } from './types.js';

export interface NelderMeadOptions {
  maxEvaluations?: number;
  /** Initial simplex step per coordinate. */
  step?: number;
  /** Stop when the simplex's value spread falls below this (absolute). */
  tolerance?: number;
}

/** Minimise f from x0 by Nelder–Mead (standard coefficients 1, 2, 0.5, 0.5). */
export function nelderMead(
  f: (x: number[]) => number,
  x0: readonly number[],
  opts: NelderMeadOptions = {},
): { x: number[]; value: number; evaluations: number } {
  const n = x0.length;
  const maxEval = opts.maxEvaluations ?? 200 * n;
  const step = opts.step ?? 0.5;
  const tol = opts.tolerance ?? 1e-9;
  let evals = 0;
  const F = (x: number[]) => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.MAX_VALUE;
  };
  let simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: F([...x0]) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] += step;
    simplex.push({ x, v: F(x) });
  }
  while (evals < maxEval) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.v - best.v) <= tol * (1 + Math.abs(best.v))) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i].x[j] / n;
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const xr = along(-1);
    const vr = F(xr);
    if (vr < best.v) {
      const xe = along(-2);
      const ve = F(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
    } else if (vr < simplex[n - 1].v) {
      simplex[n] = { x: xr, v: vr };
    } else {
      const outside = vr < worst.v;
      const xc = along(outside ? -0.5 : 0.5);
      const vc = F(xc);
      if (vc < (outside ? vr : worst.v)) simplex[n] = { x: xc, v: vc };
      else {
        simplex = simplex.map((s, i) =>
          i === 0 ? s : (() => {
            const x = s.x.map((xi, j) => best.x[j] + 0.5 * (xi - best.x[j]));
            return { x, v: F(x) };
          })(),
        );
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0].x, value: simplex[0].v, evaluations: evals };
}

/** Logistic function kept inside [1e-6, 1 − 1e-6] so decoded constraints stay strict. */
const sigmoid = (z: number) => Math.min(1 - 1e-6, Math.max(1e-6, 1 / (1 + Math.exp(-z))));
const logit = (y: number) => Math.log(y / (1 - y));

export interface SettingsSpace {
  /** Fixed weakest intensity μ3 (Micius 0; Lim 2·10⁻⁴). */
  mu3: number;
  /** Upper limit for μ1 (default 1.5). */
  muMax?: number;
  /** Whether the basis bias is optimised (default true); Bob's splitter follows Alice's bias. */
  optimiseBasis?: boolean;
  /** Bounds on the basis bias (default [0.05, 0.95]). */
  probXRange?: [number, number];
}

/** Map an unconstrained vector to valid settings: μ2 ∈ (μ3, μmax), μ1 ∈ (μ2+μ3, μmax), softmax p. */
export function decodeSettings(z: readonly number[], space: SettingsSpace, fixedProbX: number): SourceSettings {
  const muMax = space.muMax ?? 1.5;
  const mu3 = space.mu3;
  const mu2 = mu3 + (muMax / 2 - mu3) * sigmoid(z[0]);
  const mu1 = mu2 + mu3 + (muMax - mu2 - mu3) * sigmoid(z[1]);
  const e0 = Math.exp(z[2]);
  const e1 = Math.exp(z[3]);
  const tot = e0 + e1 + 1;
  const probabilities: Triple = [e0 / tot, e1 / tot, 1 / tot];
  const [lo, hi] = space.probXRange ?? [0.05, 0.95];
  const probX = space.optimiseBasis === false ? fixedProbX : lo + (hi - lo) * sigmoid(z[4] ?? 0);
  return { intensities: [mu1, mu2, mu3], probabilities, probX, bobProbX: probX };
}

/** Inverse of decodeSettings (clamped into the open ranges), for starting points. */
export function encodeSettings(s: SourceSettings, space: SettingsSpace): number[] {
  const muMax = space.muMax ?? 1.5;
  const mu3 = space.mu3;
  const clamp = (y: number) => Math.min(1 - 1e-6, Math.max(1e-6, y));
  const [mu1, mu2] = s.intensities;
  const z0 = logit(clamp((mu2 - mu3) / (muMax / 2 - mu3)));
  const z1 = logit(clamp((mu1 - mu2 - mu3) / (muMax - mu2 - mu3)));
  const [p1, p2, p3] = s.probabilities;
  const [lo, hi] = space.probXRange ?? [0.05, 0.95];
  const z = [z0, z1, Math.log(p1 / p3), Math.log(p2 / p3)];
  if (space.optimiseBasis !== false) z.push(logit(clamp((s.probX - lo) / (hi - lo))));
  return z;
}

export interface OptimiseResult {
  settings: SourceSettings;
  result: FiniteKeyResult;
  baselineSettings: SourceSettings;
  baseline: FiniteKeyResult;
  /** keyLength(optimum) / keyLength(baseline); Infinity when the baseline yields no key. */
  gain: number;
  evaluations: number;
}

/** Tiny deterministic generator for restarts (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Maximise the predicted key of a pass over intensities, probabilities and basis bias.
 * `base` supplies the device parameters and the baseline (e.g. Micius) settings.
 */
export function optimiseSettings(
  samples: readonly LinkSampleLike[],
  base: PredictParams,
  analysis: AnalysisOptions,
  opts: { space?: Partial<SettingsSpace>; restarts?: number; seed?: number; maxEvaluations?: number } = {},
): OptimiseResult {
  const space: SettingsSpace = { mu3: base.intensities[2], ...opts.space };
  const evaluate = (s: SourceSettings) =>
    finiteKey(toFiniteKeyInput(predictCounts(samples, { ...base, ...s }), analysis));
  const baselineSettings: SourceSettings = {
    intensities: base.intensities,
    probabilities: base.probabilities,
    probX: base.probX,
    bobProbX: base.bobProbX ?? base.probX,
  };
  const baseline = evaluate(baselineSettings);
  const objective = (z: number[]) => -evaluate(decodeSettings(z, space, base.probX)).keyLengthRawBits;
  const rand = mulberry32(opts.seed ?? 1);
  const starts: number[][] = [encodeSettings({ ...baselineSettings, intensities: [
    Math.max(base.intensities[0], base.intensities[1] + space.mu3 + 1e-3), Math.max(base.intensities[1], space.mu3 + 1e-3), space.mu3,
  ] }, space)];
  const restarts = opts.restarts ?? 4;
  const dim = starts[0].length;
  for (let r = 0; r < restarts; r++) starts.push(Array.from({ length: dim }, () => (rand() - 0.5) * 4));
  let best = { x: starts[0], value: Infinity };
  let evaluations = 0;
  for (const x0 of starts) {
    let run = nelderMead(objective, x0, { maxEvaluations: opts.maxEvaluations ?? 150 * dim, step: 0.6 });
    evaluations += run.evaluations;
    // One polishing restart from the optimum (standard remedy for NM stagnation).
    const polish = nelderMead(objective, run.x, { maxEvaluations: 60 * dim, step: 0.2 });
    evaluations += polish.evaluations;
    if (polish.value < run.value) run = polish;
    if (run.value < best.value) best = run;
  }
  const settings = decodeSettings(best.x, space, base.probX);
  const result = evaluate(settings);
  const gain = baseline.keyLengthBits > 0 ? result.keyLengthBits / baseline.keyLengthBits : result.keyLengthBits > 0 ? Infinity : 1;
  return { settings, result, baselineSettings, baseline, gain, evaluations };
}
