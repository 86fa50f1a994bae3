/**
 * Running the slices on worker threads (node:worker_threads): each worker computes planSlicePacked on
 * the slices it is handed, one at a time, and the results go to assemblePlan in slice order, so
 * the plan is the same whatever the number of threads. This module is also the worker's entry:
 * loaded in a worker whose workerData has `moziPlanWorker`, it answers slice requests.
 * Under tsx (source checkout, tests, the CLI) the worker loads an esbuild bundle of this module
 * (workerBundle), or registers tsx's loader first when esbuild is missing; from a bundle (one
 * JavaScript file) it loads that bundle, whose CLI entry does not run in a worker.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { packedBuffers, unpackSlice, type PackedSlice } from './packed.js';
import { planSlicePacked } from './slice.js';
import type { SliceInput, SliceResult } from './types.js';

interface Request {
  id: number;
  input: SliceInput;
}
type Reply = { id: number; result: PackedSlice } | { id: number; error: { message: string; name: string; field?: string; file?: string; line?: number } };

if (!isMainThread && (workerData as { moziPlanWorker?: boolean } | null)?.moziPlanWorker && parentPort) {
  const port = parentPort;
  port.on('message', (req: Request) => {
    let reply: Reply;
    let transfer: ArrayBuffer[] = [];
    try {
      const result = planSlicePacked(req.input);
      reply = { id: req.id, result };
      transfer = packedBuffers(result);
    } catch (e) {
      const err = e as Error & { field?: string; file?: string; line?: number };
      reply = { id: req.id, error: { message: err.message, name: err.name, field: err.field, file: err.file, line: err.line } };
    }
    port.postMessage(reply, transfer);
  });
}

/**
 * Under tsx, the worker's code as one ES module file: this module and everything it imports,
 * bundled by esbuild (tsx's own transpiler) with the npm packages left as imports of their
 * installed files and each module's import.meta.url its source file's, written once per content
 * to the temp directory. A worker then loads plain
 * JavaScript instead of starting tsx's loader and transpiling ~60 modules (measured ≈ 1 s of CPU
 * per worker; the bundle ≈ 0.2–0.3 s once per process). Null when esbuild is not there or
 * fails (one line on stderr; the worker registers tsx instead).
 */
let bundled: Promise<string | null> | undefined;
function workerBundle(): Promise<string | null> {
  return (bundled ??= (async () => {
    try {
      const esbuild = await import('esbuild');
      const { createHash } = await import('node:crypto');
      const { existsSync, renameSync, writeFileSync } = await import('node:fs');
      const { readFile } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { fileURLToPath, pathToFileURL } = await import('node:url');
      const r = await esbuild.build({
        entryPoints: [fileURLToPath(import.meta.url)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
        plugins: [
          {
            name: 'mozi-plan-worker',
            setup(b) {
              // each module keeps its own import.meta.url (files found next to the sources)
              b.onLoad({ filter: /\.ts$/ }, async (args) => ({
                contents: (await readFile(args.path, 'utf8')).replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)),
                loader: 'ts',
              }));
              b.onResolve({ filter: /^[^./]/ }, async (args) => {
                if (args.pluginData === 'inner' || args.path.startsWith('node:')) return undefined;
                const res = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' });
                if (res.errors.length) return { errors: res.errors };
                return res.path.startsWith('/') ? { path: pathToFileURL(res.path).href, external: true } : { path: args.path, external: true };
              });
            },
          },
        ],
      });
      const code = r.outputFiles[0].text;
      const file = join(tmpdir(), `mozi-plan-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
      if (!existsSync(file)) {
        const part = `${file}.${process.pid}.part`;
        writeFileSync(part, code);
        renameSync(part, file);
      }
      return file;
    } catch (e) {
      // slower start-up, same results: say so once instead of silently
      process.stderr.write(`mozi plan: the worker bundle could not be built (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); workers start tsx instead (≈ 1 s more CPU each)\n`);
      return null;
    }
  })());
}

async function startWorker(): Promise<Worker> {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const file = await workerBundle();
    if (file) return new Worker(file, { workerData: { moziPlanWorker: true } });
  }
  const code = self.endsWith('.ts')
    ? `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(self)}); })`
    : `import(${JSON.stringify(self)})`;
  return new Worker(code, { eval: true, workerData: { moziPlanWorker: true } });
}

/** planSlice over every input on `threads` workers, as SliceResults (runPackedSlices, unpacked). */
export async function runSlices(inputs: readonly SliceInput[], threads: number, onSlice?: (done: number, total: number) => void): Promise<SliceResult[]> {
  return (await runPackedSlices(inputs, threads, onSlice)).map(unpackSlice);
}

/**
 * planSlice over every input, on `threads` workers (1: in this thread), results in input order,
 * packed (packed.ts: columns whose buffers the workers transfer, no structured clone of a pass).
 * `onSlice` is called as each slice finishes (progress, streaming).
 */
export async function runPackedSlices(inputs: readonly SliceInput[], threads: number, onSlice?: (done: number, total: number) => void): Promise<PackedSlice[]> {
  const results: PackedSlice[] = new Array<PackedSlice>(inputs.length);
  if (threads <= 1 || inputs.length <= 1) {
    inputs.forEach((input, i) => {
      results[i] = planSlicePacked(input);
      onSlice?.(i + 1, inputs.length);
    });
    return results;
  }
  const n = Math.min(threads, inputs.length);
  const workers = await Promise.all(Array.from({ length: n }, startWorker));
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next >= inputs.length) return;
        const id = next++;
        w.postMessage({ id, input: inputs[id] } satisfies Request);
      };
      for (const w of workers) {
        w.on('message', (r: Reply) => {
          if ('error' in r) {
            const e = Object.assign(new Error(r.error.message), r.error);
            reject(e);
            return;
          }
          results[r.id] = r.result;
          done++;
          onSlice?.(done, inputs.length);
          if (done === inputs.length) resolve();
          else feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
