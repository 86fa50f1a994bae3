/** A small synthetic pass for protocol tests: Alice's source from a seed, Bob's detections drawn by class yield. */
import { seedFromInteger } from '../../src/core/rng/seed.js';
import { PulseSource } from '../../src/quantum/transmitter.js';
import { Drbg } from '../../src/core/rng/drbg.js';
import type { GroundDetections, SatelliteSource } from '../../src/protocol/types.js';

export function syntheticPass(opts: { detections: number; qber: number; seed: number; passId?: string }): {
  source: SatelliteSource;
  detections: GroundDetections;
} {
  const mu = [0.8, 0.1, 0];
  const p = [0.5, 0.25, 0.25];
  const seed = seedFromInteger(opts.seed);
  const src = new PulseSource(seed, p, 0.5);
  const eta = 1e-3;
  const dark = 2e-6;
  const yieldOf = mu.map((m) => 1 - Math.exp(-eta * m) + dark);
  const rng = new Drbg(`synthetic/${opts.seed}`);
  const pulse: number[] = [];
  const basis: number[] = [];
  const bit: number[] = [];
  let i = 0;
  while (pulse.length < opts.detections) {
    i += 1 + Math.floor(rng.float() * 8);
    const s = src.setting(i);
    if (rng.float() >= yieldOf[s.intensityClass] / yieldOf[0]) continue;
    const b = rng.float() < 0.5 ? 0 : 1;
    let v: number;
    if (b !== s.basis || s.intensityClass === 2) v = rng.float() < 0.5 ? 0 : 1;
    else v = s.bit ^ (rng.float() < opts.qber ? 1 : 0);
    pulse.push(i);
    basis.push(b);
    bit.push(v);
  }
  const passId = opts.passId ?? 'synthetic-pass';
  return {
    source: {
      site: 'micius',
      passId,
      mu,
      p,
      pZ: 0.5,
      pulseRateHz: 1e8,
      pulsesSent: i + 1,
      settings: (idx) => {
        const r = src.batch(idx);
        return { intensity: r.intensityClass, basis: r.basis, bit: r.bit };
      },
    },
    detections: { site: 'xinglong', passId, pulseIndex: Float64Array.from(pulse), basis: Uint8Array.from(basis), bit: Uint8Array.from(bit) },
  };
}
