/**
 * LDPC reconciliation bench (issue 19): per QBER (1, 2, 3, 5 %) and key length (10⁴, 10⁵, 10⁶ bits)
 * the efficiency f (Alice's disclosures, as the literature reports it) and the ledger's f (both
 * directions), the frame error rate with the number of frames measured and its 95 % upper bound,
 * round trips, and the throughput in Mbit/s of sifted key by wall clock and by CPU time (both
 * parties in this process). Every run draws a fresh public seed (as every block in production
 * does); codes are built once per (N, m) in a warm-up run, as a deployment would precompute them.
 * The grid runs with the default worker threads; two extra rows compare 1 and 2 threads at 10⁶ bits.
 * `efficiencyTotal` is the honest figure: the ledger (both directions) plus the verification tag
 * and verdict of the block, over n·h(Q) with Q the true error rate of the key pairs.
 */
import type { BenchResult, BenchSuite } from '../types.js';
import { calibration } from '../calibration.js';
import type { LdpcParams } from '../../src/postprocess/reconcile/index.js';
import { LdpcReconciler, efficiency, frameErrorRate, noisyPair, runPair } from '../../src/postprocess/reconcile/index.js';
import { pointStats } from './reconcile.js';
import { isQcDecoder } from '../../src/postprocess/reconcile/ldpc.js';
import { chooseTagBits } from '../../src/postprocess/verify.js';

export const reconcileLdpcSuite: BenchSuite = ldpcSuite('reconcile-ldpc', 'LDPC reconciliation: f, FER (frames measured), Mbit/s wall and CPU per QBER and key length', {});

/**
 * The same grid with the 8-bit QC min-sum decoder (LdpcParams.decoder 'qc-minsum', ldpc-qc.ts),
 * its own suite so its figures sit beside the sum-product ones. Its thread rows (10⁶ bits at 2 %,
 * 10 runs) compare the calling thread with frames on two workers (ldpc-parallel.ts).
 */
export const reconcileLdpcQcSuite: BenchSuite = ldpcSuite('reconcile-ldpc-qc', 'LDPC reconciliation, QC 8-bit min-sum decoder: f, FER (frames measured), Mbit/s wall and CPU', { decoder: 'qc-minsum' });

/**
 * The same grid with the float32 QC sum-product decoder (LdpcParams.decoder 'qc-sp',
 * ldpc-qc-sp.ts) on the same QC codes: lower f, slower per frame.
 */
export const reconcileLdpcQcSpSuite: BenchSuite = ldpcSuite('reconcile-ldpc-qcsp', 'LDPC reconciliation, QC float32 sum-product decoder: f, FER (frames measured), Mbit/s wall and CPU', { decoder: 'qc-sp' });

/**
 * The same grid with the 16-bit fixed-point QC sum-product decoder (LdpcParams.decoder 'qc-sp16',
 * ldpc-qc-sp16.ts): the codes and plan of 'qc-sp', a faster kernel.
 */
export const reconcileLdpcQcSp16Suite: BenchSuite = ldpcSuite('reconcile-ldpc-qcsp16', 'LDPC reconciliation, QC 16-bit fixed-point sum-product decoder: f, FER (frames measured), Mbit/s wall and CPU', { decoder: 'qc-sp16' });

