/**
 * `mozi satellite`: the satellite (Alice) as its own process. Reads only DIR/satellite (source
 * seed + transmitter config), listens on HOST:PORT for the ground, runs the protocol and stores
 * the final key in its key store. Security aborts exit 1 with the reason; nothing is stored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, ProtocolAbort } from '../../core/errors.js';
import { KeyPool } from '../../postprocess/auth.js';
import { RECONCILERS, isReconcilerName } from '../../postprocess/reconcile/registry.js';
import { derivePsk } from '../../protocol/local.js';
import { openPartyStores, type PskPool } from '../party-stores.js';
import { writeFileDurably } from '../../kms/pad-ledger.js';
import { serveSatellite } from '../../protocol/net.js';
import { defaultPostProcessing } from '../../protocol/postprocessing.js';
import { linkFromFlags, type LinkStats } from '../../protocol/link-emulator.js';
import { partySummary } from '../../protocol/summary.js';
import { DEFAULT_POLICY, type PartyEvent, type PartyResult, type ReconciliationMethod } from '../../protocol/types.js';
import { satelliteInput, satelliteInputGrowing } from '../../recording/satellite-source.js';
import { BOUNDS, PROTOCOLS, type Bound, type Protocol } from '../../security/types.js';
import { integerOption, numberOption } from '../options.js';
import { log, printJson } from '../output.js';

/** "host:port" → parts; port 0 allowed when listening. */
export function parseHostPort(value: string, flag: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(value.trim());
  if (!m || m[1] === '') throw new InputError(`"${value}" is not HOST:PORT`, { field: flag });
  const port = Number(m[2]);
  if (port > 65535) throw new InputError(`port ${port} out of range`, { field: flag });
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/** Accept DIR/satellite (or DIR/ground) or DIR itself; returns DIR (the parent of the party folder). */
export function recordRoot(dataDir: string, party: 'satellite' | 'ground', flag: string): string {
  const d = resolve(dataDir);
  if (existsSync(join(d, `${party}.json`))) return dirname(d);
  if (existsSync(join(d, party, `${party}.json`))) return d;
  throw new InputError(`no ${party}.json in ${dataDir} (expected the ${party}/ folder that mozi simulate writes)`, { field: flag });
}

export type { PskPool } from '../party-stores.js';

/**
 * The pool from --psk FILE: a raw pre-shared secret (≥ 24 bytes) the first time, afterwards the
 * pool state this command saved there (unused pads only, refilled from distilled key).
 */
export function openPsk(file: string | undefined, passId: string): PskPool {
  let bytes: Uint8Array;
  if (file === undefined) {
    log('warning: no --psk given; using a demo pre-shared secret derived from the pass id (not secret!)');
    bytes = derivePsk(`demo/${passId}`);
  } else {
    if (!existsSync(file)) throw new InputError('file not found', { file, field: '--psk' });
    bytes = new Uint8Array(readFileSync(file));
    if (bytes.length < 24) throw new InputError(`pre-shared secret has ${bytes.length} bytes; need ≥ 24`, { file, field: '--psk' });
  }
  const pool = new KeyPool(bytes);
  bytes.fill(0);
  return { pool, file };
}

/**
 * Save the pool's state (consumed pads removed, refill added) over the --psk file, atomically and
 * owner-only, whatever the run's outcome: a pad used once is never offered again. After an abort
 * the two sides' files may disagree (a frame one side tagged never reached the other); the next
 * run's SYNC frames resynchronise the pad positions (src/postprocess/auth.ts).
 */
export function savePsk(p: PskPool): void {
  if (p.file) writeFileDurably(p.file, p.pool.toState());
}

/** Print the outcome; turn an abort into the ProtocolAbort the CLI maps to exit code 1. */
export function finishParty(r: PartyResult & { authPadBits: number; link?: LinkStats }, json: boolean | undefined, t: PartyClock, storedKeys: number): void {
  if (json) printJson(partySummary(r, { authPadBits: r.authPadBits, link: r.link, storedKeys, lastTagAtMs: t.lastTagAtMs, keyStoredAtMs: t.keyStoredAtMs }));
  if (r.link) log(`${r.role}: classical link ${r.link.bytesSent} B sent, ${r.link.bytesReceived} B received, ${r.link.roundTrips} round trips`);
  if (r.aborted) {
    if (json) {
      log(`mozi: aborted (${r.abortReason}): ${r.abortMessage}`);
      process.exitCode = 1;
      return;
    }
    throw new ProtocolAbort(r.abortReason ?? 'protocol-violation', r.abortMessage ?? 'aborted');
  }
  if (!json) log(`${r.role}: distilled ${r.keyBits} key bits for pass ${r.passId} (sha256 ${r.keyDigest}); the key store keeps ${storedKeys} keys of them`);
  if (t.lastTagAtMs !== undefined && t.keyStoredAtMs !== undefined) log(`${r.role}: ${((t.keyStoredAtMs - t.lastTagAtMs) / 1000).toFixed(3)} s from the last tag to the stored key`);
}

/** Wall-clock marks of a party's run: when it knew the last tag, when its key was stored. */
export interface PartyClock {
  lastTagAtMs?: number;
  keyStoredAtMs?: number;
}

/**
 * The CLI's event handler: logs each state and marks the clock. The satellite knows the last
 * tag once the ground's detection announcement has arrived (it enters sifting; a streamed pass:
 * once the last block has arrived); the ground's mark is set by its reader. The key is stored when the party reaches 'done'.
 */
export function partyEvents(role: 'satellite' | 'ground', t: PartyClock): (e: PartyEvent) => void {
  return (e) => {
    // a streamed pass: the satellite knows the last tag when the ground's last block arrives
    if (role === 'satellite' && e.passCompleteAtMs !== undefined) t.lastTagAtMs = e.passCompleteAtMs;
    if (role === 'satellite' && e.state === 'sifting' && t.lastTagAtMs === undefined) t.lastTagAtMs = Date.now();
    if (e.state === 'done') t.keyStoredAtMs = Date.now();
    log(`${role}: ${e.state}${e.detail ? ' — ' + e.detail : ''}`);
  };
}

/** The emulated-link flags of both parties and of replay. */
export function linkOptions(cmd: Command): Command {
  return cmd
    .option('--link-bandwidth <rate>', 'emulate the classical link: bandwidth of each direction (e.g. 1Mbit, 100kbit)')
    .option('--link-latency <time>', 'emulated one-way latency (e.g. 5ms)')
    .option('--link-outage <list>', 'emulated outages START+DURATION after the link opens, comma-separated (e.g. 2s+0.5s,10s+1s)');
}

interface SatelliteCliOptions {
  data: string;
  listen: string;
  keys: string;
  psk?: string;
  site?: string;
  bound: string;
  protocol: string;
  reconciliation: string;
  epsSec?: number;
  seed?: number;
  json?: boolean;
  timeoutS: number;
  settings?: string;
  follow?: boolean;
  followIdleS?: number;
  linkBandwidth?: string;
  linkLatency?: string;
  linkOutage?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('satellite')
    .description('run the satellite (Alice) side of the protocol: listen for the ground station, distil and store a key')
    .requiredOption('--data <dir>', 'the satellite record folder (DIR/satellite written by mozi simulate)')
    .requiredOption('--listen <host:port>', 'address to listen on (port 0: any free port, printed on stderr)')
    .requiredOption('--keys <file>', 'key store (SQLite) of this site')
    .option('--psk <file>', 'authentication key pool: a raw pre-shared secret (≥ 24 bytes, each side its own copy) the first time; the pool state is saved back after each run')
    .option('--site <name>', 'this site\'s name in the key store (default: the satellite\'s name)')
    .option('--bound <bound>', `finite-key bound: ${BOUNDS.join(' | ')}`, DEFAULT_POLICY.bound)
    .option('--protocol <p>', `BB84 variant: ${PROTOCOLS.join(' | ')}`, DEFAULT_POLICY.protocol)
    .option('--reconciliation <method>', RECONCILERS.join(' | '), DEFAULT_POLICY.reconciliation)
    .option('--eps-sec <eps>', 'secrecy parameter', numberOption('--eps-sec', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }))
    .option('--seed <n>', 'seed of the satellite\'s public random choices (reproducible runs)', integerOption('--seed', { min: 0 }))
    .option('--settings <file>', 'pulse settings from this QRNG setting record (MOZIQRN1, dense or sparse) instead of the seed; default: the record satellite.json names, if any')
    .option('--follow', 'the QRNG setting record may still be growing (the payload writing or downlinking it during the pass): wait for it, and read each block\'s settings once the record holds them')
    .option('--follow-idle-s <s>', 'with --follow: seconds without new bytes in the record, while a block waits for its settings, that are an error (default 10)', numberOption('--follow-idle-s', { min: 0 }))
    .option('--json', 'print one JSON document with the outcome on stdout (detections, siftedBits, qber, finalKeyBits, storedKeys, latencyS, aborted, reason, classical bytes and round trips)')
    .option('--timeout-s <s>', 'abort (reason "timeout") when the peer sends no complete frame for this long', numberOption('--timeout-s', { min: 0, exclusiveMin: true }), 60);
  linkOptions(cmd)
    .action(async (o: SatelliteCliOptions) => {
      const { host, port } = parseHostPort(o.listen, '--listen');
      if (!BOUNDS.includes(o.bound as Bound)) throw new InputError(`"${o.bound}" is not one of ${BOUNDS.join(', ')}`, { field: '--bound' });
      if (!PROTOCOLS.includes(o.protocol as Protocol)) throw new InputError(`"${o.protocol}" is not one of ${PROTOCOLS.join(', ')}`, { field: '--protocol' });
      if (!isReconcilerName(o.reconciliation)) throw new InputError(`"${o.reconciliation}" is not one of ${RECONCILERS.join(', ')}`, { field: '--reconciliation' });
      const root = recordRoot(o.data, 'satellite', '--data');
      const input = o.follow
        ? await satelliteInputGrowing(root, { settingsPath: o.settings, site: o.site, growing: { idleS: o.followIdleS } })
        : satelliteInput(root, { settingsPath: o.settings, site: o.site });
      if (input.record) log(`satellite: pulse settings from the QRNG record ${input.record}`);
      const source = input.source;
      const psk = openPsk(o.psk, source.passId);
      // the key store and the pool are opened and checked before the quantum data are processed
      const stores = openPartyStores(o.keys, source.site, psk, 'alice', 'satellite', source.passId);
      const store = stores.keys;
      const sink = stores.sink;
      const link = linkFromFlags(o);
      const clock: PartyClock = {};
      const policy = {
        ...DEFAULT_POLICY,
        bound: o.bound as Bound,
        protocol: o.protocol as Protocol,
        reconciliation: o.reconciliation as ReconciliationMethod,
        ...(o.epsSec !== undefined ? { epsSec: o.epsSec } : {}),
      };
      const r = await serveSatellite(
        host,
        port,
        source,
        policy,
        {
          psk: psk.pool,
          post: defaultPostProcessing(),
          sink,
          seed: o.seed !== undefined ? String(o.seed) : undefined,
          onEvent: partyEvents('satellite', clock),
          link,
          receiveTimeoutMs: o.timeoutS * 1000,
        },
        (h, p) => log(`satellite: listening on ${h}:${p}`),
      ).finally(() => {
        stores.close();
        input.close();
      });
      if (sink.refilledBits() > 0) log(`satellite: ${sink.refilledBits()} key bits refilled the authentication pool`);
      finishParty(r, o.json, clock, store.stored?.keys ?? 0);
    });
}
