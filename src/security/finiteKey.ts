/**
 * Decoy-state finite-key analysis for BB84 with weak coherent pulses and three intensities.
 *
 * Bounds:
 * - `hoeffding`: Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014), Eqs. 1–5 with the
 *   Hoeffding deviation δ = √((N/2)·ln(21/ε_sec)) of the basis total N for every intensity.
 * - `chernoff`: the same estimators with the per-intensity multiplicative Chernoff deviations of
 *   SatQuMA (Sidhu et al., npj QI 8, 18 (2022); cf. Zhang et al., PRA 95, 012333 (2017)).
 * - `asymptotic`: the same estimators with no deviation, no γ and no ε cost; with μ3 = 0 this is
 *   the vacuum + weak decoy bound of Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eq. 34.
 * - `no-decoy`: for comparison only. GLLP (Gottesman–Lo–Lütkenhaus–Preskill 2004) applied to the
 *   signal pulses, with the multi-photon fraction of the detections inferred from the signal gain
 *   as if the channel were an honest loss channel. A photon-number-splitting attack fools it.
 *   (GLLP with the worst-case fraction P(n≥2)/Q_μ cannot be fooled but gives no key at satellite
 *   losses; that number is reported as `noDecoy.deltaWorstCase`.)
 *
 * Protocols:
 * - `efficient` (Lim 2014): key from X only; Z-basis errors bound the X phase error.
 * - `symmetric` (Micius): key from both bases; the phase error of each basis's key is bounded
 *   from the other basis's single-photon bit errors. Error counts per basis and intensity are
 *   known exactly because the whole sifted key is reconciled and the corrected errors counted,
 *   so no bits are sacrificed for estimation. The two key parts are analysed with ε_sec/2 each
 *   (union bound) and each pays its own ε cost: a conservative composition.
 */
import { InputError } from '../core/errors.js';
import { binaryEntropy } from '../core/entropy.js';
import type {
  Basis,
  Bound,
  CorrectedCounts,
  FiniteKeyInput,
  FiniteKeyResult,
  IntensityCounts,
  NoDecoyDetails,
  Triple,
} from './types.js';
import { BOUNDS, PROTOCOLS } from './types.js';
import { DEFAULT_EPS_COR, DEFAULT_EPS_SEC, DEFAULT_F_EC } from './defaults.js';

export { DEFAULT_EPS_COR, DEFAULT_EPS_SEC, DEFAULT_F_EC } from './defaults.js';

/** τ_n = Σ_k e^{−μ_k} μ_k^n p_k / n!: probability that Alice sends n photons (Lim 2014, after Eq. 2). */
export function tau(n: number, mu: Triple, p: Triple): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  let s = 0;
  for (let k = 0; k < 3; k++) s += Math.exp(-mu[k]) * mu[k] ** n * p[k];
  return s / f;
}

/** Chernoff lower deviation L/2 + √(2xL + L²/4) (SatQuMA func_efficient_BB84.nXZpm). */
export function chernoffDeltaMinus(x: number, lnTerm: number): number {
  return lnTerm / 2 + Math.sqrt(2 * Math.max(x, 0) * lnTerm + (lnTerm * lnTerm) / 4);
}

/** Chernoff upper deviation L + √(2xL + L²) (SatQuMA func_efficient_BB84.nXZpm). */
export function chernoffDeltaPlus(x: number, lnTerm: number): number {
  return lnTerm + Math.sqrt(2 * Math.max(x, 0) * lnTerm + lnTerm * lnTerm);
}

/** Hoeffding deviation √((N/2)·ln(1/ε1)) with the basis total N (Lim 2014, App. A, Eq. A1). */
export function hoeffdingDelta(total: number, lnTerm: number): number {
  return Math.sqrt((Math.max(total, 0) / 2) * lnTerm);
}

