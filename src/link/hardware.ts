/**
 * Hardware descriptions of the satellite transmitter and the ground receiver, with zod schemas
 * for validating user-supplied configs and the Micius / Xinglong defaults.
 *
 * Source tags in the comments: [paper] Liao et al., Nature 549, 43 (2017) (see
 * shared/reference/micius-2017.md); [derived] computed from the paper's numbers; [engineering
 * estimate] a typical value where the paper prints none — a default to expose, not a fact.
 *
 * Names are stable: the simulation (quantum/), mission configs (mission/) and the link model import them.
 */
import { z } from 'zod';
import { InputError } from '../core/errors.js';

const PROB_TOLERANCE = 1e-6;

/**
 * A finite number in [min, max] whose error message gives the reason for the range: hardware
 * is checked for physical sense, not only for type (an aperture of 1e300 m or a 10¹⁵ Hz source
 * is refused up front instead of printing Infinity dB or filling the memory).
 */
function within(min: number, max: number, reason: string, opts: { exclusiveMin?: boolean } = {}) {
  const base = z.number({ error: 'must be a number' }).finite('must be a finite number');
  const lo = opts.exclusiveMin ? base.gt(min, `must be > ${min} (${reason})`) : base.gte(min, `must be ≥ ${min} (${reason})`);
  return lo.lte(max, `must be ≤ ${max} (${reason})`);
}

/** A transmittance / efficiency in (0, 1]. */
const efficiency = within(0, 1, 'an efficiency is a fraction in (0, 1]', { exclusiveMin: true });
const probability = within(0, 1, 'a probability');
/** A mean photon number per pulse of a weak coherent source. */
const meanPhotons = within(0, 10, 'mean photons per pulse of a weak coherent source; beyond a few the multi-photon part carries no key');

/** Far-field intensity profile of the downlink beam. */
export const farFieldProfileSchema = z.enum(['gaussian', 'flat-top']);
export type FarFieldProfile = z.infer<typeof farFieldProfileSchema>;

/** Largest pulse rate accepted: the fastest QKD sources run at a few GHz, and the simulation is O(detections) per pulse index. */
export const MAX_REPETITION_RATE_HZ = 10e9;

export const transmitterSchema = z
  .object({
    /** Quantum-signal wavelength. */
    wavelengthNm: within(350, 2000, 'the link model covers the visible and near infrared', { exclusiveMin: true }),
    /** Pulse repetition rate. */
    repetitionRateHz: within(1e3, MAX_REPETITION_RATE_HZ, 'QKD sources run at kHz to a few GHz'),
    /** Mean photon numbers at the telescope output, [signal, decoy, vacuum]. */
    intensities: z.tuple([meanPhotons, meanPhotons, meanPhotons]),
    /** Probabilities of sending [signal, decoy, vacuum]; must sum to 1. */
    intensityProbabilities: z.tuple([probability, probability, probability]),
    /** Probability of preparing in the Z basis (X gets the rest). */
    basisProbabilityZ: within(0, 1, 'both bases must be sent for the phase-error estimate', { exclusiveMin: true }).lt(1, 'must be < 1 (both bases must be sent for the phase-error estimate)'),
    /** Polarisation extinction (contrast) ratio, e.g. 280 for 280:1. */
    polarisationContrast: within(1, 1e9, 'a contrast ratio C:1'),
    /** Relative intensity fluctuation allowance (0.05 = ±5 %). */
    intensityFluctuation: within(0, 1, 'a relative fluctuation'),
    /** Optical pulse width (FWHM). */
    pulseWidthNs: within(0, 1e6, 'an optical pulse width', { exclusiveMin: true }),
    /** Transmit telescope clear aperture (diameter). */
    apertureM: within(0.001, 3, 'a satellite transmit telescope: millimetres (cubesats) to ~1 m', { exclusiveMin: false }),
    /** Far-field divergence, full angle at 1/e² of intensity, along the two beam axes. */
    divergenceUrad: z
      .object({
        x: within(0.1, 1e5, 'beam divergence (Micius 9 × 11 µrad)', { exclusiveMin: true }),
        y: within(0.1, 1e5, 'beam divergence (Micius 9 × 11 µrad)', { exclusiveMin: true }),
      })
      .strict(),
    /** Shape of the far-field intensity pattern the divergence describes. */
    farFieldProfile: farFieldProfileSchema,
    /** APT tracking jitter, RMS per axis. */
    pointingJitterUrad: within(0, 1e4, 'tracking jitter (Micius ~1.2 µrad)'),
    /** Static (boresight) pointing bias. */
    pointingBiasUrad: within(0, 1e4, 'pointing bias'),
    /** Correlation time of the pointing jitter (for the time-correlated process). */
    pointingCorrelationTimeMs: within(0, 1e6, 'a correlation time', { exclusiveMin: true }),
    /** Transmit optics efficiency between the point where `intensities` are defined and free space. */
    opticsEfficiency: efficiency,
  })
  .strict();

