/**
 * Benchmark suite `realtime` (issue 18): the reference pass (Micius over Xinglong, 2016-12-19,
 * the preset's policy) in `mozi ground --follow` mode. The PTU file a HydraHarp would record is
 * written while the ground follows it — 28 chunks (≈ 10 s of the pass each) 100 ms apart, the
 * pass 100× compressed — and the parties then distil the key, without and with an emulated
 * 1 Mbit/s, 5 ms classical link. Reported:
 *
 * - `realtime/latency-after-last-tag` (metric `latencyS`): from the moment the follower read the
 *   last tag to the later of the two stored keys (both sides also separately), with the CPU time
 *   of the whole run after the last tag (both parties share this process) and the load average;
 *   the keys are checked identical on both sides and equal to the batch replay's key;
 * - `realtime/link-tradeoff`: the whole replay over the 1 Mbit/s, 5 ms link per reconciler —
 *   classical bytes per final key bit, round trips, protocol wall time (Cascade: many round trips;
 *   LDPC: one-shot).
 *
 * --quick: a 30 s data window and only the link-free follow run plus the LDPC link run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findReplayPreset } from '../../src/mission/presets.js';
import { runReplay } from '../../src/mission/replay.js';
import type { LinkEmulatorOptions } from '../../src/protocol/link-emulator.js';
import { runLocalSession } from '../../src/protocol/local.js';
import { defaultPostProcessing } from '../../src/protocol/postprocessing.js';
import { groundDetections } from '../../src/protocol/records.js';
import { DEFAULT_POLICY, type ReconciliationMethod } from '../../src/protocol/types.js';
import type { SimulationRecords } from '../../src/quantum/records.js';
import { followGroundInput } from '../../src/recording/follow.js';
import { writeSimulation } from '../../src/recording/mozi-files.js';
import { satelliteInput } from '../../src/recording/satellite-source.js';
import { writeAsRecording, writeInstrumentFiles } from '../../src/recording/simulated-instruments.js';
import { RECONCILERS } from '../../src/postprocess/reconcile/registry.js';
import type { BenchResult, BenchSuite } from '../types.js';

const PRESET = 'micius-2016-12-19';
const SEED = 20161219;
const LINK: LinkEmulatorOptions = { bandwidthBps: 1e6, latencyS: 0.005 };

export const realtimeSuite: BenchSuite = {
  name: 'realtime',
  description: 'reference pass in ground --follow mode: latency from the last tag to identical keys on both sides, without and with a 1 Mbit/s 5 ms link; Cascade vs LDPC over that link',
  async run({ quick, log }) {
    const windowS = quick ? 30 : undefined;
    let records: SimulationRecords | undefined;
    const ref = await runReplay({ preset: PRESET, seed: SEED, windowS, onRecords: (s) => (records = s) });
    if (!records) throw new Error('the replay gave no records');
    log(`realtime: batch replay ${ref.finalKeyBits} bits (${ref.reconciliation}, ${ref.bound}), digest ${ref.keyDigest?.slice(0, 16)}`);
    const { preset } = findReplayPreset(PRESET);
    const policy = { ...DEFAULT_POLICY, reconciliation: ref.reconciliation as ReconciliationMethod, bound: ref.bound, protocol: ref.protocol, epsSec: preset.epsSec };
    const dir = mkdtempSync(join(tmpdir(), 'mozi-bench-realtime-'));
    const out: BenchResult[] = [];
    try {
      writeSimulation(dir, { satellite: records.satellite, ground: records.ground });
      const files = writeInstrumentFiles(dir, { satellite: records.satellite, ground: records.ground }, { tagFormat: 'ptu' });
      const tagFile = files.tagFile!;
      const ptu = new Uint8Array(readFileSync(tagFile));
      const parts = Math.max(3, Math.round(ref.durationS / 10));
      for (const link of quick ? [undefined] : [undefined, LINK]) {
        rmSync(tagFile);
        const recorder = writeAsRecording(ptu, tagFile, parts, 100);
        const followed = await followGroundInput(dir, { pollMs: 20, idleS: 5 });
        await recorder;
        const cpu0 = process.cpuUsage();
        const w0 = performance.now();
        const g = groundDetections(followed.record, { seed: String(SEED), satellite: records.satellite.satellite });
        const timingS = (performance.now() - w0) / 1000;
        const sat = satelliteInput(dir);
        const doneAt: Record<string, number> = {};
        const s = await runLocalSession({
          source: sat.source,
          detections: g.detections,
          policy,
          post: defaultPostProcessing(),
          seed: String(SEED),
          ...(link ? { link } : {}),
          onEvent: (e) => {
            if (e.state === 'done') doneAt[e.role] = Date.now();
          },
        }).finally(() => sat.close());
        const cpu = process.cpuUsage(cpu0);
        const load = loadavg()[0];
        const latSat = (doneAt.satellite - followed.lastTagAtMs) / 1000;
        const latGnd = (doneAt.ground - followed.lastTagAtMs) / 1000;
        const identical = s.keysMatch && s.satellite.keyDigest === ref.keyDigest;
        const params = {
          preset: PRESET,
          windowS: ref.durationS,
          tagFormat: 'ptu',
          chunks: parts,
          reads: followed.reads,
          link: link ? '1Mbit/s 5ms' : 'none',
          reconciliation: policy.reconciliation,
          bound: policy.bound,
          finalKeyBits: s.satellite.keyBits,
          keysIdenticalToBatch: identical,
          satelliteLatencyS: latSat,
          groundLatencyS: latGnd,
          timingRecoveryS: timingS,
          cpuS: (cpu.user + cpu.system) / 1e6,
          load1: load,
          ...(s.link ? { roundTrips: Math.max(s.link.satellite.roundTrips, s.link.ground.roundTrips), linkBytes: s.link.satellite.bytesSent + s.link.ground.bytesSent } : {}),
        };
        log(`realtime: follow, link ${params.link}: latency ${Math.max(latSat, latGnd).toFixed(2)} s (satellite ${latSat.toFixed(2)}, ground ${latGnd.toFixed(2)}; timing ${timingS.toFixed(2)} s), CPU ${params.cpuS.toFixed(2)} s, load ${load.toFixed(2)}, keys identical to batch: ${identical}`);
        out.push({ name: 'realtime/latency-after-last-tag', params, metric: 'latencyS', value: Math.max(latSat, latGnd), unit: 's' });
      }
      for (const reconciliation of quick ? (['ldpc'] as const) : RECONCILERS) {
        const cpu0 = process.cpuUsage();
        const r = await runReplay({ preset: PRESET, seed: SEED, windowS, reconciliation, link: LINK });
        const cpu = process.cpuUsage(cpu0);
        const cl = r.classicalLink!;
        const params = { preset: PRESET, windowS: r.durationS, link: '1Mbit/s 5ms', reconciliation, finalKeyBits: r.finalKeyBits, aborted: r.aborted, roundTrips: cl.roundTrips, downlinkBytes: cl.downlinkBytes, uplinkBytes: cl.uplinkBytes, protocolS: cl.protocolS, cpuS: (cpu.user + cpu.system) / 1e6, load1: loadavg()[0] };
        log(`realtime: ${reconciliation} over 1 Mbit/s 5 ms: ${cl.bytesPerFinalKeyBit?.toFixed(2) ?? '—'} B/bit, ${cl.roundTrips} round trips, protocol ${cl.protocolS.toFixed(1)} s, ${r.finalKeyBits} bits`);
        out.push(
          { name: 'realtime/link-tradeoff', params, metric: 'bytesPerFinalKeyBit', value: cl.bytesPerFinalKeyBit ?? NaN, unit: 'B/bit' },
          { name: 'realtime/link-tradeoff', params, metric: 'roundTrips', value: cl.roundTrips, unit: '' },
          { name: 'realtime/link-tradeoff', params, metric: 'protocolS', value: cl.protocolS, unit: 's' },
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return out;
  },
};
