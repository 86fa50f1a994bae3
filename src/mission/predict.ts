/**
 * Pass → per-slot link samples and source/detector parameters for `mozi keyrate --predict`:
 * orbit (resolvePass, passGeometry) → link (linkBudget) → security (predictCounts).
 */
import { linkBudget } from '../link/index.js';
import type { TransmitterConfig, ReceiverConfig } from '../link/index.js';
import { getSatellite, getStation, MICIUS_MISSION, receiverForStation } from './index.js';
import { passGeometry, resolvePass } from '../orbit/index.js';
import type { LinkSampleLike, PredictParams } from '../security/index.js';

/** Source and detector parameters of the prediction, from the mission hardware. */
export function predictParamsFromHardware(tx: TransmitterConfig, rx: ReceiverConfig): PredictParams {
  const probX = 1 - tx.basisProbabilityZ;
  return {
    intensities: tx.intensities,
    probabilities: tx.intensityProbabilities,
    probX,
    bobProbX: probX,
    repetitionRateHz: tx.repetitionRateHz,
    // The link model's backgroundHz already contains the dark counts.
    darkCountHz: 0,
    gateWindowNs: rx.gateWindowNs,
    polarisationContrast: tx.polarisationContrast,
    // an afterpulse lands at a random time after the dead time; only those inside a gate count
    afterpulseProbability: rx.afterpulseProbability * Math.min(1, rx.gateWindowNs * 1e-9 * tx.repetitionRateHz),
    // passive BB84 decoder: one beam splitter, a detector pair per basis (Liao et al. 2017)
    passiveReceiver: true,
  };
}

export async function predictPassSamples(
  satellite: string,
  stationId: string,
  spec: string,
  stepS = 1,
): Promise<{ samples: LinkSampleLike[]; pass: Record<string, unknown>; params: PredictParams }> {
  const elements = getSatellite(satellite, { field: '--satellite' });
  const station = getStation(stationId, { field: '--station' });
  const constraints = MICIUS_MISSION.constraints;
  const pass = resolvePass(elements, station, spec, constraints);
  const geometry = passGeometry(elements, station, pass.aosMs, pass.losMs, stepS, constraints);
  const { transmitter } = MICIUS_MISSION.hardware;
  const receiver = receiverForStation(station.id);
  const budget = linkBudget(geometry, transmitter, receiver);
  const samples = budget.samples.map((s) => ({ etaTotal: s.etaTotal, backgroundHz: s.backgroundHz, timeMs: s.timeMs, durationS: stepS }));
  return {
    samples,
    pass: { ...geometry.summary },
    params: predictParamsFromHardware(transmitter, receiver),
  };
}
