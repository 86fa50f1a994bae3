/**
 * Benchmark suite `simulate`: event simulation of the whole Micius reference orbit (2016-12-19,
 * Xinglong, 273 s, ≈ 2.73 × 10¹⁰ pulses) plus its timing recovery, in a child process so that
 * the peak RSS is its own. Target (issue 4): ≤ 20 s wall time, ≤ 1 GiB peak memory.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import type { BenchResult, BenchSuite } from '../types.js';

export const simulateSuite: BenchSuite = {
  name: 'simulate',
  description: 'whole-pass event simulation + timing recovery (Micius 2016-12-19)',
  async run({ quick, log }) {
    const windowS = quick ? 27.3 : 273;
    const script = join(packageRoot(import.meta.url), 'bench', 'suites', 'simulate-run.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, String(windowS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number>;
    log(`simulate: ${r.pulses} pulses, ${r.tags} tags, ${r.detections} detections; simulate ${r.simulateS.toFixed(1)} s + timing ${r.timingS.toFixed(1)} s, cpu ${r.cpuTimeS.toFixed(1)} s`);
    const params = { pass: 'micius-2016-12-19', windowS, pulses: r.pulses, tags: r.tags, detections: r.detections };
    const name = quick ? 'simulate/micius-pass-quick' : 'simulate/micius-pass';
    const res: BenchResult[] = [
      { name, params, metric: 'wallTime', value: r.wallTimeS, unit: 's' },
      { name, params, metric: 'cpuTime', value: r.cpuTimeS, unit: 's' },
      { name, params, metric: 'peakRss', value: r.peakRssMiB, unit: 'MiB' },
      { name, params, metric: 'timingRecovery', value: r.timingS, unit: 's' },
    ];
    return res;
  },
};
