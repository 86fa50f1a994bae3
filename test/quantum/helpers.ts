import { syntheticPassGeometry } from '../../src/quantum/geometry.js';
import { syntheticChannel } from '../../src/quantum/channel.js';
import { simulatePass, type SimulateOptions, type SimulationResult } from '../../src/quantum/simulate.js';
import { PulseSource } from '../../src/quantum/transmitter.js';
import { seedFromHex } from '../../src/core/rng/seed.js';
import { TAG_KIND_PHOTON } from '../../src/quantum/records.js';

export const START_MS = Date.UTC(2016, 11, 19, 16, 50, 0);

/** A short synthetic pass near TCA (645 km, ~32 dB) with Micius hardware. */
export function shortPass(durationS: number, extra: Partial<SimulateOptions> = {}, bgHz = 20): SimulationResult {
  const geometry = syntheticPassGeometry({ startMs: START_MS, durationS: durationS + 2, tcaMs: START_MS + 1000 + (durationS * 1000) / 2 });
  return simulatePass({
    geometry,
    channel: syntheticChannel(geometry, { backgroundHz: bgHz }),
    windowStartMs: START_MS + 1000,
    windowEndMs: START_MS + 1000 + durationS * 1000,
    seed: 11,
    ...extra,
  });
}

/** Sifted QBER of single-click photon tags (truth) against Alice's settings. */
export function photonQber(r: SimulationResult): { errors: number; sifted: number } {
  const src = PulseSource.fromConfig(seedFromHex(r.satellite.sourceSeedHex), r.satellite.transmitter);
  let errors = 0;
  let sifted = 0;
  const t = r.truth;
  const det = r.ground.tags.detector;
  for (let k = 0; k < det.length; k++) {
    if (t.tagKind[k] !== TAG_KIND_PHOTON) continue;
    // skip multi-click pulses (neighbour tag of the same pulse)
    if ((k > 0 && t.tagPulseIndex[k - 1] === t.tagPulseIndex[k]) || (k + 1 < det.length && t.tagPulseIndex[k + 1] === t.tagPulseIndex[k])) continue;
    const s = src.setting(t.tagPulseIndex[k]);
    if (det[k] >> 1 !== s.basis) continue;
    sifted++;
    if ((det[k] & 1) !== s.bit) errors++;
  }
  return { errors, sifted };
}
