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

/**
 * Edge-perspective λ for codes above rate 0.87 (QBER ≈ 1 %), designed here for the long-frame QC
 * codes of ldpc-qc.ts (Z = 16, degree-2 node fraction capped at (m/16 − 1)/(n/16) by capDegree2,
 * so the row keeps degree 2 at that cap for rate 0.91) and the float32 sum-product kernel
 * (ldpc-qc-sp.ts). Search (scripts/ldpc-de-search.ts): moves of edge mass between degrees with ρ
 * concentrated, as Richardson, Shokrollahi & Urbanke 2001 (IEEE Trans. IT 47, 619) and Elkouss
 * et al. 2009 do, scored by population density evolution and, since its ranking did not always
 * carry over at n = 10⁵ and check degree ≈ 65, by the one-shot frame error rate of the lifted
 * code (N = 102,400, rate 0.91, 24 fixed error patterns per point; scripts/ldpc-code-fer.ts).
 * Measured (same patterns): this row decodes 13/24 at f 1.114 and 9/24 at 1.096; Table I's
 * rate-0.85 row (the 'elkouss2009-high' profile) 5/24 and 0/24, whose DE threshold at rate 0.91
 * is p* 0.01006 (f* 1.108; 50,000 samples 0.00988, f* 1.126) against this row's 0.01053 / 0.01034
 * (20,000 samples, seeds 1 / 2). Tried and dropped: 2-3-D rows (D 8–30, λ_D 0.3–0.6: none
 * decoded in DE where the rate-0.85 row did), the rate-0.85 row with its top degree 12/14/16/18/30
 * (16 and 18 best: 11–13/24 at f 1.114), uncapped degree 2 (λ_2 0.045: the DE threshold rises
 * above 0.0109 but 3/12 frames decode at f 1.133 against 6/12 capped; failures leave hundreds of
 * unsatisfied checks, not an error floor), a finite-length hill climb from this row (+3 of 48
 * patterns in 70 moves, within the patterns' noise), neighbours of this row (λ_3 ± 0.03, λ_4
 * + 0.02, 10 for 8, a 24 or 12/20 top: 6–11 of 24 at f 1.114).
 * `threshold` is the population-DE threshold of the node profile at rate 0.91 (the mean of the
 * two seeds; a test recomputes it), `efficiency` f* = (1 − R)/h(p*).
 */
export const HIGH_RATE_TABLE: readonly { rate: number; threshold: number; efficiency: number; lambda: Readonly<Record<number, number>> }[] = [
  { rate: 0.91, threshold: 0.0104, efficiency: 1.0787, lambda: { 2: 0.02962, 3: 0.2409, 4: 0.0794, 8: 0.14887, 16: 0.50121 } },
];

/** Code rate above which the 'qc-sp-high' family takes HIGH_RATE_TABLE (QBER ≈ 1 %; 2 % codes are ≈ 0.84). */
export const HIGH_RATE_FROM = 0.87;

/**
 * 'elkouss2009-high' (Table I, the rate-0.85 row above 0.85) up to rate HIGH_RATE_FROM, the HIGH_RATE_TABLE
 * row nearest the rate above: the profile of the 'qc-sp' decoder's codes (ldpc-code.ts 'qc-sp-high').
 */
export function highRateProfile(rate: number): DegreeProfile {
  if (rate <= HIGH_RATE_FROM) return elkouss2009Profile(Math.min(0.85, rate)).profile;
  let best = HIGH_RATE_TABLE[0];
  for (const r of HIGH_RATE_TABLE) if (Math.abs(r.rate - rate) < Math.abs(best.rate - rate)) best = r;
  return nodeFractions(best.lambda);
}
