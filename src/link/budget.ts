/** The link budget of a pass: per-slot transmittances and background from geometry and hardware. */
import { etaToLossDb } from '../core/units.js';
import type { PassGeometry } from '../orbit/types.js';
import { airmass, atmosphereTransmittance } from './atmosphere.js';
import { backgroundPerDetectorHz, cityLightHz, skyBackgroundHz } from './background.js';
import { diffractionEfficiencyOfRange } from './diffraction.js';
import type { ReceiverConfig, TransmitterConfig } from './hardware.js';
import { meanPointingEfficiency, type PointingParams } from './pointing.js';
import { fieldStopEfficiencyOfAirmass, scintillationIndex } from './turbulence.js';
import { MAX_LOSS_DB, type LinkBudget, type LinkOptions, type LinkSample } from './types.js';

/** The pointing-process parameters implied by a transmitter. */
export function pointingParams(tx: TransmitterConfig): PointingParams {
  return {
    jitterUrad: tx.pointingJitterUrad,
    biasUrad: tx.pointingBiasUrad,
    correlationTimeS: tx.pointingCorrelationTimeMs / 1e3,
    halfAngleUrad: { x: tx.divergenceUrad.x / 2, y: tx.divergenceUrad.y / 2 },
  };
}

/**
 * The link model of one transmitter–receiver pair, with the terms that do not depend on the
 * geometry (pointing, receiver and detector efficiencies, sky background) computed once: what a
 * caller evaluating many slots (the planner's per-pass prediction) uses instead of linkAt.
 * `sample` is linkAt; `etaTotal` and `backgroundHz` are its two fields the key prediction needs,
 * computed with the same operations in the same order, so the three agree to the last bit.
 * η = η_diff·T_atm·η_turb·η_pt·η_rx·η_det [algorithms.md §5.7].
 */
export interface LinkModel {
  sample(rangeKm: number, elevationDeg: number, azimuthDeg?: number): Omit<LinkSample, 'timeMs' | 't'>;
  etaTotal(rangeKm: number, elevationDeg: number): number;
  backgroundHz(elevationDeg: number, azimuthDeg?: number): number;
  /** etaTotal and backgroundHz of slots 0..n−1 of parallel look-angle columns, into etaOut and backgroundOut. */
  slots(
    n: number,
    rangeKm: ArrayLike<number>,
    elevationDeg: ArrayLike<number>,
    azimuthDeg: ArrayLike<number>,
    etaOut: Float64Array,
    backgroundOut: Float64Array,
  ): void;
}

