/**
 * Benchmark suite `realtime` (issue 18): the reference pass (Micius over Xinglong, 2016-12-19,
 * the preset's policy) in real-time mode, as two processes over TCP: `mozi satellite --json` and
 * `mozi ground --follow --block-s 10 --json`. The PTU file a HydraHarp would record is written
 * while the ground follows it, one part per second of the pass, `MOZI_REALTIME_SPEEDUP` (default
 * 2) times faster than the pass; the ground's timing tracker hands 10-s blocks through sifting,
 * estimation and reconciliation while the file grows (recording/follow-blocks.ts). Without and
 * with an emulated 1 Mbit/s, 5 ms classical link. Reported:
 *
 * - `realtime/latency-after-last-tag` (metric `latencyS`): from the writer's last write (the last
 *   tag) to the later of the two stored keys (each side's `keyStoredAtMs` from its --json
 *   summary; each side's own `latencyS` too), with both processes' CPU time (user + sys, whole
 *   run) and the load average; the keys are checked identical on both sides and equal to the
 *   streamed pass's batch replay of the finished file (`mozi ground --block-s 10` without --follow);
 * - `realtime/link-tradeoff`: the whole (batch) replay over the 1 Mbit/s, 5 ms link per
 *   reconciler — classical bytes per final key bit, round trips, protocol wall time (Cascade: many
 *   round trips; LDPC: one-shot).
 *
 * --quick: a 30 s data window, speedup 10, only the link-free follow run plus the LDPC link run.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import { findReplayPreset } from '../../src/mission/presets.js';
import { runReplay } from '../../src/mission/replay.js';
import type { LinkEmulatorOptions } from '../../src/protocol/link-emulator.js';
import { phasesAfter, type TimelineMark } from '../../src/protocol/timeline.js';
import { DEFAULT_POLICY, type ReconciliationMethod } from '../../src/protocol/types.js';
import type { SimulationRecords } from '../../src/quantum/records.js';
import { writeSimulation } from '../../src/recording/mozi-files.js';
import { writeInstrumentFiles } from '../../src/recording/simulated-instruments.js';
import { RECONCILERS } from '../../src/postprocess/reconcile/registry.js';
import type { BenchResult, BenchSuite } from '../types.js';

const PRESET = 'micius-2016-12-19';
const SEED = 20161219;
const LINK: LinkEmulatorOptions = { bandwidthBps: 1e6, latencyS: 0.005 };

export const realtimeSuite: BenchSuite = {
  name: 'realtime',
  description: 'reference pass with mozi satellite + mozi ground --follow --block-s 10 (two processes): latency from the last tag written to identical keys on both sides (= the streamed batch replay), without and with a 1 Mbit/s 5 ms link; Cascade vs LDPC over that link',
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
      rmSync(tagFile);
      const speedup = quick ? 10 : Number(process.env.MOZI_REALTIME_SPEEDUP ?? 2);
      const parts = Math.max(3, Math.round(ref.durationS));
      const policyFlags = ['--bound', policy.bound, '--protocol', policy.protocol, '--reconciliation', policy.reconciliation, ...(policy.epsSec !== undefined ? ['--eps-sec', String(policy.epsSec)] : []), '--seed', String(SEED)];
      // the streamed pass's batch replay of the finished file: the key the followed runs must give
      const replayDir = join(dir, 'replay');
      writeSimulation(replayDir, { satellite: records.satellite, ground: records.ground });
      writeInstrumentFiles(replayDir, { satellite: records.satellite, ground: records.ground }, { tagFormat: 'ptu' });
      const replay = await runParties(replayDir, policyFlags, ['--block-s', '10'], undefined, null);
      log(`realtime: streamed batch replay ${replay.satellite.finalKeyBits} bits, digest ${String(replay.satellite.keyDigest).slice(0, 16)}`);
      rmSync(replayDir, { recursive: true, force: true });
      // MOZI_REALTIME_LINKS=none|link|none,link (default both) and MOZI_REALTIME_TRADEOFF=0 (skip the
      // Cascade/LDPC link trade-off) narrow a run to what is being worked on
      const links = (process.env.MOZI_REALTIME_LINKS ?? 'none,link').split(',').map((x) => (x.trim() === 'link' ? LINK : undefined));
      for (const link of quick ? [undefined] : links) {
        const linkFlags = link ? ['--link-bandwidth', `${link.bandwidthBps / 1e6}Mbit`, '--link-latency', `${link.latencyS * 1000}ms`] : [];
        const r = await runParties(dir, [...policyFlags, ...linkFlags], ['--follow', '--block-s', '10', ...linkFlags], { bytes: ptu, path: tagFile, parts, gapMs: 1000 / speedup }, log);
        rmSync(tagFile, { force: true });
        const load = loadavg()[0];
        const lastTag = r.lastWriteAtMs!;
        const latSat = (Number(r.satellite.keyStoredAtMs) - lastTag) / 1000;
        const latGnd = (Number(r.ground.keyStoredAtMs) - lastTag) / 1000;
        const afterLastTag = { satellite: breakdown(r.satellite, lastTag), ground: breakdown(r.ground, lastTag) };
        for (const [role, rows] of Object.entries(afterLastTag)) {
          log(`realtime: ${role} after the last tag (link ${link ? '1Mbit/s 5ms' : 'none'}):`);
          for (const x of rows) log(`  ${x.phase.padEnd(24)} ${x.ms.toFixed(0).padStart(6)} ms  sent ${String(x.sent).padStart(8)} B  received ${String(x.received).padStart(8)} B  round trips ${x.roundTrips}`);
        }
        const identical = r.satellite.keyDigest === r.ground.keyDigest && r.satellite.keyDigest === replay.satellite.keyDigest && !r.satellite.aborted;
        const linkStats = r.satellite.link as { roundTrips: number; bytesSent: number } | null;
        const params = {
          preset: PRESET,
          windowS: ref.durationS,
          tagFormat: 'ptu',
          mode: 'ground --follow --block-s 10 (two processes, TCP)',
          speedup,
          parts,
          link: link ? '1Mbit/s 5ms' : 'none',
          reconciliation: policy.reconciliation,
          bound: policy.bound,
          detections: r.satellite.detections,
          finalKeyBits: r.satellite.finalKeyBits,
          keysIdenticalToBatchReplay: identical,
          keyDigest: String(r.satellite.keyDigest).slice(0, 16),
          satelliteLatencyS: latSat,
          groundLatencyS: latGnd,
          groundOwnLatencyS: r.ground.latencyS,
          satelliteOwnLatencyS: r.satellite.latencyS,
          satelliteCpuS: r.cpuS.satellite,
          groundCpuS: r.cpuS.ground,
          wallS: r.wallS,
          groundStageMs: r.ground.stageMs,
          satelliteStageMs: r.satellite.stageMs,
          afterLastTag,
          load1: load,
          ...(linkStats ? { roundTrips: linkStats.roundTrips, linkBytes: linkStats.bytesSent + (r.ground.link as { bytesSent: number }).bytesSent } : {}),
        };
        log(`realtime: follow, link ${params.link}: latency ${Math.max(latSat, latGnd).toFixed(2)} s (satellite ${latSat.toFixed(2)}, ground ${latGnd.toFixed(2)}), CPU sat ${r.cpuS.satellite.toFixed(1)} s + ground ${r.cpuS.ground.toFixed(1)} s in ${r.wallS.toFixed(1)} s wall, load ${load.toFixed(2)}, keys identical to the batch replay: ${identical}`);
        out.push({ name: 'realtime/latency-after-last-tag', params, metric: 'latencyS', value: Math.max(latSat, latGnd), unit: 's' });
      }
      for (const reconciliation of quick ? (['ldpc'] as const) : process.env.MOZI_REALTIME_TRADEOFF === '0' ? [] : RECONCILERS) {
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

/**
 * One party's time after the last tag, per phase (stage, or streamed-block step) from its
 * timeline: milliseconds, bytes both ways and round trips (timeline.ts phasesAfter); the first
 * row is the phase the party was in when the last tag was written.
 */
