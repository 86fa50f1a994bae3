/**
 * `privacy` suite (issue 10): privacy amplification throughput over input size and compression
 * ratio — the hash the protocol uses, modified Toeplitz (I | T) with an (n − 1)-bit seed, by FFT — error-verification and authentication-hash throughput.
 * Throughput is input bits per second of one thread; both wall-clock and process CPU time are
 * reported (CPU time is the honest one-core figure on a shared machine). Best of 5 / 2 / 1
 * repetitions for n ≤ 2²⁰ / ≤ 2²⁴ / larger, after one warm-up call for n ≤ 2²⁴ (per-size one-time
 * costs: kernel memory growth, twiddle tables); all three ratios up to 2²⁵, ratio 0.125 beyond.
 *
 * `privacy/toeplitz-parallel`: the hash as the protocol runs it (toeplitz-parallel.ts: one product
 * shared by 1 or 2 worker threads on one FFT kernel memory, FFT length ≤ 2²⁵) at 2²⁰, 2²⁴, 2²⁵, 2²⁷
 * bits, ratio 0.125; CPU time is the whole process's (all threads), so Mbit/s CPU = input bits /
 * CPU seconds of all cores, and wall is the honest figure only on an otherwise idle machine (the
 * 1-minute load average is kept with every figure). Peak RSS is sampled every 10 ms during the
 * timed calls (whole process: main thread + workers), RSS after use once the workers are closed
 * (which also drops the shared memory). Best of 5 / 3 / 2 repetitions for n ≤ 2²⁰ / 2²⁴ / larger
 * after one warm-up call (which starts the workers and grows their kernel memory).
 * `privacy/toeplitz-modified` `rssAfterRelease`: RSS once the calling thread's kernel (grown by the
 * one-thread runs up to 2²⁷ bits) is released (`releaseFftKernel`, as its 2 s idle timer does).
 */
import { randomBytes } from 'node:crypto';
import { BitArray } from '../../src/core/bits.js';
import { loadavg } from 'node:os';
import { modifiedToeplitzHash } from '../../src/postprocess/privacy.js';
import { releaseFftKernel } from '../../src/postprocess/fftconv.js';
import { closeToeplitzWorkers, modifiedToeplitzHashParallel } from '../../src/postprocess/toeplitz-parallel.js';
import { verificationTag } from '../../src/postprocess/verify.js';
import { Gf64Hasher } from '../../src/postprocess/gf64.js';
import type { BenchResult, BenchSuite } from '../types.js';
import { calibration } from '../calibration.js';

function timeIt(fn: () => void, reps: number): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}