/**
 * γ(a, b, c, d) = √( (c+d)(1−b)b/(c·d·ln2) · log2( (c+d)/(c·d(1−b)b) · 21²/a² ) )
 * (Lim 2014 Eq. 5; argument of log2 clamped ≥ 1 as SatQuMA maths.gamma). γ = 0 for b ∉ (0,1).
 */
export function gammaLim(a: number, b: number, c: number, d: number): number {
  if (!(b > 0 && b < 1) || !(c > 0) || !(d > 0)) return 0;
  const g1 = Math.max(((c + d) * (1 - b) * b) / (c * d * Math.LN2), 0);
  const g2 = Math.max(((c + d) * 21 * 21) / (c * d * (1 - b) * b * a * a), 1);
  return Math.sqrt(g1 * Math.log2(g2));
}

/** n^±_{B,k} = (e^{μ_k}/p_k)·[n_{B,k} ± δ] and likewise m^± (Lim 2014 after Eq. 2 and Eq. 4). */
export function correctCounts(
  bound: Bound,
  mu: Triple,
  p: Triple,
  counts: readonly IntensityCounts[],
  lnTerm: number,
): CorrectedCounts {
  const nTot = counts.reduce((s, c) => s + c.detected, 0);
  const mTot = counts.reduce((s, c) => s + c.errors, 0);
  const out: CorrectedCounts = {
    nMinus: [],
    nPlus: [],
    mMinus: [],
    mPlus: [],
    deltaNMinus: [],
    deltaNPlus: [],
    deltaMMinus: [],
    deltaMPlus: [],
  };
  for (let k = 0; k < 3; k++) {
    const n = counts[k].detected;
    const m = counts[k].errors;
    let dnm = 0;
    let dnp = 0;
    let dmm = 0;
    let dmp = 0;
    if (bound === 'hoeffding') {
      dnm = dnp = hoeffdingDelta(nTot, lnTerm);
      dmm = dmp = hoeffdingDelta(mTot, lnTerm);
    } else if (bound === 'chernoff') {
      dnm = chernoffDeltaMinus(n, lnTerm);
      dnp = chernoffDeltaPlus(n, lnTerm);
      dmm = chernoffDeltaMinus(m, lnTerm);
      dmp = chernoffDeltaPlus(m, lnTerm);
    }
    const w = Math.exp(mu[k]) / p[k];
    out.nMinus.push(w * (n - dnm));
    out.nPlus.push(w * (n + dnp));
    out.mMinus.push(w * (m - dmm));
    out.mPlus.push(w * (m + dmp));
    out.deltaNMinus.push(dnm);
    out.deltaNPlus.push(dnp);
    out.deltaMMinus.push(dmm);
    out.deltaMPlus.push(dmp);
  }
  return out;
}

/** s_{B,0} ≥ τ0·(μ2·n^-_{μ3} − μ3·n^+_{μ2})/(μ2 − μ3) (Lim 2014 Eq. 2), unclamped. */
export function vacuumLowerBound(mu: Triple, p: Triple, c: CorrectedCounts): number {
  return (tau(0, mu, p) * (mu[1] * c.nMinus[2] - mu[2] * c.nPlus[1])) / (mu[1] - mu[2]);
}

/**
 * s_{B,1} ≥ τ1·μ1·[n^-_{μ2} − n^+_{μ3} − (μ2²−μ3²)/μ1²·(n^+_{μ1} − s_{B,0}/τ0)]
 *           / [μ1(μ2−μ3) − μ2² + μ3²]  (Lim 2014 Eq. 3), unclamped; s0 as given (clamped by caller).
 */
export function singlePhotonLowerBound(mu: Triple, p: Triple, c: CorrectedCounts, s0: number): number {
  const [m1, m2, m3] = mu;
  const num = c.nMinus[1] - c.nPlus[2] - ((m2 * m2 - m3 * m3) / (m1 * m1)) * (c.nPlus[0] - s0 / tau(0, mu, p));
  return (tau(1, mu, p) * m1 * num) / (m1 * (m2 - m3) - m2 * m2 + m3 * m3);
}

