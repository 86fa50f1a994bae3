/** The link budget of a pass: per-slot transmittances and background from geometry and hardware. */
import { etaToLossDb } from '../core/units.js';
import type { PassGeometry } from '../orbit/types.js';
import { atmosphereTransmittance } from './atmosphere.js';
import { backgroundPerDetectorHz, cityLightHz, skyBackgroundHz } from './background.js';
import { diffractionEfficiency } from './diffraction.js';
import type { ReceiverConfig, TransmitterConfig } from './hardware.js';
import { meanPointingEfficiency, type PointingParams } from './pointing.js';
import { fieldStopEfficiency, friedParameterM, scintillationIndex, seeingFwhmUrad } from './turbulence.js';
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
 * One slot of the budget at a given range and elevation.
 * η = η_diff·T_atm·η_turb·η_pt·η_rx·η_det [algorithms.md §5.7].
 */
export function linkAt(
  rangeKm: number,
  elevationDeg: number,
  tx: TransmitterConfig,
  rx: ReceiverConfig,
  options: LinkOptions = {},
  azimuthDeg?: number,
): Omit<LinkSample, 'timeMs' | 't'> {
  const above = elevationDeg > 0;
  const etaDiffraction = diffractionEfficiency({
    rangeKm,
    divergenceUrad: tx.divergenceUrad,
    profile: tx.farFieldProfile,
    receiverApertureM: rx.apertureM,
    receiverObscurationM: rx.obscurationM,
    transmitterEfficiency: tx.opticsEfficiency,
  });
  const etaAtmosphere = atmosphereTransmittance(
    elevationDeg,
    options.zenithTransmittance ?? rx.zenithTransmittance,
    options.airmassLaw,
  );
  const etaTurbulence = above
    ? fieldStopEfficiency(
        rx.fieldOfViewUrad,
        seeingFwhmUrad(friedParameterM(rx.friedParameterZenithCm, tx.wavelengthNm, elevationDeg), tx.wavelengthNm),
        tx.wavelengthNm,
        rx.apertureM,
      )
    : 0;
  const etaPointing = meanPointingEfficiency(pointingParams(tx));
  const etaReceiver = rx.opticsEfficiency;
  const etaDetector = rx.detectorEfficiency;
  const etaTotal = etaDiffraction * etaAtmosphere * etaTurbulence * etaPointing * etaReceiver * etaDetector;
  const skyHz = skyBackgroundHz({
    skyRadianceWPerM2SrNm: options.skyRadianceWPerM2SrNm ?? rx.skyRadianceWPerM2SrNm,
    apertureM: rx.apertureM,
    obscurationM: rx.obscurationM,
    fieldOfViewUrad: rx.fieldOfViewUrad,
    filterWidthNm: rx.filterWidthNm,
    wavelengthNm: tx.wavelengthNm,
    etaReceiverDetector: etaReceiver * etaDetector,
  });
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
    backgroundHz:
      backgroundPerDetectorHz(rx.darkCountHz, skyHz, rx.detectorCount) +
      (options.extraBackgroundHz ?? 0) +
      (azimuthDeg === undefined || options.cityLight === null ? 0 : cityLightHz(options.cityLight ?? rx.cityLight, azimuthDeg, elevationDeg)),
    scintillationIndex: scintillationIndex(rx.scintillationIndexZenith, elevationDeg),
  };
}

/** Per-slot link budget of a pass. Pure function of geometry and hardware. */
export function linkBudget(
  geometry: PassGeometry,
  tx: TransmitterConfig,
  rx: ReceiverConfig,
  options: LinkOptions = {},
): LinkBudget {
  const t0 = geometry.samples.length > 0 ? geometry.samples[0].timeMs : 0;
  const samples: LinkSample[] = geometry.samples.map((g) => ({
    timeMs: g.timeMs,
    t: (g.timeMs - t0) / 1e3,
    ...linkAt(g.rangeKm, g.elevationDeg, tx, rx, options, g.azimuthDeg),
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
