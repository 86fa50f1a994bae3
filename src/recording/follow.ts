/**
 * `mozi ground --follow`: the ground's tags read while the instrument still records them. The
 * tag file (PTU, Swabian raw, CSV; ground.json's `tagFile` or `--tags`) is waited for, then
 * decoded chunk by chunk as it grows (tag-stream.ts follow mode), so decoding, channel mapping
 * and the ground's tag arrays keep pace with the recording; the pass is over when the decoder
 * knows the input is complete (a PTU header's record count) or after `idleS` without new bytes
 * (a Swabian stream or a text export has no end marker). The wall-clock time of the last new
 * bytes is the "last tag" the latency of the key is counted from.
 *
 * A pipe (`--tags -`: the instrument's export piped into stdin, `opts.stream`) is read to its
 * end the same way, chunk by chunk as it arrives.
 *
 * The result is the same `GroundRecord` as a batch read of the finished file (tested), so the
 * keys are the same.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { GroundRecord } from '../quantum/records.js';
import { readGroundInput, readGroundMeta, type GroundInputOptions, type TagImportReport } from './ground-files.js';

export interface FollowGroundOptions extends GroundInputOptions {
  /** Seconds without new bytes after which a file without an end marker is complete (default 2). */
  idleS?: number;
  /** How often to look for new bytes (default 50 ms). */
  pollMs?: number;
  /** Seconds to wait for the tag file to appear (default 600). */
  waitS?: number;
  signal?: AbortSignal;
}

export interface FollowedGround {
  record: GroundRecord;
  report: TagImportReport | null;
  /** Wall-clock time (epoch ms) of the last read that brought new bytes: the last tag. */
  lastTagAtMs: number;
  /** Reads that brought new bytes (> 1 when the file grew while it was read). */
  reads: number;
  bytes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait (poll every pollMs, default 50) until the instrument has created `file`: an InputError after waitS (default 600) or on abort. */
export async function waitForTagFile(file: string, opts: Pick<FollowGroundOptions, 'pollMs' | 'waitS' | 'signal'>): Promise<void> {
  const waitUntil = Date.now() + (opts.waitS ?? 600) * 1000;
  while (!existsSync(file)) {
    if (Date.now() > waitUntil || opts.signal?.aborted) throw new InputError('the tag file did not appear', { file, field: '--follow' });
    await sleep(opts.pollMs ?? 50);
  }
}

/** The ground's record from a tag file that is still being written (see the file comment). */
export async function followGroundInput(root: string, opts: FollowGroundOptions = {}): Promise<FollowedGround> {
  const dir = join(root, 'ground');
  const meta = readGroundMeta(join(dir, 'ground.json'));
  const file = opts.tags ?? (meta.tagFile !== undefined ? join(dir, meta.tagFile) : undefined);
  if (file === undefined) throw new InputError('--follow reads an instrument tag file: give --tags FILE or a ground.json with tagFile', { field: '--follow' });
  let lastTagAtMs = Date.now();
  let reads = 0;
  let bytes = 0;
  const mark = (at: number, n: number) => {
    lastTagAtMs = at;
    reads++;
    bytes += n;
  };
  if (opts.stream !== undefined) {
    if (opts.format === undefined) throw new InputError('a tag stream needs --format', { field: '--format' });
    const { record, report } = await readGroundInput(root, { ...opts, stream: marked(opts.stream, mark) });
    return { record, report, lastTagAtMs, reads, bytes };
  }
  const pollMs = opts.pollMs ?? 50;
  await waitForTagFile(file, opts);
  const { record, report } = await readGroundInput(root, {
    ...opts,
    follow: {
      pollMs,
      idleTimeoutMs: (opts.idleS ?? 2) * 1000,
      signal: opts.signal,
      onData: mark,
    },
  });
  return { record, report, lastTagAtMs, reads, bytes };
}

/** The stream's chunks, each marked with its arrival time. */
export async function* marked(stream: AsyncIterable<Uint8Array>, mark: (atMs: number, bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    if (chunk.length > 0) mark(Date.now(), chunk.length);
    yield chunk;
  }
}