function ldpcSuite(suite: string, description: string, extra: LdpcParams): BenchSuite {
  const qcRows = isQcDecoder(extra.decoder);
  return {
  name: suite,
  description,
  async run({ quick, log }) {
    const qbers = (process.env.MOZI_LDPC_QBERS ?? '0.01,0.02,0.03,0.05').split(',').map(Number);
    const sizes = (process.env.MOZI_LDPC_BITS ?? (quick ? '10000,100000' : '10000,100000,1000000')).split(',').map(Number);
    /**
     * Frames per point: ≥ 1000 at 10⁴ (one frame per run), ≥ 300 at 10⁵ (one 10⁵-bit frame per
     * run); 10⁶: 2 runs. MOZI_LDPC_FRAMES_SCALE (default 1) scales the frame counts of 10⁴ and 10⁵
     * for a shorter run; the frames measured are in every figure's params.
     */
    const scale = Number(process.env.MOZI_LDPC_FRAMES_SCALE ?? 1);
    if (!(scale > 0 && scale <= 10)) throw new Error(`MOZI_LDPC_FRAMES_SCALE ${process.env.MOZI_LDPC_FRAMES_SCALE} not in (0, 10]`);
    const stopFor = (bits: number): { runs: number } | { minFrames: number } =>
      bits <= 10_000
        ? { minFrames: quick ? 40 : Math.ceil(1000 * scale) }
        : bits <= 100_000
          ? { minFrames: quick ? 12 : Math.ceil(300 * scale) }
          : { runs: quick ? 1 : 2 };
    const out: BenchResult[] = [calibration(suite)];
    const rec = new LdpcReconciler(extra);
    const name = `${suite}/${rec.name}`;
    let seed = 1;
    for (const bits of sizes) {
      for (const qber of qbers) {
        const w = noisyPair(bits, qber, 4242);
        await runPair(rec, w.alice, w.bob, { qberEstimate: qber, seed: 0 });
        const st = await pointStats(rec, qber, bits, 1000 * seed++, stopFor(bits));
        const fer = frameErrorRate(st.failedFrames, st.frames);
        const params = { qber, bits, runs: st.runs, frames: st.frames };
        // the whole disclosure of a block: the reconciler's ledger (both directions: syndromes at
        // their rank, revealed bits, Bob's outcome bitmaps) plus the pipeline's verification (tag and
        // verdict, verify.ts), over n·h(Q) with Q the true error rate of the keys (errors / bits)
        const verifyBits = st.runs * (chooseTagBits(bits) + 1);
        const fTotal = efficiency(st.ledgerLeaked + verifyBits, st.total, st.errors / st.total);
        const r: BenchResult[] = [
          { name, params, metric: 'efficiency', value: efficiency(st.leaked, st.total, qber), unit: '' },
          { name, params, metric: 'efficiencyLedger', value: efficiency(st.ledgerLeaked, st.total, qber), unit: '' },
          { name, params, metric: 'efficiencyTotal', value: fTotal, unit: '' },
          { name, params, metric: 'frameErrorRate', value: fer.fer, unit: '' },
          { name, params, metric: 'frameErrorRateUpper95', value: fer.ferUpper95, unit: '' },
          { name, params, metric: 'undetectedFrames', value: st.undetected, unit: '' },
          { name, params, metric: 'roundTrips', value: st.roundTrips / st.runs, unit: '' },
          { name, params, metric: 'throughput', value: st.total / st.wallSeconds / 1e6, unit: 'Mbit/s' },
          { name, params, metric: 'throughputCpu', value: st.total / st.cpuSeconds / 1e6, unit: 'Mbit/s' },
        ];
        log(
          `  ${rec.name} Q=${qber} n=${bits}: f=${r[0].value.toFixed(4)} (with Bob's bitmaps and verification, true Q: ${fTotal.toFixed(4)}) FER=${st.failedFrames}/${st.frames} (≤ ${fer.ferUpper95.toPrecision(2)}) rt=${r[6].value.toFixed(2)} ` +
            `${r[7].value.toFixed(2)} Mbit/s wall, ${r[8].value.toFixed(2)} CPU`,
        );
        out.push(...r);
      }
    }
    // Worker threads for Bob's first decoding pass: 1 (calling thread) vs 2, 10⁶ bits at 2 %
    // (≈ 32 frames, two 16-frame chunks); CPU time is the whole process's (workers included).
    for (const threads of process.env.MOZI_LDPC_THREADS_ROWS === '0' ? [] : [1, 2]) {
      const bits = quick ? 500_000 : 1_000_000;
      const r2 = new LdpcReconciler({ ...extra, threads });
      const w = noisyPair(bits, 0.02, 4242);
      await runPair(r2, w.alice, w.bob, { qberEstimate: 0.02, seed: 0 });
      const st = await pointStats(r2, 0.02, bits, 99_000, { runs: quick ? 1 : qcRows ? 10 : 3 });
      const params = { qber: 0.02, bits, runs: st.runs, frames: st.frames, threads };
      const wall = st.total / st.wallSeconds / 1e6;
      const cpu = st.total / st.cpuSeconds / 1e6;
      const fTotal = efficiency(st.ledgerLeaked + st.runs * (chooseTagBits(bits) + 1), st.total, st.errors / st.total);
      const tn = `${name}/threads`;
      out.push(
        { name: tn, params, metric: 'throughput', value: wall, unit: 'Mbit/s' },
        { name: tn, params, metric: 'throughputCpu', value: cpu, unit: 'Mbit/s' },
        { name: tn, params, metric: 'efficiency', value: efficiency(st.leaked, st.total, 0.02), unit: '' },
        { name: tn, params, metric: 'efficiencyTotal', value: fTotal, unit: '' },
        { name: tn, params, metric: 'failedFrames', value: st.failedFrames, unit: '' },
        { name: tn, params, metric: 'roundTrips', value: st.roundTrips / st.runs, unit: '' },
      );
      log(
        `  ${r2.name} threads=${threads} Q=0.02 n=${bits}: ${wall.toFixed(2)} Mbit/s wall, ${cpu.toFixed(2)} CPU (f=${efficiency(st.leaked, st.total, 0.02).toFixed(4)}, ` +
          `total ${fTotal.toFixed(4)}, failed ${st.failedFrames}/${st.frames}, rt ${(st.roundTrips / st.runs).toFixed(2)})`,
      );
    }
    return out;
  },
  };
}
