/**
 * `mozi passes`: passes of a satellite over ground stations in a time window.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { findPasses, passSummary } from '../../orbit/passes.js';
import { numberOption, parseStationList, parseTimeWindow, satelliteOption } from '../options.js';
import { formatTable, log, printJson, progressBar } from '../output.js';

interface PassesOptions {
  satellite?: string;
  tle?: string;
  omm?: string;
  station?: string;
  from?: string;
  to?: string;
  minElevation: number;
  nightOnly: boolean;
  sunElevation: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('passes')
    .description('list passes of a satellite over ground stations (SGP4, AOS/TCA/LOS to < 1 s)')
    .option('--satellite <name>', 'satellite preset (micius); default micius unless --tle/--omm')
    .option('--tle <file>', 'TLE file (optionally with a name line)')
    .option('--omm <file>', 'OMM JSON file (CelesTrak/Space-Track flavour)')
    .option('--station <names>', 'comma-separated station ids (xinglong,nanshan,delingha,lijiang,ngari,graz)')
    .option('--from <iso>', 'window start, ISO-8601 UTC')
    .option('--to <iso>', 'window end, ISO-8601 UTC')
    .option('--min-elevation <deg>', 'AOS/LOS elevation threshold', numberOption('--min-elevation', { min: -5, max: 90, exclusiveMax: true }), 10)
    .option('--night-only', 'only passes with the sun below --sun-elevation at TCA', false)
    .option('--sun-elevation <deg>', 'darkness threshold on the sun elevation', numberOption('--sun-elevation', { min: -90, max: 90 }), -12)
    .option('--json', 'print one JSON document on stdout')
    .action((o: PassesOptions) => {
      if (o.station === undefined) throw new InputError('missing --station (e.g. --station xinglong)', { field: '--station' });
      if (o.from === undefined) throw new InputError('missing --from (ISO-8601 UTC)', { field: '--from' });
      if (o.to === undefined) throw new InputError('missing --to (ISO-8601 UTC)', { field: '--to' });
      const stations = parseStationList(o.station, '--station');
      const { fromMs, toMs } = parseTimeWindow(o.from, o.to);
      const elements = satelliteOption(o);
      const days = (toMs - fromMs) / 86_400_000;
      const bar = days * stations.length > 20 ? progressBar('passes', 100, '%') : undefined;
      const passes = findPasses({
        elements,
        stations,
        fromMs,
        toMs,
        minElevationDeg: o.minElevation,
        nightOnly: o.nightOnly,
        sunElevationMaxDeg: o.sunElevation,
        onProgress: bar ? (f) => bar.update(Math.round(f * 100)) : undefined,
      });
      bar?.stop();
      if (o.json) {
        printJson({ passes: passes.map(passSummary) });
        return;
      }
      if (passes.length === 0) {
        log(`no passes of ${elements.name} over ${stations.map((s) => s.id).join(', ')} in the window`);
        return;
      }
      const rows = passes.map((p) => [
        p.station,
        p.aos.replace('T', ' ').slice(0, 19),
        p.tca.slice(11, 19),
        p.los.slice(11, 19),
        p.maxElevationDeg.toFixed(1),
        p.minRangeKm.toFixed(0),
        p.durationS.toFixed(0),
        p.night ? 'yes' : 'no',
        p.sunElevationDegAtTca.toFixed(1),
      ]);
      process.stdout.write(
        formatTable(['station', 'AOS (UTC)', 'TCA', 'LOS', 'maxEl°', 'minRange km', 'dur s', 'night', 'sunEl°'], rows) + '\n',
      );
    });
}
