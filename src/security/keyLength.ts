/**
 * The finite-key length alone, ℓ = finiteKey(input).keyLengthBits, from packed expected counts
 * (security/predict.ts PACKED_PREDICTION: X then Z, intensity 0..2, sent / detected / errors),
 * for the planner's hundreds of thousands of passes. Everything that depends only on the source,
 * the bound, the protocol and ε (τ0, τ1, e^{μ_k}/p_k, ln(21/ε), the ε cost, the decoy
 * coefficients of Lim 2014 Eqs. 2–4) is computed once per model; per pass the same operations
 * in the same order as finiteKey (finiteKey.ts: correctCounts, vacuumLowerBound,
 * singlePhotonLowerBound, singlePhotonErrorUpperBound, phaseError, Lim 2014 Eq. 1), without its
 * intermediates and objects, so the same key to the bit (test/security/keyLength.test.ts).
 * Counts finiteKey would reject, and the no-decoy bound, go through finiteKey itself.
 */
import { binaryEntropy } from '../core/entropy.js';
import {
  chernoffDeltaMinus,
  chernoffDeltaPlus,
  epsilonCostBits,
  finiteKey,
  hoeffdingDelta,
  phaseError,
  tau,
  validateFiniteKeyInput,
} from './finiteKey.js';
import { DEFAULT_EPS_COR, DEFAULT_EPS_SEC, DEFAULT_F_EC } from './defaults.js';
import type { Bound, FiniteKeyInput, IntensityCounts, Protocol, Triple } from './types.js';

/** The inputs of finiteKey other than the counts (no ledger leakage: the λ_EC model). */
export interface FiniteKeySettings {
  intensities: Triple;
  probabilities: Triple;
  bobProbX?: number;
  bound: Bound;
  protocol: Protocol;
  epsSec?: number;
  epsCor?: number;
  fEC?: number;
}

/** finiteKey's per-settings constants (finiteKeyModel). */
export interface FiniteKeyModel {
  settings: FiniteKeySettings;
  bound: Bound;
  symmetric: boolean;
  epsPart: number;
  lnTerm: number;
  epsCost: number;
  fEC: number;
  mu1: number;
  mu2: number;
  tau0: number;
  /** τ1·μ1 (Lim 2014 Eq. 3's numerator factor) and τ1 (Eq. 4). */
  tau1Mu1: number;
  tau1: number;
  /** e^{μ_k}/p_k (correctCounts's weight). */
  w0: number;
  w1: number;
  w2: number;
  /** (μ2² − μ3²)/μ1² and μ1(μ2 − μ3) − μ2² + μ3² of Lim 2014 Eq. 3; μ2 − μ3 of Eqs. 2 and 4. */
  s1Coefficient: number;
  s1Denominator: number;
  muDifference: number;
}

function countsOf(packed: ArrayLike<number>, o: number): IntensityCounts[] {
  return [0, 1, 2].map((k) => ({ sent: packed[o + 3 * k], detected: packed[o + 3 * k + 1], errors: packed[o + 3 * k + 2] }));
}

/** The FiniteKeyInput of packed counts under `settings` (what finiteKeyLengthBits bounds). */
export function packedFiniteKeyInput(settings: FiniteKeySettings, packed: ArrayLike<number>): FiniteKeyInput {
  return { ...settings, counts: { X: countsOf(packed, 0), Z: countsOf(packed, 9) } };
}

/** The constants of finiteKey under `settings`; throws finiteKey's InputError on bad settings. */
export function finiteKeyModel(settings: FiniteKeySettings): FiniteKeyModel {
  validateFiniteKeyInput(packedFiniteKeyInput(settings, new Float64Array(18)));
  const { bound, protocol } = settings;
  const mu = settings.intensities;
  const p = settings.probabilities;
  const epsSec = settings.epsSec ?? DEFAULT_EPS_SEC;
  const epsCor = settings.epsCor ?? DEFAULT_EPS_COR;
  const symmetric = protocol === 'symmetric';
  const epsPart = symmetric ? epsSec / 2 : epsSec;
  const finite = bound === 'hoeffding' || bound === 'chernoff';
  const epsCostPart = finite ? epsilonCostBits(epsPart, epsCor) : 0;
  const [m1, m2, m3] = mu;
  return {
    settings,
    bound,
    symmetric,
    epsPart,
    lnTerm: Math.log(21 / epsPart),
    epsCost: epsCostPart * (symmetric ? 2 : 1),
    fEC: settings.fEC ?? DEFAULT_F_EC,
    mu1: m2,
    mu2: m3,
    tau0: tau(0, mu, p),
    tau1Mu1: tau(1, mu, p) * m1,
    tau1: tau(1, mu, p),
    w0: Math.exp(mu[0]) / p[0],
    w1: Math.exp(mu[1]) / p[1],
    w2: Math.exp(mu[2]) / p[2],
    s1Coefficient: (m2 * m2 - m3 * m3) / (m1 * m1),
    s1Denominator: m1 * (m2 - m3) - m2 * m2 + m3 * m3,
    muDifference: m2 - m3,
  };
}

function validCounts(packed: ArrayLike<number>): boolean {
  for (let i = 0; i < 18; i += 3) {
    const s = packed[i];
    const d = packed[i + 1];
    const e = packed[i + 2];
    // finiteKey's checks: finite and ≥ 0, errors ≤ detected ≤ sent
    if (!(Number.isFinite(s) && s >= 0 && Number.isFinite(d) && d >= 0 && Number.isFinite(e) && e >= 0 && e <= d && d <= s)) return false;
  }
  return true;
}

