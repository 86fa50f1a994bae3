/**
 * `mozi ground`: the ground station (Bob) as its own process. Reads only DIR/ground (time tags,
 * sync tags, predicted ephemeris), recovers the timing, connects to the satellite, runs the
 * protocol and stores the final key. Security aborts exit 1 with the reason; nothing is stored.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { connectGround } from '../../protocol/net.js';
import { defaultPostProcessing } from '../../protocol/postprocessing.js';
import { groundDetections, groundPassId } from '../../protocol/records.js';
import { readGroundInput } from '../../recording/ground-files.js';
import { tagInputOptions, tagInputValues, type TagInputCliOptions } from './import.js';
import { integerOption, numberOption } from '../options.js';
import { log } from '../output.js';
import { openPartyStores } from '../party-stores.js';
import { finishParty, linkOptions, openPsk, parseHostPort, partyEvents, recordRoot, type PartyClock } from './satellite.js';
import { followGroundBlocks } from '../../recording/follow-blocks.js';
import type { GroundDetections } from '../../protocol/types.js';
import { linkFromFlags } from '../../protocol/link-emulator.js';

interface GroundCliOptions extends TagInputCliOptions {
  data: string;
  tags?: string;
  connect: string;
  keys: string;
  psk?: string;
  seed?: number;
  json?: boolean;
  timeoutS: number;
  follow?: boolean;
  followIdleS?: number;
  blockS?: number;
  partS?: number;
  linkBandwidth?: string;
  linkLatency?: string;
  linkOutage?: string;
}

/** Seconds of tags per announced part of a streamed block (the --part-s default). */
const DEFAULT_PART_S = 1;

export function register(program: Command): void {
  const cmd = program
    .command('ground')
    .description('run the ground-station (Bob) side of the protocol: recover timing, connect to the satellite, distil and store a key')
    .requiredOption('--data <dir>', 'the ground record folder (DIR/ground written by mozi simulate)')
    .requiredOption('--connect <host:port>', 'the satellite\'s address')
    .requiredOption('--keys <file>', 'key store (SQLite) of this site')
    .option('--psk <file>', 'authentication key pool: a raw pre-shared secret (≥ 24 bytes, each side its own copy) the first time; the pool state is saved back after each run')
    .option('--seed <n>', 'seed of the ground\'s random choices (double-click bits)', integerOption('--seed', { min: 0 }))
    .option('--json', 'print one JSON document with the outcome on stdout (detections, siftedBits, qber, finalKeyBits, storedKeys, latencyS, aborted, reason, classical bytes and round trips)')
    .option('--timeout-s <s>', 'abort (reason "timeout") when the peer sends no complete frame for this long', numberOption('--timeout-s', { min: 0, exclusiveMin: true }), 60)
    .option('--follow', 'read the tag file while the instrument still writes it (waits for it to appear; done at the PTU record count or after --follow-idle-s without new bytes)')
    .option('--follow-idle-s <s>', 'with --follow: seconds without new bytes that end a recording without an end marker (default 2)', numberOption('--follow-idle-s', { min: 0 }))
    .option('--block-s <s>', 'stream the pass in blocks of this much ground time of tags (default 10 with --follow; the last block is what is left at the end); without --follow: the streamed pass\'s batch replay of a finished file, the same key as --follow gave', numberOption('--block-s', { min: 0, exclusiveMin: true }))
    .option('--part-s <s>', `streamed: announce each block's detections in parts of this much ground time of tags (default ${DEFAULT_PART_S}; the blocks and the key do not depend on it: after the last tag only the last part crosses the link)`, numberOption('--part-s', { min: 0, exclusiveMin: true }))
    .option('--tags <file>', 'read the time tags from this instrument file (PTU, Swabian raw, CSV) instead of the folder\'s own; ground.json still gives schedule, ephemeris and receiver; - with --follow: from stdin (a pipe; give --format)');
  tagInputOptions(linkOptions(cmd))
    .action(async (o: GroundCliOptions) => {
      const { host, port } = parseHostPort(o.connect, '--connect');
      const link = linkFromFlags(o);
      const clock: PartyClock = {};
      const root = recordRoot(o.data, 'ground', '--data');
      const tagOpts = { tags: o.tags, ...tagInputValues(o) };
      if (o.tags === '-' && !o.follow) throw new InputError('--tags - (stdin) goes with --follow', { field: '--tags' });
      const stdin = o.tags === '-' ? { stream: process.stdin as AsyncIterable<Uint8Array>, tags: 'stdin' } : {};
      const seed = o.seed !== undefined ? String(o.seed) : undefined;
      const partyOpts = { post: defaultPostProcessing(), seed, onEvent: partyEvents('ground', clock), link, receiveTimeoutMs: o.timeoutS * 1000 };
      // streamed (--follow, --block-s): the tracker's blocks go through sifting, estimation and
      // reconciliation while the file grows; batch: the whole recording, then timing recovery
      const f = o.follow || o.blockS !== undefined ? followGroundBlocks(root, { ...tagOpts, ...stdin, idleS: o.followIdleS, blockS: o.blockS, partS: o.partS ?? DEFAULT_PART_S, seed, growing: o.follow === true }) : undefined;
      const input = f ? undefined : await readGroundInput(root, tagOpts);
      if (input) {
        // batch mode: the recording is complete once it has been read
        clock.lastTagAtMs = Date.now();
        if (input.report) log(`ground: ${input.report.tags} tags and ${input.report.syncTags} sync tags from ${input.report.file} (${input.report.format}, channels ${input.report.channelMap})`);
      }
      const site = f ? f.site : input!.record.station;
      const passId = f ? f.passId : groundPassId(input!.record);
      // the key store and the pool are opened and checked before the quantum data are processed
      const psk = openPsk(o.psk, passId);
      const stores = openPartyStores(o.keys, site, psk, 'bob', 'ground', passId);
      let r;
      try {
        let detections: GroundDetections;
        if (f) detections = { site, passId, pulseIndex: new Float64Array(0), basis: new Uint8Array(0), bit: new Uint8Array(0) };
        else {
          const g = groundDetections(input!.record, { seed });
          log(`ground: ${g.detections.pulseIndex.length} detections after timing recovery (sync residual ${g.timing.syncResidualRmsPs.toFixed(0)} ps)`);
          detections = g.detections;
        }
        r = await connectGround(host, port, detections, { ...partyOpts, psk: psk.pool, sink: stores.sink, ...(f ? { blocks: f.blocks } : {}) });
      } finally {
        stores.close();
      }
      if (f) {
        clock.lastTagAtMs = f.state.lastTagAtMs;
        log(`ground: followed the recording: ${f.state.reads} reads, ${f.state.bytes} bytes, ${f.state.tags} tags and ${f.state.syncTags} sync tags, ${f.state.detections} detections in ${f.state.blocks} blocks`);
      }
      if (stores.sink.refilledBits() > 0) log(`ground: ${stores.sink.refilledBits()} key bits refilled the authentication pool`);
      finishParty(r, o.json, clock, stores.keys.stored?.keys ?? 0);
    });
}
