import { describe, expect, it } from 'vitest';
import { loadMission } from '../../src/mission/presets.js';
import { predictPassKey } from '../../src/mission/predict.js';
import { finiteKey, predictCounts, toFiniteKeyInput } from '../../src/security/index.js';

describe('predictPassKey for the Micius reference pass (orbit → link → security)', () => {
  it('predicts a Micius-like pass: ~1.7e6 sifted bits and 10⁵–10⁶ bits of key', () => {
    const m = loadMission('micius');
    const p = predictPassKey(m, 'xinglong', '2016-12-19', { stepS: 5 });
    expect(p.samples.length).toBeGreaterThan(50);
    expect(p.pass.tca).toMatch(/^2016-12-19T16:52/);
    const sifted = [...p.counts.counts.X, ...p.counts.counts.Z].reduce((a, c) => a + c.detected, 0);
    expect(sifted).toBeGreaterThan(0.5 * 1_671_072);
    expect(sifted).toBeLessThan(2 * 1_671_072);
    // the mission's bound (Hoeffding) by default; the same counts re-bounded independently agree
    expect(p.result.bound).toBe('hoeffding');
    const again = finiteKey(toFiniteKeyInput(predictCounts(p.samples, p.params), { bound: 'hoeffding', protocol: 'symmetric' }));
    expect(p.keyBits).toBe(again.keyLengthBits);
    expect(p.keyBits).toBeGreaterThan(1e5);
    expect(p.keyBits).toBeLessThan(1e6);
    // Xinglong's prediction includes Beijing's light, Graz's does not
    expect(Math.max(...p.samples.map((s) => s.backgroundHz ?? 0))).toBeGreaterThan(200);
  });
});
