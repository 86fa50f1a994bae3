/**
 * Benchmark suite `recording`: time-tag reader throughput (issue 18 target: ≥ 50 M tags/s for
 * PTU T2 on one core). Files are written to a temporary folder by Mozi's own encoders:
 *
 * - `lab`: a HydraHarp V2 T2 stream at ~10 M events/s on 5 inputs (an overflow record every few
 *   hundred events), the dense case a time-tagger reader must keep up with;
 * - `pass`: the Micius pass's density (≈ 14 k tags/s, so about one overflow record per event).
 *
 * Reported per format: events/s and MB/s of CPU time and of wall time, for the decoder alone
 * (file already in memory, fed in 1 MiB chunks) and for the whole file path (async reads of 1 MiB
 * chunks from disk: page cache warm), best of 3; plus the machine's load average.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePtuHeader } from '../../src/recording/ptu-header.js';
import { HydraHarpT2Encoder, moziPtuHeaderTags } from '../../src/recording/ptu-writer.js';
import { SwabianEncoder } from '../../src/recording/swabian-raw.js';
import type { TagFormat } from '../../src/recording/tag-batch.js';
import { createDecoder, readTagFile } from '../../src/recording/tag-stream.js';
import { calibration } from '../calibration.js';
import type { BenchResult, BenchSuite } from '../types.js';

interface Stream {
  name: string;
  events: number;
  meanGapPs: number;
}

/** xorshift32 for reproducible gaps. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function makeEvents(st: Stream, seed: number, emit: (channel: number, t: number) => void): void {
  const r = rng(seed);
  let t = 0;
  for (let i = 0; i < st.events; i++) {
    t += Math.floor(-Math.log(1 - r()) * st.meanGapPs);
    emit(1 + Math.floor(r() * 5), t);
  }
}

function writePtu(path: string, st: Stream): { bytes: number; records: number } {
  const enc = new HydraHarpT2Encoder(1 << 20);
  const parts: Uint8Array[] = [];
  makeEvents(st, 1, (c, t) => {
    enc.event(c, t);
  });
  parts.push(enc.take());
  const head = writePtuHeader(moziPtuHeaderTags({ channelMap: '1=H,2=V,3=D,4=A,5=sync', timeOriginPs: 0, createdMs: 0, acquisitionMs: 0, records: enc.records, guidSeed: st.name })).bytes;
  const buf = Buffer.concat([head, ...parts]);
  writeFileSync(path, buf);
  return { bytes: buf.length, records: enc.records };
}

function writeSwabian(path: string, st: Stream): { bytes: number; records: number } {
  const enc = new SwabianEncoder(1 << 20);
  makeEvents(st, 2, (c, t) => enc.timeTag(c, t));
  const buf = enc.take();
  writeFileSync(path, buf);
  return { bytes: buf.length, records: st.events };
}

function writeCsv(path: string, st: Stream): { bytes: number; records: number } {
  const lines: string[] = ['channel,time_ps'];
  makeEvents(st, 3, (c, t) => lines.push(`${c},${t}`));
  const text = lines.join('\n') + '\n';
  writeFileSync(path, text);
  return { bytes: Buffer.byteLength(text), records: st.events };
}

interface Timing {
  wallS: number;
  cpuS: number;
  events: number;
}

function best(runs: Timing[]): Timing {
  return runs.reduce((a, b) => (b.cpuS < a.cpuS ? b : a));
}

async function timeFile(path: string, format: TagFormat): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let events = 0;
  const { batches } = readTagFile(path, format, { chunkBytes: 1 << 20 });
  for await (const b of batches) events += b.count;
  const cu = process.cpuUsage(c0);
  return { wallS: (performance.now() - t0) / 1000, cpuS: (cu.user + cu.system) / 1e6, events };
}

function timeMemory(bytes: Uint8Array, format: TagFormat): Timing {
  const chunk = 1 << 20;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const dec = createDecoder(format, { source: 'memory' });
  let events = 0;
  for (let off = 0; off < bytes.length; off += chunk) events += dec.push(bytes.subarray(off, off + chunk)).count;
  const tail = dec.finish();
  if (tail) events += tail.count;
  const cu = process.cpuUsage(c0);
  return { wallS: (performance.now() - t0) / 1000, cpuS: (cu.user + cu.system) / 1e6, events };
}

export const recordingSuite: BenchSuite = {
  name: 'recording',
  description: 'time-tag readers: PTU T2, Swabian raw, CSV (events/s, MB/s, CPU and wall)',
  async run({ quick, log }) {
    const dir = mkdtempSync(join(tmpdir(), 'mozi-bench-rec-'));
    const out: BenchResult[] = [calibration('recording')];
    const load = loadavg();
    out.push({ name: 'recording/machine', params: {}, metric: 'loadAvg1', value: load[0], unit: '' });
    const scale = quick ? 0.1 : 1;
    const streams: Stream[] = [
      { name: 'lab', events: Math.round(2e7 * scale), meanGapPs: 100_000 },
      { name: 'pass', events: Math.round(4e6 * scale), meanGapPs: 73_000_000 },
    ];
    try {
      for (const st of streams) {
        type Writer = [TagFormat, (p: string, s: Stream) => { bytes: number; records: number }, string];
        const formats: Writer[] = [
          ['ptu', writePtu, 'tags.ptu'],
          ['swabian', writeSwabian, 'tags.ttraw'],
        ];
        if (st.name === 'lab') formats.push(['csv', writeCsv, 'tags.csv']);
        for (const [format, write, file] of formats) {
          const csvStream = format === 'csv' ? { ...st, events: Math.round(st.events / 10) } : st;
          const path = join(dir, `${st.name}-${file}`);
          const { bytes, records } = write(path, csvStream);
          const mem = new Uint8Array(readFileSync(path));
          const memRuns: Timing[] = [];
          const fileRuns: Timing[] = [];
          for (let k = 0; k < 3; k++) {
            memRuns.push(timeMemory(mem, format));
            fileRuns.push(await timeFile(path, format));
          }
          for (const [how, t] of [
            ['decoder', best(memRuns)],
            ['file', best(fileRuns)],
          ] as const) {
            if (t.events !== csvStream.events) throw new Error(`${format}/${st.name}: decoded ${t.events} of ${csvStream.events} events`);
            const name = `recording/${format}-read/${how}`;
            const params = { stream: st.name, events: t.events, records, bytes, meanGapPs: st.meanGapPs };
            out.push(
              { name, params, metric: 'eventsPerSecondCpu', value: t.events / t.cpuS, unit: '1/s' },
              { name, params, metric: 'eventsPerSecondWall', value: t.events / t.wallS, unit: '1/s' },
              { name, params, metric: 'mbPerSecondCpu', value: bytes / 1e6 / t.cpuS, unit: 'MB/s' },
              { name, params, metric: 'cpuTime', value: t.cpuS, unit: 's' },
              { name, params, metric: 'wallTime', value: t.wallS, unit: 's' },
            );
            log(`recording: ${format} ${st.name} ${how}: ${(t.events / t.cpuS / 1e6).toFixed(1)} M events/s CPU, ${(t.events / t.wallS / 1e6).toFixed(1)} M/s wall, ${(bytes / 1e6 / t.cpuS).toFixed(0)} MB/s (${records} records, ${(bytes / 1e6).toFixed(0)} MB)`);
          }
          rmSync(path, { force: true });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    out.push({ name: 'recording/machine', params: { when: 'end' }, metric: 'loadAvg1', value: loadavg()[0], unit: '' });
    return out;
  },
};
