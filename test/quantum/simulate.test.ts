import { describe, expect, it } from 'vitest';
import { shortPass, photonQber, START_MS } from './helpers.js';
import { syntheticPassGeometry } from '../../src/quantum/geometry.js';
import { syntheticChannel } from '../../src/quantum/channel.js';
import { simulatePass } from '../../src/quantum/simulate.js';
import { misalignmentError } from '../../src/quantum/transmitter.js';
import { DEFAULT_RECEIVER, MICIUS_TRANSMITTER, XINGLONG_RECEIVER } from '../../src/link/hardware.js';
import { legitGain, pnsGain, tunePns, parseEve } from '../../src/quantum/eve.js';
import { InputError } from '../../src/core/errors.js';
import { TAG_KIND_AFTERPULSE } from '../../src/quantum/records.js';

const within4 = (obs: number, exp: number) => Math.abs(obs - exp) <= 4 * Math.sqrt(Math.max(exp, 1));
const noDeadRx = { ...XINGLONG_RECEIVER, deadTimeNs: 0, afterpulseProbability: 0 };

describe('simulatePass statistics (no fading, analytic expectations from η(t))', () => {
  const r = shortPass(3, { fading: null, receiver: noDeadRx });
  const d = r.summary.detections;

  it('photon events per intensity within 4σ of Σ_slots N p_k (1 − e^{−μ_k η})', () => {
    for (let k = 0; k < 3; k++) expect(within4(d.photonEventsPerIntensity[k], d.expectedPhotonEventsPerIntensity[k])).toBe(true);
    expect(d.photonEventsPerIntensity[0]).toBeGreaterThan(50_000);
    expect(d.photonEventsPerIntensity[2]).toBe(0); // vacuum never produces photons
  });

  it('expected counts match an independent recomputation from the slot transmittances', () => {
    const t = r.truth;
    const perSlot = 1e5;
    let exp0 = 0;
    for (const eta of t.slotEta) exp0 += perSlot * 0.5 * legitGain(0.8, eta);
    expect(exp0 / d.expectedPhotonEventsPerIntensity[0]).toBeCloseTo(1, 5);
  });

  it('per basis: Bob chooses Z/X 50:50 passively', () => {
    for (let k = 0; k < 2; k++) {
      const [z, x] = d.photonEventsPerIntensityBasis[k];
      expect(within4(z, (z + x) / 2)).toBe(true);
    }
  });

  it('dark counts and background within 4σ', () => {
    expect(within4(d.darkCounts, d.expectedDarkCounts)).toBe(true);
    expect(within4(d.backgroundCounts, d.expectedBackgroundCounts)).toBe(true);
  });

  it('misalignment QBER on photon detections equals 1/(1 + 280) within 4σ', () => {
    const { errors, sifted } = photonQber(r);
    const e = misalignmentError(MICIUS_TRANSMITTER.polarisationContrast);
    expect(sifted).toBeGreaterThan(30_000);
    expect(Math.abs(errors - sifted * e)).toBeLessThan(4 * Math.sqrt(sifted * e));
  });

  it('tags are time-ordered and carry valid detectors', () => {
    const t = r.ground.tags.timePs;
    let bad = 0;
    for (let k = 1; k < t.length; k++) if (t[k] < t[k - 1]) bad++;
    expect(bad).toBe(0);
    expect(r.ground.tags.detector.every((x) => x < 4)).toBe(true);
  });

  it('is reproducible from the seed', () => {
    const again = shortPass(3, { fading: null, receiver: noDeadRx });
    const a = again.ground.tags.timePs;
    const b = r.ground.tags.timePs;
    expect(a.length).toBe(b.length);
    expect(a.every((x, k) => x === b[k])).toBe(true);
    expect(again.satellite.sourceSeedHex).toBe(r.satellite.sourceSeedHex);
  });
});

describe('detector effects', () => {
  it('dead time removes clicks closer than the dead time on one detector; afterpulses follow clicks', () => {
    const rx = { ...XINGLONG_RECEIVER, deadTimeNs: 1000, afterpulseProbability: 0.05 };
    const r = shortPass(1, { fading: null, receiver: rx }, 0);
    const t = r.ground.tags.timePs;
    const last = [-Infinity, -Infinity, -Infinity, -Infinity];
    // ground clock rate differs from true by ≤ 1e-6: allow 1 ps
    let minGap = Infinity;
    for (let k = 0; k < t.length; k++) {
      const dd = r.ground.tags.detector[k];
      minGap = Math.min(minGap, t[k] - last[dd]);
      last[dd] = t[k];
    }
    expect(minGap).toBeGreaterThanOrEqual(1e6 - 1);
    const ap = r.truth.tagKind.filter((k) => k === TAG_KIND_AFTERPULSE).length;
    expect(within4(ap, 0.05 * t.length)).toBe(true);
    expect(r.summary.detections.deadTimeLosses).toBeGreaterThan(0);
  });
});

