/**
 * Parameter estimation, party-neutral: the disclosed random sample of sifted bits, the errors and
 * detections per (basis, intensity class) it shows, the QBER checks, the QBER the reconciliation
 * is tuned for, and the exact error counts once reconciliation has corrected the key. Both
 * parties compute the same values from the same disclosed data.
 */
import type { BitArray } from '../core/bits.js';
import { ProtocolAbort } from '../core/errors.js';
import type { Drbg } from '../core/rng/drbg.js';
import type { BlockCounts } from './block.js';
import { CLASSES, classCounts, type Sifted } from './sift.js';

/**
 * Bernoulli(fraction) sample of positions 0..n-1 by geometric skipping: O(sample size).
 * Returns strictly increasing positions.
 */
export function samplePositions(n: number, fraction: number, rng: Drbg): Float64Array {
  if (fraction <= 0 || n === 0) return new Float64Array(0);
  if (fraction >= 1) return Float64Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const logq = Math.log1p(-fraction);
  let i = -1;
  for (;;) {
    const u = rng.float();
    i += 1 + Math.floor(Math.log1p(-u) / logq);
    if (i >= n) break;
    out.push(i);
  }
  return Float64Array.from(out);
}

/** Errors per (basis, class) at the given positions, from both parties' bits there (a[i], b[i] for positions[i]). */
export function sampleErrors(s: Sifted, positions: ArrayLike<number>, a: BitArray, b: BitArray): number[] {
  const c = new Array<number>(2 * CLASSES).fill(0);
  for (let i = 0; i < positions.length; i++) {
    if (a.get(i) !== b.get(i)) c[s.basis[positions[i]] * CLASSES + s.intensity[positions[i]]]++;
  }
  return c;
}

export function qberOf(errors: number[], detected: number[]): number {
  const e = errors.reduce((a, b) => a + b, 0);
  const n = detected.reduce((a, b) => a + b, 0);
  return n > 0 ? e / n : 0;
}

/**
 * Errors per class extrapolated from the sample (for the preliminary bound only): a class's own
 * sample rate when it has ≥ 20 sampled detections, else the basis's rate (0.5 for vacuum).
 */
export function extrapolateErrors(detected: number[], sampleDet: number[], sampleErr: number[]): number[] {
  return errorsAtSampledRates(detected, sampleDet, sampleErr, (e, n) => (n > 0 ? e / n : 0));
}

/**
 * Errors per class at a rate taken from the sample: `rate(errors, detections)` of the class's own
 * sample when it has ≥ 20 sampled detections, else of its basis's sample (0.5 for vacuum).
 */
function errorsAtSampledRates(detected: number[], sampleDet: number[], sampleErr: number[], rate: (e: number, n: number) => number): number[] {
  const out: number[] = [];
  for (let basis = 0; basis < 2; basis++) {
    let sd = 0;
    let se = 0;
    for (let k = 0; k < CLASSES; k++) {
      sd += sampleDet[basis * CLASSES + k];
      se += sampleErr[basis * CLASSES + k];
    }
    for (let k = 0; k < CLASSES; k++) {
      const i = basis * CLASSES + k;
      const r = sampleDet[i] >= 20 ? rate(sampleErr[i], sampleDet[i]) : k === 2 ? 0.5 : rate(se, sd);
      out.push(Math.round(r * detected[i]));
    }
  }
  return out;
}

/** Probability that the preliminary decision's optimistic rate of a class lies above its true rate (optimisticErrors). */
export const PRELIMINARY_DELTA = 1e-6;

/**
 * Lower confidence bound on a Bernoulli rate from `e` events in `n` trials (Chernoff–Hoeffding in
 * relative-entropy form): the smallest p with n·D(e/n ‖ p) ≤ ln(1/δ); P(e/n ≥ observed | p) ≤
 * exp(−n·D) ≤ δ for any smaller true rate. 0 when e = 0.
 */
