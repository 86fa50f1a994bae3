/**
 * `privacy-kernel` suite (issue 19): the two convolution kernels of the Toeplitz hash side by side
 * in one run — float64 FFT (fftconv.ts) and exact NTT mod 15·2²⁷ + 1 (nttconv.ts) — at 2²⁰, 2²⁴ and
 * 2²⁷ input bits, ratio 0.125 (the hash the protocol uses, modified Toeplitz (I | T)):
 * - `threads: 1`: `modifiedToeplitzHash` in this thread (convolution length ≤ 2²⁴, blockwise above);
 * - `threads: 2`: `modifiedToeplitzHashParallel`, segments on 2 workers (length ≤ 2²⁵ per worker).
 * Wall and process CPU time (all threads), best of 3 (2²⁰, 2²⁴) or 2 (2²⁷) after one warm-up
 * call; the kernels alternate per size so both see the same machine load. Peak RSS is sampled
 * every 10 ms during the parallel calls (workers closed before and after); the 1-minute load
 * average at each figure is kept as its own metric, since the machine is shared.
 */
import { loadavg } from 'node:os';
import { BitArray } from '../../src/core/bits.js';
import { modifiedToeplitzHash, type ConvKernel } from '../../src/postprocess/toeplitz.js';
import { closeToeplitzWorkers, modifiedToeplitzHashParallel } from '../../src/postprocess/toeplitz-parallel.js';
import type { BenchResult, BenchSuite } from '../types.js';

export const privacyKernelSuite: BenchSuite = {
  name: 'privacy-kernel',
  description: 'Toeplitz hash: FFT vs NTT convolution kernel, one thread and two workers',
  async run({ quick, log }) {
    const out: BenchResult[] = [];
    const MiB = 2 ** 20;
    for (const lg of quick ? [20] : [20, 24, 27]) {
      const n = 2 ** lg;
      const m = n / 8;
      const x = BitArray.random(n);
      const s = BitArray.random(n - 1);
      let reference: BitArray | null = null;
      for (const threads of [1, 2]) {
        for (const kernel of ['fft', 'ntt'] as ConvKernel[]) {
          await closeToeplitzWorkers();
          const hash = () => (threads === 1 ? Promise.resolve(modifiedToeplitzHash(x, s, m, { kernel })) : modifiedToeplitzHashParallel(x, s, m, { threads, kernel }));
          const y = await hash(); // warm-up: workers, kernel memory, twiddle tables
          if (!reference) reference = y;
          else if (!y.equals(reference)) throw new Error(`privacy-kernel: ${kernel} (${threads} threads) differs from the first kernel's hash`);
          let peak = process.memoryUsage().rss;
          const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
          let wall = Infinity, cpu = Infinity;
          for (let r = 0; r < (lg <= 24 ? 3 : 2); r++) {
            const c0 = process.cpuUsage();
            const t0 = performance.now();
            await hash();
            const c = process.cpuUsage(c0);
            wall = Math.min(wall, (performance.now() - t0) / 1000);
            cpu = Math.min(cpu, (c.user + c.system) / 1e6);
          }
          clearInterval(sampler);
          peak = Math.max(peak, process.memoryUsage().rss);
          const load = loadavg()[0];
          const params = { inputBits: n, log2n: lg, ratio: 0.125, outputBits: m, threads, kernel };
          out.push({ name: 'privacy/toeplitz-kernel', params, metric: 'throughput', value: n / wall / 1e6, unit: 'Mbit/s' });
          out.push({ name: 'privacy/toeplitz-kernel', params, metric: 'throughputCpu', value: n / cpu / 1e6, unit: 'Mbit/s' });
          out.push({ name: 'privacy/toeplitz-kernel', params, metric: 'loadAvg1m', value: load, unit: 'load' });
          if (threads === 2) out.push({ name: 'privacy/toeplitz-kernel', params, metric: 'peakRss', value: peak / MiB, unit: 'MiB' });
          log(`privacy-kernel: n=2^${lg} threads ${threads} ${kernel}: wall ${(n / wall / 1e6).toFixed(2)} Mbit/s (${wall.toFixed(3)} s), cpu ${(n / cpu / 1e6).toFixed(2)} Mbit/s (${cpu.toFixed(3)} s)${threads === 2 ? `, peak RSS ${(peak / MiB).toFixed(0)} MiB` : ''}, load ${load.toFixed(1)}`);
        }
      }
    }
    await closeToeplitzWorkers();
    return out;
  },
};
