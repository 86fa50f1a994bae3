/**
 * Time-tag input as an async iterator of batches, in constant memory: chunks from a file (read
 * from any offset, optionally following it while an instrument still writes it) or from any byte
 * stream (a pipe, a socket, `process.stdin`), through one of the format decoders.
 *
 *     for await (const batch of readTagFile('tags.ptu', 'ptu')) { … batch.timePs, batch.channel … }
 *
 * Resuming: `decoder.checkpoint()` after a batch, later `readTagFile(path, format, { resume })`
 * continues at the checkpoint's byte offset with the decoder's state (overflow accumulator, last
 * time, open lost interval), without re-reading what came before.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { PtuT2Decoder } from './ptu-t2.js';
import { SwabianDecoder } from './swabian-raw.js';
import type { DecoderOptions, TagBatch, TagDecoder, TagFormat } from './tag-batch.js';
import { TextTagDecoder } from './text-tags.js';

export interface FollowOptions {
  /** How often to look for new bytes at the end of the file (default 200 ms). */
  pollMs?: number;
  /** Stop after this long without new bytes (default: wait until `signal` aborts). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called with the wall-clock time (epoch ms) and size of every read that brought new bytes. */
  onData?: (atMs: number, bytes: number) => void;
}

export interface ChunkOptions {
  /** Bytes per read (default 1 MiB). */
  chunkBytes?: number;
  /** Byte offset to start at (a checkpoint's `byteOffset`). */
  startOffset?: number;
  /** Keep reading as the file grows. */
  follow?: FollowOptions;
  /** Checked at end of file in follow mode: stop when it returns true (e.g. the decoder is complete). */
  done?: () => boolean;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The file's bytes in chunks. The yielded array is reused: it is valid until the next iteration.
 * In follow mode the end of file is a pause, not the end, until `done()`, the idle timeout or the
 * abort signal.
 */
export async function* fileChunks(path: string, opts: ChunkOptions = {}): AsyncGenerator<Uint8Array> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new InputError(`cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path });
  }
  try {
    const buf = new Uint8Array(opts.chunkBytes ?? 1 << 20);
    let pos = opts.startOffset ?? 0;
    let idleMs = 0;
    const f = opts.follow;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        idleMs = 0;
        f?.onData?.(Date.now(), bytesRead);
        yield buf.subarray(0, bytesRead);
        continue;
      }
      if (!f || opts.done?.() || f.signal?.aborted) return;
      const size = (await fh.stat()).size;
      if (size < pos) throw new InputError(`file shrank from ${pos} to ${size} bytes while being read`, { file: path });
      if (f.idleTimeoutMs !== undefined && idleMs >= f.idleTimeoutMs) return;
      const wait = f.pollMs ?? 200;
      await sleep(wait, f.signal);
      idleMs += wait;
    }
  } finally {
    await fh.close();
  }
}

/** A decoder for a format. */
export function createDecoder(format: TagFormat, opts: DecoderOptions = {}): TagDecoder {
  switch (format) {
    case 'ptu':
      return new PtuT2Decoder(opts);
    case 'swabian':
      return new SwabianDecoder(opts);
    case 'csv':
      return new TextTagDecoder(opts);
  }
}

/**
 * Batches decoded from a byte stream. Empty batches (a chunk inside the header, a partial record)
 * are skipped. Ends at the end of the stream or once the decoder knows the input is complete; then
 * `finish()` checks for truncation.
 */
export async function* decodeTagStream(chunks: AsyncIterable<Uint8Array>, decoder: TagDecoder): AsyncGenerator<TagBatch> {
  for await (const chunk of chunks) {
    const b = decoder.push(chunk);
    if (b.records > 0) yield b;
    if (decoder.complete) break;
  }
  const tail = decoder.finish();
  if (tail && tail.records > 0) yield tail;
}

export interface TagFileOptions extends DecoderOptions, Omit<ChunkOptions, 'startOffset' | 'done'> {}

/** Batches of a time-tag file (optionally followed while it grows, or resumed from a checkpoint). */
export function readTagFile(path: string, format: TagFormat, opts: TagFileOptions = {}): { decoder: TagDecoder; batches: AsyncGenerator<TagBatch> } {
  const decoder = createDecoder(format, { ...opts, source: opts.source ?? path });
  const chunks = fileChunks(path, { ...opts, startOffset: opts.resume?.byteOffset ?? 0, done: () => decoder.complete });
  return { decoder, batches: decodeTagStream(chunks, decoder) };
}

/** Batches of any byte stream (a pipe, `process.stdin`, a socket), read to its end. */
export function readTagStream(chunks: AsyncIterable<Uint8Array>, format: TagFormat, opts: DecoderOptions = {}): { decoder: TagDecoder; batches: AsyncGenerator<TagBatch> } {
  const decoder = createDecoder(format, opts);
  return { decoder, batches: decodeTagStream(chunks, decoder) };
}
