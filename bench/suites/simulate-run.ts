/**
 * Child process of the `simulate` bench suite: simulates a pass of the Micius reference orbit,
 * recovers its timing, and prints one JSON line (wall time, CPU time, peak RSS, counts).
 * Usage: node --import tsx bench/suites/simulate-run.ts [windowS]
 */
import { getSatellite } from '../../src/mission/satellites.js';
import { getStation } from '../../src/mission/stations.js';
import { MICIUS_TRANSMITTER, XINGLONG_RECEIVER } from '../../src/link/hardware.js';
import { passInputs } from '../../src/quantum/preset.js';
import { simulatePass } from '../../src/quantum/simulate.js';
import { recoverTiming } from '../../src/timing/recover.js';

const windowS = Number(process.argv[2] ?? 273);
const inputs = passInputs(getSatellite('micius'), getStation('xinglong'), '2016-12-19', MICIUS_TRANSMITTER, XINGLONG_RECEIVER, { windowS });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const sim = simulatePass({ ...inputs, seed: 1 });
const t1 = performance.now();
const rec = recoverTiming({ ...sim.ground, gateWindowPs: XINGLONG_RECEIVER.gateWindowNs * 1000 });
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  JSON.stringify({
    windowS,
    pulses: sim.summary.pulses.total,
    tags: sim.summary.detections.tags,
    detections: rec.detections.pulseIndex.length,
    simulateS: (t1 - t0) / 1000,
    timingS: (t2 - t1) / 1000,
    wallTimeS: (t2 - t0) / 1000,
    cpuTimeS: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