/** v_{B,1} ≤ τ1·(m^+_{μ2} − m^-_{μ3})/(μ2 − μ3) (Lim 2014 Eq. 4), unclamped. */
export function singlePhotonErrorUpperBound(mu: Triple, p: Triple, c: CorrectedCounts): number {
  return (tau(1, mu, p) * (c.mPlus[1] - c.mMinus[2])) / (mu[1] - mu[2]);
}

/** Statistical ε cost 6·log2(21/ε_sec) + log2(2/ε_cor) (Lim 2014 Eq. 1). */
export function epsilonCostBits(epsSec: number, epsCor: number): number {
  return 6 * Math.log2(21 / epsSec) + Math.log2(2 / epsCor);
}

function finiteNonNeg(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InputError(`must be a finite non-negative number, got ${String(v)}`, { field });
  }
  return v;
}

function openUnit(v: number, field: string): void {
  if (!(Number.isFinite(v) && v > 0 && v < 1)) throw new InputError(`must lie in (0, 1), got ${v}`, { field });
}

/** Validate a FiniteKeyInput; throws InputError naming the offending field. */
export function validateFiniteKeyInput(input: FiniteKeyInput): void {
  if (!BOUNDS.includes(input.bound)) {
    throw new InputError(`unknown bound ${String(input.bound)}; one of ${BOUNDS.join(', ')}`, { field: 'bound' });
  }
  if (!PROTOCOLS.includes(input.protocol)) {
    throw new InputError(`unknown protocol ${String(input.protocol)}; one of ${PROTOCOLS.join(', ')}`, {
      field: 'protocol',
    });
  }
  const mu = input.intensities;
  const p = input.probabilities;
  if (!Array.isArray(mu) || mu.length !== 3) throw new InputError('needs exactly 3 intensities', { field: 'intensities' });
  if (!Array.isArray(p) || p.length !== 3) throw new InputError('needs exactly 3 probabilities', { field: 'probabilities' });
  mu.forEach((m, k) => finiteNonNeg(m, `intensities[${k}]`));
  if (!(mu[1] > mu[2])) throw new InputError(`need μ2 > μ3, got ${mu[1]} ≤ ${mu[2]}`, { field: 'intensities' });
  if (!(mu[0] > mu[1] + mu[2])) {
    throw new InputError(`need μ1 > μ2 + μ3, got ${mu[0]} ≤ ${mu[1]} + ${mu[2]}`, { field: 'intensities' });
  }
  p.forEach((x, k) => {
    if (!(Number.isFinite(x) && x > 0 && x <= 1)) {
      throw new InputError(`must lie in (0, 1], got ${x}`, { field: `probabilities[${k}]` });
    }
  });
  const ps = p[0] + p[1] + p[2];
  if (Math.abs(ps - 1) > 1e-6) throw new InputError(`must sum to 1, got ${ps}`, { field: 'probabilities' });
  if (input.epsSec !== undefined) openUnit(input.epsSec, 'epsSec');
  if (input.epsCor !== undefined) openUnit(input.epsCor, 'epsCor');
  if (input.fEC !== undefined && !(Number.isFinite(input.fEC) && input.fEC >= 1)) {
    throw new InputError(`must be ≥ 1, got ${input.fEC}`, { field: 'fEC' });
  }
  if (input.leakageBits !== undefined) finiteNonNeg(input.leakageBits, 'leakageBits');
  if (input.bobProbX !== undefined) openUnit(input.bobProbX, 'bobProbX');
  if (!input.counts) throw new InputError('missing', { field: 'counts' });
  for (const b of ['X', 'Z'] as const) {
    const arr = input.counts[b];
    if (!Array.isArray(arr) || arr.length !== 3) {
      throw new InputError('needs one entry per intensity (3)', { field: `counts.${b}` });
    }
    arr.forEach((c, k) => {
      const f = `counts.${b}[${k}]`;
      const d = finiteNonNeg(c.detected, `${f}.detected`);
      const e = finiteNonNeg(c.errors, `${f}.errors`);
      if (e > d) throw new InputError(`errors (${e}) exceed detections (${d})`, { field: `${f}.errors` });
      if (c.sent !== undefined) {
        const s = finiteNonNeg(c.sent, `${f}.sent`);
        if (d > s) throw new InputError(`detections (${d}) exceed pulses sent (${s})`, { field: `${f}.detected` });
      }
    });
  }
  if (input.bound === 'no-decoy') {
    // Both bases: one gives the key, the other the phase error.
    for (const b of ['X', 'Z'] as const) {
      if (input.counts[b][0].sent === undefined) {
        throw new InputError('the no-decoy analysis needs pulses sent for the signal intensity', {
          field: `counts.${b}[0].sent`,
        });
      }
    }
  }
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}