export type TransmitterConfig = z.infer<typeof transmitterSchema>;

export const receiverSchema = z
  .object({
    /** Primary mirror diameter. */
    apertureM: within(0.01, 40, 'a receiving telescope: centimetres to the 39 m of the largest ones'),
    /** Diameter of the central obscuration (secondary mirror and its baffle). */
    obscurationM: within(0, 40, 'smaller than the aperture'),
    /** Telescope + relay optics + coupling to the detectors, detectors excluded. */
    opticsEfficiency: efficiency,
    /** Detector quantum efficiency. */
    detectorEfficiency: efficiency,
    /** Number of single-photon detectors (passive BB84 decoder: 4). */
    detectorCount: z.number().int('must be an integer').min(1, 'must be ≥ 1').max(64, 'must be ≤ 64 (a BB84 decoder has 4)'),
    /** Dark-count rate per detector. */
    darkCountHz: within(0, 1e7, 'a detector with more than 10 MHz of dark counts is saturated'),
    /** Detector timing jitter (FWHM). */
    jitterPs: within(0, 1e6, 'detector timing jitter'),
    /** Detector dead time after a click. */
    deadTimeNs: within(0, 1e6, 'detector dead time'),
    /** Probability of an afterpulse following a click. */
    afterpulseProbability: within(0, 0.5, 'an afterpulse probability; beyond 50 % the detector is unusable'),
    /** Coincidence (gate) window around the expected arrival time. */
    gateWindowNs: within(0, 1e4, 'a coincidence window; it must also fit in one pulse period', { exclusiveMin: true }),
    /** Interference-filter bandwidth (FWHM) in front of the detectors. */
    filterWidthNm: within(0, 200, 'an interference filter', { exclusiveMin: true }),
    /** Receiver field of view, full angle (field stop referred to the sky). */
    fieldOfViewUrad: within(0, 1e5, 'a field stop (Xinglong ~15 µrad)', { exclusiveMin: true }),
    /** Atmospheric transmittance at zenith at the signal wavelength, from this site. */
    zenithTransmittance: efficiency,
    /** Sky spectral radiance at the signal wavelength. W m⁻² sr⁻¹ nm⁻¹. */
    skyRadianceWPerM2SrNm: within(0, 1, 'sky radiance: ~1e-9 on a moonless night, ~1e-2 in daylight'),
    /** Fried parameter at zenith at 500 nm (site seeing), for turbulence terms. */
    friedParameterZenithCm: within(0.5, 100, 'seeing from 20″ to 0.1″'),
    /** Scintillation (normalised irradiance variance) at zenith after aperture averaging. */
    scintillationIndexZenith: within(0, 10, 'a normalised irradiance variance'),
    /** Correlation time of the scintillation fades. */
    scintillationCorrelationTimeMs: within(0, 1e6, 'a correlation time', { exclusiveMin: true }),
    /** Stray light of a nearby city (optional): see cityLightHz in background.ts. */
    cityLight: z
      .object({
        name: z.string().min(1),
        azimuthDeg: within(0, 360, 'an azimuth from north through east'),
        backgroundHzAt20Deg: within(0, 1e9, 'counts per second per detector'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ReceiverConfig = z.infer<typeof receiverSchema>;

/** The Micius decoy-state BB84 transmitter. */
export const MICIUS_TRANSMITTER: TransmitterConfig = {
  wavelengthNm: 848.6, // [paper]
  repetitionRateHz: 100e6, // [paper] 100 MHz
  intensities: [0.8, 0.1, 0], // [paper] μs, μ1, μ2 at the telescope output
  intensityProbabilities: [0.5, 0.25, 0.25], // [paper]
  basisProbabilityZ: 0.5, // [paper] equal bases
  polarisationContrast: 280, // [paper] 280:1 average
  intensityFluctuation: 0.05, // [paper] < 5 % allowance in the analysis
  pulseWidthNs: 0.2, // [paper]
  apertureM: 0.3, // [paper] 300 mm Cassegrain
  divergenceUrad: { x: 9, y: 11 }, // [paper] Extended Data Fig. 5, satellite-to-ground, full angle at 1/e²
  // [derived] the beam is broadened to ~3× its 0.3 m diffraction limit; the paper's 22 dB at
  // 1,200 km is the uniform-spot estimate (D_R/(L·θ))² of this beam, so the far field is flat-topped.
  farFieldProfile: 'flat-top',
  pointingJitterUrad: 1.2, // [paper] APT accuracy ~1.2 µrad (taken as RMS per axis)
  // [engineering estimate] residual boresight / point-ahead error between the beacon-tracking camera and
  // the 850 nm transmitter after on-orbit calibration; with the jitter it gives the paper's < 3 dB.
  pointingBiasUrad: 2,
  pointingCorrelationTimeMs: 10, // [engineering estimate] fine-steering loop bandwidth ~100 Hz
  opticsEfficiency: 1, // [derived] intensities are specified at the telescope output
};

/** Stray-light level of Beijing at Xinglong, per detector at 20° elevation (fitted, see below). */
export const CITY_LIGHT_HZ = 550;

/** The Xinglong 1 m ground station and its four-detector passive BB84 decoder. */
export const XINGLONG_RECEIVER: ReceiverConfig = {
  apertureM: 1.0, // [paper] 1 m Ritchey–Chrétien
  obscurationM: 0.3, // [engineering estimate] RC secondary ≈ 30 % of the primary diameter
  opticsEfficiency: 0.16, // [paper] telescope + coupling ~16 %, detectors excluded
  detectorEfficiency: 0.5, // [paper]
  detectorCount: 4, // [paper] passive basis choice, one PBS per basis
  darkCountHz: 25, // [paper] < 25 Hz per detector
  jitterPs: 350, // [paper]
  deadTimeNs: 22, // [engineering estimate] Si SPAD, ~20–50 ns
  afterpulseProbability: 0.005, // [engineering estimate] Si SPAD, ~0.5–1 %
  gateWindowNs: 2, // [paper] coincidence window
  filterWidthNm: 1, // [engineering estimate] narrow interference filter
  // [engineering estimate] narrow field stop (≈3″) against city stray light; about 1.7× the
  // zenith seeing disc at 850 nm, so low-elevation seeing spills out of it.
  fieldOfViewUrad: 15,
  // [engineering estimate] 850 nm zenith transmittance on a slightly hazy North-China winter night
  // (aerosol optical depth ≈ 0.1 above the 890 m site); MODTRAN clear-sky sea-level 0.895 (SatQuMA
  // table) is the upper bound. With it the modelled detections of the reference orbit match the
  // paper's 3,551,136 to a few per cent.
  zenithTransmittance: 0.8,
  skyRadianceWPerM2SrNm: 1.5e-9, // [engineering estimate] moonless night sky, Miao et al. NJP 7, 215 (2005)
  friedParameterZenithCm: 5, // [engineering estimate] Xinglong median seeing ≈ 2″ at 500 nm; HV-5/7 gives the same
  scintillationIndexZenith: 0.02, // [engineering estimate] 1 m aperture-averaged downlink (weak)
  scintillationCorrelationTimeMs: 10, // [engineering estimate] Taylor frozen flow, ~ms–10 ms
  // [derived] Beijing lies 113 km from Xinglong at azimuth 241°, where the telescope points in the
  // second half of the reference pass, when the paper saw city stray light raise the noise. The paper
  // prints no background rate; its level is set so the modelled mean QBER of the reference orbit
  // matches the paper's 1.1 % (the only fitted constant of the link model).
  cityLight: { name: 'Beijing', azimuthDeg: 241, backgroundHzAt20Deg: CITY_LIGHT_HZ },
};

/**
 * The generic ground receiver a mission station starts from: the Xinglong 1 m receiver's optics
 * and detectors, a moonless sky, and no city light (stray light belongs to one site, never to a
 * default). Mission files override any field per station.
 */
export const DEFAULT_RECEIVER: ReceiverConfig = (() => {
  const { cityLight: _beijing, ...rest } = XINGLONG_RECEIVER;
  return rest;
})();

/** A config that passed every check, or the first problem with its path inside the config. */
export type Checked<T> = { ok: true; value: T } | { ok: false; path: (string | number)[]; message: string };

function zodProblem<T>(r: { success: true; data: T } | { success: false; error: z.ZodError }): Checked<T> {
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) return { ok: false, path: [...path, issue.keys[0]], message: `unknown field "${issue.keys[0]}"` };
  return { ok: false, path, message: issue.message };
}

/**
 * Check a complete transmitter config: every field's range, probabilities summing to 1, and the
 * decoy-state condition on the intensities μ1 > μ2 + μ3, μ2 > μ3 ≥ 0 (Lim et al., PRA 89, 022307
 * (2014), Sec. II), without which the single-photon bounds do not hold.
 */
export function checkTransmitter(obj: unknown): Checked<TransmitterConfig> {
  const r = zodProblem(transmitterSchema.safeParse(obj));
  if (!r.ok) return r;
  const tx = r.value;
  const sum = tx.intensityProbabilities.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > PROB_TOLERANCE) return { ok: false, path: ['intensityProbabilities'], message: `probabilities must sum to 1 (got ${sum})` };
  const [m1, m2, m3] = tx.intensities;
  if (!(m2 > m3)) return { ok: false, path: ['intensities', 1], message: `decoy intensity ${m2} must exceed the vacuum/weak intensity ${m3} (μ2 > μ3, Lim et al. 2014)` };
  if (!(m1 > m2 + m3)) return { ok: false, path: ['intensities', 0], message: `signal intensity ${m1} must exceed decoy + vacuum ${m2 + m3} (μ1 > μ2 + μ3, Lim et al. 2014)` };
  if (tx.pulseWidthNs > 1e9 / tx.repetitionRateHz) {
    return { ok: false, path: ['pulseWidthNs'], message: `pulse width ${tx.pulseWidthNs} ns is longer than the pulse period ${(1e9 / tx.repetitionRateHz).toPrecision(3)} ns` };
  }
  return r;
}

/** Check a complete receiver config: ranges, and the obscuration smaller than the aperture. */
export function checkReceiver(obj: unknown): Checked<ReceiverConfig> {
  const r = zodProblem(receiverSchema.safeParse(obj));
  if (!r.ok) return r;
  if (r.value.obscurationM >= r.value.apertureM) return { ok: false, path: ['obscurationM'], message: 'central obscuration must be smaller than the aperture' };
  return r;
}

/**
 * Checks between the two ends of a link: the coincidence window must fit in one pulse period
 * (a wider gate would assign one click to two pulses). Path is inside the receiver.
 */
export function checkLinkPair(tx: TransmitterConfig, rx: ReceiverConfig): Checked<null> {
  const periodNs = 1e9 / tx.repetitionRateHz;
  if (rx.gateWindowNs > periodNs) {
    return { ok: false, path: ['gateWindowNs'], message: `coincidence window ${rx.gateWindowNs} ns is wider than the pulse period ${periodNs.toPrecision(3)} ns of a ${(tx.repetitionRateHz / 1e6).toPrecision(4)} MHz source` };
  }
  return { ok: true, value: null };
}

function fail(c: { path: (string | number)[]; message: string }, what: string, file?: string): InputError {
  return new InputError(`invalid ${what}: ${c.message}`, { file, field: c.path.length ? c.path.join('.') : what });
}

/**
 * Validate a transmitter config (e.g. parsed JSON). Missing fields take the Micius defaults.
 * Throws InputError naming the offending field.
 */
export function parseTransmitter(obj: unknown, file?: string): TransmitterConfig {
  if (typeof obj !== 'object' || obj === null) {
    throw new InputError('transmitter config must be an object', { file, field: 'transmitter' });
  }
  const r = checkTransmitter({ ...MICIUS_TRANSMITTER, ...obj });
  if (!r.ok) throw fail(r, 'transmitter', file);
  return r.value;
}

/**
 * Validate a receiver config. Missing fields take the DEFAULT_RECEIVER values (no city light).
 * Throws InputError naming the offending field.
 */
export function parseReceiver(obj: unknown, file?: string): ReceiverConfig {
  if (typeof obj !== 'object' || obj === null) {
    throw new InputError('receiver config must be an object', { file, field: 'receiver' });
  }
  const r = checkReceiver({ ...DEFAULT_RECEIVER, ...obj });
  if (!r.ok) throw fail(r, 'receiver', file);
  return r.value;
}

/** parseTransmitter + parseReceiver + checkLinkPair: a `{ transmitter, receiver }` hardware file. */
export function parseLinkHardware(
  obj: { transmitter?: unknown; receiver?: unknown },
  file?: string,
  base: { tx: TransmitterConfig; rx: ReceiverConfig } = { tx: MICIUS_TRANSMITTER, rx: DEFAULT_RECEIVER },
): { tx: TransmitterConfig; rx: ReceiverConfig } {
  const part = (v: unknown, what: string): object => {
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`${what} config must be an object`, { file, field: what });
    return v;
  };
  const t = checkTransmitter({ ...base.tx, ...part(obj.transmitter, 'transmitter') });
  if (!t.ok) throw fail({ path: ['transmitter', ...t.path], message: t.message }, 'transmitter', file);
  const r = checkReceiver({ ...base.rx, ...part(obj.receiver, 'receiver') });
  if (!r.ok) throw fail({ path: ['receiver', ...r.path], message: r.message }, 'receiver', file);
  const tx = t.value;
  const rx = r.value;
  const pair = checkLinkPair(tx, rx);
  if (!pair.ok) throw fail({ path: ['receiver', ...pair.path], message: pair.message }, 'hardware', file);
  return { tx, rx };
}