describe('eavesdroppers', () => {
  it('intercept-resend on every pulse gives QBER 25 % + e_mis/2', () => {
    const r = shortPass(1, { fading: null, receiver: noDeadRx, eve: 'intercept-resend' });
    const { errors, sifted } = photonQber(r);
    const e = 0.25 + misalignmentError(280) / 2;
    expect(Math.abs(errors - sifted * e)).toBeLessThan(4 * Math.sqrt(sifted * e * (1 - e)));
  });

  it('intercept-resend:0.4 gives 10 %', () => {
    const r = shortPass(1, { fading: null, receiver: noDeadRx, eve: 'intercept-resend:0.4' });
    const { errors, sifted } = photonQber(r);
    const e = 0.4 * 0.25 + misalignmentError(280) * (1 - 0.4 * 0.5);
    expect(Math.abs(errors - sifted * e)).toBeLessThan(4 * Math.sqrt(sifted * e * (1 - e)));
  });

  it('PNS: signal gain matches the no-attack gain, decoy gain does not (BLMS 2000, Hwang 2003)', () => {
    const legit = shortPass(2, { fading: null, receiver: noDeadRx });
    const pns = shortPass(2, { fading: null, receiver: noDeadRx, eve: 'pns' });
    const a = legit.summary.detections.photonEventsPerIntensity;
    const b = pns.summary.detections.photonEventsPerIntensity;
    expect(Math.abs(a[0] - b[0])).toBeLessThan(4 * Math.sqrt(a[0] + b[0]));
    expect(within4(b[1], pns.summary.detections.expectedPhotonEventsPerIntensity[1])).toBe(true);
    expect(b[1]).toBeLessThan(a[1] / 3);
    // QBER unchanged: Eve forwards photons untouched
    const { errors, sifted } = photonQber(pns);
    expect(Math.abs(errors - sifted * misalignmentError(280))).toBeLessThan(4 * Math.sqrt(sifted * misalignmentError(280)) + 2);
    expect(pns.summary.eveHeldPhotons).toBeGreaterThan(0.9 * b[0]);
  });

  it('PNS analytic tuning: signal gain equals 1 − e^{−μη}', () => {
    const etaBob = 0.08;
    for (const eta of [1e-4, 6e-4, 1e-2]) {
      const t = tunePns(0.8, eta, etaBob);
      expect(pnsGain(0.8, t, etaBob)).toBeCloseTo(legitGain(0.8, eta), 12);
      expect(pnsGain(0.1, t, etaBob)).toBeLessThan(legitGain(0.1, eta));
    }
  });

  it('beam-splitting leaves Bob unchanged and Eve holds photons of multi-photon pulses', () => {
    const r = shortPass(1, { fading: null, receiver: noDeadRx, eve: 'beam-splitting' });
    const d = r.summary.detections;
    expect(within4(d.photonEventsPerIntensity[0], d.expectedPhotonEventsPerIntensity[0])).toBe(true);
    // P(Eve ≥ 1 photon | signal pulse detected) ≈ 1 − e^{−0.8}
    const frac = r.summary.eveHeldPhotons / (d.photonEventsPerIntensity[0] + d.photonEventsPerIntensity[1]);
    const expected = (d.photonEventsPerIntensity[0] * (1 - Math.exp(-0.8)) + d.photonEventsPerIntensity[1] * (1 - Math.exp(-0.1))) / (d.photonEventsPerIntensity[0] + d.photonEventsPerIntensity[1]);
    expect(frac).toBeCloseTo(expected, 2);
  });
});

describe('bad input', () => {
  it('names the field', () => {
    expect(() => parseEve('martian')).toThrow(InputError);
    expect(() => parseEve('martian', '--eve')).toThrow(/--eve/);
    expect(() => parseEve('intercept-resend:2')).toThrow(/fraction/);
    expect(() => shortPass(0.01, { transmitter: { ...MICIUS_TRANSMITTER, intensityProbabilities: [0.6, 0.3, 0.3] } })).toThrow(/intensityProbabilities/);
    expect(() => shortPass(0.01, { transmitter: { ...MICIUS_TRANSMITTER, intensities: [-0.8, 0.1, 0] } })).toThrow(/intensities\[0\]/);
    expect(() => shortPass(0.01, { eve: 'pns2' })).toThrow(/unknown eavesdropper/);
  });
});

describe('strong background (daylight / stray light): exact Poisson noise, no truncation', () => {
  it('10 MHz per detector: background counts within 5σ of the expectation (4·10⁴ per 1 ms slot)', () => {
    // dead time off so every noise click becomes a tag; 50 ms keeps the test small
    const r = shortPass(0.05, { receiver: { ...DEFAULT_RECEIVER, deadTimeNs: 0, afterpulseProbability: 0 }, fading: null }, 4e7);
    const d = r.summary.detections;
    expect(d.expectedBackgroundCounts).toBeGreaterThan(1.9e6);
    expect(Math.abs(d.backgroundCounts - d.expectedBackgroundCounts), 'seed 11').toBeLessThan(5 * Math.sqrt(d.expectedBackgroundCounts));
  });

  it('a pass that would need more than MAX_SIMULATED_TAGS is refused up front, naming the channel', () => {
    const geometry = syntheticPassGeometry({ startMs: START_MS, durationS: 300, tcaMs: START_MS + 150_000 });
    expect(() =>
      simulatePass({ geometry, channel: syntheticChannel(geometry, { backgroundHz: 4e9 }), receiver: { ...DEFAULT_RECEIVER, deadTimeNs: 0 }, windowStartMs: START_MS, windowEndMs: START_MS + 290_000 }),
    ).toThrow(/channel: the pass would produce ~.* detector time tags/);
  });
});