interface PartEstimate {
  c: CorrectedCounts;
  s0Raw: number;
  s0: number;
  s1: number;
  v1: number;
}

function estimateBasis(
  bound: Bound,
  mu: Triple,
  p: Triple,
  counts: readonly IntensityCounts[],
  lnTerm: number,
): PartEstimate {
  const c = correctCounts(bound, mu, p, counts, lnTerm);
  const s0Raw = vacuumLowerBound(mu, p, c);
  const s0 = Math.max(0, s0Raw);
  const s1 = Math.max(0, singlePhotonLowerBound(mu, p, c, s0));
  const mTot = sum(counts.map((x) => x.errors));
  const v1 = Math.min(Math.max(0, singlePhotonErrorUpperBound(mu, p, c)), mTot);
  return { c, s0Raw, s0, s1, v1 };
}

/**
 * The finite-size margin of the phase error when no error is observed among the c estimation
 * events (b = 0, where Lim 2014 Eq. 5's γ vanishes): γ₀ = ln(1/ε) / (d·ln(1 + c/d)).
 * Random sampling without replacement (the setting of Lim 2014 Eq. 5, after Fung et al., PRA 81,
 * 012318 (2010)): if k of the c + d single-photon events are phase errors and the split is
 * uniform, all k land among the d key events with probability C(d,k)/C(c+d,k) ≤ (d/(c+d))^k,
 * which is ≤ ε once k ≥ ln(1/ε)/ln(1 + c/d). So φ ≤ γ₀ except with probability ε;
 * γ₀ ≥ ln(1/ε)/c, the O(ln(1/ε)/s_Z1) term.
 */
export function gammaZeroErrors(eps: number, c: number, d: number): number {
  if (!(c > 0) || !(d > 0)) return 0.5;
  return Math.log(1 / eps) / (d * Math.log1p(c / d));
}

/** Phase error φ ≤ v/s + γ(ε, v/s, s_est, s_key), clamped at 1/2 (Lim 2014 Eq. 5); γ₀ when v = 0. */
export function phaseError(bound: Bound, eps: number, v1Est: number, s1Est: number, s1Key: number): { phi: number; gamma: number } {
  if (!(s1Est > 0) || !(s1Key > 0)) return { phi: 0.5, gamma: 0 };
  const ratio = Math.min(v1Est / s1Est, 1 - Number.EPSILON);
  const gamma = bound === 'asymptotic' ? 0 : ratio > 0 ? gammaLim(eps, ratio, s1Est, s1Key) : gammaZeroErrors(eps, s1Est, s1Key);
  return { phi: Math.min(ratio + gamma, 0.5), gamma };
}

/**
 * The finite-key length ℓ = ⌊s_X0 + s_X1(1 − h(φ_X)) − λ_EC − 6 log2(21/ε_sec) − log2(2/ε_cor)⌋
 * (Lim 2014 Eq. 1), with every intermediate. Pure function; throws InputError on bad input.
 */