export const privacySuite: BenchSuite = {
  name: 'privacy',
  description: 'Toeplitz privacy amplification (FFT), verification hash, Wegman–Carter MAC',
  async run({ quick, log }) {
    const out: BenchResult[] = [calibration('privacy')];
    log(`  calibration: ${out[0].value.toFixed(2)} ns per reference step`);
    // first, so that RSS before/after is not masked by the in-process kernel of the one-thread figures below
    for (const threads of [1, 2]) {
      for (const lg of quick ? [20] : [20, 24, 25, 27]) {
        const n = 2 ** lg;
        const m = n / 8;
        const x = BitArray.random(n);
        const s = BitArray.random(n - 1);
        await closeToeplitzWorkers();
        const rss0 = process.memoryUsage().rss;
        await modifiedToeplitzHashParallel(x, s, m, { threads });
        let peak = process.memoryUsage().rss;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
        let wall = Infinity, cpu = Infinity;
        for (let r = 0; r < (lg <= 20 ? 5 : lg <= 24 ? 3 : 2); r++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await modifiedToeplitzHashParallel(x, s, m, { threads });
          const c = process.cpuUsage(c0);
          wall = Math.min(wall, (performance.now() - t0) / 1000);
          cpu = Math.min(cpu, (c.user + c.system) / 1e6);
        }
        clearInterval(sampler);
        const load = loadavg()[0];
        peak = Math.max(peak, process.memoryUsage().rss);
        await closeToeplitzWorkers();
        await new Promise((r) => setTimeout(r, 200));
        const after = process.memoryUsage().rss;
        const params = { inputBits: n, log2n: lg, ratio: 0.125, outputBits: m, threads };
        const MiB = 2 ** 20;
        out.push({ name: 'privacy/toeplitz-parallel', params, metric: 'throughput', value: n / wall / 1e6, unit: 'Mbit/s' });
        out.push({ name: 'privacy/toeplitz-parallel', params, metric: 'throughputCpu', value: n / cpu / 1e6, unit: 'Mbit/s' });
        out.push({ name: 'privacy/toeplitz-parallel', params, metric: 'peakRss', value: peak / MiB, unit: 'MiB' });
        out.push({ name: 'privacy/toeplitz-parallel', params, metric: 'rssAfterUse', value: after / MiB, unit: 'MiB' });
        out.push({ name: 'privacy/toeplitz-parallel', params, metric: 'loadAvg1m', value: load, unit: 'load' });
        log(`privacy parallel: n=2^${lg} threads ${threads}: wall ${(n / wall / 1e6).toFixed(2)} Mbit/s (${wall.toFixed(3)} s), cpu ${(n / cpu / 1e6).toFixed(2)} Mbit/s (${cpu.toFixed(3)} s); RSS before ${(rss0 / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, after use ${(after / MiB).toFixed(0)} MiB; load ${load.toFixed(1)}`);
      }
    }
    const ratios = [0.125, 0.25, 0.375];
    const lgs = quick ? [16, 18, 20] : [16, 18, 20, 22, 24, 25, 26, 27];
    {
      // JIT warm-up on a small problem, so the first large (single-repetition) size is not charged for it
      const x = BitArray.random(1 << 16);
      const s = BitArray.random((1 << 16) - 1);
      for (let r = 0; r < 5; r++) modifiedToeplitzHash(x, s, 1 << 14);
    }
    for (const lg of lgs) {
      const n = 2 ** lg;
      for (const ratio of lg >= 26 ? [0.125] : ratios) {
        const m = Math.round(n * ratio);
        const x = BitArray.random(n);
        const s = BitArray.random(n - 1);
        // warm-up: one-time costs per size (kernel memory growth, twiddle tables) are not per-block costs
        if (lg <= 24) modifiedToeplitzHash(x, s, m);
        const t = timeIt(() => modifiedToeplitzHash(x, s, m), lg <= 24 ? 5 : 1); // best of 5: the shared machine's speed varies
        const params = { inputBits: n, log2n: lg, ratio, outputBits: m };
        out.push({ name: 'privacy/toeplitz-modified', params, metric: 'throughput', value: n / t.wall / 1e6, unit: 'Mbit/s' });
        out.push({ name: 'privacy/toeplitz-modified', params, metric: 'throughputCpu', value: n / t.cpu / 1e6, unit: 'Mbit/s' });
        out.push({ name: 'privacy/toeplitz-modified', params, metric: 'loadAvg1m', value: loadavg()[0], unit: 'load' });
        log(`privacy: n=2^${lg} ratio ${ratio}: cpu ${(n / t.cpu / 1e6).toFixed(2)} Mbit/s (${t.cpu.toFixed(2)} s), wall ${(n / t.wall / 1e6).toFixed(2)} Mbit/s (${t.wall.toFixed(2)} s), load ${loadavg()[0].toFixed(1)}`);
      }
    }
    {
      const held = process.memoryUsage().rss;
      releaseFftKernel();
      await new Promise((r) => setTimeout(r, 200));
      const after = process.memoryUsage().rss;
      const params = { maxInputBits: 2 ** lgs[lgs.length - 1] };
      out.push({ name: 'privacy/toeplitz-modified', params, metric: 'rssBeforeRelease', value: held / 2 ** 20, unit: 'MiB' });
      out.push({ name: 'privacy/toeplitz-modified', params, metric: 'rssAfterRelease', value: after / 2 ** 20, unit: 'MiB' });
      log(`privacy: calling-thread kernel: RSS ${(held / 2 ** 20).toFixed(0)} MiB held, ${(after / 2 ** 20).toFixed(0)} MiB after release`);
    }
    for (const bits of quick ? [1_000_000] : [1_000_000, 10_000_000]) {
      const key = BitArray.random(bits);
      const seed = randomBytes(8);
      verificationTag(key, seed, 64);
      const t = timeIt(() => verificationTag(key, seed, 64), 5);
      out.push({ name: 'privacy/verify-gf64', params: { keyBits: bits, tagBits: 64 }, metric: 'throughput', value: bits / t.wall / 1e6, unit: 'Mbit/s' });
      out.push({ name: 'privacy/verify-gf64', params: { keyBits: bits, tagBits: 64 }, metric: 'throughputCpu', value: bits / t.cpu / 1e6, unit: 'Mbit/s' });
    }
    const h = Gf64Hasher.fromKeyBytes(randomBytes(8));
    const msg = new Uint8Array(randomBytes(1 << 20));
    h.hashBytes(msg);
    const t = timeIt(() => h.hashBytes(msg), 5);
    out.push({ name: 'privacy/auth-mac', params: { messageBytes: msg.length }, metric: 'throughputCpu', value: (msg.length * 8) / t.cpu / 1e6, unit: 'Mbit/s' });
    return out;
  },
};
