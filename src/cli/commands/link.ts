/**
 * `mozi link`: per-slot optical link budget of one pass (diffraction, atmosphere, turbulence,
 * pointing, receiver, detector, background), as a table, JSON, or an SVG plot.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { etaToLossDb } from '../../core/units.js';
import { parseLinkHardware, type ReceiverConfig, type TransmitterConfig } from '../../link/hardware.js';
import { SKY_RADIANCE_W_PER_M2_SR_NM, type SkyCondition } from '../../link/background.js';
import { linkBudget } from '../../link/budget.js';
import { impliedLossAnchors } from '../../link/calibration.js';
import type { LinkBudget } from '../../link/types.js';
import type { MissionStation } from '../../mission/config.js';
import { elementsAt } from '../../mission/elements.js';
import { resolveMissionPass } from '../../mission/passes.js';
import { epochDistanceCheck } from '../../orbit/epoch.js';
import { passGeometry } from '../../orbit/passes.js';
import { cliMission, cliStation, missionOptions, printWarnings, type MissionCliOptions } from '../mission.js';
import { cliConstraints } from './passes.js';
import { lineChart, stackCharts } from '../../report/svg.js';
import { numberOption, parseIsoTime, parseTimeWindow } from '../options.js';
import { formatTable, log, printJson, writeCsvOption } from '../output.js';
import { recordsToRows } from '../../report/csv.js';

interface LinkCliOptions extends MissionCliOptions {
  station?: string;
  pass?: string;
  from?: string;
  to?: string;
  step: string;
  minElevation?: number;
  hardware?: string;
  sky?: string;
  extraBackground?: number;
  json?: boolean;
  plot?: string;
  csv?: string;
}

/** "1s", "0.5 s", "500ms", "2" (seconds) → seconds. */
export function parseStep(value: string, flag = '--step'): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?\s*$/.exec(value);
  if (!m) throw new InputError(`"${value}" is not a time step (e.g. 1s, 500ms)`, { field: flag });
  const s = Number(m[1]) * (m[2] === 'ms' ? 1e-3 : 1);
  if (!(s >= 0.01 && s <= 600)) throw new InputError(`${s} s is out of range (0.01 s … 600 s)`, { field: flag });
  return s;
}

/** The mission's transmitter and the station's receiver, overridden field by field by a `{ transmitter, receiver }` file. */
function loadHardware(file: string | undefined, base: { tx: TransmitterConfig; rx: ReceiverConfig }): { tx: TransmitterConfig; rx: ReceiverConfig } {
  if (file === undefined) return base;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError('cannot read the file', { file, field: '--hardware' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file });
  }
  if (typeof json !== 'object' || json === null) throw new InputError('expected an object { transmitter, receiver }', { file });
  return parseLinkHardware(json as { transmitter?: unknown; receiver?: unknown }, file, base);
}

function skyRadiance(sky: string | undefined): number | undefined {
  if (sky === undefined) return undefined;
  const key = sky.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as SkyCondition;
  const v = SKY_RADIANCE_W_PER_M2_SR_NM[key];
  if (v === undefined) {
    throw new InputError(`unknown sky "${sky}"; known: new-moon, quarter-moon, full-moon`, { field: '--sky' });
  }
  return v;
}

const db = (eta: number): number => (eta > 0 ? etaToLossDb(eta) : Infinity);

/** The two-panel link plot: loss terms vs time, total loss vs range with the paper's targets. */
export function linkPlotSvg(b: LinkBudget, title: string, anchors: { rangeKm: number; lossDb: number }[] = []): string {
  const s = b.samples.filter((x) => x.etaTotal > 0);
  const t = s.map((x) => x.t);
  const terms = lineChart({
    title: `${title}: loss terms vs time`,
    xLabel: 'time since AOS (s)',
    yLabel: 'loss (dB)',
    series: [
      { name: 'total (end to end)', x: t, y: s.map((x) => x.lossTotalDb), width: 3 },
      { name: 'diffraction (beam vs 1 m aperture)', x: t, y: s.map((x) => db(x.etaDiffraction)) },
      { name: 'atmosphere (extinction)', x: t, y: s.map((x) => db(x.etaAtmosphere)) },
      { name: 'turbulence (seeing vs field stop)', x: t, y: s.map((x) => db(x.etaTurbulence)) },
      { name: 'pointing (APT jitter + bias)', x: t, y: s.map((x) => db(x.etaPointing)) },
      { name: 'receiver optics + detector', x: t, y: s.map((x) => db(x.etaReceiver * x.etaDetector)), dash: '6 3' },
    ],
    legend: 'outside-right',
    width: 980,
    height: 420,
  });
  const vsRange = lineChart({
    title: `${title}: end-to-end loss vs range`,
    xLabel: 'slant range (km)',
    yLabel: 'end-to-end loss (dB)',
    series: [
      { name: 'model', x: s.map((x) => x.rangeKm), y: s.map((x) => x.lossTotalDb), markers: false, width: 2 },
      {
        name: 'Micius, implied by sifted rates (Liao 2017)',
        x: anchors.map((a) => a.rangeKm),
        y: anchors.map((a) => a.lossDb),
        noLine: true,
        color: '#d55e00',
      },
    ],
    legend: 'outside-right',
    width: 980,
    height: 360,
  });
  return stackCharts([terms, vsRange]);
}

