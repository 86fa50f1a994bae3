import { describe, expect, it } from 'vitest';
import { MICIUS_SOURCE, constantLossSamples, finiteKey, pnsAttackCounts, predictCounts, toFiniteKeyInput } from '../../src/security/index.js';
import type { Bound, Protocol } from '../../src/security/index.js';

describe('photon-number-splitting attack (Brassard et al. 2000): caught by decoys, fools the no-decoy analysis', () => {
  for (const lossDb of [30, 35, 40]) {
    for (const protocol of ['symmetric', 'efficient'] as Protocol[]) {
      it(`${lossDb} dB, ${protocol}`, () => {
        const samples = constantLossSamples(lossDb, 273);
        const legit = predictCounts(samples, MICIUS_SOURCE);
        const pns = pnsAttackCounts(samples, MICIUS_SOURCE);
        // Gain-matched: the signal detections are those of the legitimate channel.
        expect(pns.counts.X[0].detected / legit.counts.X[0].detected).toBeCloseTo(1, 9);
        // … but the decoy detections collapse.
        expect(pns.counts.X[1].detected).toBeLessThan(0.5 * legit.counts.X[1].detected);
        for (const bound of ['hoeffding', 'chernoff', 'asymptotic'] as Bound[]) {
          const r = finiteKey(toFiniteKeyInput(pns, { bound, protocol }));
          expect(r.keyLengthBits, bound).toBe(0);
          expect(r.keyLengthRawBits, bound).toBeLessThanOrEqual(0);
          expect(r.reason).toMatch(/no secret key/);
        }
        const nd = finiteKey(toFiniteKeyInput(pns, { bound: 'no-decoy', protocol }));
        expect(nd.keyLengthBits).toBeGreaterThan(0);
        // GLLP with the worst-case multi-photon fraction would not be fooled (Δ ≥ 1).
        expect(nd.noDecoy!.deltaWorstCase).toBeGreaterThanOrEqual(1);
        // The legitimate channel yields key under the decoy analysis.
        expect(finiteKey(toFiniteKeyInput(legit, { bound: 'chernoff', protocol })).keyLengthBits).toBeGreaterThan(0);
      });
    }
  }
  it('rejects a channel too good for a gain-matched PNS attack', () => {
    expect(() => pnsAttackCounts(constantLossSamples(0.5, 1), MICIUS_SOURCE)).toThrow(/forward fraction/);
  });
});
