/** The 10 s window around TCA of the reference pass (Micius over Xinglong, 2016-12-19), seed 7: the recording tests' pass. */
import { MICIUS_TRANSMITTER, XINGLONG_RECEIVER } from '../../src/link/hardware.js';
import { getSatellite } from '../../src/mission/satellites.js';
import { getStation } from '../../src/mission/stations.js';
import { passInputs } from '../../src/quantum/preset.js';
import { simulatePass, type SimulationResult } from '../../src/quantum/simulate.js';

export function simulateShortPass(): SimulationResult {
  const inputs = passInputs(getSatellite('micius'), getStation('xinglong'), '2016-12-19', MICIUS_TRANSMITTER, XINGLONG_RECEIVER, { windowS: 10 });
  return simulatePass({
    geometry: inputs.geometry,
    channel: inputs.channel,
    transmitter: MICIUS_TRANSMITTER,
    receiver: XINGLONG_RECEIVER,
    windowStartMs: inputs.windowStartMs,
    windowEndMs: inputs.windowEndMs,
    seed: 7,
    pointing: inputs.pointing,
    satellite: 'MICIUS',
    station: 'xinglong',
  });
}