export function linkModel(tx: TransmitterConfig, rx: ReceiverConfig, options: LinkOptions = {}): LinkModel {
  const etaDiffractionAt = diffractionEfficiencyOfRange({
    divergenceUrad: tx.divergenceUrad,
    profile: tx.farFieldProfile,
    receiverApertureM: rx.apertureM,
    receiverObscurationM: rx.obscurationM,
    transmitterEfficiency: tx.opticsEfficiency,
  });
  const zenithTransmittance = options.zenithTransmittance ?? rx.zenithTransmittance;
  const etaPointing = meanPointingEfficiency(pointingParams(tx));
  const etaReceiver = rx.opticsEfficiency;
  const etaDetector = rx.detectorEfficiency;
  const skyHz = skyBackgroundHz({
    skyRadianceWPerM2SrNm: options.skyRadianceWPerM2SrNm ?? rx.skyRadianceWPerM2SrNm,
    apertureM: rx.apertureM,
    obscurationM: rx.obscurationM,
    fieldOfViewUrad: rx.fieldOfViewUrad,
    filterWidthNm: rx.filterWidthNm,
    wavelengthNm: tx.wavelengthNm,
    etaReceiverDetector: etaReceiver * etaDetector,
  });
  const steadyBackgroundHz = backgroundPerDetectorHz(rx.darkCountHz, skyHz, rx.detectorCount) + (options.extraBackgroundHz ?? 0);
  const city = options.cityLight === null ? null : (options.cityLight ?? rx.cityLight);
  // η_turb as a function of the Kasten–Young airmass, its geometry-free factors computed once
  const etaTurbulenceOfAirmass = fieldStopEfficiencyOfAirmass(rx.fieldOfViewUrad, rx.friedParameterZenithCm, tx.wavelengthNm, rx.apertureM);
  const law = options.airmassLaw ?? 'kasten-young';
  /**
   * T_atm and η_turb at ε, into `at` (one object, read at once by the caller: no object per
   * slot): one airmass for both when the law is Kasten–Young (friedParameterM's).
   */
  const at = { atm: 0, turb: 0 };
  const etaAtmosphereTurbulence = (elevationDeg: number): { atm: number; turb: number } => {
    if (!(elevationDeg > 0)) {
      at.atm = atmosphereTransmittance(elevationDeg, zenithTransmittance, law);
      at.turb = 0;
      return at;
    }
    const am = airmass(elevationDeg, law);
    const amKy = law === 'kasten-young' ? am : airmass(elevationDeg);
    at.atm = Math.pow(zenithTransmittance, am);
    at.turb = etaTurbulenceOfAirmass(amKy);
    return at;
  };
  const backgroundHz = (elevationDeg: number, azimuthDeg?: number): number =>
    steadyBackgroundHz + (azimuthDeg === undefined || city === null ? 0 : cityLightHz(city, azimuthDeg, elevationDeg));
  const etaTotal = (rangeKm: number, elevationDeg: number): number => {
    const etaDiffraction = etaDiffractionAt(rangeKm);
    const { atm, turb } = etaAtmosphereTurbulence(elevationDeg);
    return etaDiffraction * atm * turb * etaPointing * etaReceiver * etaDetector;
  };
  return {
    etaTotal,
    backgroundHz,
    slots(n, rangeKm, elevationDeg, azimuthDeg, etaOut, backgroundOut) {
      for (let k = 0; k < n; k++) {
        const el = elevationDeg[k];
        etaOut[k] = etaTotal(rangeKm[k], el);
        backgroundOut[k] = backgroundHz(el, azimuthDeg[k]);
      }
    },
    sample(rangeKm, elevationDeg, azimuthDeg) {
      const etaDiffraction = etaDiffractionAt(rangeKm);
      const at = etaAtmosphereTurbulence(elevationDeg);
      const etaAtmosphere = at.atm;
      const etaTurbulence = at.turb;
      const etaTotal = etaDiffraction * etaAtmosphere * etaTurbulence * etaPointing * etaReceiver * etaDetector;
      return {
        elevationDeg,
        rangeKm,
        etaDiffraction,
        etaAtmosphere,
        etaTurbulence,
        etaPointing,
        etaReceiver,
        etaDetector,
        etaTotal,
        lossTotalDb: etaTotal > 0 ? Math.min(MAX_LOSS_DB, etaToLossDb(etaTotal)) : MAX_LOSS_DB,
        backgroundHz: backgroundHz(elevationDeg, azimuthDeg),
        scintillationIndex: scintillationIndex(rx.scintillationIndexZenith, elevationDeg),
      };
    },
  };
}

/** One slot of the budget at a given range and elevation (linkModel(tx, rx, options).sample). */
export function linkAt(
  rangeKm: number,
  elevationDeg: number,
  tx: TransmitterConfig,
  rx: ReceiverConfig,
  options: LinkOptions = {},
  azimuthDeg?: number,
): Omit<LinkSample, 'timeMs' | 't'> {
  return linkModel(tx, rx, options).sample(rangeKm, elevationDeg, azimuthDeg);
}

/** Per-slot link budget of a pass. Pure function of geometry and hardware. */
export function linkBudget(
  geometry: PassGeometry,
  tx: TransmitterConfig,
  rx: ReceiverConfig,
  options: LinkOptions = {},
): LinkBudget {
  const t0 = geometry.samples.length > 0 ? geometry.samples[0].timeMs : 0;
  const model = linkModel(tx, rx, options);
  const samples: LinkSample[] = geometry.samples.map((g) => ({
    timeMs: g.timeMs,
    t: (g.timeMs - t0) / 1e3,
    ...model.sample(g.rangeKm, g.elevationDeg, g.azimuthDeg),
  }));
  return {
    pass: geometry.summary,
    stepS: geometry.stepS,
    samples,
    fading: { correlationTimeS: rx.scintillationCorrelationTimeMs / 1e3 },
    pointing: pointingParams(tx),
    background: {
      darkCountHz: rx.darkCountHz,
      skyRadianceWPerM2SrNm: options.skyRadianceWPerM2SrNm ?? rx.skyRadianceWPerM2SrNm,
      extraBackgroundHz: options.extraBackgroundHz ?? 0,
      detectorCount: rx.detectorCount,
    },
  };
}
