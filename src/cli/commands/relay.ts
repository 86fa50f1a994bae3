/**
 * `mozi relay`: trusted-relay key between two ground stations via the satellite (Liao et al.,
 * PRL 120, 030501 (2018)), over the three parties' site key stores.
 *
 * Stores: either `--satellite-keys/--from-keys/--to-keys`, or the data directory of `mozi serve`
 * (`--data DIR`, default `.mozi`): DIR/keys/<site>.sqlite. With `--run-passes` the replays of the
 * satellite's passes over both stations first distil the keys of both links into those stores
 * (the satellite's keys with both stations into one store); a relay through the data directory
 * is recorded in DIR/relays.json (read by the dashboard).
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { KeyStore } from '../../kms/keystore.js';
import { RELAY_PRESETS, runRelay, seedStandInKeys, type RelayResult } from '../../kms/relay.js';
import { keyStoreSink } from '../../kms/sink.js';
import type { Mission } from '../../mission/config.js';
import { loadMission } from '../../mission/presets.js';
import { resolveReplayWindow, runReplay, satelliteSiteName, type ReplayEvent, type ReplayOptions } from '../../mission/replay.js';
import { log, printJson } from '../output.js';

interface RelayOpts {
  preset: string;
  mission?: string;
  fromPass?: string;
  toPass?: string;
  satellite?: string;
  from?: string;
  to?: string;
  satelliteKeys?: string;
  fromKeys?: string;
  toKeys?: string;
  data?: string;
  runPasses?: boolean;
  seed?: string;
  windowS?: string;
  maxKeys?: string;
  relayId?: string;
  standInBits?: string;
  json?: boolean;
}

/** The default data directory (as `mozi serve --data`). */
export const DEFAULT_DATA_DIR = '.mozi';
/** Seed of the first link's replay; the second link's uses seed + 1 (independent source and protocol randomness). */
export const DEFAULT_RELAY_SEED = 20161219;

/** One line of DIR/relays.json (the dashboard shows from, to, keys, bits, at). */
export interface RelayRecord {
  from: string;
  to: string;
  keys: number;
  bits: number;
  at: string;
  relayId: string;
  satellite: string;
  epsSec: number;
  /** Key blocks (pass ids) the relayed keys came from, when known. */
  passes?: string[];
}

export interface PassRun {
  station: string;
  preset: string;
  passId: string;
  seed: number;
  windowStartUtc: string;
  windowS: number;
  /** false when the stores already held this pass's block (the pass is distilled once). */
  ran: boolean;
  detections?: number;
  siftedBits?: number;
  qber?: number;
  finalKeyBits?: number;
  aborted?: boolean;
  abortReason?: string | null;
  keysMatch?: boolean;
  /** Keys of the store's key size the satellite gained on this link. */
  keysStored: number;
}

export interface RelayFromDataOptions {
  /** Data directory (DIR/keys/<site>.sqlite, DIR/relays.json). */
  dataDir: string;
  /** The mission whose passes --run-passes replays (default: micius). */
  mission?: Mission;
  /** With runPasses: the pass of `from` / `to` (default: the station's named pass in the mission). */
  fromPass?: string;
  toPass?: string;
  satellite: string;
  from: string;
  to: string;
  /** Replay the satellite's passes over both stations first. */
  runPasses?: boolean;
  /** Seed of the first link's replay (second link: seed + 1). */
  seed?: number;
  /** Data window of both replays (s, centred on TCA); default the presets' windows. */
  windowS?: number;
  maxKeys?: number;
  relayId?: string;
  /** Seed each link with random stand-in bits first (demonstration only). */
  standInBits?: number;
  log?: (line: string) => void;
}

export interface RelayFromDataResult extends RelayResult {
  dataDir: string;
  passes: PassRun[];
  record: RelayRecord;
  stores: Record<string, { withPartner: unknown; withSatellite: unknown }>;
}

const heldKeys = (store: KeyStore, peer: string): number => {
  const st = store.status(peer);
  return st.storedKeyCount + st.redeemableKeyCount;
};

/** What --run-passes replays for `station`: a pass spec given, else the station's named pass in the mission. */
export function replayTargetFor(mission: Mission, station: string, pass: string | undefined, flag: string): Pick<ReplayOptions, 'mission' | 'preset' | 'station' | 'pass'> {
  if (pass !== undefined) return { mission, station, pass };
  const p = mission.replays.find((x) => x.station === station);
  if (!p) {
    const known = mission.replays.map((x) => x.station).join(', ') || 'none';
    throw new InputError(`mission ${mission.name} names no pass of ${station} (stations with named passes: ${known}); give ${flag} DATE`, { field: flag });
  }
  return { mission, preset: p.id };
}

