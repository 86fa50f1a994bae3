import { describe, expect, it } from 'vitest';
import { channelFromLinkBudget, ChannelInterpolator, FadingProcess } from '../../src/quantum/channel.js';
import { syntheticPassGeometry, RangeInterpolator } from '../../src/quantum/geometry.js';
import { linkBudget } from '../../src/link/budget.js';
import { MICIUS_TRANSMITTER, XINGLONG_RECEIVER } from '../../src/link/hardware.js';
import { Xoshiro128 } from '../../src/core/rng/philox.js';
import { shortPass } from './helpers.js';

describe('channel', () => {
  it('adapts the link budget: per-detector background incl. dark → total sky background', () => {
    const g = syntheticPassGeometry({ startMs: 0, durationS: 10 });
    const b = linkBudget(g, MICIUS_TRANSMITTER, XINGLONG_RECEIVER);
    const c = channelFromLinkBudget(b);
    expect(c).toHaveLength(b.samples.length);
    c.forEach((s, i) => {
      expect(s.etaTotal).toBe(b.samples[i].etaTotal);
      expect(s.backgroundHz).toBeCloseTo(4 * (b.samples[i].backgroundHz - XINGLONG_RECEIVER.darkCountHz), 9);
      expect(s.scintillationIndex).toBe(b.samples[i].scintillationIndex);
    });
  });

  it('interpolates η log-linearly and rejects bad samples naming the field', () => {
    const ci = new ChannelInterpolator([
      { timeMs: 0, etaTotal: 1e-3, backgroundHz: 0 },
      { timeMs: 1000, etaTotal: 1e-5, backgroundHz: 10 },
    ]);
    expect(ci.eta(500)).toBeCloseTo(1e-4, 12);
    expect(ci.backgroundHz(500)).toBeCloseTo(5, 12);
    expect(() => new ChannelInterpolator([{ timeMs: 0, etaTotal: 2, backgroundHz: 0 }])).toThrow(/channel\[0\]\.etaTotal/);
  });

  it('fading factors have unit mean and the requested log-variance', () => {
    const f = new FadingProcess({ scintillationIndex: 0.2, correlationTimeMs: 10 }, 1, new Xoshiro128(1, 2, 3, 4));
    const n = 200_000;
    let s = 0;
    let l2 = 0;
    for (let i = 0; i < n; i++) {
      const x = f.next();
      s += x;
      l2 += Math.log(x) ** 2;
    }
    expect(s / n).toBeCloseTo(1, 1);
    const sig2 = Math.log(1.2);
    expect(l2 / n).toBeCloseTo(sig2 + (sig2 / 2) ** 2, 1);
  });

  it('light time follows the range: τ = L/c, Doppler ≈ ṙ/c', () => {
    const g = syntheticPassGeometry({ startMs: 0, durationS: 100, tcaMs: 50_000 });
    const r = new RangeInterpolator(g.samples);
    const tau0 = r.lightTimePsAtEmit(10_000);
    const tau1 = r.lightTimePsAtEmit(10_001);
    expect(tau0).toBeCloseTo((r.rangeKm(10_000 + tau0 * 1e-9) / 299792.458) * 1e12, 0);
    // approaching at ~7 km/s: light time shrinks by ~2.3e-5 s per s
    expect((tau1 - tau0) / 1e9).toBeCloseTo(g.samples[10].rangeRateKmS / 299792.458, 6);
  });
});

describe('intensity fluctuation', () => {
  it('a 5 % RMS fluctuation keeps the gains within 4σ of the nominal expectation (second-order effect)', () => {
    const r = shortPass(1, { fading: null, intensityFluctuation: 0.05 });
    const d = r.summary.detections;
    for (let k = 0; k < 2; k++) {
      expect(Math.abs(d.photonEventsPerIntensity[k] - d.expectedPhotonEventsPerIntensity[k])).toBeLessThan(4 * Math.sqrt(d.expectedPhotonEventsPerIntensity[k]));
    }
  });
});
