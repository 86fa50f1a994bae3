/**
 * Typed output of the link model (layer 1), consumed by the event simulation (quantum/), the
 * finite-key prediction (security/, mission/) and the reports. Keep these names stable.
 *
 * Transmittances `eta…` are in [0, 1]. The end-to-end chain of one slot is
 *   etaTotal = etaDiffraction · etaAtmosphere · etaTurbulence · etaPointing · etaReceiver · etaDetector
 * from the satellite telescope output (where the mean photon numbers μ are defined) to a detector
 * click, so a pulse of intensity μ clicks with probability ≈ 1 − exp(−μ·etaTotal) plus background.
 */
import type { PassSummary } from '../orbit/types.js';
import type { AirmassLaw } from './atmosphere.js';
import type { CityLight } from './background.js';
import type { PointingParams } from './pointing.js';

export interface LinkSample {
  /** Unix epoch ms (UTC) of the slot. */
  timeMs: number;
  /** Seconds since the first sample of the pass. */
  t: number;
  elevationDeg: number;
  rangeKm: number;
  /** Far-field spot collected by the annular ground aperture, times transmit optics efficiency. */
  etaDiffraction: number;
  /** Slant-path extinction T_zenith^AM(ε). */
  etaAtmosphere: number;
  /** Mean turbulence loss: seeing-broadened spot clipped by the field stop (scintillation is unit-mean). */
  etaTurbulence: number;
  /** Mean pointing loss under APT jitter and bias. */
  etaPointing: number;
  /** Ground telescope + relay optics + coupling (detectors excluded). */
  etaReceiver: number;
  /** Detector efficiency. */
  etaDetector: number;
  /** Product of the six terms above. */
  etaTotal: number;
  /** −10·log10(etaTotal), end to end; capped at MAX_LOSS_DB when the satellite is below the horizon. */
  lossTotalDb: number;
  /** Background clicks per detector, counts/s: dark counts + sky light. */
  backgroundHz: number;
  /** Scintillation index σ_I² for this slot (input to drawFading). */
  scintillationIndex: number;
}

export interface LinkOptions {
  /** Override the receiver's sky radiance, W m⁻² sr⁻¹ nm⁻¹. */
  skyRadianceWPerM2SrNm?: number;
  /** Extra background per detector, counts/s, at every slot. */
  extraBackgroundHz?: number;
  /** Override the receiver's city stray light (null: none). */
  cityLight?: CityLight | null;
  /** Override the receiver's zenith transmittance (per station and wavelength). */
  zenithTransmittance?: number;
  airmassLaw?: AirmassLaw;
}

export interface LinkBudget {
  pass: PassSummary;
  stepS: number;
  samples: LinkSample[];
  /** Parameters of the scintillation process; per-slot index in LinkSample.scintillationIndex. */
  fading: { correlationTimeS: number };
  /** Parameters of the pointing process (drawPointing); its mean is each sample's etaPointing. */
  pointing: PointingParams;
  /** What the background was computed from. */
  background: {
    darkCountHz: number;
    skyRadianceWPerM2SrNm: number;
    extraBackgroundHz: number;
    detectorCount: number;
  };
}

/** Loss reported when etaTotal is 0 (satellite below the horizon). */
export const MAX_LOSS_DB = 300;
