/**
 * The satellite transmitter's random settings: for pulse i, its intensity class, basis and bit,
 * derived in O(1) from the 256-bit source seed with Philox4x32-10 (algorithms.md §8, "recommended
 * stream layout"). This is exactly what the satellite party (Alice) uses to learn what each
 * announced pulse carried; a real payload would store the equivalent QRNG record.
 *
 * Layout (documented in README.md, "Data formats"): the source seed is expanded with ChaCha20 (RFC 8439; key =
 * seed, nonce "mozi-pulses", counter 0) into words w0..w15. Philox key = (w0, w1); pulse i uses
 * counter (i mod 2^32, ⌊i / 2^32⌋, w2, w3) and its output words (r0, r1, r2, r3):
 *   intensity class: u = r0 / 2^32 compared with the cumulative class probabilities;
 *   basis: Z (0) if r1 / 2^32 < pZ, else X (1);  bit: r2 >>> 31;  r3: reserved.
 */
import { InputError } from '../core/errors.js';
import { philox4x32 } from '../core/rng/philox.js';
import { chacha20Block } from '../core/rng/chacha20.js';
import type { Seed256 } from '../core/rng/seed.js';
import type { TransmitterConfig } from '../link/hardware.js';

export const BASIS_Z = 0;
export const BASIS_X = 1;

export interface PulseSetting {
  /** 0 signal, 1 decoy, 2 vacuum (index into TransmitterConfig.intensities). */
  intensityClass: number;
  /** 0 = Z (H/V), 1 = X (D/A). */
  basis: number;
  /** 0 or 1 (Z: H=0, V=1; X: D=0, A=1). */
  bit: number;
}

export interface PulseSettingsBatch {
  intensityClass: Uint8Array;
  basis: Uint8Array;
  bit: Uint8Array;
}

/** Largest pulse index supported (exact float64 integers). */
export const MAX_PULSE_INDEX = Number.MAX_SAFE_INTEGER;

const TWO32 = 4294967296;

/**
 * A keyed source: precomputes the Philox key and counter salt from the seed and the integer
 * thresholds from the configured probabilities. Cheap to call per pulse.
 */
export class PulseSource {
  readonly k0: number;
  readonly k1: number;
  readonly salt0: number;
  readonly salt1: number;
  /** Cumulative thresholds (on r0 as uint32) for classes 0 and 1. */
  private readonly t0: number;
  private readonly t1: number;
  private readonly tZ: number;
  private readonly out = new Uint32Array(4);

  constructor(seed: Seed256, probabilities: readonly [number, number, number] | readonly number[], basisProbabilityZ: number) {
    if (seed.length !== 8) throw new InputError('source seed must be 256 bits (8 words)', { field: 'sourceSeed' });
    checkProbabilities(probabilities, basisProbabilityZ);
    const w = chacha20Block(seed, 0, [0x697a6f6d, 0x6c75702d, 0x00736573]); // "mozi-pulses"
    this.k0 = w[0];
    this.k1 = w[1];
    this.salt0 = w[2];
    this.salt1 = w[3];
    this.t0 = probabilities[0] * TWO32;
    this.t1 = (probabilities[0] + probabilities[1]) * TWO32;
    this.tZ = basisProbabilityZ * TWO32;
  }

  static fromConfig(seed: Seed256, tx: TransmitterConfig): PulseSource {
    return new PulseSource(seed, tx.intensityProbabilities, tx.basisProbabilityZ);
  }

  /** Raw Philox words for pulse `index` (shared buffer: copy if kept). */
  words(index: number): Uint32Array {
    const lo = index % TWO32;
    const hi = (index - lo) / TWO32;
    return philox4x32(lo, hi, this.salt0, this.salt1, this.k0, this.k1, this.out);
  }

  /** Intensity class of pulse `index` only. */
  intensityClass(index: number): number {
    const r0 = this.words(index)[0];
    return r0 < this.t0 ? 0 : r0 < this.t1 ? 1 : 2;
  }

  setting(index: number): PulseSetting {
    const r = this.words(index);
    return {
      intensityClass: r[0] < this.t0 ? 0 : r[0] < this.t1 ? 1 : 2,
      basis: r[1] < this.tZ ? BASIS_Z : BASIS_X,
      bit: r[2] >>> 31,
    };
  }

  /** Settings of many pulses (indices as float64 integers, any order). */
  batch(indices: Float64Array | readonly number[]): PulseSettingsBatch {
    const n = indices.length;
    const res: PulseSettingsBatch = { intensityClass: new Uint8Array(n), basis: new Uint8Array(n), bit: new Uint8Array(n) };
    for (let k = 0; k < n; k++) {
      const r = this.words(indices[k]);
      res.intensityClass[k] = r[0] < this.t0 ? 0 : r[0] < this.t1 ? 1 : 2;
      res.basis[k] = r[1] < this.tZ ? BASIS_Z : BASIS_X;
      res.bit[k] = r[2] >>> 31;
    }
    return res;
  }
}

function checkProbabilities(p: readonly number[], pZ: number): void {
  if (p.length !== 3) throw new InputError('need three intensity probabilities', { field: 'intensityProbabilities' });
  for (const x of p) {
    if (!Number.isFinite(x) || x < 0 || x > 1) throw new InputError(`probability ${x} not in [0, 1]`, { field: 'intensityProbabilities' });
  }
  const sum = p[0] + p[1] + p[2];
  if (Math.abs(sum - 1) > 1e-6) throw new InputError(`probabilities must sum to 1 (got ${sum})`, { field: 'intensityProbabilities' });
  if (!Number.isFinite(pZ) || pZ < 0 || pZ > 1) throw new InputError(`basis probability ${pZ} not in [0, 1]`, { field: 'basisProbabilityZ' });
}

/** Validate a transmitter config for simulation use (field named in the InputError). */
export function validateTransmitter(tx: TransmitterConfig): void {
  checkProbabilities(tx.intensityProbabilities, tx.basisProbabilityZ);
  tx.intensities.forEach((mu, k) => {
    if (!Number.isFinite(mu) || mu < 0) throw new InputError(`intensity ${mu} must be ≥ 0`, { field: `intensities[${k}]` });
  });
  if (!(tx.repetitionRateHz > 0)) throw new InputError('repetition rate must be > 0', { field: 'repetitionRateHz' });
  if (!(tx.polarisationContrast >= 1)) throw new InputError('polarisation contrast must be ≥ 1', { field: 'polarisationContrast' });
}

/** Settings of pulse `index` under `seed` (convenience; build a PulseSource for many calls). */
export function pulseSettings(seed: Seed256, index: number, tx: TransmitterConfig): PulseSetting {
  return PulseSource.fromConfig(seed, tx).setting(index);
}

/** Batch version of pulseSettings over a Float64Array of pulse indices. */
export function pulseSettingsBatch(seed: Seed256, indices: Float64Array, tx: TransmitterConfig): PulseSettingsBatch {
  return PulseSource.fromConfig(seed, tx).batch(indices);
}

/** Misalignment error probability from the polarisation contrast C:1, e = 1/(1 + C) (Liao 2017: 280:1 → 0.36 %). */
export function misalignmentError(contrast: number): number {
  return 1 / (1 + contrast);
}
