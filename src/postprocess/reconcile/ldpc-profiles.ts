/**
 * Variable-degree distributions optimised by density evolution for the binary symmetric channel:
 * Elkouss, Leverrier, Alléaume & Boutros, "Efficient reconciliation protocol for discrete-variable
 * quantum key distribution", Proc. IEEE ISIT 2009, 1879–1883 (arXiv:0901.2140), Table I
 * (differential evolution over λ and ρ, thresholds by discretized density evolution; the check
 * side is concentrated on two neighbouring degrees, which ldpc-code.ts's PEG gives by itself).
 * The table lists λ(x) = Σ λ_i x^(i−1) in the edge perspective; here the coefficients are kept as
 * published, keyed by variable degree i, and converted to node fractions λ_i/i / Σ λ_j/j.
 * One correction: at rate 0.85 the printed λ_5 = 0.094274 makes λ sum to 1.0515; 0.04274 makes it
 * sum to 1.00000, as every other row does, so that is taken as the value meant.
 */
import type { DegreeProfile } from './ldpc-density-evolution.js';

/** Table I of Elkouss et al. 2009: design rate → published BSC threshold p* and edge-perspective λ (degree → λ_i). */
export const ELKOUSS_2009_TABLE: readonly { rate: number; threshold: number; lambda: Readonly<Record<number, number>> }[] = [
  { rate: 0.9, threshold: 0.0109, lambda: { 2: 0.07689, 3: 0.28096, 5: 0.08933, 9: 0.1962, 12: 0.30631, 21: 0.05031 } },
  { rate: 0.85, threshold: 0.0199, lambda: { 2: 0.04528, 3: 0.20537, 4: 0.05878, 5: 0.04274, 6: 0.08454, 7: 0.01176, 9: 0.05137, 21: 0.50015 } },
  { rate: 0.8, threshold: 0.0298, lambda: { 2: 0.0942, 3: 0.18088, 6: 0.11972, 7: 0.0855, 8: 0.09816, 17: 0.07194, 26: 0.3496 } },
  { rate: 0.75, threshold: 0.0392, lambda: { 2: 0.10805, 3: 0.09511, 4: 0.01449, 5: 0.13764, 6: 0.10667, 7: 0.05288, 28: 0.01107, 31: 0.47408 } },
  {
    rate: 0.7,
    threshold: 0.0504,
    lambda: { 2: 0.05343, 3: 0.29406, 6: 0.00896, 9: 0.15571, 12: 0.12189, 25: 0.19872, 46: 0.09572, 62: 0.02741, 65: 0.04056, 73: 0.00354 },
  },
  {
    rate: 0.65,
    threshold: 0.0633,
    lambda: { 2: 0.10451, 3: 0.15652, 4: 0.08057, 5: 0.00056, 9: 0.12151, 13: 0.10485, 15: 0.10719, 21: 0.00771, 51: 0.31656 },
  },
  { rate: 0.6, threshold: 0.0766, lambda: { 2: 0.1104, 3: 0.20804, 8: 0.14163, 9: 0.14858, 26: 0.14438, 27: 0.08909, 46: 0.00748, 71: 0.15038 } },
  { rate: 0.55, threshold: 0.0904, lambda: { 2: 0.1688, 3: 0.20994, 6: 0.18095, 15: 0.03846, 16: 0.02635, 18: 0.23454, 19: 0.05815, 31: 0.0828 } },
  {
    rate: 0.5,
    threshold: 0.1071,
    lambda: {
      2: 0.14438, 3: 0.19026, 4: 0.01836, 5: 0.00233, 6: 0.04697, 8: 0.053943, 9: 0.0559, 10: 0.0129, 11: 0.00162, 14: 0.06159, 15: 0.13115, 17: 0.01481,
      47: 0.00879, 49: 0.0065, 55: 0.0021, 56: 0.00099, 57: 0.11178, 58: 0.06238, 59: 0.05094, 66: 0.0223,
    },
  },
];

/** Node-perspective fractions from an edge-perspective λ (degree → λ_i): λ_i/i normalised. */
export function nodeFractions(lambda: Readonly<Record<number, number>>): DegreeProfile {
  const degs = Object.keys(lambda).map(Number).sort((a, b) => a - b);
  const tot = degs.reduce((s, d) => s + lambda[d] / d, 0);
  return degs.map((d) => [d, lambda[d] / d / tot] as const);
}

/** The Table I row whose design rate is nearest to `rate` (codes of other rates reuse its λ; PEG sets ρ from m). */
export function elkouss2009Profile(rate: number): { rate: number; threshold: number; profile: DegreeProfile } {
  let best = ELKOUSS_2009_TABLE[0];
  for (const r of ELKOUSS_2009_TABLE) if (Math.abs(r.rate - rate) < Math.abs(best.rate - rate)) best = r;
  return { rate: best.rate, threshold: best.threshold, profile: nodeFractions(best.lambda) };
}
