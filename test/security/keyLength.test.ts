import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finiteKey } from '../../src/security/finiteKey.js';
import { finiteKeyLengthBits, finiteKeyModel, finiteKeyRawBits, packedFiniteKeyInput, type FiniteKeySettings } from '../../src/security/keyLength.js';
import { PACKED_PREDICTION, sumCountsColumns, type PredictParams } from '../../src/security/predict.js';
import type { Bound, Protocol } from '../../src/security/types.js';

/** Expected counts of a pass of `slots` slots with transmittance around eta (log-uniform spread) and a background. */
function passCounts(params: PredictParams, eta: number, slots: number, backgroundHz: number, durationS: number): Float64Array {
  const etas = Float64Array.from({ length: slots }, (_, i) => Math.min(1, eta * (0.3 + (1.4 * i) / Math.max(1, slots - 1))));
  const bg = new Float64Array(slots).fill(backgroundHz);
  const out = new Float64Array(PACKED_PREDICTION);
  sumCountsColumns(etas, bg, slots, durationS, params, out);
  return out;
}

const MICIUS: PredictParams = { intensities: [0.8, 0.1, 0], probabilities: [0.5, 0.25, 0.25], probX: 0.5, repetitionRateHz: 1e8, darkCountHz: 0, gateWindowNs: 2, polarisationContrast: 280, afterpulseProbability: 0.001, passiveReceiver: true };