export function register(program: Command): void {
  const cmd = program
    .command('link')
    .description("optical link budget of one pass: per-slot transmittance terms, total loss, background (the station's own receiver)");
  missionOptions(cmd)
    .option('--station <id>', "station of the mission (default: its first, Micius: xinglong)")
    .option('--pass <date|aos>', 'UTC date YYYY-MM-DD (highest night pass that day) or ISO AOS time')
    .option('--from <iso>', 'interval start, ISO-8601 UTC (instead of --pass)')
    .option('--to <iso>', 'interval end, ISO-8601 UTC (instead of --pass)')
    .option('--step <dt>', 'slot length, e.g. 1s or 500ms', '1s')
    .option('--min-elevation <deg>', "AOS/LOS elevation for --pass (default: the mission's with --mission, else 10)", numberOption('--min-elevation', { min: 0, max: 90, exclusiveMax: true }))
    .option('--hardware <file>', "JSON { \"transmitter\": {...}, \"receiver\": {...} } overriding fields of the mission's transmitter and the station's receiver")
    .option('--sky <condition>', 'sky background: new-moon, quarter-moon, full-moon (default: receiver preset)')
    .option('--extra-background <hz>', 'extra background per detector (city light), counts/s', numberOption('--extra-background', { min: 0 }))
    .option('--json', 'print one JSON document { pass, samples } on stdout')
    .option('--plot <file.svg>', 'write an SVG plot of the loss terms')
    .option('--csv <file>', 'also write every slot (not only the 20 rows printed) as CSV (RFC 4180, full precision)')
    .action((o: LinkCliOptions) => {
      const stepS = parseStep(o.step);
      const mission = cliMission(o);
      const station: MissionStation = cliStation(mission, o.station, mission.stations[0].id);
      const { tx, rx } = loadHardware(o.hardware, { tx: mission.transmitter, rx: station.receiver });
      const warnings: string[] = [];
      let fromMs: number;
      let toMs: number;
      if (o.pass !== undefined) {
        if (o.from !== undefined || o.to !== undefined) throw new InputError('give either --pass or --from/--to', { field: '--pass' });
        const c = cliConstraints({ ...o, nightOnly: o.mission !== undefined ? undefined : false }, mission.constraints);
        const r = resolveMissionPass(mission, station, o.pass, c);
        fromMs = r.pass.aosMs;
        toMs = r.pass.losMs;
        warnings.push(...r.warnings);
      } else if (o.from !== undefined && o.to !== undefined) {
        ({ fromMs, toMs } = parseTimeWindow(o.from, o.to));
      } else if (o.from !== undefined) {
        fromMs = parseIsoTime(o.from, '--from');
        toMs = fromMs + 600_000;
      } else {
        throw new InputError('missing --pass (e.g. --pass 2016-12-19) or --from/--to', { field: '--pass' });
      }
      const elements = elementsAt(mission.satellite, (fromMs + toMs) / 2);
      const w = epochDistanceCheck(elements, fromMs, toMs);
      if (w && !warnings.includes(w)) warnings.push(w);
      printWarnings(warnings);
      const geometry = passGeometry(elements, station, fromMs, toMs, stepS);
      const budget = linkBudget(geometry, tx, rx, {
        skyRadianceWPerM2SrNm: skyRadiance(o.sky),
        extraBackgroundHz: o.extraBackground,
      });
      if (o.plot !== undefined) {
        try {
          writeFileSync(o.plot, linkPlotSvg(budget, `${elements.name} → ${station.name}`, impliedLossAnchors(tx, rx)));
        } catch (e) {
          throw new InputError(`cannot write the plot (${(e as Error).message})`, { file: o.plot, field: '--plot' });
        }
        log(`wrote ${o.plot}`);
      }
      if (o.csv !== undefined) {
        const columns = ['t', 'timeMs', 'elevationDeg', 'rangeKm', 'etaDiffraction', 'etaAtmosphere', 'etaTurbulence', 'etaPointing', 'etaReceiver', 'etaDetector',
          'etaTotal', 'lossTotalDb', 'backgroundHz', 'scintillationIndex'] as const;
        writeCsvOption(o.csv, ['t', 'utc', ...columns.slice(1)], recordsToRows(budget.samples, columns).map((r, i) => [r[0], new Date(budget.samples[i].timeMs).toISOString(), ...r.slice(1)]));
      }
      if (o.json) {
        printJson({
          pass: budget.pass,
          stepS: budget.stepS,
          fading: budget.fading,
          pointing: budget.pointing,
          background: budget.background,
          samples: budget.samples,
          warnings,
        });
        return;
      }
      const ss = budget.samples;
      const every = Math.max(1, Math.round(ss.length / 20));
      const rows = ss
        .filter((_, i) => i % every === 0 || i === ss.length - 1)
        .map((x) => [
          x.t.toFixed(0),
          new Date(x.timeMs).toISOString().slice(11, 19),
          x.elevationDeg.toFixed(1),
          x.rangeKm.toFixed(0),
          db(x.etaDiffraction).toFixed(2),
          db(x.etaAtmosphere).toFixed(2),
          db(x.etaTurbulence).toFixed(2),
          db(x.etaPointing).toFixed(2),
          db(x.etaReceiver * x.etaDetector).toFixed(2),
          x.lossTotalDb.toFixed(2),
          x.backgroundHz.toFixed(1),
        ]);
      const p = budget.pass;
      log(`${p.satellite} over ${p.station}: AOS ${p.aos}  TCA ${p.tca}  LOS ${p.los}  max el ${p.maxElevationDeg.toFixed(1)}°  min range ${p.minRangeKm.toFixed(0)} km`);
      process.stdout.write(
        formatTable(
          ['t s', 'UTC', 'el°', 'range km', 'diff dB', 'atm dB', 'turb dB', 'point dB', 'rx+det dB', 'total dB', 'bg Hz/det'],
          rows,
        ) + '\n',
      );
    });
}
