import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import {
  efficiency,
  efficiencyWithFailures,
  frameErrorRate,
  getReconciler,
  noisyPair,
} from '../../../src/postprocess/reconcile/index.js';

describe('reconcile registry and metrics', () => {
  it('getReconciler by name', () => {
    expect(getReconciler('cascade').name).toBe('cascade/option8');
    expect(getReconciler('cascade', { schedule: 'biconf' }).name).toBe('cascade/biconf');
    expect(getReconciler('ldpc').name).toBe('ldpc/blind');
    expect(getReconciler('ldpc', { maxRetries: 0 }).name).toBe('ldpc/rate-adaptive');
    expect(getReconciler('hamming').name).toBe('hamming');
    expect(() => getReconciler('polar' as never)).toThrow(InputError);
  });
  it('efficiency f = leaked / (n h(Q)); FER-aware form (Müller et al. 2025)', () => {
    // h(0.11) ≈ 0.4999
    expect(efficiency(5000, 10000, 0.11)).toBeCloseTo(1.0, 3);
    expect(efficiencyWithFailures(1.1, 0, 0.02)).toBe(1.1);
    expect(efficiencyWithFailures(1.1, 1, 0.02)).toBeCloseTo(1 / 0.14144, 3);
  });
  it('frameErrorRate with rule-of-three bound at zero failures', () => {
    expect(frameErrorRate(0, 300)).toEqual({ frames: 300, failed: 0, fer: 0, ferUpper95: 0.01 });
    const r = frameErrorRate(5, 100);
    expect(r.fer).toBe(0.05);
    expect(r.ferUpper95).toBeGreaterThan(0.05);
    expect(r.ferUpper95).toBeLessThan(0.12);
  });
  it('noisyPair has exactly round(Q·n) differences', () => {
    const { alice, bob, errors } = noisyPair(10007, 0.013, 2);
    expect(errors).toBe(130);
    expect(alice.hammingDistance(bob)).toBe(130);
  });
});