function appendRecord(file: string, rec: RelayRecord): void {
  let list: unknown[] = [];
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!Array.isArray(parsed)) throw new Error('not an array');
      list = parsed;
    } catch (err) {
      throw new InputError(`${file} is not a JSON array of relay records (${(err as Error).message})`, { file });
    }
  }
  list.push(rec);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(list, null, 2) + '\n');
  renameSync(tmp, file);
}

/**
 * Relay through a data directory: optionally replay both passes into the sites' stores, relay,
 * append the record to DIR/relays.json.
 */
export async function relayFromData(o: RelayFromDataOptions): Promise<RelayFromDataResult> {
  const say = o.log ?? (() => undefined);
  const keysDir = join(o.dataDir, 'keys');
  const path = (site: string) => join(keysDir, `${site}.sqlite`);
  const sites = [o.satellite, o.from, o.to];
  if (new Set(sites).size !== 3) throw new InputError('satellite, --from and --to must be three different sites', { field: '--to' });
  const mission = o.mission ?? loadMission();
  const targets = o.runPasses ? [replayTargetFor(mission, o.from, o.fromPass, '--from-pass'), replayTargetFor(mission, o.to, o.toPass, '--to-pass')] : [];
  if (!o.runPasses && o.standInBits === undefined) {
    const missing = sites.filter((s) => !existsSync(path(s)));
    if (missing.length) {
      throw new InputError(
        `no key store for ${missing.join(', ')} in ${keysDir} (missing ${missing.map((s) => `${s}.sqlite`).join(', ')}); ` +
          'distil keys first (mozi relay --run-passes, or replays of both passes in the dashboard, mozi serve), or name the stores with --satellite-keys/--from-keys/--to-keys',
        { field: '--data' },
      );
    }
  }
  mkdirSync(keysDir, { recursive: true });
  const sat = KeyStore.open(path(o.satellite), { site: o.satellite });
  const from = KeyStore.open(path(o.from), { site: o.from });
  const to = KeyStore.open(path(o.to), { site: o.to });
  try {
    const passes: PassRun[] = [];
    const base = o.seed ?? DEFAULT_RELAY_SEED;
    for (const [i, target] of targets.entries()) {
      const station = i === 0 ? from : to;
      const seed = base + i;
      const w = resolveReplayWindow({ ...target, windowS: o.windowS });
      const run: PassRun = {
        station: station.site, preset: w.preset.id, passId: w.passId, seed, windowStartUtc: new Date(w.windowStartMs).toISOString(), windowS: w.windowS, ran: false, keysStored: 0,
      };
      passes.push(run);
      if (sat.blocks().some((b) => b.passId === w.passId && b.peerSite === station.site)) {
        say(`relay: pass ${w.passId} over ${station.site} already distilled into ${keysDir}; not replayed (a pass yields its key once)`);
        continue;
      }
      say(`relay: replaying ${w.preset.id} (${w.windowS} s window from ${run.windowStartUtc}, seed ${seed}) into ${keysDir}`);
      const before = heldKeys(sat, station.site);
      const onEvent = (e: ReplayEvent) => {
        if (e.type === 'stage' && e.status === 'end') say(`  ${station.site.padEnd(9)} ${e.stage.padEnd(10)} ${(e.elapsedMs / 1000).toFixed(1).padStart(6)} s  ${e.detail ?? ''}`);
      };
      const r = await runReplay({ ...target, seed, windowS: o.windowS, satelliteSink: keyStoreSink(sat), groundSink: keyStoreSink(station) }, onEvent);
      Object.assign(run, {
        ran: true, detections: r.detections, siftedBits: r.siftedBits, qber: r.qber, finalKeyBits: r.finalKeyBits, aborted: r.aborted, abortReason: r.abortReason,
        keysMatch: r.keysMatch, keysStored: heldKeys(sat, station.site) - before,
      });
      say(
        r.aborted
          ? `relay: ${w.preset.id} aborted (${r.abortReason}): ${r.abortMessage ?? ''}; no key for ${o.satellite}–${station.site}`
          : `relay: ${o.satellite}–${station.site}: ${r.finalKeyBits} final bits, QBER ${(r.qber * 100).toFixed(2)} %, ${run.keysStored} keys of ${sat.keySizeBits} bits stored`,
      );
    }
    if (o.standInBits !== undefined) {
      say(`relay: seeding ${o.standInBits} stand-in bits per link (random, NOT distilled QKD keys)`);
      seedStandInKeys(sat, from, o.standInBits);
      seedStandInKeys(sat, to, o.standInBits);
    }
    for (const station of [from, to]) {
      const atSat = heldKeys(sat, station.site);
      const atGround = heldKeys(station, o.satellite);
      if (atSat === 0 || atGround === 0) {
        const run = passes.find((p) => p.station === station.site && p.ran && p.aborted);
        if (run) {
          throw new InputError(
            `the replay of ${run.preset} (seed ${run.seed}) aborted (${run.abortReason ?? 'unknown'}): no key between ${o.satellite} and ${station.site}; ` +
              `nothing was relayed (the other link's keys stay in ${keysDir}); try another --seed with a fresh --data DIR`,
            { field: '--run-passes' },
          );
        }
        throw new InputError(
          `no key between ${o.satellite} and ${station.site} in ${keysDir} (${o.satellite}.sqlite holds ${atSat}, ${station.site}.sqlite holds ${atGround} keys of that link)` +
            (o.runPasses
              ? '; a pass yields its key once and a relayed or delivered key is gone: use a fresh --data DIR to start over'
              : '; distil them first: mozi relay --run-passes (a relayed or delivered key is gone; use a fresh --data DIR to start over)'),
          { field: '--data' },
        );
      }
    }
    const blocksOf = (peer: string) => sat.blocks().filter((b) => b.peerSite === peer).map((b) => b.passId);
    const sources = [...blocksOf(o.from), ...blocksOf(o.to)];
    const r = await runRelay({ satellite: sat, from, to, maxKeys: o.maxKeys, relayId: o.relayId });
    const record: RelayRecord = {
      from: o.from, to: o.to, keys: r.keys, bits: r.bits, at: new Date().toISOString(), relayId: r.relayId, satellite: o.satellite, epsSec: r.epsSec, passes: sources,
    };
    appendRecord(join(o.dataDir, 'relays.json'), record);
    return {
      ...r,
      dataDir: o.dataDir,
      passes,
      record,
      stores: {
        [o.from]: { withPartner: from.status(o.to), withSatellite: from.status(o.satellite) },
        [o.to]: { withPartner: to.status(o.from), withSatellite: to.status(o.satellite) },
      },
    };
  } finally {
    sat.close();
    from.close();
    to.close();
  }
}