export function rateLowerBound(e: number, n: number, delta: number): number {
  if (!(n > 0) || !(e > 0)) return 0;
  const q = Math.min(1, e / n);
  const t = Math.log(1 / delta) / n;
  const kl = (p: number) => q * Math.log(q / p) + (q < 1 ? (1 - q) * Math.log((1 - q) / (1 - p)) : 0);
  let lo = 0;
  let hi = q;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (kl(mid) > t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Errors per class at the optimistic end of the sample's uncertainty, for the preliminary go/abort
 * decision only: each sampled rate (as in extrapolateErrors: the class's own with ≥ 20 sampled
 * detections, else its basis's; vacuum 0.5) replaced by its lower confidence bound at δ
 * (rateLowerBound). The sample is a fraction of a percent of the sifted bits (a few hundred
 * bits); judging by its point estimate aborted a pass whose key is a thin margin of the sifted
 * bits whenever the sample happened to show a few more errors (pass-1304 of the fault suite: 14
 * errors in 586 sampled bits, 2.4 %, where the key's errors were 1.0 %). A key-giving pass is now
 * aborted only when a class's bound lies above its true rate (probability ≤ δ per class). The
 * final bound, on the exact errors, decides the key either way.
 */
export function optimisticErrors(detected: number[], sampleDet: number[], sampleErr: number[], delta = PRELIMINARY_DELTA): number[] {
  return errorsAtSampledRates(detected, sampleDet, sampleErr, (e, n) => rateLowerBound(e, n, delta));
}

/**
 * Parameter estimation from the disclosed sample (same on both sides): per basis and intensity,
 * the sampled errors and detections, the sampled QBER, and the errors extrapolated to all bits.
 * `alice` and `bob` hold the two parties' bits at `positions`, in that order.
 */
export function estimate(
  detections: number,
  sifted: Sifted,
  detected: number[],
  positions: ArrayLike<number>,
  alice: BitArray,
  bob: BitArray,
): { counts: BlockCounts; sampleQber: number; sampleErrors: number[] } {
  const sErr = sampleErrors(sifted, positions, alice, bob);
  const sDet = classCounts(sifted, positions);
  const counts: BlockCounts = {
    detections,
    siftedBits: sifted.bits.length,
    sampleBits: positions.length,
    detected,
    errors: extrapolateErrors(detected, sDet, sErr),
    sampleErrors: sErr,
    sampleDetected: sDet,
  };
  return { counts, sampleQber: qberOf(sErr, sDet), sampleErrors: sErr };
}

/** Abort ('qber-too-high') when `qber` exceeds the threshold. */
export function checkQber(qber: number, threshold: number, what: string): void {
  if (qber > threshold) {
    throw new ProtocolAbort(
      'qber-too-high',
      `${what} QBER ${(qber * 100).toFixed(2)} % is above the threshold ${(threshold * 100).toFixed(2)} %`,
    );
  }
}

/**
 * The QBER the reconciliation is tuned for: the sampled QBER plus two standard deviations of the
 * sample (and one error's worth), floored at 10⁻³. An underestimate makes block codes (Hamming) leave
 * errors that verification then catches, aborting the block; a slight overestimate costs a little
 * leakage. Both parties compute it from the same disclosed sample.
 */
export function reconciliationQber(sampleQber: number, sampleBits: number): number {
  if (!(sampleBits > 0)) return Math.max(sampleQber, 1e-3);
  const q = Math.min(0.5, Math.max(0, sampleQber));
  return Math.max(1e-3, Math.min(0.5, q + 2 * Math.sqrt((q * (1 - q)) / sampleBits) + 1 / sampleBits));
}

/** Bits needed to disclose a count in 0..n (booked as estimation leakage). */
export function countDisclosureBits(n: number): number {
  return Math.ceil(Math.log2(n + 1));
}

/**
 * Exact errors per (basis, class) once the key is corrected: the sample's errors plus every bit
 * reconciliation flipped (`raw` ⊕ `corrected` at key position j is sifted position keyPositions[j]).
 * `onError` sees each sifted position found in error.
 */
export function exactErrors(
  sifted: Sifted,
  keyPositions: Uint32Array,
  raw: BitArray,
  corrected: BitArray,
  sampleErrs: number[],
  onError?: (siftedPosition: number) => void,
): number[] {
  const diff = corrected.clone().xorInPlace(raw);
  const errors = sampleErrs.slice();
  for (let w = 0; w < diff.words.length; w++) {
    let x = diff.words[w];
    while (x !== 0) {
      const b = 31 - Math.clz32(x & -x);
      x &= x - 1;
      const j = keyPositions[w * 32 + b];
      onError?.(j);
      errors[sifted.basis[j] * CLASSES + sifted.intensity[j]]++;
    }
  }
  return errors;
}
