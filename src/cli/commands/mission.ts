/**
 * `mozi mission init [--out FILE]`: write a complete, commented example mission file.
 * `mozi mission check FILE [--json]`: validate a mission file (exit 0 valid, 2 with the field
 * named) and print the resolved mission: every default filled in, each with where it came from.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { epochMs } from '../../orbit/sgp4.js';
import type { Mission } from '../../mission/config.js';
import { EXAMPLE_MISSION } from '../../mission/example.js';
import { resolveMissionPass } from '../../mission/passes.js';
import { loadMission } from '../../mission/presets.js';
import { parseJsonDocument } from '../../mission/jsonText.js';
import { formatTable, log, printJson } from '../output.js';
import { printWarnings } from '../mission.js';

/** The resolved mission as plain JSON (what `mission check --json` prints under `mission`). */
export function missionJson(m: Mission): Record<string, unknown> {
  return {
    name: m.name,
    description: m.description ?? null,
    file: m.file,
    satellite: {
      name: m.satellite.name,
      noradId: m.satellite.noradId ?? null,
      source: m.satellite.source,
      elementSets: m.satellite.sets.map((e, i) => ({ epoch: new Date(m.satellite.epochsMs[i]).toISOString(), name: e.name, ...(e.tle ? { tle: e.tle } : { omm: e.omm }) })),
    },
    transmitter: m.transmitter,
    stations: m.stations.map(({ telescope: _t, ...s }) => s),
    constraints: m.constraints,
    postprocessing: m.postprocessing,
    replays: m.replays,
  };
}

/** Flatten a value into `path = value` rows (arrays of numbers and small objects stay whole). */
function flatten(prefix: string, v: unknown, out: [string, string][]): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !('x' in v && 'y' in v) && !('name' in v && 'azimuthDeg' in v)) {
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  } else out.push([prefix, JSON.stringify(v)]);
}

/** Named passes resolve to real passes (an InputError names the replay's line otherwise); their warnings. */
function checkReplays(m: Mission): string[] {
  const warnings: string[] = [];
  const doc = m.file !== '<inline>' && existsSync(m.file) ? parseJsonDocument(readFileSync(m.file, 'utf8'), m.file) : undefined;
  m.replays.forEach((r, k) => {
    const st = m.stations.find((s) => s.id === r.station)!;
    try {
      warnings.push(...resolveMissionPass(m, st, r.pass).warnings);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const message = e.message.replace(/^(?:[^:]*: )?(?:pass|satellite): /, '');
      throw new InputError(message, { file: m.file, line: doc?.lineOf(['replays', k, 'pass']), field: `replays.${k}.pass` });
    }
  });
  return warnings;
}

export function register(program: Command): void {
  const mission = program.command('mission').description('mission files: write a commented example, check one and show every resolved value');

  mission
    .command('init')
    .description('write a complete, commented example mission file (JSON with comments)')
    .option('--out <file>', 'write it here (default: print it on stdout)')
    .option('--force', 'overwrite an existing file')
    .action((o: { out?: string; force?: boolean }) => {
      if (o.out === undefined) {
        process.stdout.write(EXAMPLE_MISSION);
        return;
      }
      if (existsSync(o.out) && !o.force) throw new InputError('file exists (use --force to overwrite)', { file: o.out, field: '--out' });
      try {
        writeFileSync(o.out, EXAMPLE_MISSION);
      } catch (e) {
        throw new InputError(`cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: o.out, field: '--out' });
      }
      log(`wrote ${o.out}; check it with: mozi mission check ${o.out}`);
    });

  mission
    .command('check')
    .description('validate a mission file (exit 0 valid, 2 naming file, line and field) and print the resolved mission with the origin of every value')
    .argument('<file>', 'mission file, or a shipped mission (micius, jinan-1)')
    .option('--json', 'print one JSON document { valid, mission, origins, warnings }')
    .action((file: string, o: { json?: boolean }) => {
      const m = loadMission(file);
      const warnings = checkReplays(m);
      printWarnings(warnings);
      if (o.json) {
        printJson({ valid: true, file: m.file, mission: missionJson(m), origins: m.origins, warnings });
        return;
      }
      const rows: [string, string, string][] = [];
      const flat: [string, string][] = [];
      const j = missionJson(m);
      flatten('transmitter', j.transmitter, flat);
      for (const s of m.stations) {
        const { receiver, telescope: _t, id, ...rest } = s;
        flatten(`stations.${id}`, rest, flat);
        flatten(`stations.${id}.receiver`, receiver, flat);
      }
      flatten('constraints', j.constraints, flat);
      flatten('postprocessing', j.postprocessing, flat);
      for (const [path, value] of flat) rows.push([path, value, m.origins[path] ?? '']);
      const sat = m.satellite;
      const epochs = sat.sets.map((e) => new Date(epochMs(e)).toISOString().slice(0, 16) + 'Z');
      process.stdout.write(
        `mission ${m.name}${m.description ? ` — ${m.description}` : ''}\n` +
          `file ${m.file}: valid\n` +
          `satellite ${sat.name}${sat.noradId !== undefined ? ` (NORAD ${sat.noradId})` : ''}: ${sat.sets.length} element set(s), epoch${sat.sets.length > 1 ? 's' : ''} ${epochs.length > 4 ? `${epochs[0]} … ${epochs[epochs.length - 1]}` : epochs.join(', ')} (${m.origins.satellite})\n` +
          `stations ${m.stations.map((s) => s.id).join(', ')}\n` +
          `replays ${m.replays.map((r) => `${r.id} (${r.station}, ${r.pass}${r.windowS ? `, ${r.windowS} s` : ''})`).join(', ') || 'none'}\n\n` +
          formatTable(['field', 'value', 'from'], rows) +
          '\n',
      );
    });
}
