/**
 * Pieces both parties compute identically from what crossed the channel: sifting, per-class
 * counts, the estimation sample, the finite-key input. Basis codes: 0 = Z, 1 = X. Intensity
 * classes: 0 signal, 1 decoy, 2 vacuum (Lim's k order).
 */
import { BitArray } from '../core/bits.js';
import type { FiniteKeyInput, FiniteKeyResult, IntensityCounts, Triple, Bound, Protocol } from '../security/types.js';
import type { ParamsMsg } from './messages.js';
import type { SatellitePolicy, SatelliteSource } from './types.js';

export const CLASSES = 3;

/** Sifted detections of one block, in detection order. */
export interface Sifted {
  /** Index into the detection list of each sifted detection. */
  detection: Uint32Array;
  basis: Uint8Array;
  intensity: Uint8Array;
  bits: BitArray;
}

/** Keep detections whose bases matched. */
export function sift(match: BitArray, basis: Uint8Array, intensity: Uint8Array, bits: Uint8Array): Sifted {
  const n = match.popcount();
  const detection = new Uint32Array(n);
  const b = new Uint8Array(n);
  const k = new Uint8Array(n);
  const out = new BitArray(n);
  let j = 0;
  for (let i = 0; i < match.length; i++) {
    if (!match.get(i)) continue;
    detection[j] = i;
    b[j] = basis[i];
    k[j] = intensity[i];
    if (bits[i]) out.words[j >>> 5] |= 1 << (j & 31);
    j++;
  }
  return { detection, basis: b, intensity: k, bits: out };
}

/** Counts per (basis, class): index basis * 3 + class. */
export function classCounts(s: Sifted, positions?: ArrayLike<number>): number[] {
  const c = new Array<number>(2 * CLASSES).fill(0);
  if (positions) for (let i = 0; i < positions.length; i++) c[s.basis[positions[i]] * CLASSES + s.intensity[positions[i]]]++;
  else for (let i = 0; i < s.basis.length; i++) c[s.basis[i] * CLASSES + s.intensity[i]]++;
  return c;
}

/** Errors per (basis, class) at the given positions, from both parties' bits there. */
export function sampleErrors(s: Sifted, positions: ArrayLike<number>, a: BitArray, b: BitArray): number[] {
  const c = new Array<number>(2 * CLASSES).fill(0);
  for (let i = 0; i < positions.length; i++) {
    if (a.get(i) !== b.get(i)) c[s.basis[positions[i]] * CLASSES + s.intensity[positions[i]]]++;
  }
  return c;
}

/** Complement of sorted positions in 0..n-1. */
export function complement(n: number, positions: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(n - positions.length);
  let j = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (p < positions.length && positions[p] === i) p++;
    else out[j++] = i;
  }
  return out;
}

/** Expected pulses sent per (basis, class) for the no-decoy analysis: N · p_basis · p_k. */
export function sentPerClass(params: ParamsMsg, pulsesSent: number): number[] {
  const out: number[] = [];
  for (let basis = 0; basis < 2; basis++) {
    const pb = basis === 0 ? params.pZ : 1 - params.pZ;
    for (let k = 0; k < CLASSES; k++) out.push(pulsesSent * pb * params.p[k]);
  }
  return out;
}

export function finiteKeyInput(
  params: ParamsMsg,
  detected: number[],
  errors: number[],
  opts: { leakageBits?: number; bound?: Bound; sent?: number[] },
): FiniteKeyInput {
  const per = (basis: number): IntensityCounts[] =>
    [0, 1, 2].map((k) => ({
      detected: detected[basis * CLASSES + k],
      errors: errors[basis * CLASSES + k],
      ...(opts.sent ? { sent: opts.sent[basis * CLASSES + k] } : {}),
    }));
  return {
    intensities: [params.mu[0], params.mu[1], params.mu[2]] as Triple,
    probabilities: [params.p[0], params.p[1], params.p[2]] as Triple,
    counts: { Z: per(0), X: per(1) },
    bound: opts.bound ?? (params.bound as Bound),
    protocol: params.protocol as Protocol,
    epsSec: params.epsSec,
    epsCor: params.epsCor,
    ...(opts.leakageBits !== undefined ? { leakageBits: opts.leakageBits } : {}),
  };
}

/** Bits of the key string that enter privacy amplification (the protocol's key bases). */
export function keyBasesMask(params: ParamsMsg): [boolean, boolean] {
  return params.protocol === 'efficient' ? [false, true] : [true, true];
}

/** Positions (into `keyPositions`' order) of bits whose basis is a key basis. */
export function keyBitsSelection(s: Sifted, keyPositions: Uint32Array, params: ParamsMsg): Uint32Array | null {
  const mask = keyBasesMask(params);
  if (mask[0] && mask[1]) return null;
  const sel: number[] = [];
  for (let i = 0; i < keyPositions.length; i++) if (mask[s.basis[keyPositions[i]]]) sel.push(i);
  return Uint32Array.from(sel);
}

/** Bits needed to disclose a count in 0..n (booked as estimation leakage). */
export function countDisclosureBits(n: number): number {
  return Math.ceil(Math.log2(n + 1));
}

export function qberOf(errors: number[], detected: number[]): number {
  const e = errors.reduce((a, b) => a + b, 0);
  const n = detected.reduce((a, b) => a + b, 0);
  return n > 0 ? e / n : 0;
}

export type FiniteKeyFn = (input: FiniteKeyInput) => FiniteKeyResult;

/** The block's parameters as the satellite announces them (and the replay reports them). */
export function paramsMessage(source: SatelliteSource, policy: SatellitePolicy, blockId: string): ParamsMsg {
  return {
    type: 'params',
    site: source.site,
    blockId,
    mu: source.mu,
    p: source.p,
    pZ: source.pZ,
    epsSec: policy.epsSec,
    epsCor: policy.epsCor,
    bound: policy.bound,
    protocol: policy.protocol,
    reconciliation: policy.reconciliation,
    qberThreshold: policy.qberThreshold,
    sampleFraction: policy.sampleFraction,
    pulseRateHz: source.pulseRateHz,
    pulsesSent: source.pulsesSent,
  };
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
