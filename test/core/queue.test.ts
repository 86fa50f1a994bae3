import { describe, expect, it } from 'vitest';
import { AsyncQueue } from '../../src/core/queue.js';
import { SegmentCursor } from '../../src/core/segments.js';
import { insertionSortIndices } from '../../src/core/sort.js';
import { PhiloxStream } from '../../src/core/rng/philox.js';

describe('AsyncQueue', () => {
  it('delivers in order to waiting and later readers; close rejects once drained, first error wins', async () => {
    const q = new AsyncQueue<number>();
    const early = q.next();
    q.push(1);
    q.push(2);
    q.push(3);
    expect(await early).toBe(1);
    q.close(new Error('first'));
    q.close(new Error('second'));
    q.push(4); // dropped after close
    expect(await q.next()).toBe(2);
    expect(await q.next()).toBe(3);
    await expect(q.next()).rejects.toThrow('first');
    const waiting = new AsyncQueue<number>();
    const p = waiting.next();
    waiting.close(new Error('gone'));
    await expect(p).rejects.toThrow('gone');
  });
});

describe('SegmentCursor and insertionSortIndices', () => {
  const SEED = 31337;
  it(`finds the same segment as a linear scan, for in-order and random lookups (seed ${SEED})`, () => {
    const r = new PhiloxStream(SEED, 0);
    const t = new Float64Array(200);
    for (let i = 1; i < t.length; i++) t[i] = t[i - 1] + 0.5 + r.nextDouble();
    const linear = (x: number): number => {
      let s = 0;
      while (s < t.length - 2 && t[s + 1] < x) s++;
      return s;
    };
    const c = new SegmentCursor(t);
    const xs = [...Array.from({ length: 500 }, (_, i) => (i / 500) * t[t.length - 1]), ...Array.from({ length: 500 }, () => (r.nextDouble() * 1.2 - 0.1) * t[t.length - 1])];
    for (const x of xs) {
      const s = c.find(x);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(t.length - 2);
      if (x >= t[0] && x <= t[t.length - 1]) {
        expect(t[s] <= x && x <= t[s + 1]).toBe(true);
        // a point on a sample boundary may belong to either neighbour; elsewhere it is the scan's
        if (!t.includes(x)) expect(s).toBe(linear(x));
      } else expect(s).toBe(x < t[0] ? 0 : t.length - 2);
    }
  });

  it(`sorts indices by key, stably, as Array.prototype.sort does (seed ${SEED + 1})`, () => {
    const r = new PhiloxStream(SEED + 1, 0);
    const key = Float64Array.from({ length: 3000 }, (_, i) => i + (r.nextDouble() < 0.3 ? Math.floor(r.nextDouble() * 50) - 25 : 0) + (i % 7 === 0 ? 0.5 : 0));
    key[10] = key[11]; // a tie
    const order = insertionSortIndices(Uint32Array.from({ length: key.length }, (_, i) => i), key);
    const expected = Array.from({ length: key.length }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
    expect(Array.from(order)).toEqual(expected);
  });
});
