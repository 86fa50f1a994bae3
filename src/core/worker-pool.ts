/**
 * A pool of worker_threads that all run one module, for spreading independent pieces of work
 * (privacy-amplification segments, LDPC frames, replay blocks) over the machine's cores.
 *
 * Worker side: the module calls `serveTasks(handler)`; the handler gets one request and returns
 * its result, or `{ result, transfer }` to move ArrayBuffers back without copying.
 * Main side: `new WorkerPool(moduleUrl, { threads })`, then `run(request, transfer)` (one task) or
 * `map(requests, transferOf)` (results in the order of the requests). Tasks queue FIFO and go to
 * the first idle worker; workers start lazily (at most `threads`) and all of them are terminated
 * once the pool has been idle for `idleMs` (default 2 s), so their memory (JS heaps,
 * WebAssembly memories) goes back to the system; a later task starts workers again. `close()`
 * terminates them at once. A task whose handler throws rejects with that error's message; a
 * worker that dies rejects its task and is replaced by the next task's demand.
 *
 * A `.ts` module runs through tsx's loader (registered in the worker by a bootstrap), so the same
 * code works under tsx, vitest and plain node on `.js`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, parentPort, type Transferable } from 'node:worker_threads';

export interface WorkerPoolOptions {
  /** Number of worker threads (≥ 1). */
  threads: number;
  /** Terminate all workers after this many ms without a task (default 2000; 0 = as soon as idle). */
  idleMs?: number;
}

/** What a handler may return: the result alone, or with the buffers to transfer. */
export type TaskReturn<Res> = Res | { result: Res; transfer: Transferable[] };

interface TaskMessage {
  id: number;
  request: unknown;
}
interface ReplyMessage {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const TRANSFER = Symbol.for('mozi.worker-pool.transfer');

/** Mark a handler's return value as `result` plus buffers to transfer (not copy) to the caller. */
export function withTransfer<Res>(result: Res, transfer: Transferable[]): TaskReturn<Res> {
  return { [TRANSFER]: true, result, transfer } as unknown as TaskReturn<Res>;
}

function isTransferReturn<Res>(v: unknown): v is { result: Res; transfer: Transferable[] } {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[TRANSFER] === true;
}

/** Worker side: answer the pool's tasks with `handler` (call once, at module top level). */
export function serveTasks<Req, Res>(handler: (request: Req) => TaskReturn<Res> | Promise<TaskReturn<Res>>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run in a worker thread');
  port.on('message', async (msg: TaskMessage) => {
    try {
      const r = await handler(msg.request as Req);
      if (isTransferReturn<Res>(r)) port.postMessage({ id: msg.id, ok: true, result: r.result } satisfies ReplyMessage, r.transfer);
      else port.postMessage({ id: msg.id, ok: true, result: r } satisfies ReplyMessage);
    } catch (e) {
      port.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies ReplyMessage);
    }
  });
}

interface Pending {
  id: number;
  request: unknown;
  transfer: Transferable[];
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Pending | null;
}

/**
 * A worker for `moduleUrl`. A `.ts` module starts from a bootstrap that registers tsx's ESM hooks
 * in the worker, then imports the module (a worker does not get them from a parent started by tsx).
 */
function startWorker(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl);
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(boot, { eval: true });
}

export class WorkerPool<Req, Res> {
  readonly threads: number;
  private readonly idleMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly moduleUrl: URL,
    opts: WorkerPoolOptions,
  ) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new RangeError(`threads must be an integer ≥ 1, got ${opts.threads}`);
    this.threads = opts.threads;
    this.idleMs = opts.idleMs ?? 2000;
  }

  /** Number of live worker threads (0 after an idle period or `close`). */
  get liveWorkers(): number {
    return this.slots.length;
  }

  /** Run one task; `transfer` lists buffers of `request` to move to the worker. */
  run(request: Req, transfer: Transferable[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    this.clearIdle();
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Run every request; the results come in the order of `requests`. Rejects on the first failure. */
  map(requests: readonly Req[], transferOf?: (request: Req, index: number) => Transferable[]): Promise<Res[]> {
    return Promise.all(requests.map((r, i) => this.run(r, transferOf ? transferOf(r, i) : [])));
  }

  /** Terminate every worker now; waiting tasks are rejected. The pool accepts no further task. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearIdle();
    for (const p of this.queue.splice(0)) p.reject(new Error('worker pool closed'));
    await this.terminateAll();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private async terminateAll(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const s of slots) if (s.task) s.task.reject(new Error('worker pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot && this.slots.length < this.threads) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift() as Pending;
      slot.task = task;
      slot.worker.ref(); // a busy worker keeps the process alive until its task answers
      slot.worker.postMessage({ id: task.id, request: task.request } satisfies TaskMessage, task.transfer);
    }
    if (this.slots.every((s) => s.task === null)) this.scheduleIdle();
  }

  private scheduleIdle(): void {
    this.clearIdle();
    if (this.slots.length === 0) return;
    const t = setTimeout(() => {
      this.idleTimer = null;
      if (this.queue.length === 0 && this.slots.every((s) => s.task === null)) void this.terminateAll();
    }, this.idleMs);
    t.unref();
    this.idleTimer = t;
  }

  private spawn(): Slot {
    const worker = startWorker(this.moduleUrl);
    worker.unref();
    const slot: Slot = { worker, task: null };
    this.slots.push(slot);
    worker.on('message', (msg: ReplyMessage) => {
      const task = slot.task;
      if (!task || task.id !== msg.id) return;
      slot.task = null;
      worker.unref();
      if (msg.ok) task.resolve(msg.result);
      else task.reject(new Error(msg.error));
      this.dispatch();
    });
    const fail = (e: Error) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return; // terminated by the pool
      this.slots.splice(i, 1);
      if (slot.task) slot.task.reject(e);
      slot.task = null;
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    return slot;
  }
}

/**
 * The worker module `name` next to the calling module (`callerUrl` = its `import.meta.url`): the
 * `.ts` source when the caller runs from source (tsx), the `.js` file in a build.
 */
export function siblingModuleUrl(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}

/**
 * The pools of one worker module, one per thread count, created on first use; what the parallel
 * kernels (PA segments, LDPC frames) keep at module level.
 */
export class WorkerPools<Req, Res> {
  /** Whether the module exists in this build (a bundled CLI may not ship it). */
  readonly available: boolean;
  private readonly pools = new Map<number, WorkerPool<Req, Res>>();

  constructor(private readonly moduleUrl: URL) {
    this.available = existsSync(fileURLToPath(moduleUrl));
  }

  /** The pool of `threads` workers. */
  get(threads: number): WorkerPool<Req, Res> {
    let p = this.pools.get(threads);
    if (!p) {
      p = new WorkerPool<Req, Res>(this.moduleUrl, { threads });
      this.pools.set(threads, p);
    }
    return p;
  }

  /** Live worker threads over all the pools (0 once idle long enough or closed). */
  get liveWorkers(): number {
    let k = 0;
    for (const p of this.pools.values()) k += p.liveWorkers;
    return k;
  }

  /** Terminate every pool's workers now (they also stop by themselves when idle). */
  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}
