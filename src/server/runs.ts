/**
 * Replay runs started from the dashboard. Each run executes in its own child process
 * (src/server/replay-worker.ts) so the server stays responsive; one run at a time (a second run
 * waits in a queue and is told its position, so two tabs never halve each other's speed); its
 * events are kept in memory and fanned out to server-sent-event subscribers (late subscribers,
 * e.g. a reloaded page, get the history first).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../core/package-root.js';
import type { ReplayResults, RunEvent, RunInfo, RunSummary } from './api-types.js';
import { RunHeartbeat } from './run-heartbeat.js';
import type { MissionStation } from '../mission/config.js';

/** A dashboard run: any pass of any station (`station` + `pass`), or a named pass (`preset`), of a mission. */
export interface RunParams {
  /** The mission as the worker loads it: a shipped name or a file path. */
  mission: string;
  missionName: string;
  station?: string;
  pass?: string;
  preset?: string;
  eve: string;
  /** Absent: the mission's (or the named pass's) post-processing. */
  reconciliation?: string;
  bound?: string;
  seed?: number;
  windowS?: number;
  /** Stations added from the dashboard that the run needs (appended to the mission's). */
  userStations?: MissionStation[];
}

export type { RunEvent } from './api-types.js';

export interface RunState {
  id: string;
  params: RunParams;
  outDir: string;
  startedAt: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  events: RunEvent[];
  summary?: RunSummary;
  /** The results panel's data (the HTML report's comparisons), once done. */
  results?: ReplayResults;
}

type Listener = (ev: RunEvent) => void;

/** Run from the TypeScript source (through tsx) even when this module is bundled. */
const WORKER = join(packageRoot(import.meta.url), 'src', 'server', 'replay-worker.ts');
/** tsx's loader by absolute path (resolved from this package, not from the server's cwd). */
const TSX_LOADER = fileURLToPath(import.meta.resolve('tsx'));

export class RunManager {
  private readonly runs = new Map<string, RunState>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly children = new Map<string, ChildProcess>();
  private readonly queue: string[] = [];
  private active: string | null = null;
  private closed = false;

  constructor(private readonly dataDir: string) {}

  list(): RunInfo[] {
    return [...this.runs.values()].map((r) => this.info(r)).reverse();
  }

  get(id: string): RunState | undefined {
    return this.runs.get(id);
  }

  /** A run as GET /api/runs/:id answers: parameters, status, queue position (1 = next). */
  info(r: RunState): RunInfo {
    const { events: _e, outDir: _o, results: _r, params, ...rest } = r;
    const q = this.queue.indexOf(r.id);
    return { ...rest, params: { mission: params.missionName, station: params.station, pass: params.pass, preset: params.preset, eve: params.eve, reconciliation: params.reconciliation, bound: params.bound }, queuePosition: q >= 0 ? q + 1 : null };
  }

  start(params: RunParams): RunState {
    const id = randomUUID();
    const outDir = join(this.dataDir, 'runs', id);
    mkdirSync(outDir, { recursive: true });
    const state: RunState = { id, params, outDir, startedAt: new Date().toISOString(), status: 'queued', events: [] };
    this.runs.set(id, state);
    this.queue.push(id);
    this.pump();
    return state;
  }

  /** Start the next queued run when none is active; tell the waiting ones their position. */
  private pump(): void {
    if (this.active === null && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.active = id;
      this.launch(this.runs.get(id)!);
    }
    this.queue.forEach((qid, i) => this.emit(qid, { type: 'progress', data: { stage: 'queued', fraction: 0, overall: 0, queuePosition: i + 1 } }));
  }

  private launch(state: RunState): void {
    const { id, params, outDir } = state;
    state.status = 'running';
    state.startedAt = new Date().toISOString();
    const child = fork(WORKER, [], {
      execArgv: ['--import', TSX_LOADER],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, MOZI_NO_PROGRESS: '1' },
    });
    this.children.set(id, child);
    const heartbeat = new RunHeartbeat((ev) => this.emit(id, ev));
    heartbeat.start();
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.on('message', (msg: RunEvent) => {
      heartbeat.seen(msg);
      this.emit(id, msg);
    });
    child.on('exit', (code) => {
      heartbeat.stop();
      this.children.delete(id);
      if (state.status === 'running') {
        const last = stderr.trim().split('\n').pop() ?? '';
        this.emit(id, { type: 'failed', data: { message: `replay process exited with code ${code}${last ? ': ' + last : ''}` } });
      }
      if (this.active === id) this.active = null;
      if (!this.closed) this.pump();
    });
    child.send({ params, outDir, dataDir: this.dataDir });
  }

  private emit(id: string, ev: RunEvent): void {
    const state = this.runs.get(id);
    if (!state) return;
    // keep only the latest progress/series event in history; all of done/failed
    if (ev.type === 'progress' || ev.type === 'series') {
      const i = state.events.findIndex((e) => e.type === ev.type);
      if (i >= 0) state.events.splice(i, 1);
    }
    state.events.push(ev);
    if (ev.type === 'done') {
      state.status = 'done';
      state.summary = ev.data.summary;
      state.results = ev.data.results;
    }
    if (ev.type === 'failed') state.status = 'failed';
    for (const l of this.listeners.get(id) ?? []) l(ev);
  }

  subscribe(id: string, listener: Listener): () => void {
    const state = this.runs.get(id);
    if (state) for (const ev of state.events) listener(ev);
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const c of this.children.values()) c.kill('SIGTERM');
  }
}
