/**
 * `mozi import FILE --format ptu|swabian|csv --ground DIR`: a time tagger's recording (PicoQuant
 * PTU T2, Swabian raw tags, CSV/quTAG text) → the ground's files (ground.json, tags.bin,
 * sync.bin) that `mozi ground --data DIR` reads. The tags come from FILE; the rest of ground.json
 * (schedule, predicted ephemeris, receiver, quantum delay) from an existing ground.json
 * (`--like`, default: the one next to FILE) or from the pass plan (`--preset`, or `--station` and
 * `--pass` of `--mission` with `--satellite`/`--tle`, `--window-s`, `--hardware`, `--epoch-utc`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { passInputs } from '../../quantum/preset.js';
import { missionOptions, plannedPass, type MissionCliOptions } from '../mission.js';
import { formatFromName, importTagFile, readGroundMeta, writeImportedGround, type GroundMeta, type TagImportOptions } from '../../recording/ground-files.js';
import { groundMetaFromPlan } from '../../recording/ground-plan.js';
import { TAG_FORMATS, type TagFormat } from '../../recording/tag-batch.js';
import { integerOption, numberOption, parseIsoTime } from '../options.js';
import { log, printJson } from '../output.js';
import { loadHardware } from './simulate.js';

/** Options every command that reads an instrument's tag file shares. */
export interface TagInputCliOptions {
  format?: string;
  channels?: string;
  offsetPs?: number;
  clockPs?: number;
  maxBackwardPs?: number;
}

export function tagInputOptions(cmd: Command): Command {
  return cmd
    .option('--format <format>', `tag file format: ${TAG_FORMATS.join(' | ')} (default: from ground.json or the file name)`)
    .option('--channels <map>', 'instrument channel of each detector and of the sync detector, e.g. 1=H,2=V,3=D,4=A,5=sync (default: the map in the file\'s header or sidecar)')
    .option('--offset-ps <n>', 'added to every tag time (ps): aligns the tagger\'s time zero with the schedule\'s groundEpochMs', integerOption('--offset-ps', { min: -Number.MAX_SAFE_INTEGER }))
    .option('--clock-ps <n>', 'picoseconds per tick: overrides the PTU header\'s resolution; the tick of a CSV export (default 1)', numberOption('--clock-ps', { min: 0, exclusiveMin: true }))
    .option('--max-backward-ps <n>', 'largest step back in time tolerated between inputs (default 10000); larger is an error', numberOption('--max-backward-ps', { min: 0 }));
}

export function tagInputValues(o: TagInputCliOptions): Partial<TagImportOptions> {
  if (o.format !== undefined && !TAG_FORMATS.includes(o.format as TagFormat)) {
    throw new InputError(`"${o.format}" is not one of ${TAG_FORMATS.join(', ')}`, { field: '--format' });
  }
  return {
    format: o.format as TagFormat | undefined,
    channels: o.channels,
    offsetPs: o.offsetPs,
    clockPs: o.clockPs,
    maxBackwardPs: o.maxBackwardPs,
  };
}

interface ImportCliOptions extends TagInputCliOptions, MissionCliOptions {
  ground: string;
  like?: string;
  preset?: string;
  tle?: string;
  station?: string;
  pass?: string;
  windowS?: number;
  hardware?: string;
  epochUtc?: string;
  quantumDelayPs?: number;
  json?: boolean;
}

