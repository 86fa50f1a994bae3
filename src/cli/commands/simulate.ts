/**
 * `mozi simulate`: event-level simulation of one pass. Writes the satellite record, the ground's
 * time tags and sync tags, and the ground truth (see README.md, "Data formats"), and prints a summary.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { seedFromHex } from '../../core/rng/seed.js';
import { DEFAULT_RECEIVER, MICIUS_TRANSMITTER, parseLinkHardware, type ReceiverConfig, type TransmitterConfig } from '../../link/hardware.js';
import { EVE_HELP, parseEve } from '../../quantum/eve.js';
import { passInputs } from '../../quantum/preset.js';
import { missionOptions, plannedPass, type MissionCliOptions } from '../mission.js';
import { writeSimulation } from '../../recording/mozi-files.js';
import { simulatePass, type SimulationResult } from '../../quantum/simulate.js';
import { recoverTiming, type TimingDiagnostics } from '../../timing/recover.js';
import { checkInstrumentOptions, writeInstrumentFiles } from '../../recording/simulated-instruments.js';
import { formatTable, log, printJson, progressBar, writeCsvOption } from '../output.js';

interface SimulateCliOptions extends MissionCliOptions {
  preset?: string;
  station?: string;
  pass?: string;
  windowS?: string;
  eve: string;
  seed: string;
  sourceSeed?: string;
  hardware?: string;
  fading: boolean;
  intensityFluctuation?: string;
  out?: string;
  truth: boolean;
  checkTiming?: boolean;
  json?: boolean;
  tagFormat?: string;
  settingsRecord?: string;
  csv?: string;
}

function num(value: string, flag: string, min: number, max = Infinity): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v < min || v > max) throw new InputError(`"${value}" must be a number in [${min}, ${max}]`, { field: flag });
  return v;
}

/** The mission's transmitter and the station's receiver, overridden field by field by a `{ transmitter, receiver }` file. */
export function loadHardware(
  file: string | undefined,
  base: { tx: TransmitterConfig; rx: ReceiverConfig } = { tx: MICIUS_TRANSMITTER, rx: DEFAULT_RECEIVER },
): { tx: TransmitterConfig; rx: ReceiverConfig } {
  if (file === undefined) return base;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read JSON (${(e as Error).message})`, { file, field: '--hardware' });
  }
  if (typeof json !== 'object' || json === null) throw new InputError('expected an object { transmitter, receiver }', { file });
  return parseLinkHardware(json as { transmitter?: unknown; receiver?: unknown }, file, base);
}

/** Truth-based check of a timing recovery (tests and --check-timing). */
export function checkTimingAgainstTruth(result: SimulationResult, diag: TimingDiagnostics, det: ReturnType<typeof recoverTiming>['detections']): Record<string, number> {
  const tr = result.truth;
  // photon-caused pulses (tags of one pulse, adjacent in time order, count once)
  let signalTags = 0;
  for (let k = 0; k < tr.tagKind.length; k++) {
    if (tr.tagKind[k] !== 0) continue;
    let dup = false;
    for (let j = k - 1; j >= 0 && j >= k - 4; j--) if (tr.tagKind[j] === 0 && tr.tagPulseIndex[j] === tr.tagPulseIndex[k]) dup = true;
    if (!dup) signalTags++;
  }
  let inWindow = 0;
  let right = 0;
  let s2 = 0;
  for (let q = 0; q < det.pulseIndex.length; q++) {
    const k = det.tagIndex[q];
    if (tr.tagKind[k] !== 0) continue;
    inWindow++;
    if (tr.tagPulseIndex[k] === det.pulseIndex[q]) {
      right++;
      s2 += det.residualPs[q] ** 2;
    }
  }
  return {
    signalPulses: signalTags,
    signalDetectionsInWindow: inWindow,
    rightIndex: right,
    rightIndexFraction: inWindow > 0 ? right / inWindow : 0,
    residualRmsPs: right > 0 ? Math.sqrt(s2 / right) : NaN,
    gateEfficiency: signalTags > 0 ? inWindow / signalTags : 0,
    recoveredSkewPs: diag.skewPs,
    trueSkewPs: tr.quantumSkewPs,
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('Event-level simulation of a pass: satellite record, ground time tags and sync tags, ground truth');
  missionOptions(cmd)
    .option('--preset <name>', 'a named pass of the mission (e.g. micius-2016-12-19; `mozi mission check` lists them)')
    .option('--station <id>', 'station of the mission (e.g. xinglong)')
    .option('--pass <spec>', 'pass: UTC date YYYY-MM-DD or ISO time near AOS')
    .option('--window-s <seconds>', "data window length centred on TCA (default: the preset's, else AOS→LOS above the minimum elevation)")
    .option('--eve <model>', EVE_HELP, 'none')
    .option('--seed <N>', 'seed of the simulated randomness (and of the source seed)', '1')
    .option('--source-seed <hex>', '256-bit source seed (64 hex digits); default derived from --seed')
    .option('--hardware <file>', "JSON { transmitter, receiver } overriding fields of the mission's transmitter and the station's receiver")
    .option('--no-fading', 'disable scintillation and pointing fades')
    .option('--intensity-fluctuation <rms>', 'relative RMS fluctuation of each pulse intensity (default 0)')
    .option('--out <dir>', 'write DIR/satellite, DIR/ground, DIR/truth and DIR/summary.json')
    .option('--no-truth', 'do not write DIR/truth')
    .option('--check-timing', 'also run the ground timing recovery and check it against the truth')
    .option('--tag-format <format>', 'ground tags as Mozi files (mozi: tags.bin + sync.bin), a HydraHarp PTU T2 file (ptu: tags.ptu) or a Swabian raw tag stream (swabian: tags.ttraw + sidecar); detectors on inputs 1–4, sync on 5', 'mozi')
    .option('--settings-record <kind>', 'replace the satellite\'s seed by a QRNG setting record: dense (every pulse, 4 bits each) or sparse (the pulses the ground detects)')
    .option('--json', 'print the summary as one JSON document')
    .option('--csv <file>', 'also write the per-intensity table as CSV (RFC 4180, full precision)')
    .action((o: SimulateCliOptions) => {
      const eve = parseEve(o.eve, '--eve');
      const seed = num(o.seed, '--seed', 0, Number.MAX_SAFE_INTEGER);
      if (!Number.isInteger(seed)) throw new InputError('seed must be an integer', { field: '--seed' });
      const windowFlag = o.windowS !== undefined ? num(o.windowS, '--window-s', 1, 3600) : undefined;
      const planned = plannedPass({ ...o, windowS: windowFlag }, (base) => loadHardware(o.hardware, base));
      const { station, passSpec, tx, rx, windowS } = planned;
      const satellite = planned.elements;
      const mission = planned.mission;
      const fluct = o.intensityFluctuation !== undefined ? num(o.intensityFluctuation, '--intensity-fluctuation', 0, 1) : 0;
      const sourceSeed = o.sourceSeed !== undefined ? seedFromHex(o.sourceSeed, '--source-seed') : undefined;

      log(`simulate: resolving pass ${passSpec} of ${satellite.name} over ${station.name}`);
      const inputs = passInputs(satellite, station, passSpec, tx, rx, { windowS, constraints: mission.constraints });
      const instruments = checkInstrumentOptions(o, Math.floor((inputs.windowEndMs - inputs.windowStartMs) * 1e-3 * tx.repetitionRateHz));
      if ((instruments.tagFormat ?? 'mozi') !== 'mozi' || instruments.settingsRecord) {
        if (o.out === undefined) throw new InputError('--tag-format and --settings-record need --out DIR', { field: '--out' });
      }
      if (o.out !== undefined && existsSync(o.out) && !statSync(o.out).isDirectory()) {
        throw new InputError(`${o.out} exists and is not a directory`, { field: '--out' });
      }
      const bar = progressBar('simulate', 100, '%');
      const result = simulatePass({
        geometry: inputs.geometry,
        channel: inputs.channel,
        transmitter: tx,
        receiver: rx,
        windowStartMs: inputs.windowStartMs,
        windowEndMs: inputs.windowEndMs,
        seed,
        sourceSeed,
        eve,
        fading: o.fading ? undefined : null,
        pointing: o.fading ? inputs.pointing : undefined,
        intensityFluctuation: fluct,
        satellite: satellite.name,
        station: station.id,
        onProgress: (f) => bar.update(Math.round(f * 100)),
      });
      bar.stop();
      let timing: Record<string, unknown> | undefined;
      if (o.checkTiming) {
        const rec = recoverTiming({ ...result.ground, gateWindowPs: rx.gateWindowNs * 1000 });
        timing = { diagnostics: rec.diagnostics, truthCheck: checkTimingAgainstTruth(result, rec.diagnostics, rec.detections) };
      }
      if (o.out !== undefined) {
        writeSimulation(o.out, {
          satellite: result.satellite,
          ground: result.ground,
          truth: o.truth ? result.truth : undefined,
          summary: result.summary,
        });
        log(`simulate: wrote ${o.out}/satellite, ${o.out}/ground${o.truth ? `, ${o.out}/truth` : ''}, ${o.out}/summary.json`);
        const files = writeInstrumentFiles(o.out, result, instruments);
        if (files.tagFile) log(`simulate: ground tags recorded as ${files.tagFile} (${files.tagRecords} records)`);
        if (files.settingsFile) log(`simulate: satellite settings recorded as ${files.settingsFile} (${files.settingsEntries} pulses, ${files.settingsBytes} bytes; no seed in satellite.json)`);
      }
      const s = result.summary;
      if (o.csv !== undefined) {
        const d = s.detections;
        writeCsvOption(o.csv, ['intensity', 'mu', 'pulsesExpected', 'photonEvents', 'photonEventsExpected', 'bobZ', 'bobX'],
          ['signal', 'decoy', 'vacuum'].map((n, k) => [n, tx.intensities[k], s.pulses.expectedPerIntensity[k], d.photonEventsPerIntensity[k],
            d.expectedPhotonEventsPerIntensity[k], d.photonEventsPerIntensityBasis[k][0], d.photonEventsPerIntensityBasis[k][1]]));
      }
      if (o.json) {
        printJson({ ...s, out: o.out ?? null, timing: timing ?? null });
        return;
      }
      const d = s.detections;
      const names = ['signal', 'decoy', 'vacuum'];
      process.stdout.write(
        `${s.satellite} over ${s.station}, ${s.windowStartUtc}, ${s.durationS.toFixed(1)} s, eve ${s.eve}; mean loss ${s.meanLossDb.toFixed(1)} dB\n` +
          formatTable(
            ['intensity', 'μ', 'pulses sent (expected)', 'photon events', 'expected', 'Bob Z', 'Bob X'],
            names.map((n, k) => [
              n,
              tx.intensities[k],
              s.pulses.expectedPerIntensity[k].toExponential(4),
              d.photonEventsPerIntensity[k],
              d.expectedPhotonEventsPerIntensity[k].toFixed(0),
              d.photonEventsPerIntensityBasis[k][0],
              d.photonEventsPerIntensityBasis[k][1],
            ]),
          ) +
          '\n' +
          formatTable(
            ['tags', 'Z-H', 'Z-V', 'X-D', 'X-A', 'dark (exp)', 'background (exp)', 'afterpulses', 'dead-time losses', 'sync tags'],
            [
              [
                d.tags,
                ...d.tagsPerDetector,
                `${d.darkCounts} (${d.expectedDarkCounts.toFixed(0)})`,
                `${d.backgroundCounts} (${d.expectedBackgroundCounts.toFixed(0)})`,
                d.afterpulses,
                d.deadTimeLosses,
                s.sync.tags,
              ],
            ],
          ) +
          '\n' +
          (timing ? `timing: ${JSON.stringify(timing.truthCheck)}\n` : ''),
      );
    });
}
