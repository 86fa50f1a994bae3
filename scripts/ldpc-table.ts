/**
 * LDPC blind reconciliation table: efficiency f, frame error rate (with its rule-of-three / 95 %
 * upper bound), round trips and CPU-time throughput (both parties in one thread) per QBER and key
 * length, over at least `--frames` frames per point (default 300: 0 failures then bound FER ≤ 1 %).
 * Codes are built in an untimed warm-up run per point. Frames are counted as failed when reported
 * failed or when the reconciled key differs.
 *   npx tsx scripts/ldpc-table.ts [--frames 300] [--qber 0.005,0.01,0.02,0.03,0.05] [--bits 10000,100000] [--params '{"fStep":0.02}']
 */
import { binaryEntropy } from '../src/core/entropy.js';
import { LdpcReconciler, frameErrorRate, noisyPair, runPair } from '../src/postprocess/reconcile/index.js';
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
    let frames = 0;
    let failed = 0;
    let leaked = 0;
    let total = 0;
    let cpu = 0;
    let rt = 0;
    let runs = 0;
    for (let r = 0; frames < minFrames; r++) {
      const { alice, bob } = noisyPair(bits, q, 10_000 + r);
      const c0 = process.cpuUsage();
      const o = await runPair(rec, alice, bob, { qberEstimate: q, seed: 77 + r });
      const cu = process.cpuUsage(c0);
      cpu += (cu.user + cu.system) / 1e6;
      if (o.alice.leakedBits !== o.bob.leakedBits) throw new Error('ledgers disagree');
      leaked += o.bob.leakedBits;
      total += bits;
      rt += o.bob.stats.roundTrips;
      runs++;
      const fs = o.bob.frames ?? [];
      frames += fs.length;
      // Frame ranges are in the interleaved order: a frame counts as failed if reported so; if
      // every frame reports ok, the keys must match.
      const bad = fs.filter((f) => !f.ok).length;
      failed += bad;
      if (bad === 0 && !o.match) throw new Error(`undetected error (q=${q}, n=${bits}, run ${r})`);
    }
    const fer = frameErrorRate(failed, frames);
    const f = leaked / (total * binaryEntropy(q));
    console.log(
      `${q.toFixed(3)}  ${String(bits).padEnd(8)} ${String(frames).padEnd(7)} ${String(failed).padEnd(7)} ${fer.ferUpper95.toFixed(4)}  ${f.toFixed(4)}  ${(rt / runs).toFixed(1).padEnd(5)} ${(total / cpu / 1e6).toFixed(3)}`,
    );
  }
}
