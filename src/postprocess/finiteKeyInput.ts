/**
 * The finite-key analysis input of a block (security/finiteKey.ts) from its announced parameters
 * and its counts per (basis, intensity class); both parties build it identically.
 */
import type { FiniteKeyInput, IntensityCounts, Triple } from '../security/types.js';
import type { BlockParameters } from './block.js';
import { CLASSES } from './sift.js';

/** Expected pulses sent per (basis, class) for the no-decoy analysis: N · p_basis · p_k. */
export function sentPerClass(params: Pick<BlockParameters, 'pZ' | 'p'>, pulsesSent: number): number[] {
  const out: number[] = [];
  for (let basis = 0; basis < 2; basis++) {
    const pb = basis === 0 ? params.pZ : 1 - params.pZ;
    for (let k = 0; k < CLASSES; k++) out.push(pulsesSent * pb * params.p[k]);
  }
  return out;
}

export function finiteKeyInput(
  params: Pick<BlockParameters, 'mu' | 'p' | 'bound' | 'protocol' | 'epsSec' | 'epsCor'>,
  detected: number[],
  errors: number[],
  opts: { leakageBits?: number; bound?: BlockParameters['bound']; sent?: number[] },
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
    bound: opts.bound ?? params.bound,
    protocol: params.protocol,
    epsSec: params.epsSec,
    epsCor: params.epsCor,
    ...(opts.leakageBits !== undefined ? { leakageBits: opts.leakageBits } : {}),
  };
}
