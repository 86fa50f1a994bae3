/**
 * `replay`: the whole Micius 2016-12-19 replay (orbit → link → simulation → timing → protocol →
 * keys). Acceptance: wall time ≤ 60 s; the figures are kept next to the paper's. Issue 19: the
 * Micius pass on 1 and on 2 threads side by side (wall, CPU, load; the keys must be identical).
 * --quick runs the same pass with a 30 s data window.
 */
import { loadavg } from 'node:os';
import { runReplay } from '../../src/mission/replay.js';
import type { BenchResult, BenchSuite } from '../types.js';

export const replaySuite: BenchSuite = {
  name: 'replay',
  description: 'end-to-end replay of the Micius 2016-12-19 pass and of the Jinan-1-class best Stellenbosch pass (wall/CPU time, detections, sifted bits, QBER, final key)',
  async run({ quick, log }) {
    const preset = 'micius-2016-12-19';
    // the same pass on one thread and on two (simulation segments and PA segments on workers),
    // side by side in one run: wall and CPU (user + sys of the process, all threads), same keys
    const out: BenchResult[] = [];
    const digests: string[] = [];
    for (const threads of [1, 2]) {
      const load0 = loadavg()[0];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await runReplay({ preset, seed: 20161219, threads, ...(quick ? { windowS: 30 } : {}) }, (e) => {
        if (e.type === 'stage' && e.status === 'end') log(`replay (${threads} thread${threads === 1 ? '' : 's'}): ${e.stage} ${(e.elapsedMs / 1000).toFixed(1)} s`);
      });
      const wallS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const load = (load0 + loadavg()[0]) / 2;
      digests.push(r.keyDigest ?? '');
      log(`replay (${threads}): ${wallS.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, load ${load.toFixed(1)}, key ${r.finalKeyBits} bits sha256 ${r.keyDigest}`);
      const params = { preset, windowS: r.durationS, seed: r.seed, bound: r.bound, reconciliation: r.reconciliation, threads };
      const name = threads === 1 ? 'replay/micius-2016-12-19' : `replay/micius-2016-12-19/threads-${threads}`;
      out.push(
        { name, params, metric: 'wall-time', value: wallS, unit: 's' },
        { name, params, metric: 'cpu-time', value: (cpu.user + cpu.system) / 1e6, unit: 's' },
        { name, params, metric: 'load-average', value: load, unit: '' },
        { name, params, metric: 'detections', value: r.detections, unit: '' },
        { name, params, metric: 'sifted-bits', value: r.siftedBits, unit: 'bit' },
        { name, params, metric: 'qber', value: r.qber, unit: '' },
        { name, params, metric: 'final-key', value: r.finalKeyBits, unit: 'bit' },
        { name, params, metric: 'keys-match', value: r.keysMatch ? 1 : 0, unit: '' },
      );
      for (const [stage, ms] of Object.entries(r.stageMs)) {
        out.push({ name: threads === 1 ? `replay/stage/${stage}` : `replay/stage/${stage}/threads-${threads}`, params, metric: 'time', value: ms / 1000, unit: 's' });
      }
    }
    const same = digests[0] !== '' && digests.every((d) => d === digests[0]);
    out.push({ name: 'replay/micius-2016-12-19/threads', params: { preset, threads: '1,2' }, metric: 'same-key-1-vs-2', value: same ? 1 : 0, unit: '' });
    if (!same) throw new Error(`replay keys differ between 1 and 2 threads: ${digests.join(' vs ')}`);
    // the second shipped mission: the Jinan-1-class microsatellite's best Stellenbosch pass
    // (625 MHz, AOS → LOS; missions/jinan-1.jsonc) against the published ≤ 1.07 Mbit per pass
    const cpu0 = process.cpuUsage();
    const j0 = performance.now();
    const j = await runReplay({ mission: 'jinan-1', seed: 20161219, ...(quick ? { windowS: 30 } : {}) }, (e) => {
      if (e.type === 'stage' && e.status === 'end') log(`replay jinan-1: ${e.stage} ${(e.elapsedMs / 1000).toFixed(1)} s`);
    });
    const jWallS = (performance.now() - j0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const jp = { mission: 'jinan-1', preset: j.preset, windowS: j.durationS, seed: j.seed, bound: j.bound, reconciliation: j.reconciliation };
    const jn = 'replay/jinan-1-stellenbosch';
    out.push(
      { name: jn, params: jp, metric: 'wall-time', value: jWallS, unit: 's' },
      { name: jn, params: jp, metric: 'cpu-time', value: (cpu.user + cpu.system) / 1e6, unit: 's' },
      { name: jn, params: jp, metric: 'detections', value: j.detections, unit: '' },
      { name: jn, params: jp, metric: 'qber', value: j.qber, unit: '' },
      { name: jn, params: jp, metric: 'final-key', value: j.finalKeyBits, unit: 'bit' },
      { name: jn, params: jp, metric: 'final-key/published', value: j.finalKeyBits / (j.published?.finalKeyBits ?? NaN), unit: '' },
      { name: jn, params: jp, metric: 'keys-match', value: j.keysMatch ? 1 : 0, unit: '' },
    );
    return out;
  },
};
