import { describe, expect, it } from 'vitest';
import { predictPassSamples } from '../../src/mission/predict.js';
import { finiteKey, predictCounts, toFiniteKeyInput } from '../../src/security/index.js';

describe('keyrate --predict for the Micius reference pass (orbit → link → security)', () => {
  it('predicts a Micius-like pass: ~1.7e6 sifted bits and 10⁵–10⁶ bits of key', async () => {
    const { samples, params, pass } = await predictPassSamples('micius', 'xinglong', '2016-12-19', 5);
    expect(samples.length).toBeGreaterThan(50);
    expect(pass).toHaveProperty('tca');
    const pred = predictCounts(samples, params);
    const sifted = [...pred.counts.X, ...pred.counts.Z].reduce((a, c) => a + c.detected, 0);
    expect(sifted).toBeGreaterThan(0.5 * 1_671_072);
    expect(sifted).toBeLessThan(2 * 1_671_072);
    const r = finiteKey(toFiniteKeyInput(pred, { bound: 'hoeffding', protocol: 'symmetric' }));
    expect(r.keyLengthBits).toBeGreaterThan(1e5);
    expect(r.keyLengthBits).toBeLessThan(1e6);
  });
});