/** One basis's s0, s1 and v1 (finiteKey.ts estimateBasis), written into est[o..o+2]. */
function estimateBasisInto(m: FiniteKeyModel, packed: ArrayLike<number>, o: number, est: Float64Array, e0: number): void {
  const n0 = packed[o + 1];
  const m0 = packed[o + 2];
  const n1 = packed[o + 4];
  const m1 = packed[o + 5];
  const n2 = packed[o + 7];
  const m2 = packed[o + 8];
  const lnTerm = m.lnTerm;
  let nPlus0: number, nMinus1: number, nPlus1: number, nMinus2: number, nPlus2: number, mPlus1: number, mMinus2: number;
  if (m.bound === 'chernoff') {
    nPlus0 = m.w0 * (n0 + chernoffDeltaPlus(n0, lnTerm));
    nMinus1 = m.w1 * (n1 - chernoffDeltaMinus(n1, lnTerm));
    nPlus1 = m.w1 * (n1 + chernoffDeltaPlus(n1, lnTerm));
    mPlus1 = m.w1 * (m1 + chernoffDeltaPlus(m1, lnTerm));
    nMinus2 = m.w2 * (n2 - chernoffDeltaMinus(n2, lnTerm));
    nPlus2 = m.w2 * (n2 + chernoffDeltaPlus(n2, lnTerm));
    mMinus2 = m.w2 * (m2 - chernoffDeltaMinus(m2, lnTerm));
  } else if (m.bound === 'hoeffding') {
    const dn = hoeffdingDelta(0 + n0 + n1 + n2, lnTerm);
    const dm = hoeffdingDelta(0 + m0 + m1 + m2, lnTerm);
    nPlus0 = m.w0 * (n0 + dn);
    nMinus1 = m.w1 * (n1 - dn);
    nPlus1 = m.w1 * (n1 + dn);
    mPlus1 = m.w1 * (m1 + dm);
    nMinus2 = m.w2 * (n2 - dn);
    nPlus2 = m.w2 * (n2 + dn);
    mMinus2 = m.w2 * (m2 - dm);
  } else {
    nPlus0 = m.w0 * (n0 + 0);
    nMinus1 = m.w1 * (n1 - 0);
    nPlus1 = m.w1 * (n1 + 0);
    mPlus1 = m.w1 * (m1 + 0);
    nMinus2 = m.w2 * (n2 - 0);
    nPlus2 = m.w2 * (n2 + 0);
    mMinus2 = m.w2 * (m2 - 0);
  }
  // Lim 2014 Eqs. 2–4 as vacuumLowerBound, singlePhotonLowerBound, singlePhotonErrorUpperBound
  const s0 = Math.max(0, (m.tau0 * (m.mu1 * nMinus2 - m.mu2 * nPlus1)) / m.muDifference);
  const num = nMinus1 - nPlus2 - m.s1Coefficient * (nPlus0 - s0 / m.tau0);
  const s1 = Math.max(0, (m.tau1Mu1 * num) / m.s1Denominator);
  const mTot = 0 + m0 + m1 + m2;
  const v1 = Math.min(Math.max(0, (m.tau1 * (mPlus1 - mMinus2)) / m.muDifference), mTot);
  est[e0] = s0;
  est[e0 + 1] = s1;
  est[e0 + 2] = v1;
}

const scratch = new Float64Array(6);

/**
 * finiteKey(packedFiniteKeyInput(model.settings, packed)).keyLengthBits, bit for bit (packed:
 * the 18 counts of PACKED_PREDICTION; entries past 18 are ignored).
 */
export function finiteKeyLengthBits(model: FiniteKeyModel, packed: ArrayLike<number>): number {
  const keyLengthRawBits = finiteKeyRawBits(model, packed);
  return keyLengthRawBits > 0 ? Math.floor(keyLengthRawBits) : 0;
}

/** finiteKey(packedFiniteKeyInput(model.settings, packed)).keyLengthRawBits, bit for bit: the bound before the floor. */
export function finiteKeyRawBits(model: FiniteKeyModel, packed: ArrayLike<number>): number {
  if (model.bound === 'no-decoy' || !validCounts(packed)) return finiteKey(packedFiniteKeyInput(model.settings, packed)).keyLengthRawBits;
  const { bound, symmetric, epsPart, fEC } = model;
  const nX = 0 + packed[1] + packed[4] + packed[7];
  const mX = 0 + packed[2] + packed[5] + packed[8];
  const nZ = 0 + packed[10] + packed[13] + packed[16];
  const mZ = 0 + packed[11] + packed[14] + packed[17];
  const qberX = nX > 0 ? mX / nX : 0;
  const qberZ = nZ > 0 ? mZ / nZ : 0;
  estimateBasisInto(model, packed, 0, scratch, 0);
  estimateBasisInto(model, packed, 9, scratch, 3);
  const sX0 = scratch[0];
  const sX1 = scratch[1];
  const vX1 = scratch[2];
  const sZ0 = scratch[3];
  const sZ1 = scratch[4];
  const vZ1 = scratch[5];
  const phiX = phaseError(bound, epsPart, vZ1, sZ1, sX1).phi;
  const modelLeak = fEC * nX * binaryEntropy(qberX) + (symmetric ? fEC * nZ * binaryEntropy(qberZ) : 0);
  let secret = sX0 + sX1 * (1 - binaryEntropy(phiX));
  if (symmetric) secret += sZ0 + sZ1 * (1 - binaryEntropy(phaseError(bound, epsPart, vX1, sX1, sZ1).phi));
  // Lim 2014 Eq. 1 before the floor: (secret − ε cost) − λ_EC, finiteKey's order
  return secret - model.epsCost - modelLeak;
}