function breakdown(s: Summary, lastTagMs: number): { phase: string; ms: number; sent: number; received: number; roundTrips: number }[] {
  const marks = (s.timeline ?? []) as TimelineMark[];
  return phasesAfter(marks, lastTagMs).map((p) => ({ phase: p.phase, ms: Math.round(p.endMs - p.startMs), sent: p.bytesSent, received: p.bytesReceived, roundTrips: p.roundTrips }));
}

type Summary = Record<string, unknown> & { keyDigest?: string; keyStoredAtMs?: number; latencyS?: number | null; aborted?: boolean };

/** One child under /usr/bin/time: its stdout, stderr and CPU seconds (user + sys, from time's last line). */
function child(args: string[], onStderr?: (text: string) => void): { done: Promise<{ code: number | null; stdout: string; stderr: string; cpuS: number }>; pid: number | undefined } {
  const bin = join(packageRoot(import.meta.url), 'bin', 'mozi.js');
  // MOZI_TIMELINE: each party's --json carries its stage, block-step and message marks (protocol/timeline.ts)
  const p = spawn('/usr/bin/time', ['-f', 'MOZI_CPU %U %S', process.execPath, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MOZI_TIMELINE: '1' } });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; cpuS: number }>((resolve) =>
    p.on('close', (code) => {
      const m = /MOZI_CPU ([\d.]+) ([\d.]+)/.exec(stderr);
      resolve({ code, stdout, stderr, cpuS: m ? Number(m[1]) + Number(m[2]) : NaN });
    }),
  );
  return { done, pid: p.pid };
}

