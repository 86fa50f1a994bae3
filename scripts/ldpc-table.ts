/**
 * LDPC blind reconciliation table: efficiency f, frame error rate (with its rule-of-three / 95 %
 * upper bound), round trips and CPU-time throughput (both parties in one thread) per QBER and key
 * length, over at least `--frames` frames per point (default 300: 0 failures then bound FER ≤ 1 %).
 * Codes are built in an untimed warm-up run per point. Counting as in the bench (`pointStats`).
 *   npx tsx scripts/ldpc-table.ts [--frames 300] [--qber 0.005,0.01,0.02,0.03,0.05] [--bits 10000,100000] [--params '{"fStep":0.02}']
 */
import { LdpcReconciler, efficiency, frameErrorRate, noisyPair, runPair } from '../src/postprocess/reconcile/index.js';
import { pointStats } from '../bench/suites/reconcile.js';
import type { LdpcParams } from '../src/postprocess/reconcile/index.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const minFrames = Number(arg('frames', '300'));
const qbers = arg('qber', '0.005,0.01,0.02,0.03,0.05').split(',').map(Number);
const sizes = arg('bits', '10000,100000').split(',').map(Number);
const params = JSON.parse(arg('params', '{}')) as LdpcParams;

console.log('QBER    n        frames  failed  FER95   f       rt    Mbit/s(CPU)');
for (const bits of sizes) {
  for (const q of qbers) {
    const rec = new LdpcReconciler(params);
    const w = noisyPair(bits, q, 4242);
    await runPair(rec, w.alice, w.bob, { qberEstimate: q, seed: 0 });
    const st = await pointStats(rec, q, bits, 10_000, { minFrames });
    if (st.undetected > 0) throw new Error(`${st.undetected} undetected frame errors (q=${q}, n=${bits})`);
    const { frames, failedFrames: failed, leaked, total, cpuSeconds: cpu, roundTrips: rt, runs } = st;
    const fer = frameErrorRate(failed, frames);
    const f = efficiency(leaked, total, q);
    console.log(
      `${q.toFixed(3)}  ${String(bits).padEnd(8)} ${String(frames).padEnd(7)} ${String(failed).padEnd(7)} ${fer.ferUpper95.toFixed(4)}  ${f.toFixed(4)}  ${(rt / runs).toFixed(1).padEnd(5)} ${(total / cpu / 1e6).toFixed(3)}`,
    );
  }
}
