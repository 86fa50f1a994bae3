/**
 * The event simulation of a pass (simulate.ts) with its segments on worker threads
 * (simulate-worker.ts): the plan (setup draws, per-slot channel) and the join (dead time,
 * afterpulses) stay in this thread, the segments' raw events are simulated by `threads` workers,
 * and joined in segment order as they arrive. Each segment has its own index-keyed random stream,
 * so the records are bit for bit those of `simulatePass`, for every thread count.
 *
 * `threads` ≤ 1, or a build without the worker module (a bundle), simulates in this thread.
 * One shared pool per thread count; its workers stop after 2 s idle.
 */
import { WorkerPools, siblingModuleUrl } from '../core/worker-pool.js';
import { InputError } from '../core/errors.js';
import { PassAssembler, planPass, simulatePass, type SimulateOptions, type SimulationResult } from './simulate.js';
import type { SegmentInput, SegmentOutput, SegmentShared } from './simulate-segment.js';

const workers = new WorkerPools<{ shared: SegmentShared; segment: SegmentInput }, SegmentOutput>(siblingModuleUrl(import.meta.url, 'simulate-worker'));

/** Terminate the simulation's worker threads now (they also stop by themselves after 2 s idle). */
export function closeSimulationWorkers(): Promise<void> {
  return workers.close();
}

/** Simulate a whole pass with its segments on `threads` worker threads (the same records as `simulatePass`). */
export async function simulatePassParallel(options: SimulateOptions, threads: number): Promise<SimulationResult> {
  if (!Number.isInteger(threads) || threads < 1) throw new InputError(`must be an integer ≥ 1, got ${threads}`, { field: 'threads' });
  if (threads === 1 || !workers.available) return simulatePass(options);
  const plan = planPass(options);
  if (plan.segments.length <= 1) return simulatePass(options);
  const pool = workers.get(threads);
  const asm = new PassAssembler(plan);
  const done = new Map<number, SegmentOutput>();
  let next = 0;
  const joinReady = () => {
    while (done.has(next)) {
      const o = done.get(next) as SegmentOutput;
      done.delete(next);
      asm.add(o);
      const seg = plan.segments[next];
      options.onProgress?.((seg.slot0 + seg.eta.length) / plan.nSlots);
      next++;
    }
  };
  await Promise.all(
    plan.segments.map((segment) =>
      pool.run({ shared: plan.shared, segment }).then((o) => {
        done.set(o.index, o);
        joinReady();
      }),
    ),
  );
  return asm.finish();
}