export function finiteKey(input: FiniteKeyInput): FiniteKeyResult {
  validateFiniteKeyInput(input);
  const { bound, protocol } = input;
  const mu = input.intensities;
  const p = input.probabilities;
  const epsSec = input.epsSec ?? DEFAULT_EPS_SEC;
  const epsCor = input.epsCor ?? DEFAULT_EPS_COR;
  const fEC = input.fEC ?? DEFAULT_F_EC;
  const symmetric = protocol === 'symmetric';
  const keyBases: Basis[] = symmetric ? ['X', 'Z'] : ['X'];
  // Symmetric: each key part gets ε_sec/2 (union bound over the two analyses).
  const epsPart = symmetric ? epsSec / 2 : epsSec;
  const lnTerm = Math.log(21 / epsPart);
  const finite = bound === 'hoeffding' || bound === 'chernoff';
  const epsCostPart = finite ? epsilonCostBits(epsPart, epsCor) : 0;
  const epsCost = epsCostPart * keyBases.length;

  const nX = sum(input.counts.X.map((c) => c.detected));
  const nZ = sum(input.counts.Z.map((c) => c.detected));
  const mX = sum(input.counts.X.map((c) => c.errors));
  const mZ = sum(input.counts.Z.map((c) => c.errors));
  const qberX = nX > 0 ? mX / nX : 0;
  const qberZ = nZ > 0 ? mZ / nZ : 0;
  const tau0 = tau(0, mu, p);
  const tau1 = tau(1, mu, p);

  const statBound: Bound = bound === 'no-decoy' ? 'asymptotic' : bound;
  const ex = estimateBasis(statBound, mu, p, input.counts.X, lnTerm);
  const ez = estimateBasis(statBound, mu, p, input.counts.Z, lnTerm);

  let sX0 = ex.s0;
  let sZ0 = ez.s0;
  let sX1 = ex.s1;
  let sZ1 = ez.s1;
  let vX1 = ex.v1;
  let vZ1 = ez.v1;
  let phiX: number;
  let gammaX: number;
  let phiZ: number | undefined;
  let gammaZ: number | undefined;
  let modelLeak: number;
  let noDecoy: NoDecoyDetails | undefined;

  if (bound === 'no-decoy') {
    const nd = noDecoyEstimate(input);
    noDecoy = nd.details;
    sX0 = 0;
    sZ0 = 0;
    sX1 = nd.s1.X;
    sZ1 = nd.s1.Z;
    vX1 = nd.v1.X;
    vZ1 = nd.v1.Z;
    phiX = nd.phi.X;
    gammaX = 0;
    if (symmetric) {
      phiZ = nd.phi.Z;
      gammaZ = 0;
    }
    const sig = (b: Basis) => input.counts[b][0];
    const leakOf = (b: Basis) => fEC * sig(b).detected * binaryEntropy(sig(b).detected > 0 ? sig(b).errors / sig(b).detected : 0);
    modelLeak = leakOf('X') + (symmetric ? leakOf('Z') : 0);
  } else {
    ({ phi: phiX, gamma: gammaX } = phaseError(bound, epsPart, vZ1, sZ1, sX1));
    if (symmetric) ({ phi: phiZ, gamma: gammaZ } = phaseError(bound, epsPart, vX1, sX1, sZ1));
    modelLeak = fEC * nX * binaryEntropy(qberX) + (symmetric ? fEC * nZ * binaryEntropy(qberZ) : 0);
  }

  let secret = sX0 + sX1 * (1 - binaryEntropy(phiX));
  if (symmetric) secret += sZ0 + sZ1 * (1 - binaryEntropy(phiZ ?? 0.5));
  const boundBeforeLeakageBits = secret - epsCost;
  const leakageSource = input.leakageBits !== undefined ? 'ledger' : 'model';
  const lambdaEC = input.leakageBits ?? modelLeak;
  const keyLengthRawBits = boundBeforeLeakageBits - lambdaEC;
  const keyLengthBits = keyLengthRawBits > 0 ? Math.floor(keyLengthRawBits) : 0;

  let reason: string | undefined;
  if (keyLengthBits <= 0) {
    const parts: string[] = [];
    if (sX1 <= 0) parts.push('single-photon lower bound s_X1 is 0 (decoy estimate not positive)');
    if (symmetric && sZ1 <= 0) parts.push('single-photon lower bound s_Z1 is 0');
    if (phiX >= 0.5) parts.push('phase-error bound φ_X reached 1/2');
    if (symmetric && (phiZ ?? 0.5) >= 0.5) parts.push('phase-error bound φ_Z reached 1/2');
    parts.push(
      `bound before leakage ${boundBeforeLeakageBits.toFixed(0)} bits ≤ leakage ${lambdaEC.toFixed(0)} bits (${leakageSource})`,
    );
    reason = `no secret key: ${parts.join('; ')}`;
  }

  return {
    bound,
    protocol,
    keyLengthBits,
    ...(reason !== undefined ? { reason } : {}),
    keyLengthRawBits,
    boundBeforeLeakageBits,
    lambdaEC,
    leakageSource,
    ...(leakageSource === 'model' ? { fEC } : {}),
    epsSec,
    epsCor,
    epsilonCostBits: epsCost,
    keyBases,
    nX,
    nZ,
    mX,
    mZ,
    qberX,
    qberZ,
    tau0,
    tau1,
    sX0,
    sZ0,
    sX0Raw: ex.s0Raw,
    sZ0Raw: ez.s0Raw,
    sX1,
    sZ1,
    vX1,
    vZ1,
    phiX,
    gammaX,
    ...(symmetric ? { phiZ, gammaZ } : {}),
    statistics: { X: ex.c, Z: ez.c },
    ...(noDecoy ? { noDecoy } : {}),
  };
}