/**
 * `mozi satellite` and `mozi ground` on DIR (fresh key stores), the ground connecting once the
 * satellite listens; with `record`, the tag file is written part by part (gapMs apart) while the
 * ground follows it. Both --json summaries, CPU seconds, wall time, the time of the last write.
 */
async function runParties(
  dir: string,
  satFlags: string[],
  groundFlags: string[],
  record: { bytes: Uint8Array; path: string; parts: number; gapMs: number } | undefined,
  log: ((m: string) => void) | null,
): Promise<{ satellite: Summary; ground: Summary; cpuS: { satellite: number; ground: number }; wallS: number; lastWriteAtMs?: number }> {
  const keys = mkdtempSync(join(tmpdir(), 'mozi-bench-realtime-keys-'));
  try {
    const t0 = performance.now();
    let listening: (port: number) => void = () => undefined;
    const port = new Promise<number>((resolve) => (listening = resolve));
    const sat = child(['satellite', '--data', dir, '--listen', '127.0.0.1:0', '--keys', join(keys, 'sat.db'), '--json', '--timeout-s', '120', ...satFlags], (text) => {
      const m = /listening on [^\s]+:(\d+)/.exec(text);
      if (m) listening(Number(m[1]));
    });
    const p = await Promise.race([port, sat.done.then((r) => Promise.reject(new Error(`satellite exited ${r.code}: ${r.stderr.slice(-2000)}`)))]);
    const gnd = child(['ground', '--data', dir, '--connect', `127.0.0.1:${p}`, '--keys', join(keys, 'gnd.db'), '--json', '--timeout-s', '120', '--seed', String(SEED), ...groundFlags]);
    let lastWriteAtMs: number | undefined;
    if (record) {
      // the ground is up (tsx start-up) and waiting for the file before the instrument starts
      await new Promise((r) => setTimeout(r, 3000));
      const fd = openSync(record.path, 'w');
      try {
        for (let i = 0; i < record.parts; i++) {
          const a = Math.floor((record.bytes.length * i) / record.parts);
          const b = Math.floor((record.bytes.length * (i + 1)) / record.parts);
          writeSync(fd, record.bytes, a, b - a);
          lastWriteAtMs = Date.now();
          if (i + 1 < record.parts) await new Promise((r) => setTimeout(r, record.gapMs));
        }
      } finally {
        closeSync(fd);
      }
      log?.(`realtime: recording written (${record.parts} parts, ${record.gapMs.toFixed(0)} ms apart)`);
    }
    const [s, g] = await Promise.all([sat.done, gnd.done]);
    const wallS = (performance.now() - t0) / 1000;
    for (const [name, r] of [['satellite', s], ['ground', g]] as const) {
      if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(-3000)}`);
    }
    return { satellite: JSON.parse(s.stdout) as Summary, ground: JSON.parse(g.stdout) as Summary, cpuS: { satellite: s.cpuS, ground: g.cpuS }, wallS, lastWriteAtMs };
  } finally {
    rmSync(keys, { recursive: true, force: true });
  }
}
