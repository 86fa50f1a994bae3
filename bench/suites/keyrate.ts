/** Benchmark suite `keyrate`: one finite-key evaluation and the optimiser for a Micius-like pass. */
import type { BenchResult, BenchSuite } from '../types.js';
import { MICIUS_SOURCE, constantLossSamples, finiteKey, optimiseSettings, predictCounts, toFiniteKeyInput } from '../../src/security/index.js';

export const keyrateSuite: BenchSuite = {
  name: 'keyrate',
  description: 'decoy-state finite-key evaluation and parameter optimisation',
  async run({ quick }) {
    const out: BenchResult[] = [];
    const input = toFiniteKeyInput(predictCounts(constantLossSamples(35, 273), MICIUS_SOURCE), { bound: 'chernoff', protocol: 'symmetric' });
    const reps = quick ? 2000 : 20000;
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) sink += finiteKey(input).keyLengthBits;
    const us = ((performance.now() - t0) * 1000) / reps;
    if (sink < 0) throw new Error('unreachable');
    out.push({ name: 'keyrate/finite-key', params: { bound: 'chernoff', protocol: 'symmetric' }, metric: 'time', value: us, unit: 'us' });
    // A 273-slot pass (1 s slots) with the loss varying over 30–43 dB, like the Micius pass.
    const samples = Array.from({ length: 273 }, (_, i) => ({ etaTotal: 10 ** (-(30 + 13 * ((i - 136) / 136) ** 2) / 10), durationS: 1 }));
    const t1 = performance.now();
    const opt = optimiseSettings(samples, MICIUS_SOURCE, { bound: 'chernoff', protocol: 'symmetric' }, { restarts: quick ? 1 : 4 });
    const ms = performance.now() - t1;
    const params = { slots: samples.length, restarts: quick ? 1 : 4, evaluations: opt.evaluations };
    out.push({ name: 'keyrate/optimise', params, metric: 'time', value: ms, unit: 'ms' });
    out.push({ name: 'keyrate/optimise', params, metric: 'gain-over-micius', value: opt.gain, unit: '' });
    return out;
  },
};
