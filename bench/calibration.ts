import type { BenchResult } from './types.js';

/**
 * Machine-speed reference: ns per step of a fixed gather/update loop over typed arrays (the shape
 * of the LDPC inner loop). On an idle modern core this is ~1–2 ns; a larger value means the
 * suite's throughput figures were taken on a loaded or slow machine and scale accordingly.
 */
export function calibration(suite: string): BenchResult {
  const n = 15552;
  const E = 76913;
  const cols = new Int32Array(E);
  for (let i = 0; i < E; i++) cols[i] = (Math.imul(i, 2654435761) >>> 0) % n;
  const L = new Float32Array(n).fill(1);
  const R = new Float32Array(E);
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const c0 = process.cpuUsage();
    for (let it = 0; it < 20; it++) {
      for (let e = 0; e < E; e++) {
        const t = L[cols[e]] - R[e];
        R[e] = t * 0.5;
        L[cols[e]] = t + R[e];
      }
    }
    const cu = process.cpuUsage(c0);
    best = Math.min(best, ((cu.user + cu.system) * 1000) / (E * 20));
  }
  return { name: `${suite}/calibration`, params: { loop: 'typed-array gather/update' }, metric: 'nsPerStep', value: best, unit: 'ns' };
}

