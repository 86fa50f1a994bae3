/**
 * `npx tsx scripts/cascade-efficiency.ts [RUNS]`: the distribution of Cascade's reconciliation
 * efficiency f = forward leaked bits / (n·h(Q)) on 5000-bit keys with exactly round(Q·n) errors, per schedule
 * and QBER, over RUNS (default 200) independent keys: mean, standard deviation, extremes. The
 * bounds of test/postprocess/reconcile/cascade.test.ts ("mean efficiency of 8 keys") come from it.
 */
import { CASCADE_SCHEDULES, CascadeReconciler, efficiency, noisyPair, runPair } from '../src/postprocess/reconcile/index.js';

const runs = Number(process.argv[2] ?? 200);
const n = 5000;
for (const schedule of CASCADE_SCHEDULES) {
  for (const [q, k] of [[0.01, 1], [0.05, 2]] as const) {
    const fs: number[] = [];
    for (let s = 1; s <= runs; s++) {
      const { alice, bob } = noisyPair(n, q, 1000 * s + k);
      const o = await runPair(new CascadeReconciler({ schedule }), alice, bob, { qberEstimate: q, seed: 7 + s });
      fs.push(efficiency(o.bob.forwardBits, n, q));
    }
    const mean = fs.reduce((a, b) => a + b, 0) / fs.length;
    const sd = Math.sqrt(fs.reduce((a, b) => a + (b - mean) ** 2, 0) / (fs.length - 1));
    console.log(`${schedule.padEnd(8)} Q=${q}  mean ${mean.toFixed(3)}  sd ${sd.toFixed(3)}  min ${Math.min(...fs).toFixed(3)}  max ${Math.max(...fs).toFixed(3)}`);
  }
}