/** ground.json's metadata from --like, the pass plan, or the ground.json beside FILE. */
function groundMeta(file: string, o: ImportCliOptions): { meta: GroundMeta; from: string } {
  const planned = o.preset !== undefined || o.station !== undefined || o.pass !== undefined;
  if (o.like !== undefined && planned) throw new InputError('give either --like or a pass (--preset, --station/--pass), not both', { field: '--like' });
  if (planned) {
    if (o.preset === undefined && (o.station === undefined || o.pass === undefined)) throw new InputError('a pass needs --station and --pass (or --preset)', { field: o.station === undefined ? '--station' : '--pass' });
    const planned = plannedPass(o, (base) => loadHardware(o.hardware, base));
    const { station, passSpec, tx, rx, windowS } = planned;
    const satellite = planned.elements;
    const inputs = passInputs(satellite, station, passSpec, tx, rx, { windowS, constraints: planned.mission.constraints });
    const meta = groundMetaFromPlan({
      station: station.id,
      geometry: inputs.geometry,
      windowStartMs: inputs.windowStartMs,
      windowEndMs: inputs.windowEndMs,
      transmitter: tx,
      receiver: rx,
      groundEpochMs: o.epochUtc !== undefined ? parseIsoTime(o.epochUtc, '--epoch-utc') : undefined,
      quantumDelayPs: o.quantumDelayPs,
    });
    return { meta, from: `pass ${passSpec} of ${satellite.name} over ${station.name}` };
  }
  if (o.epochUtc !== undefined || o.quantumDelayPs !== undefined) throw new InputError('--epoch-utc and --quantum-delay-ps belong to a pass (--preset or --station/--pass); with --like they come from that file', { field: o.epochUtc !== undefined ? '--epoch-utc' : '--quantum-delay-ps' });
  const like = o.like ?? join(dirname(resolve(file)), 'ground.json');
  if (o.like === undefined && !existsSync(like)) {
    throw new InputError('ground.json needs a schedule, ephemeris and receiver: give --like GROUND_JSON or the pass (--preset, or --station and --pass)', { field: '--like' });
  }
  return { meta: readGroundMeta(like), from: like };
}

export function register(program: Command): void {
  const cmd = program
    .command('import')
    .description('convert a time tagger\'s recording (PTU T2, Swabian raw tags, CSV/quTAG text) into the ground\'s files (ground.json, tags.bin, sync.bin)')
    .argument('<file>', 'the recording')
    .requiredOption('--ground <dir>', 'folder to write ground.json, tags.bin and sync.bin into (then: mozi ground --data DIR)')
    .option('--like <ground.json>', 'take schedule, ephemeris, receiver and quantum delay from this ground.json (default: the ground.json beside FILE)')
    .option('--preset <name>', 'or from a planned pass: a named pass of the mission (e.g. micius-2016-12-19)')
    .option('--station <id>', 'station of the mission for the pass')
    .option('--pass <spec>', 'pass: UTC date YYYY-MM-DD or ISO time near AOS')
    .option('--window-s <seconds>', 'data window centred on TCA (default: AOS→LOS above 10°; the preset\'s)', numberOption('--window-s', { min: 1, max: 3600 }))
    .option('--hardware <file>', "JSON { transmitter, receiver } overriding fields of the mission's transmitter and the station's receiver")
    .option('--epoch-utc <iso>', 'UTC of the tagger\'s time zero (default: the window start)')
    .option('--quantum-delay-ps <n>', 'calibrated delay of the detector tags relative to the sync detector\'s', numberOption('--quantum-delay-ps'))
    .option('--json', 'print one JSON document (what was read and written) on stdout');
  missionOptions(cmd);
  tagInputOptions(cmd).action(async (file: string, o: ImportCliOptions) => {
    const values = tagInputValues(o);
    const format = values.format ?? formatFromName(file);
    if (format === undefined) throw new InputError(`cannot tell the format from the file name: give --format ${TAG_FORMATS.join('|')}`, { field: '--format' });
    const { meta, from } = groundMeta(file, o);
    log(`import: metadata from ${from}`);
    const { collected, report } = await importTagFile(file, { ...values, format });
    if (collected.tags.timePs.length === 0) throw new InputError(`no detector tags on channels ${report.channelMap}`, { file, field: '--channels' });
    if (collected.syncTimePs.length === 0) throw new InputError(`no sync tags on the sync channel of ${report.channelMap}`, { file, field: '--channels' });
    const unmapped = Object.entries(report.unmappedEvents);
    if (unmapped.length) log(`import: warning: events on channels not in the map were dropped: ${unmapped.map(([c, n]) => `${c}: ${n}`).join(', ')}`);
    if (report.lostIntervals) log(`import: ${report.lostIntervals} lost intervals (${report.lostS.toFixed(6)} s, ${report.missedEvents} events missed) kept as lost, not as zero counts`);
    mkdirSync(o.ground, { recursive: true });
    writeImportedGround(o.ground, meta, collected, report);
    log(`import: ${report.tags} tags and ${report.syncTags} sync tags from ${report.records} records → ${o.ground}/ground.json, tags.bin, sync.bin`);
    if (o.json) printJson({ ...report, out: o.ground, metadataFrom: from });
  });
}