describe('finiteKeyLengthBits', () => {
  it('is finiteKey(...).keyLengthBits to the bit: every bound and protocol, random sources, passes from no key to long keys', () => {
    const seen = { zero: 0, positive: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom<Bound>('chernoff', 'hoeffding', 'asymptotic', 'no-decoy'),
        fc.constantFrom<Protocol>('symmetric', 'efficient'),
        fc.double({ min: 0.4, max: 0.9, noNaN: true }),
        fc.double({ min: 0.05, max: 0.2, noNaN: true }),
        fc.constantFrom(0, 1e-3),
        fc.double({ min: 0.3, max: 0.7, noNaN: true }),
        fc.double({ min: 0.3, max: 0.7, noNaN: true }),
        fc.double({ min: -7.5, max: -2, noNaN: true }),
        fc.integer({ min: 1, max: 80 }),
        fc.double({ min: 0, max: 3000, noNaN: true }),
        fc.constantFrom(undefined, 1e-10),
        (bound, protocol, mu1, mu2, mu3, p1, probX, log10Eta, slots, backgroundHz, epsSec) => {
          const p2 = (1 - p1) / 2;
          const params: PredictParams = { ...MICIUS, intensities: [mu1, mu2, mu3], probabilities: [p1, p2, 1 - p1 - p2], probX, bobProbX: probX };
          const packed = passCounts(params, 10 ** log10Eta, slots, backgroundHz, 10);
          const settings: FiniteKeySettings = { intensities: params.intensities, probabilities: params.probabilities, bobProbX: probX, bound, protocol, ...(epsSec ? { epsSec } : {}) };
          const full = finiteKey(packedFiniteKeyInput(settings, packed));
          const want = full.keyLengthBits;
          const model = finiteKeyModel(settings);
          // the bound before the floor to the last bit, so the floor too
          expect(Object.is(finiteKeyRawBits(model, packed), full.keyLengthRawBits)).toBe(true);
          expect(finiteKeyLengthBits(model, packed)).toBe(want);
          seen[want > 0 ? 'positive' : 'zero']++;
        },
      ),
      { seed: 30160, numRuns: 3000 },
    );
    expect(seen.zero).toBeGreaterThan(300);
    expect(seen.positive).toBeGreaterThan(300);
  });

  it('agrees across the zero / non-zero boundary: a pass scaled through the onset of key', () => {
    for (const bound of ['chernoff', 'hoeffding'] as const) {
      for (const protocol of ['symmetric', 'efficient'] as const) {
        const settings: FiniteKeySettings = { intensities: MICIUS.intensities, probabilities: MICIUS.probabilities, bobProbX: 0.5, bound, protocol };
        const model = finiteKeyModel(settings);
        let last = 0;
        let onset = 0;
        // transmittance from 10^-6 up in 0.2 % steps: the key turns on somewhere along the way
        for (let eta = 1e-6; eta < 1e-3; eta *= 1.002) {
          const packed = passCounts(MICIUS, eta, 30, 300, 10);
          const got = finiteKeyLengthBits(model, packed);
          const full = finiteKey(packedFiniteKeyInput(settings, packed));
          expect(got, `${bound} ${protocol} η ${eta}`).toBe(full.keyLengthBits);
          expect(Object.is(finiteKeyRawBits(model, packed), full.keyLengthRawBits), `${bound} ${protocol} η ${eta}`).toBe(true);
          if (got > 0 && last === 0) onset++;
          last = got;
        }
        expect(onset, `${bound} ${protocol}`).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('rejects what finiteKey rejects, with its message', () => {
    const settings: FiniteKeySettings = { intensities: MICIUS.intensities, probabilities: MICIUS.probabilities, bound: 'chernoff', protocol: 'symmetric' };
    const packed = passCounts(MICIUS, 1e-4, 10, 100, 10);
    packed[2] = packed[1] + 1; // errors above detections
    expect(() => finiteKeyLengthBits(finiteKeyModel(settings), packed)).toThrow(/errors .* exceed detections/);
    packed[2] = Number.NaN;
    expect(() => finiteKeyLengthBits(finiteKeyModel(settings), packed)).toThrow(/finite non-negative/);
    expect(() => finiteKeyModel({ ...settings, intensities: [0.1, 0.8, 0] })).toThrow(/μ2 > μ3|μ1 > μ2 \+ μ3/);
  });
});

/** predictCountsColumns's per-slot loop as it was before sumCountsColumns (the reference the packed sums must equal). */
function referenceCounts(etaTotal: ArrayLike<number>, backgroundHz: ArrayLike<number>, durationS: ArrayLike<number>, params: PredictParams): number[] {
  const { intensities: mu, probabilities: p, probX } = params;
  const bobProbX = params.bobProbX ?? probX;
  const windowS = (params.gateWindowNs ?? 2) * 1e-9;
  const darkHz = params.darkCountHz ?? 25;
  const eMis = params.misalignment ?? 1 / (1 + (params.polarisationContrast ?? 280));
  const pap = params.afterpulseProbability ?? 0;
  const sent = new Float64Array(6);
  const detected = new Float64Array(6);
  const errors = new Float64Array(6);
  let pulses = 0;
  let totalS = 0;
  for (let i = 0; i < etaTotal.length; i++) {
    const eta = etaTotal[i];
    const dur = durationS[i];
    const n = params.repetitionRateHz * dur;
    pulses += n;
    totalS += dur;
    const pdc = params.darkCountProbability ?? 1 - Math.exp(-(darkHz + backgroundHz[i]) * windowS);
    const pdcX = params.passiveReceiver ? Math.min(0.5, pdc / bobProbX) : pdc;
    const pdcZ = params.passiveReceiver ? Math.min(0.5, pdc / (1 - bobProbX)) : pdc;
    for (let k = 0; k < 3; k++) {
      const e = Math.exp(-eta * mu[k]);
      const dX = 1 - (1 - 2 * pdcX) * e;
      const dZ = 1 - (1 - 2 * pdcZ) * e;
      const sentX = n * probX * p[k];
      const sentZ = n * (1 - probX) * p[k];
      sent[k] += sentX;
      sent[3 + k] += sentZ;
      detected[k] += sentX * bobProbX * (dX * (1 + pap));
      detected[3 + k] += sentZ * (1 - bobProbX) * (dZ * (1 + pap));
      errors[k] += sentX * bobProbX * (pdcX + eMis * (1 - e) + (pap * dX) / 2);
      errors[3 + k] += sentZ * (1 - bobProbX) * (pdcZ + eMis * (1 - e) + (pap * dZ) / 2);
    }
  }
  const out: number[] = [];
  for (const o of [0, 3]) for (let k = 0; k < 3; k++) out.push(sent[o + k], detected[o + k], errors[o + k]);
  return [...out, pulses, totalS];
}

describe('sumCountsColumns', () => {
  it('gives the per-slot loop\'s sums to the last bit: backgrounds and slot lengths varying or repeated, afterpulses, active or passive', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ eta: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), bg: fc.constantFrom(0, 120, 5000), dur: fc.constantFrom(1, 10, 2.5) }), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.constantFrom(0, 0.003),
        fc.constantFrom(undefined, 1e-6),
        fc.constantFrom(0.5, 0.3),
        (slots, passive, afterpulse, darkCountProbability, probX) => {
          const params: PredictParams = { ...MICIUS, darkCountHz: 25, probX, bobProbX: 1 - probX, passiveReceiver: passive, afterpulseProbability: afterpulse, ...(darkCountProbability ? { darkCountProbability } : {}) };
          const eta = slots.map((s) => s.eta);
          const bg = slots.map((s) => s.bg);
          const dur = slots.map((s) => s.dur);
          const out = new Float64Array(PACKED_PREDICTION);
          sumCountsColumns(eta, bg, slots.length, dur, params, out);
          expect(Array.from(out)).toEqual(referenceCounts(eta, bg, dur, params));
          // one slot length for all: the same as the column of equal lengths
          sumCountsColumns(eta, bg, slots.length, 10, params, out);
          expect(Array.from(out)).toEqual(referenceCounts(eta, bg, dur.map(() => 10), params));
        },
      ),
      { seed: 30161, numRuns: 500 },
    );
  });
});
