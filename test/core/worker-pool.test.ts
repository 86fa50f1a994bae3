import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/core/worker-pool.js';
import { seededBytes } from '../support/seed.js';
import type { PoolTestRequest } from './fixtures/pool-worker.js';

const MODULE = new URL('./fixtures/pool-worker.ts', import.meta.url);
type Res = { threadId: number; data?: Float64Array };

describe('WorkerPool', () => {
  it('returns results in request order, transfers buffers both ways, uses both threads', async () => {
    const pool = new WorkerPool<PoolTestRequest, Res>(MODULE, { threads: 2 });
    try {
      const bytes = seededBytes('pool')(8 * 64);
      const inputs = Array.from({ length: 8 }, (_, k) => Float64Array.from(bytes.subarray(k * 64, (k + 1) * 64)));
      const expected = inputs.map((a) => Array.from(a, (v) => 2 * v));
      // decreasing delays: later requests finish first, the results must still come in order
      const reqs = inputs.map((data, k) => ({ op: 'double' as const, data, delayMs: 40 - 5 * k }));
      const out = await pool.map(reqs, (r) => [(r.data as Float64Array).buffer as ArrayBuffer]);
      expect(inputs.every((a) => a.byteLength === 0)).toBe(true); // moved, not copied
      expect(out.map((r) => Array.from(r.data as Float64Array))).toEqual(expected);
      expect(new Set(out.map((r) => r.threadId)).size).toBe(2);
      expect(pool.liveWorkers).toBe(2);
    } finally {
      await pool.close();
    }
    expect(pool.liveWorkers).toBe(0);
  });

  it('rejects a failing task with its message, replaces a dead worker, keeps serving', async () => {
    const pool = new WorkerPool<PoolTestRequest, Res>(MODULE, { threads: 1 });
    try {
      await expect(pool.run({ op: 'throw' })).rejects.toThrow('asked to fail');
      await expect(pool.run({ op: 'exit' })).rejects.toThrow('code 3');
      const r = await pool.run({ op: 'double', data: new Float64Array([1.5, -2]) });
      expect(Array.from(r.data as Float64Array)).toEqual([3, -4]);
    } finally {
      await pool.close();
    }
    await expect(pool.run({ op: 'double', data: new Float64Array(1) })).rejects.toThrow('closed');
  });

  it('terminates its workers after idleMs and starts them again on demand', async () => {
    const pool = new WorkerPool<PoolTestRequest, Res>(MODULE, { threads: 2, idleMs: 50 });
    try {
      await pool.run({ op: 'double', data: new Float64Array([1]) });
      expect(pool.liveWorkers).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(pool.liveWorkers).toBe(0);
      const r = await pool.run({ op: 'double', data: new Float64Array([4]) });
      expect(Array.from(r.data as Float64Array)).toEqual([8]);
    } finally {
      await pool.close();
    }
  });

  it('rejects a thread count below 1', () => {
    expect(() => new WorkerPool(MODULE, { threads: 0 })).toThrow(RangeError);
  });
});
