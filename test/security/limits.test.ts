import { describe, expect, it } from 'vitest';
import { idealDecoyBitsPerPulse, passLimits, plobBitsPerPulse, tgwBitsPerPulse } from '../../src/security/index.js';
import { lossDbToEta } from '../../src/core/units.js';

describe('PLOB bound and ideal decoy rate (algorithms.md §7)', () => {
  it('PLOB at 35 dB is 4.56e-4 bits/pulse; Micius 1.10e-5 bits/pulse is ≈2.4 % of it', () => {
    const plob = plobBitsPerPulse(lossDbToEta(35));
    expect(plob).toBeCloseTo(4.563e-4, 6);
    expect(1.1e-5 / plob).toBeCloseTo(0.024, 3);
  });
  it('ideal decoy is 0.255 (efficient) and 0.127 (symmetric) of PLOB at high loss', () => {
    const eta = lossDbToEta(40);
    expect(idealDecoyBitsPerPulse(eta, 'efficient') / plobBitsPerPulse(eta)).toBeCloseTo(0.255, 3);
    expect(idealDecoyBitsPerPulse(eta, 'symmetric') / plobBitsPerPulse(eta)).toBeCloseTo(0.1275, 3);
  });
  it('at 100 MHz and 30 / 40 dB: PLOB 144 / 14.4 kbit/s (the §7 table rows are ≈29.8 / ≈40.3 dB)', () => {
    expect(1e8 * plobBitsPerPulse(1e-3)).toBeCloseTo(144_342, -1);
    expect(1e8 * plobBitsPerPulse(1e-4)).toBeCloseTo(14_427, -1);
    expect(1e8 * plobBitsPerPulse(lossDbToEta(29.8))).toBeCloseTo(151_000, -3);
    expect(1e8 * idealDecoyBitsPerPulse(lossDbToEta(29.8), 'efficient')).toBeCloseTo(38_500, -2);
  });
  it('TGW ≥ PLOB; pass sums over slots', () => {
    expect(tgwBitsPerPulse(0.3)).toBeGreaterThan(plobBitsPerPulse(0.3));
    const l = passLimits([{ etaTotal: 1e-3, durationS: 2 }, { etaTotal: 1e-4, durationS: 1 }], 1e8);
    expect(l.pulses).toBe(3e8);
    expect(l.plobBits).toBeCloseTo(2e8 * plobBitsPerPulse(1e-3) + 1e8 * plobBitsPerPulse(1e-4), 3);
  });
  it('rejects transmittances outside [0,1]', () => {
    expect(() => plobBitsPerPulse(1.5)).toThrow(/transmittance/);
  });
});
