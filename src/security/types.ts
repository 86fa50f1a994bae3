/**
 * Types of the decoy-state finite-key analysis (issue 5). Index k of every per-intensity array
 * follows Lim et al. 2014: k = 0 is the signal μ1, k = 1 the weak decoy μ2, k = 2 the vacuum
 * (or weakest) decoy μ3, with μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0.
 */

export type Bound = 'hoeffding' | 'chernoff' | 'asymptotic' | 'no-decoy';
export type Protocol = 'efficient' | 'symmetric';
export type Basis = 'X' | 'Z';

export const BOUNDS: readonly Bound[] = ['hoeffding', 'chernoff', 'asymptotic', 'no-decoy'];
export const PROTOCOLS: readonly Protocol[] = ['efficient', 'symmetric'];

/** Observed counts for one basis and one intensity (basis = the basis both parties used). */
export interface IntensityCounts {
  /**
   * Pulses Alice sent with this intensity and basis. Only the `no-decoy` analysis needs it
   * (it works with gains); the decoy bounds use detections and errors only.
   */
  sent?: number;
  /** Sifted detections: Bob measured in the same basis and registered a click (double clicks → random bit). */
  detected: number;
  /** Bit errors among those detections (known exactly after reconciliation of the whole sifted key). */
  errors: number;
}

export type Triple = readonly [number, number, number];

export interface FiniteKeyInput {
  /** Mean photon numbers [μ1, μ2, μ3] at the transmitter output. */
  intensities: Triple;
  /** Probabilities [p1, p2, p3] with which Alice chooses each intensity (sum 1). */
  probabilities: Triple;
  /** Per basis, per intensity (same order as `intensities`). */
  counts: { X: readonly IntensityCounts[]; Z: readonly IntensityCounts[] };
  bound: Bound;
  protocol: Protocol;
  /** Secrecy parameter ε_sec (default 1e-9, as Micius). */
  epsSec?: number;
  /** Correctness parameter ε_cor (default 1e-15). */
  epsCor?: number;
  /**
   * Bits actually disclosed for this block (ledger total: reconciliation + verification tag +
   * estimation). When absent the model λ_EC = f_EC · Σ n·h(Q) over the key bases is used.
   */
  leakageBits?: number;
  /** Reconciliation inefficiency for the leakage model (default 1.16, Lim 2014 Sec. IV). */
  fEC?: number;
  /**
   * Probability that Bob measures in X (default 0.5, passive 50:50 splitter). Only used by the
   * `no-decoy` analysis to turn detections/sent into a sifted gain.
   */
  bobProbX?: number;
}

/** Statistically corrected counts for one basis (Lim Eq. 2–4 inputs), indexed by intensity. */
export interface CorrectedCounts {
  /** n^-_{B,k}: lower bound on the expected n-photon-weighted detections, (e^k/p_k)·[n_k − δ]. */
  nMinus: number[];
  nPlus: number[];
  mMinus: number[];
  mPlus: number[];
  /** Deviations δ subtracted/added to the detections, per intensity (before the e^k/p_k factor). */
  deltaNMinus: number[];
  deltaNPlus: number[];
  deltaMMinus: number[];
  deltaMPlus: number[];
}

/** Result of the analysis: every intermediate named as in Lim et al. 2014 / SatQuMA. */
export interface FiniteKeyResult {
  bound: Bound;
  protocol: Protocol;
  /** ℓ, never negative; 0 with a `reason` when the bound is not positive. */
  keyLengthBits: number;
  reason?: string;
  /** ℓ before flooring and clamping at 0 (may be negative; what the optimiser maximises). */
  keyLengthRawBits: number;
  /**
   * s_X0 + s_X1(1 − h(φ_X)) [+ Z terms for symmetric] − ε terms: the key length before the
   * leakage is subtracted. The protocol calls ℓ = ⌊boundBeforeLeakageBits − ledger total⌋.
   */
  boundBeforeLeakageBits: number;
  /** Leakage subtracted (the ledger total if given, else the λ_EC model). */
  lambdaEC: number;
  leakageSource: 'ledger' | 'model';
  fEC?: number;
  epsSec: number;
  epsCor: number;
  /** 6·log2(21/ε_sec) + log2(2/ε_cor) per key part (0 for the asymptotic bound). */
  epsilonCostBits: number;
  /** Which bases the key is taken from. */
  keyBases: Basis[];
  nX: number;
  nZ: number;
  mX: number;
  mZ: number;
  qberX: number;
  qberZ: number;
  tau0: number;
  tau1: number;
  /** Vacuum-event lower bounds (clamped ≥ 0) and the raw values before clamping. */
  sX0: number;
  sZ0: number;
  sX0Raw: number;
  sZ0Raw: number;
  /** Single-photon-event lower bounds (clamped ≥ 0). */
  sX1: number;
  sZ1: number;
  /** Single-photon bit-error upper bounds (clamped to [0, m_B]). */
  vX1: number;
  vZ1: number;
  /** Phase-error upper bound of the X key (from Z errors), and γ added to v_Z1/s_Z1. */
  phiX: number;
  gammaX: number;
  /** Same for the Z key (symmetric protocol only). */
  phiZ?: number;
  gammaZ?: number;
  /** Statistical terms per basis. */
  statistics: { X: CorrectedCounts; Z: CorrectedCounts };
  /** Present for the `no-decoy` analysis (GLLP without decoy states). */
  noDecoy?: NoDecoyDetails;
}

export interface NoDecoyDetails {
  /** Transmittance inferred from the signal gain assuming an honest loss channel. */
  etaInferred: number;
  /** Multi-photon fraction of signal detections under that channel model (used). */
  deltaChannelModel: number;
  /** Worst-case multi-photon fraction P(n≥2)/Q_μ (GLLP proper; ≥ 1 means no key). */
  deltaWorstCase: number;
  signalGainX: number;
  signalGainZ: number;
}

/** A finite-key analysis (security/finiteKey.ts's `finiteKey`, or a stand-in in tests). */
export type FiniteKeyFn = (input: FiniteKeyInput) => FiniteKeyResult;
