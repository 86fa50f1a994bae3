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

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
/** A transmittance / efficiency in (0, 1]. */
const efficiency = z.number().finite().positive().max(1);
const probability = z.number().finite().min(0).max(1);

/** Far-field intensity profile of the downlink beam. */
export const farFieldProfileSchema = z.enum(['gaussian', 'flat-top']);
export type FarFieldProfile = z.infer<typeof farFieldProfileSchema>;

export const transmitterSchema = z
  .object({
    /** Quantum-signal wavelength. */
    wavelengthNm: positive,
    /** Pulse repetition rate. */
    repetitionRateHz: positive,
    /** Mean photon numbers at the telescope output, [signal, decoy, vacuum]. */
    intensities: z.tuple([nonNegative, nonNegative, nonNegative]),
    /** Probabilities of sending [signal, decoy, vacuum]; must sum to 1. */
    intensityProbabilities: z.tuple([probability, probability, probability]),
    /** Probability of preparing in the Z basis (X gets the rest). */
    basisProbabilityZ: probability,
    /** Polarisation extinction (contrast) ratio, e.g. 280 for 280:1. */
    polarisationContrast: z.number().finite().min(1),
    /** Relative intensity fluctuation allowance (0.05 = ±5 %). */
    intensityFluctuation: z.number().finite().min(0).max(1),
    /** Optical pulse width (FWHM). */
    pulseWidthNs: positive,
    /** Transmit telescope clear aperture (diameter). */
    apertureM: positive,
    /** Far-field divergence, full angle at 1/e² of intensity, along the two beam axes. */
    divergenceUrad: z.object({ x: positive, y: positive }),
    /** Shape of the far-field intensity pattern the divergence describes. */
    farFieldProfile: farFieldProfileSchema,
    /** APT tracking jitter, RMS per axis. */
    pointingJitterUrad: nonNegative,
    /** Static (boresight) pointing bias. */
    pointingBiasUrad: nonNegative,
    /** Correlation time of the pointing jitter (for the time-correlated process). */
    pointingCorrelationTimeMs: positive,
    /** Transmit optics efficiency between the point where `intensities` are defined and free space. */
    opticsEfficiency: efficiency,
  })
  .strict();

export type TransmitterConfig = z.infer<typeof transmitterSchema>;

export const receiverSchema = z
  .object({
    /** Primary mirror diameter. */
    apertureM: positive,
    /** Diameter of the central obscuration (secondary mirror and its baffle). */
    obscurationM: nonNegative,
    /** Telescope + relay optics + coupling to the detectors, detectors excluded. */
    opticsEfficiency: efficiency,
    /** Detector quantum efficiency. */
    detectorEfficiency: efficiency,
    /** Number of single-photon detectors (passive BB84 decoder: 4). */
    detectorCount: z.number().int().positive(),
    /** Dark-count rate per detector. */
    darkCountHz: nonNegative,
    /** Detector timing jitter (FWHM). */
    jitterPs: nonNegative,
    /** Detector dead time after a click. */
    deadTimeNs: nonNegative,
    /** Probability of an afterpulse following a click. */
    afterpulseProbability: probability,
    /** Coincidence (gate) window around the expected arrival time. */
    gateWindowNs: positive,
    /** Interference-filter bandwidth (FWHM) in front of the detectors. */
    filterWidthNm: positive,
    /** Receiver field of view, full angle (field stop referred to the sky). */
    fieldOfViewUrad: positive,
    /** Atmospheric transmittance at zenith at the signal wavelength, from this site. */
    zenithTransmittance: efficiency,
    /** Sky spectral radiance at the signal wavelength. W m⁻² sr⁻¹ nm⁻¹. */
    skyRadianceWPerM2SrNm: nonNegative,
    /** Fried parameter at zenith at 500 nm (site seeing), for turbulence terms. */
    friedParameterZenithCm: positive,
    /** Scintillation (normalised irradiance variance) at zenith after aperture averaging. */
    scintillationIndexZenith: nonNegative,
    /** Correlation time of the scintillation fades. */
    scintillationCorrelationTimeMs: positive,
    /** Stray light of a nearby city (optional): see cityLightHz in background.ts. */
    cityLight: z
      .object({
        name: z.string().min(1),
        azimuthDeg: z.number().min(0).max(360),
        backgroundHzAt20Deg: nonNegative,
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

function toInputError(err: z.ZodError, what: string, file?: string): InputError {
  const issue = err.issues[0];
  let field = issue && issue.path.length > 0 ? issue.path.join('.') : what;
  if (issue && issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    field = [...issue.path, issue.keys[0]].join('.');
  }
  const message = issue ? issue.message : 'invalid';
  return new InputError(`invalid ${what}: ${message}`, { file, field });
}

function checkProbabilitySum(values: readonly number[], field: string, file?: string): void {
  const sum = values.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > PROB_TOLERANCE) {
    throw new InputError(`probabilities must sum to 1 (got ${sum})`, { file, field });
  }
}

/**
 * Validate a transmitter config (e.g. parsed JSON). Missing fields take the Micius defaults.
 * Throws InputError naming the offending field.
 */
export function parseTransmitter(obj: unknown, file?: string): TransmitterConfig {
  if (typeof obj !== 'object' || obj === null) {
    throw new InputError('transmitter config must be an object', { file, field: 'transmitter' });
  }
  const r = transmitterSchema.safeParse({ ...MICIUS_TRANSMITTER, ...obj });
  if (!r.success) throw toInputError(r.error, 'transmitter', file);
  checkProbabilitySum(r.data.intensityProbabilities, 'intensityProbabilities', file);
  return r.data;
}

/**
 * Validate a receiver config. Missing fields take the Xinglong defaults.
 * Throws InputError naming the offending field.
 */
export function parseReceiver(obj: unknown, file?: string): ReceiverConfig {
  if (typeof obj !== 'object' || obj === null) {
    throw new InputError('receiver config must be an object', { file, field: 'receiver' });
  }
  const r = receiverSchema.safeParse({ ...XINGLONG_RECEIVER, ...obj });
  if (!r.success) throw toInputError(r.error, 'receiver', file);
  if (r.data.obscurationM >= r.data.apertureM) {
    throw new InputError('central obscuration must be smaller than the aperture', {
      file,
      field: 'obscurationM',
    });
  }
  return r.data;
}
