/**
 * Eavesdropper models for the event simulation.
 *
 * - `intercept-resend[:f]`: on a fraction f of the pulses Eve measures in a random basis and resends
 *   her result at the same intensity (gain-preserving); a wrong basis guess randomises Bob's bit,
 *   so the sifted QBER rises by f/4 (Bennett & Brassard 1984; Gisin et al., RMP 74, 145 (2002) §VI.A).
 * - `pns`: photon-number splitting. Eve, at the transmitter with a lossless line to Bob's telescope,
 *   blocks single-photon pulses and keeps one photon of each multi-photon pulse, forwarding the rest;
 *   she forwards only the fraction of pulses that makes the signal intensity's gain equal to the
 *   legitimate 1 − exp(−μ_s η). The decoy intensity's gain then falls well short of 1 − exp(−μ_d η),
 *   which is what decoy states detect (Brassard, Lütkenhaus, Mor, Sanders, PRL 85, 1330 (2000);
 *   Hwang, PRL 91, 057901 (2003)).
 * - `beam-splitting`: Eve replaces the lossy channel by a lossless one plus a beam splitter of
 *   transmittance η and keeps the reflected photons; Bob's statistics are unchanged, Eve holds a
 *   photon of a pulse with probability 1 − exp(−μ(1 − η)) (Lütkenhaus, PRA 61, 052304 (2000)).
 */
import { InputError } from '../core/errors.js';
import type { RandomStream } from '../core/rng/philox.js';

export type EveSpec =
  | { kind: 'none' }
  | { kind: 'intercept-resend'; fraction: number }
  | { kind: 'pns' }
  | { kind: 'beam-splitting' };

/** The eavesdropper models by name (the only list: CLI help, validation, dashboard). */
export const EAVESDROPPERS: readonly EveSpec['kind'][] = ['none', 'intercept-resend', 'pns', 'beam-splitting'];

/** Help text of the eavesdropper option. */
export const EVE_HELP = 'none | intercept-resend[:fraction] | pns | beam-splitting';

/** Parse `none | intercept-resend[:fraction] | pns | beam-splitting`. */
export function parseEve(text: string, field = 'eve'): EveSpec {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === '') return { kind: 'none' };
  if (t === 'pns') return { kind: 'pns' };
  if (t === 'beam-splitting' || t === 'bs') return { kind: 'beam-splitting' };
  const m = /^intercept-resend(?::(.+))?$/.exec(t);
  if (m) {
    const fraction = m[1] === undefined ? 1 : Number(m[1]);
    if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      throw new InputError(`intercept-resend fraction "${m[1]}" must be a number in [0, 1]`, { field });
    }
    return { kind: 'intercept-resend', fraction };
  }
  throw new InputError(`unknown eavesdropper "${text}"; use ${EVE_HELP}`, { field });
}

export function eveToString(e: EveSpec): string {
  return e.kind === 'intercept-resend' ? `intercept-resend:${e.fraction}` : e.kind;
}

/** Gain of a legitimate channel: probability that a pulse of mean μ gives ≥ 1 detected photon, 1 − e^{−μη}. */
export function legitGain(mu: number, eta: number): number {
  return -Math.expm1(-mu * eta);
}

/**
 * Gain of PNS-forwarded multi-photon pulses when all are forwarded: Σ_{n≥2} P(n|μ)(1 − q^{n−1}),
 * q = 1 − η_B (η_B: Bob's internal efficiency), closed form
 * 1 − e^{−μ}(1+μ) − e^{−μ}(e^{μq} − 1 − μq)/q.
 */
export function pnsMultiGain(mu: number, etaBob: number): number {
  if (mu <= 0) return 0;
  const q = 1 - etaBob;
  const pMulti = 1 - Math.exp(-mu) * (1 + mu);
  if (q <= 0) return pMulti;
  const sumQ = (Math.exp(-mu) * (Math.exp(mu * q) - 1 - mu * q)) / q;
  return Math.max(0, pMulti - sumQ);
}

/** Eve's PNS tuning for one slot: forwarded fractions of multi- and single-photon pulses. */
export interface PnsTuning {
  multiFraction: number;
  singleFraction: number;
}

/** Choose the PNS forwarding so the signal gain equals the legitimate 1 − e^{−μ_s η}. */
export function tunePns(muSignal: number, eta: number, etaBob: number): PnsTuning {
  const target = legitGain(muSignal, eta);
  const full = pnsMultiGain(muSignal, etaBob);
  if (full >= target) return { multiFraction: full > 0 ? target / full : 0, singleFraction: 0 };
  const single = muSignal * Math.exp(-muSignal) * etaBob;
  return { multiFraction: 1, singleFraction: single > 0 ? Math.min(1, (target - full) / single) : 0 };
}

/** Gain of intensity μ under a PNS tuning. */
export function pnsGain(mu: number, tuning: PnsTuning, etaBob: number): number {
  return tuning.multiFraction * pnsMultiGain(mu, etaBob) + tuning.singleFraction * mu * Math.exp(-mu) * etaBob;
}

function poissonPmf(n: number, mu: number): number {
  let p = Math.exp(-mu);
  for (let k = 1; k <= n; k++) p *= mu / k;
  return p;
}

function binomPmf(k: number, n: number, p: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c * p ** k * (1 - p) ** (n - k);
}

/**
 * Given that a PNS-attacked pulse of mean μ produced a click at Bob, draw how many photons Bob
 * detected and whether Eve holds one (exact conditional distribution by inversion).
 */
export function drawPnsClick(mu: number, tuning: PnsTuning, etaBob: number, rng: RandomStream): { photons: number; eveHolds: boolean } {
  const wSingle = tuning.singleFraction * mu * Math.exp(-mu) * etaBob;
  const wMulti = tuning.multiFraction * pnsMultiGain(mu, etaBob);
  if (rng.nextDouble() * (wSingle + wMulti) < wSingle) return { photons: 1, eveHolds: false };
  const q = 1 - etaBob;
  // n ≥ 2 with weight P(n|μ)(1 − q^{n−1})
  let u = rng.nextDouble() * pnsMultiGain(mu, etaBob);
  let n = 2;
  for (; n < 60; n++) {
    const w = poissonPmf(n, mu) * (1 - q ** (n - 1));
    if (u < w) break;
    u -= w;
  }
  // detected m ~ Binomial(n − 1, η_B) conditioned on m ≥ 1
  const total = 1 - q ** (n - 1);
  let v = rng.nextDouble() * total;
  let m = 1;
  for (; m < n - 1; m++) {
    const w = binomPmf(m, n - 1, etaBob);
    if (v < w) break;
    v -= w;
  }
  return { photons: m, eveHolds: true };
}
