/**
 * `mozi ground`: the ground station (Bob) as its own process. Reads only DIR/ground (time tags,
 * sync tags, predicted ephemeris), recovers the timing, connects to the satellite, runs the
 * protocol and stores the final key. Security aborts exit 1 with the reason; nothing is stored.
 */
import type { Command } from 'commander';
import { connectGround } from '../../protocol/net.js';
import { defaultPostProcessing } from '../../protocol/postprocessing.js';
import { groundDetections, groundPassId } from '../../protocol/records.js';
import { readGroundInput } from '../../recording/ground-files.js';
import { tagInputOptions, tagInputValues, type TagInputCliOptions } from './import.js';
import { integerOption, numberOption } from '../options.js';
import { log } from '../output.js';
import { openPartyStores } from '../party-stores.js';
import { finishParty, openPsk, parseHostPort, recordRoot } from './satellite.js';

interface GroundCliOptions extends TagInputCliOptions {
  data: string;
  tags?: string;
  connect: string;
  keys: string;
  psk?: string;
  seed?: number;
  json?: boolean;
  timeoutS: number;
}

export function register(program: Command): void {
  const cmd = program
    .command('ground')
    .description('run the ground-station (Bob) side of the protocol: recover timing, connect to the satellite, distil and store a key')
    .requiredOption('--data <dir>', 'the ground record folder (DIR/ground written by mozi simulate)')
    .requiredOption('--connect <host:port>', 'the satellite\'s address')
    .requiredOption('--keys <file>', 'key store (SQLite) of this site')
    .option('--psk <file>', 'authentication key pool: a raw pre-shared secret (≥ 24 bytes, each side its own copy) the first time; the pool state is saved back after each run')
    .option('--seed <n>', 'seed of the ground\'s random choices (double-click bits)', integerOption('--seed', { min: 0 }))
    .option('--json', 'print one JSON document with the outcome on stdout')
    .option('--timeout-s <s>', 'abort (reason "timeout") when the peer sends no complete frame for this long', numberOption('--timeout-s', { min: 0, exclusiveMin: true }), 60)
    .option('--tags <file>', 'read the time tags from this instrument file (PTU, Swabian raw, CSV) instead of the folder\'s own; ground.json still gives schedule, ephemeris and receiver');
  tagInputOptions(cmd)
    .action(async (o: GroundCliOptions) => {
      const { host, port } = parseHostPort(o.connect, '--connect');
      const input = await readGroundInput(recordRoot(o.data, 'ground', '--data'), { tags: o.tags, ...tagInputValues(o) });
      if (input.report) log(`ground: ${input.report.tags} tags and ${input.report.syncTags} sync tags from ${input.report.file} (${input.report.format}, channels ${input.report.channelMap})`);
      const rec = input.record;
      // the key store and the pool are opened and checked before the quantum data are processed
      const psk = openPsk(o.psk, groundPassId(rec));
      const stores = openPartyStores(o.keys, rec.station, psk, 'bob', 'ground');
      const sink = stores.sink;
      const seed = o.seed !== undefined ? String(o.seed) : undefined;
      const g = groundDetections(rec, { seed });
      log(`ground: ${g.detections.pulseIndex.length} detections after timing recovery (sync residual ${g.timing.syncResidualRmsPs.toFixed(0)} ps)`);
      const r = await connectGround(host, port, g.detections, {
        psk: psk.pool,
        post: defaultPostProcessing(),
        sink,
        seed,
        onEvent: (e) => log(`ground: ${e.state}${e.detail ? ' — ' + e.detail : ''}`),
        receiveTimeoutMs: o.timeoutS * 1000,
      }).finally(() => stores.close());
      if (sink.refilledBits() > 0) log(`ground: ${sink.refilledBits()} key bits refilled the authentication pool`);
      finishParty(r, o.json, stores.keys.stored);
    });
}
