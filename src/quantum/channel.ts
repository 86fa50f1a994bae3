/**
 * The channel as the simulation sees it: per-time transmittance and background from the link
 * model, interpolated, with a time-correlated fading factor per time slot.
 */
import { InputError } from '../core/errors.js';
import { SegmentCursor } from '../core/segments.js';
import type { RandomStream } from '../core/rng/philox.js';
import type { PassGeometry } from '../orbit/types.js';
import type { LinkBudget } from '../link/types.js';

/**
 * One link-budget sample. `etaTotal` is the end-to-end transmittance from the transmitter's
 * output (where the intensities are defined) to a detector click, receiver optics and detector
 * efficiency included; `backgroundHz` is the background click rate summed over all detectors
 * (dark counts excluded: they come from the receiver config).
 */
export interface ChannelSample {
  timeMs: number;
  etaTotal: number;
  backgroundHz: number;
  /** Scintillation index σ_I² of this slot (optional; drives the fading). */
  scintillationIndex?: number;
}

/**
 * Adapt the link model's budget: its backgroundHz is per detector and includes dark counts, ours is
 * the sky background summed over the detectors (dark counts come from the receiver config).
 */
export function channelFromLinkBudget(budget: LinkBudget): ChannelSample[] {
  const nDet = budget.background.detectorCount;
  const dark = budget.background.darkCountHz;
  return budget.samples.map((s) => ({
    timeMs: s.timeMs,
    etaTotal: s.etaTotal,
    backgroundHz: Math.max(0, s.backgroundHz - dark) * nDet,
    scintillationIndex: s.scintillationIndex,
  }));
}

/** Linear interpolation in log η and in background rate between samples (clamped at the ends). */
export class ChannelInterpolator {
  private readonly tMs: Float64Array;
  private readonly lnEta: Float64Array;
  private readonly bg: Float64Array;
  private readonly scint: Float64Array | null;
  private readonly cursor: SegmentCursor;

  constructor(samples: readonly ChannelSample[]) {
    if (samples.length < 1) throw new InputError('link budget has no samples', { field: 'channel' });
    const n = samples.length;
    this.tMs = new Float64Array(n);
    this.lnEta = new Float64Array(n);
    this.bg = new Float64Array(n);
    samples.forEach((s, i) => {
      if (!(s.etaTotal >= 0 && s.etaTotal <= 1)) throw new InputError(`etaTotal ${s.etaTotal} not in [0, 1]`, { field: `channel[${i}].etaTotal` });
      if (!(s.backgroundHz >= 0)) throw new InputError(`backgroundHz ${s.backgroundHz} must be ≥ 0`, { field: `channel[${i}].backgroundHz` });
      if (i > 0 && !(s.timeMs > samples[i - 1].timeMs)) throw new InputError('channel samples must increase in time', { field: `channel[${i}].timeMs` });
      this.tMs[i] = s.timeMs;
      this.lnEta[i] = Math.log(Math.max(s.etaTotal, 1e-300));
      this.bg[i] = s.backgroundHz;
    });
    this.cursor = new SegmentCursor(this.tMs);
    this.scint = samples.every((s) => s.scintillationIndex !== undefined)
      ? Float64Array.from(samples, (s) => s.scintillationIndex as number)
      : null;
  }

  /** Scintillation index at `tMs`, or undefined when the samples carry none. */
  scintillationIndex(tMs: number): number | undefined {
    if (!this.scint) return undefined;
    if (this.tMs.length === 1) return this.scint[0];
    const [s, f] = this.frac(tMs);
    return this.scint[s] * (1 - f) + this.scint[s + 1] * f;
  }

  private frac(tMs: number): [number, number] {
    const t = this.tMs;
    const n = t.length;
    if (n === 1 || tMs <= t[0]) return [0, 0];
    if (tMs >= t[n - 1]) return [n - 2, 1];
    const s = this.cursor.find(tMs);
    return [s, (tMs - t[s]) / (t[s + 1] - t[s])];
  }

  eta(tMs: number): number {
    if (this.tMs.length === 1) return Math.exp(this.lnEta[0]);
    const [s, f] = this.frac(tMs);
    const v = Math.exp(this.lnEta[s] * (1 - f) + this.lnEta[s + 1] * f);
    return v < 1e-250 ? 0 : v;
  }

  backgroundHz(tMs: number): number {
    if (this.tMs.length === 1) return this.bg[0];
    const [s, f] = this.frac(tMs);
    return this.bg[s] * (1 - f) + this.bg[s + 1] * f;
  }
}

/** Log-normal fading with an exponential autocorrelation (AR(1) per slot). */
export interface FadingModel {
  /** Normalised irradiance variance σ_I² (scintillation index); 0 disables fading. */
  scintillationIndex: number;
  /** Correlation time of the fades. */
  correlationTimeMs: number;
}

/**
 * Draws unit-mean log-normal fading factors for consecutive slots of `slotMs`:
 * ln F = −σ²/2 + σ·X, X an AR(1) standard-normal process with ρ = exp(−slot/τ), σ² = ln(1 + σ_I²)
 * (log-normal weak-turbulence model, Andrews & Phillips, "Laser Beam Propagation through Random Media", ch. 8).
 */
export class FadingProcess {
  private readonly sigma: number;
  private readonly rho: number;
  private x: number;

  constructor(
    model: FadingModel,
    slotMs: number,
    private readonly rng: RandomStream,
  ) {
    if (!(model.scintillationIndex >= 0)) throw new InputError('scintillation index must be ≥ 0', { field: 'fading.scintillationIndex' });
    if (!(model.correlationTimeMs > 0)) throw new InputError('fading correlation time must be > 0', { field: 'fading.correlationTimeMs' });
    this.sigma = Math.sqrt(Math.log1p(model.scintillationIndex));
    this.rho = Math.exp(-slotMs / model.correlationTimeMs);
    this.x = rng.nextNormal();
  }

  /** Next slot's unit-mean factor; `scintillationIndex` overrides the model's for this slot. */
  next(scintillationIndex?: number): number {
    this.x = this.rho * this.x + Math.sqrt(1 - this.rho * this.rho) * this.rng.nextNormal();
    const sigma = scintillationIndex === undefined ? this.sigma : Math.sqrt(Math.log1p(Math.max(0, scintillationIndex)));
    if (sigma === 0) return 1;
    return Math.exp(-0.5 * sigma * sigma + sigma * this.x);
  }
}

/**
 * A synthetic link budget for tests and demos: η = η_ref·(L_ref/L)² (diffraction-limited far
 * field, algorithms.md §5.2) with the 32 dB-at-645 km anchor of micius-2017.md, constant background.
 */
export function syntheticChannel(
  geometry: PassGeometry,
  opts: { etaAtRef?: number; refRangeKm?: number; backgroundHz?: number } = {},
): ChannelSample[] {
  const etaRef = opts.etaAtRef ?? 10 ** (-32 / 10);
  const lRef = opts.refRangeKm ?? 645;
  const bg = opts.backgroundHz ?? 20;
  return geometry.samples.map((s) => ({
    timeMs: s.timeMs,
    etaTotal: Math.min(1, etaRef * (lRef / s.rangeKm) ** 2),
    backgroundHz: bg,
  }));
}
