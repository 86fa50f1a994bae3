import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PulseSource, pulseSettings, pulseSettingsBatch, validateTransmitter, misalignmentError } from '../../src/quantum/transmitter.js';
import { seedFromInteger } from '../../src/core/rng/seed.js';
import { MICIUS_TRANSMITTER } from '../../src/link/hardware.js';
import { InputError } from '../../src/core/errors.js';

describe('transmitter settings from the source seed', () => {
  const seed = seedFromInteger(7);
  const src = PulseSource.fromConfig(seed, MICIUS_TRANSMITTER);

  it('Micius class and basis frequencies (50/25/25 %, equal bases) within 4σ', () => {
    const n = 200_000;
    const cls = [0, 0, 0];
    let z = 0;
    let ones = 0;
    for (let i = 0; i < n; i++) {
      const s = src.setting(27_300_000_000 - i * 13_771);
      cls[s.intensityClass]++;
      z += s.basis === 0 ? 1 : 0;
      ones += s.bit;
    }
    const within = (k: number, p: number) => Math.abs(k - n * p) < 4 * Math.sqrt(n * p * (1 - p));
    expect(within(cls[0], 0.5)).toBe(true);
    expect(within(cls[1], 0.25)).toBe(true);
    expect(within(cls[2], 0.25)).toBe(true);
    expect(within(z, 0.5)).toBe(true);
    expect(within(ones, 0.5)).toBe(true);
  });

  it('O(1) random access: single, batch and convenience APIs agree, indices above 2^32 supported', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 50 }), (idx) => {
        const b = pulseSettingsBatch(seed, Float64Array.from(idx), MICIUS_TRANSMITTER);
        idx.forEach((i, k) => {
          const s = pulseSettings(seed, i, MICIUS_TRANSMITTER);
          expect([b.intensityClass[k], b.basis[k], b.bit[k]]).toEqual([s.intensityClass, s.basis, s.bit]);
        });
      }),
      { numRuns: 30 },
    );
    // the high counter word matters
    const lo = Array.from({ length: 64 }, (_, i) => src.setting(i));
    const hi = Array.from({ length: 64 }, (_, i) => src.setting(i + 2 ** 32));
    expect(hi).not.toEqual(lo);
  });

  it('different seeds give different settings', () => {
    const other = PulseSource.fromConfig(seedFromInteger(8), MICIUS_TRANSMITTER);
    const a = Array.from({ length: 64 }, (_, i) => src.setting(i).bit).join('');
    const b = Array.from({ length: 64 }, (_, i) => other.setting(i).bit).join('');
    expect(a).not.toBe(b);
  });

  it('rejects bad configs naming the field', () => {
    expect(() => validateTransmitter({ ...MICIUS_TRANSMITTER, intensityProbabilities: [0.5, 0.3, 0.3] })).toThrow(/intensityProbabilities/);
    expect(() => validateTransmitter({ ...MICIUS_TRANSMITTER, intensities: [0.8, -0.1, 0] })).toThrow(/intensities\[1\]/);
    expect(() => validateTransmitter({ ...MICIUS_TRANSMITTER, intensityProbabilities: [0.5, 0.3, 0.3] })).toThrow(InputError);
  });

  it('280:1 contrast gives 0.36 % misalignment (Liao 2017)', () => {
    expect(misalignmentError(280)).toBeCloseTo(0.00356, 5);
  });
});
