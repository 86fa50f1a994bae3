/**
 * The mission options every command shares: `--mission FILE|NAME` (default: the shipped Micius
 * mission), `--station ID[,ID…]` picking the mission's stations, `--pass DATE|AOS-ISO`, and the
 * shorthands `--tle FILE`, `--omm FILE`, `--satellite NAME` overriding the mission's satellite.
 * One loader, so every command checks missions, element sets and hardware the same way.
 */
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { catalogueOf, readElementSets } from '../mission/elements.js';
import type { ReceiverConfig, TransmitterConfig } from '../link/hardware.js';
import type { SatelliteElements } from '../orbit/types.js';
import { missionReplay, missionStation, withSatellite, type Mission, type MissionStation } from '../mission/config.js';
import { resolveMissionPass } from '../mission/passes.js';
import { DEFAULT_MISSION, findReplayPreset, loadMission, SHIPPED_MISSIONS } from '../mission/presets.js';
import { SATELLITE_NAMES, shippedCatalogue } from '../mission/satellites.js';
import { log } from './output.js';

export interface MissionCliOptions {
  mission?: string;
  satellite?: string;
  tle?: string;
  omm?: string;
}

/** Add --mission (and, unless told otherwise, --satellite/--tle/--omm) to a command. */
export function missionOptions(cmd: Command, opts: { satellite?: boolean } = {}): Command {
  cmd.option('--mission <file|name>', `mission file (JSON with comments; \`mozi mission init\`), or a shipped mission: ${SHIPPED_MISSIONS.join(', ')} (default ${DEFAULT_MISSION})`);
  if (opts.satellite !== false) {
    cmd
      .option('--satellite <name>', `shipped element set (${SATELLITE_NAMES.join(', ')}) instead of the mission's satellite`)
      .option('--tle <file>', "TLE file (one or many element sets) instead of the mission's satellite")
      .option('--omm <file>', "OMM JSON file (one object or an array) instead of the mission's satellite");
  }
  return cmd;
}

/** The mission the options designate, with the satellite shorthands applied. */
export function cliMission(o: MissionCliOptions): Mission {
  const mission = loadMission(o.mission ?? DEFAULT_MISSION);
  const given = [o.satellite, o.tle, o.omm].filter((x) => x !== undefined);
  if (given.length > 1) throw new InputError('give only one of --satellite, --tle, --omm', { field: '--satellite' });
  if (o.tle !== undefined) return withSatellite(mission, catalogueOf(readElementSets(o.tle, { field: '--tle' }, 'tle'), o.tle, undefined, { field: '--tle' }), '--tle');
  if (o.omm !== undefined) return withSatellite(mission, catalogueOf(readElementSets(o.omm, { field: '--omm' }, 'omm'), o.omm, undefined, { field: '--omm' }), '--omm');
  if (o.satellite !== undefined) return withSatellite(mission, shippedCatalogue(o.satellite, { field: '--satellite' }), '--satellite');
  return mission;
}

/** Comma-separated station ids of the mission (all of them when absent). */
export function cliStations(mission: Mission, value: string | undefined, flag = '--station'): MissionStation[] {
  if (value === undefined) return mission.stations;
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) throw new InputError('no station given', { field: flag });
  const out: MissionStation[] = [];
  for (const id of ids) {
    const st = missionStation(mission, id, { field: flag });
    if (!out.includes(st)) out.push(st);
  }
  return out;
}

/** One station of the mission. */
export function cliStation(mission: Mission, value: string | undefined, fallback?: string, flag = '--station'): MissionStation {
  const id = value ?? fallback;
  if (id === undefined) throw new InputError(`missing ${flag} (stations of ${mission.name}: ${mission.stations.map((s) => s.id).join(', ')})`, { field: flag });
  return missionStation(mission, id, { field: flag });
}

/** Print warnings on stderr, one line each. */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) log(`mozi: warning: ${w}`);
}

export interface PlannedPassOptions extends MissionCliOptions {
  /** A named pass of the mission (of the shipped missions without --mission). */
  preset?: string;
  station?: string;
  pass?: string;
  /** Data window (s) centred on TCA; default the named pass's, else AOS → LOS. */
  windowS?: number;
}

export interface PlannedPass {
  mission: Mission;
  station: MissionStation;
  passSpec: string;
  windowS?: number;
  /** The element set nearest the pass. */
  elements: SatelliteElements;
  tx: TransmitterConfig;
  rx: ReceiverConfig;
  warnings: string[];
}

/**
 * The pass a `simulate` or `import` run covers: `--preset NAME`, or `--station ID --pass P`, of
 * the mission; hardware from the mission (transmitter) and the station (receiver), optionally
 * overridden by `hardware(base)` (a `--hardware` file). Warnings are printed on stderr.
 */
export function plannedPass(o: PlannedPassOptions, hardware: (base: { tx: TransmitterConfig; rx: ReceiverConfig }) => { tx: TransmitterConfig; rx: ReceiverConfig } = (b) => b): PlannedPass {
  let mission: Mission;
  let station: MissionStation;
  let passSpec: string;
  let windowS = o.windowS;
  if (o.preset !== undefined) {
    if (o.station !== undefined || o.pass !== undefined) throw new InputError('give --preset, or --station and --pass', { field: '--preset' });
    const base = o.mission === undefined ? findReplayPreset(o.preset).mission : cliMission(o);
    const p = missionReplay(base, o.preset);
    // the shorthands (--tle …) apply to the preset's own mission too
    mission = o.mission === undefined ? cliMission({ ...o, mission: base.file }) : base;
    station = missionStation(mission, p.station);
    passSpec = p.pass;
    windowS ??= p.windowS;
  } else {
    if (o.station === undefined || o.pass === undefined) throw new InputError('give --preset, or --station and --pass (and --mission/--tle)', { field: '--preset' });
    mission = cliMission(o);
    station = cliStation(mission, o.station);
    passSpec = o.pass;
  }
  const { tx, rx } = hardware({ tx: mission.transmitter, rx: station.receiver });
  const resolved = resolveMissionPass(mission, station, passSpec);
  printWarnings(resolved.warnings);
  return { mission, station, passSpec, ...(windowS !== undefined ? { windowS } : {}), elements: resolved.elements, tx, rx, warnings: resolved.warnings };
}
