/**
 * The security defaults, in one place: every command, the protocol policy, the finite-key
 * analysis, the verification tag, the mission presets and the dashboard take them from here.
 * - ε_sec = 10⁻⁹: Micius's secrecy parameter (Liao et al., Nature 549, 43 (2017), Methods).
 * - ε_cor = 10⁻¹⁵: correctness, the verification tag's collision bound (postprocess/verify.ts).
 * - f_EC = 1.16: reconciliation inefficiency of the λ_EC model when no ledger is given
 *   (Lim et al., PRA 89, 022307 (2014), Sec. IV).
 * - QBER threshold 11 %: abort above it (BB84's one-way limit, Shor & Preskill 2000).
 * - Sample fraction 0.5 %: sifted bits disclosed for the early QBER estimate (DESIGN.md, "Estimation").
 */
export const DEFAULT_EPS_SEC = 1e-9;
export const DEFAULT_EPS_COR = 1e-15;
export const DEFAULT_F_EC = 1.16;
export const DEFAULT_QBER_THRESHOLD = 0.11;
export const DEFAULT_SAMPLE_FRACTION = 0.005;

export const SECURITY_DEFAULTS = {
  epsSec: DEFAULT_EPS_SEC,
  epsCor: DEFAULT_EPS_COR,
  fEC: DEFAULT_F_EC,
  qberThreshold: DEFAULT_QBER_THRESHOLD,
  sampleFraction: DEFAULT_SAMPLE_FRACTION,
} as const;