function positiveInt(v: string | undefined, field: string, allowZero = false): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || (!allowZero && Number(v) <= 0) || !Number.isSafeInteger(Number(v))) {
    throw new InputError(`expected a ${allowZero ? 'non-negative' : 'positive'} integer, got ${v}`, { field });
  }
  return Number(v);
}

export function register(program: Command): void {
  program
    .command('relay')
    .description('trusted-relay key between two ground stations via the satellite (publishes K_A xor K_B)')
    .option('--preset <name>', `scenario (${Object.keys(RELAY_PRESETS).join(', ')})`, 'xinglong-graz-2018')
    .option('--mission <file|name>', 'with --run-passes: the mission whose passes are replayed (default micius)')
    .option('--from-pass <date|aos>', "with --run-passes: the pass of station A (default: its named pass in the mission)")
    .option('--to-pass <date|aos>', "with --run-passes: the pass of station B (default: its named pass in the mission)")
    .option('--satellite <site>', 'satellite site name (default from the preset)')
    .option('--from <station>', 'station A (default from the preset)')
    .option('--to <station>', 'station B (default from the preset)')
    .option('--data <dir>', `data directory as for \`mozi serve --data\`: DIR/keys/<site>.sqlite, DIR/relays.json (default ${DEFAULT_DATA_DIR})`)
    .option('--run-passes', 'first replay the satellite\'s passes over both stations, distilling the keys of both links into DIR/keys')
    .option('--seed <n>', `with --run-passes: seed of the first pass's replay, the second uses n+1 (default ${DEFAULT_RELAY_SEED})`)
    .option('--window-s <seconds>', 'with --run-passes: data window of both replays, centred on TCA (default: the presets\' ~1,200 km windows)')
    .option('--satellite-keys <file>', 'the satellite\'s key store (keys with both stations), instead of DIR/keys')
    .option('--from-keys <file>', 'station A\'s key store')
    .option('--to-keys <file>', 'station B\'s key store')
    .option('--max-keys <n>', 'relay at most this many keys (of the stores\' key size)')
    .option('--relay-id <id>', 'identifier of this relay (passId of the relayed block)')
    .option('--stand-in-bits <n>', 'first seed each link with N random stand-in bits (demonstration only; not QKD keys)')
    .option('--json', 'print the result as JSON')
    .action(async (o: RelayOpts) => {
      const preset = RELAY_PRESETS[o.preset];
      if (!preset) throw new InputError(`unknown preset "${o.preset}"; known: ${Object.keys(RELAY_PRESETS).join(', ')}`, { field: 'preset' });
      const mission = o.mission !== undefined ? loadMission(o.mission) : undefined;
      const satSite = o.satellite ?? (mission ? satelliteSiteName(mission.satellite.name) : preset.satellite);
      const fromSite = o.from ?? preset.from;
      const toSite = o.to ?? preset.to;
      const maxKeys = positiveInt(o.maxKeys, 'max-keys');
      const standInBits = positiveInt(o.standInBits, 'stand-in-bits');
      const seed = positiveInt(o.seed, 'seed', true);
      let windowS: number | undefined;
      if (o.windowS !== undefined) {
        windowS = Number(o.windowS);
        if (!(Number.isFinite(windowS) && windowS >= 1 && windowS <= 900)) throw new InputError(`data window must be 1..900 s, got ${o.windowS}`, { field: 'window-s' });
      }
      const explicit = [o.satelliteKeys, o.fromKeys, o.toKeys].some((v) => v !== undefined);
      if (!explicit) {
        if (!o.runPasses && (seed !== undefined || windowS !== undefined)) throw new InputError('--seed and --window-s need --run-passes', { field: o.seed !== undefined ? 'seed' : 'window-s' });
        log(`relay: ${preset.description}`);
        const r = await relayFromData({
          dataDir: o.data ?? DEFAULT_DATA_DIR, mission, fromPass: o.fromPass, toPass: o.toPass, satellite: satSite, from: fromSite, to: toSite, runPasses: o.runPasses, seed, windowS, maxKeys, relayId: o.relayId, standInBits, log,
        });
        if (o.json) printJson({ ...r, preset: preset.name });
        else {
          for (const p of r.passes) log(`relay: link ${satSite}–${p.station}: pass ${p.passId}${p.ran ? `, ${p.finalKeyBits ?? 0} final bits, ${p.keysStored} keys` : ' (already distilled)'}`);
          log(`relay: ${r.keys} keys (${r.bits} bits) relayed from ${fromSite} to ${toSite} via ${satSite} as ${r.relayId}; ε_sec ≤ ${r.epsSec.toExponential(1)}; recorded in ${join(r.dataDir, 'relays.json')}`);
        }
        return;
      }
      if (o.runPasses) throw new InputError('--run-passes distils into the data directory (--data DIR); it does not combine with --satellite-keys/--from-keys/--to-keys', { field: 'run-passes' });
      for (const [field, v] of [['satellite-keys', o.satelliteKeys], ['from-keys', o.fromKeys], ['to-keys', o.toKeys]] as const) {
        if (!v) throw new InputError('required option missing (all three site key stores, or none and --data DIR; distilled keys come from `mozi replay`/`mozi ground`)', { field });
        if (!standInBits && !existsSync(v)) throw new InputError(`key store not found: ${v}`, { field });
      }
      const paths = new Set([o.satelliteKeys, o.fromKeys, o.toKeys]);
      if (paths.size !== 3) throw new InputError('the three key stores must be different files', { field: 'from-keys' });
      const sat = KeyStore.open(o.satelliteKeys as string, { site: satSite });
      const from = KeyStore.open(o.fromKeys as string, { site: fromSite });
      const to = KeyStore.open(o.toKeys as string, { site: toSite });
      try {
        if (standInBits) {
          log(`relay: seeding ${standInBits} stand-in bits per link (random, NOT distilled QKD keys)`);
          seedStandInKeys(sat, from, standInBits);
          seedStandInKeys(sat, to, standInBits);
        }
        log(`relay: ${preset.description}`);
        const r = await runRelay({ satellite: sat, from, to, maxKeys, relayId: o.relayId });
        const out = {
          ...r,
          preset: preset.name,
          stores: {
            [fromSite]: { withPartner: from.status(toSite), withSatellite: from.status(satSite) },
            [toSite]: { withPartner: to.status(fromSite), withSatellite: to.status(satSite) },
          },
        };
        if (o.data !== undefined) appendRecord(join(o.data, 'relays.json'), { from: fromSite, to: toSite, keys: r.keys, bits: r.bits, at: new Date().toISOString(), relayId: r.relayId, satellite: satSite, epsSec: r.epsSec });
        if (o.json) printJson(out);
        else log(`relay: ${r.keys} keys (${r.bits} bits) relayed from ${fromSite} to ${toSite} via ${satSite} as ${r.relayId}; ε_sec ≤ ${r.epsSec.toExponential(1)}`);
      } finally {
        sat.close();
        from.close();
        to.close();
      }
    });
}
