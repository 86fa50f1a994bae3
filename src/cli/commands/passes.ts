/**
 * `mozi passes`: passes of the mission's satellite over its stations in a time window.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { DEFAULT_CONSTRAINTS, passSummary, type PassConstraints } from '../../orbit/passes.js';
import { missionPasses } from '../../mission/passes.js';
import { cliMission, cliStations, missionOptions, printWarnings, type MissionCliOptions } from '../mission.js';
import { numberOption, parseTimeWindow } from '../options.js';
import { CSV_HELP, formatTable, log, printJson, progressBar, writeCsvOption } from '../output.js';
import { recordsToRows } from '../../report/csv.js';

interface PassesOptions extends MissionCliOptions {
  station?: string;
  from?: string;
  to?: string;
  minElevation?: number;
  nightOnly?: boolean;
  sunElevation?: number;
  json?: boolean;
  csv?: string;
}

/**
 * Constraints of a command: the flags when given; else the mission's when a mission was named;
 * else the orbit layer's defaults (10°, day and night, −12°), as before missions existed.
 */
export function cliConstraints(o: { mission?: string; minElevation?: number; nightOnly?: boolean; sunElevation?: number }, mission: Required<PassConstraints>): Required<PassConstraints> {
  const base = o.mission !== undefined ? mission : DEFAULT_CONSTRAINTS;
  return {
    minElevationDeg: o.minElevation ?? base.minElevationDeg,
    nightOnly: o.nightOnly ?? base.nightOnly,
    sunElevationMaxDeg: o.sunElevation ?? base.sunElevationMaxDeg,
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('passes')
    .description("list passes of the mission's satellite over its stations (SGP4, AOS/TCA/LOS to < 1 s)");
  missionOptions(cmd)
    .option('--station <ids>', "comma-separated station ids of the mission (default: all; Micius: xinglong,nanshan,delingha,lijiang,ngari,graz)")
    .option('--from <iso>', 'window start, ISO-8601 UTC')
    .option('--to <iso>', 'window end, ISO-8601 UTC')
    .option('--min-elevation <deg>', "AOS/LOS elevation threshold (default: the mission's with --mission, else 10)", numberOption('--min-elevation', { min: -5, max: 90, exclusiveMax: true }))
    .option('--night-only', "only passes with the sun below --sun-elevation at TCA (default: the mission's with --mission, else off)")
    .option('--sun-elevation <deg>', 'darkness threshold on the sun elevation (default -12)', numberOption('--sun-elevation', { min: -90, max: 90 }))
    .option('--json', 'print one JSON document { passes, warnings } on stdout')
    .option('--csv <file>', CSV_HELP)
    .action((o: PassesOptions) => {
      if (o.from === undefined) throw new InputError('missing --from (ISO-8601 UTC)', { field: '--from' });
      if (o.to === undefined) throw new InputError('missing --to (ISO-8601 UTC)', { field: '--to' });
      const mission = cliMission(o);
      const stations = cliStations(mission, o.station);
      const { fromMs, toMs } = parseTimeWindow(o.from, o.to);
      const days = (toMs - fromMs) / 86_400_000;
      const bar = days * stations.length > 20 ? progressBar('passes', 100, '%') : undefined;
      const { passes, warnings } = missionPasses(mission, stations, fromMs, toMs, cliConstraints(o, mission.constraints), bar ? (f) => bar.update(Math.round(f * 100)) : undefined);
      bar?.stop();
      printWarnings(warnings);
      if (o.csv !== undefined) {
        const columns = ['station', 'satellite', 'aos', 'tca', 'los', 'maxElevationDeg', 'minRangeKm', 'durationS', 'night', 'sunElevationDegAtTca'] as const;
        writeCsvOption(o.csv, columns, recordsToRows(passes.map(passSummary), columns));
      }
      if (o.json) {
        printJson({ passes: passes.map(passSummary), warnings });
        return;
      }
      if (passes.length === 0) {
        log(`no passes of ${mission.satellite.name} over ${stations.map((s) => s.id).join(', ')} in the window`);
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
