/**
 * The active run's heartbeat: at HEARTBEAT_HZ the server re-sends the run's latest `progress`
 * (with the seconds spent in its stage so far) and its latest `series`, so the page hears from a
 * run at least once a second through every stage, also while the replay process is inside a
 * long computation that reports no progress of its own (error correction, privacy amplification).
 * It runs in the server process, which a busy replay process cannot stall.
 */
import type { RunEvent, RunProgress, RunSeries } from './api-types.js';

export const HEARTBEAT_HZ = 2;

export class RunHeartbeat {
  private progress: RunProgress | null = null;
  private series: RunSeries | null = null;
  private stageSinceMs = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly emit: (ev: RunEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Note an event of the run (the latest progress and series are the ones re-sent). */
  seen(ev: RunEvent): void {
    if (ev.type === 'progress') {
      if (this.progress?.stage !== ev.data.stage) this.stageSinceMs = this.now();
      this.progress = ev.data;
    } else if (ev.type === 'series') this.series = ev.data;
    else this.stop();
  }

  start(): void {
    this.stageSinceMs = this.now();
    this.timer ??= setInterval(() => this.beat(), 1000 / HEARTBEAT_HZ);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private beat(): void {
    if (this.progress) this.emit({ type: 'progress', data: { ...this.progress, stageElapsedS: Math.round((this.now() - this.stageSinceMs) / 1000), heartbeat: true } });
    if (this.series) this.emit({ type: 'series', data: this.series });
  }
}