/**
 * GLLP without decoys (Gottesman et al., QIC 4, 325 (2004); as in Ma et al. 2005 Eq. 26 with
 * Δ = multi-photon fraction): the signal gain Q_μ is inverted to η assuming Q_μ = 1 − e^{−ημ};
 * single-photon detections s1 = n_μ·(1 − Δ), Δ = 1 − ημe^{−μ}/Q_μ; phase error E/(1 − Δ) of
 * the other basis. Asymptotic (no fluctuations).
 */
function noDecoyEstimate(input: FiniteKeyInput): {
  s1: Record<Basis, number>;
  v1: Record<Basis, number>;
  phi: Record<Basis, number>;
  details: NoDecoyDetails;
} {
  const mu = input.intensities[0];
  const qB: Record<Basis, number> = { X: input.bobProbX ?? 0.5, Z: 1 - (input.bobProbX ?? 0.5) };
  const pMulti = 1 - Math.exp(-mu) * (1 + mu);
  const per = (b: Basis) => {
    const c = input.counts[b][0];
    const sent = c.sent ?? 0;
    const gain = sent > 0 ? Math.min(c.detected / (sent * qB[b]), 1 - 1e-15) : 0;
    const eta = gain > 0 ? -Math.log(1 - gain) / mu : 0;
    const delta = gain > 0 ? Math.min(1, Math.max(0, 1 - (eta * mu * Math.exp(-mu)) / gain)) : 1;
    const s1 = c.detected * (1 - delta);
    const v1 = Math.min(c.errors, s1);
    return { gain, eta, delta, s1, v1, deltaWorst: gain > 0 ? pMulti / gain : Infinity };
  };
  const x = per('X');
  const z = per('Z');
  const phiOf = (other: { s1: number; v1: number }) => (other.s1 > 0 ? Math.min(0.5, other.v1 / other.s1) : 0.5);
  return {
    s1: { X: x.s1, Z: z.s1 },
    v1: { X: x.v1, Z: z.v1 },
    phi: { X: phiOf(z), Z: phiOf(x) },
    details: {
      etaInferred: x.eta,
      deltaChannelModel: x.delta,
      deltaWorstCase: x.deltaWorst,
      signalGainX: x.gain,
      signalGainZ: z.gain,
    },
  };
}
