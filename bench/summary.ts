/**
 * `npm run bench:summary`: markdown tables of the key figures in bench/results.json, for the
 * README (so the README quotes the measured numbers, not remembered ones).
 */
import { readFileSync } from 'node:fs';
import { RESULTS_PATH } from './run.js';
import type { BenchResult } from './types.js';

const results: BenchResult[] = JSON.parse(readFileSync(RESULTS_PATH, 'utf8'));

function find(name: string, metric: string, params: Record<string, unknown> = {}): number | undefined {
  return results.find(
    (r) => r.name === name && r.metric === metric && Object.entries(params).every(([k, v]) => r.params[k] === v),
  )?.value;
}

const fmt = (v: number | undefined, digits = 3) => (v === undefined ? '—' : String(+v.toPrecision(digits)));
const out: string[] = [];
const table = (header: string[], rows: string[][]) => {
  out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), '');
};

const qbers = [0.005, 0.01, 0.02, 0.03, 0.05];
out.push('**Reconciliation efficiency f (FER)**, `npx tsx bench/run.ts reconcile`', '');
const algos = ['cascade/option8', 'cascade/biconf', 'cascade/original', 'hamming'];
for (const bits of [10_000, 100_000, 1_000_000]) {
  const rows = algos
    .map((a) => [
      `${a}`,
      ...qbers.map((q) => {
        const f = find(`reconcile/${a}`, 'efficiency', { qber: q, bits });
        const fer = find(`reconcile/${a}`, 'frameErrorRate', { qber: q, bits });
        const rt = find(`reconcile/${a}`, 'roundTrips', { qber: q, bits });
        return f === undefined ? '—' : `${fmt(f, 4)} (${fmt(fer, 2)}; ${fmt(rt, 3)} rt)`;
      }),
    ])
    .filter((r) => r.slice(1).some((c) => c !== '—'));
  if (rows.length) {
    out.push(`n = ${bits.toLocaleString('en-US')}`, '');
    table(['algorithm', ...qbers.map((q) => `QBER ${q * 100} %`)], rows);
  }
}
out.push('**Reconciliation throughput at QBER 2 %** (Mbit/s of sifted key, one core, both parties in one thread)', '');
{
  // the dedicated throughput runs (params.reps), not the per-point CPU figures of the f/FER grid
  const tp = results.filter((r) => r.name.startsWith('reconcile/') && r.metric === 'throughput' && r.params.reps !== undefined);
  table(
    ['algorithm', 'key bits', 'Mbit/s (wall)', 'Mbit/s (CPU)'],
    tp.map((r) => {
      const cpu = results.find((c) => c.name === r.name && c.metric === 'throughputCpu' && c.params.reps === r.params.reps && c.params.bits === r.params.bits);
      return [r.name.slice('reconcile/'.length), Number(r.params.bits).toLocaleString('en-US'), fmt(r.value), fmt(cpu?.value)];
    }),
  );
}

out.push(
  '**Cascade vs cascade-cpp** (Mbit/s, CPU time: Mozi process / cascade-cpp thread; ratio = Mozi ÷ cascade-cpp), `CASCADE_CPP_BENCH=… npx tsx bench/run.ts cascade`',
  '',
);
for (const sched of ['original', 'biconf', 'yanetal']) {
  const rows = [10_000, 100_000, 1_000_000]
    .map((bits) => [
      `${sched}, n = ${bits.toLocaleString('en-US')}`,
      ...qbers.map((q) => {
        const m = find(`cascade/${sched}`, 'throughputCpu', { qber: q, bits });
        const c = find(`cascade/cascade-cpp/${sched}`, 'throughputCpu', { qber: q, bits });
        const w = find(`cascade/${sched}`, 'wallRatioVsCascadeCpp', { qber: q, bits });
        return m === undefined ? '—' : `${fmt(m)} / ${fmt(c)} (${c === undefined ? '—' : fmt(m / c, 2)}×; wall ${fmt(w, 2)}×)`;
      }),
    ])
    .filter((r) => r.slice(1).some((c) => c !== '—'));
  if (rows.length) table(['schedule, key bits', ...qbers.map((q) => `QBER ${q * 100} %`)], rows);
}


out.push(
  '**LDPC reconciliation** (blind, fresh seed per run), `npm run bench -- reconcile-ldpc`: f (Alice\'s disclosures) / ledger f (both directions), failed/measured frames (95 % upper bound of the FER), round trips, Mbit/s of sifted key wall / CPU (both parties in one process)',
  '',
);
{
  const L = 'reconcile-ldpc/ldpc/blind';
  const rows: string[][] = [];
  for (const bits of [10_000, 100_000, 1_000_000]) {
    for (const q of [0.01, 0.02, 0.03, 0.05]) {
      const f = results.find((r) => r.name === L && r.metric === 'efficiency' && r.params.qber === q && r.params.bits === bits);
      if (!f) continue;
      const get = (metric: string) => find(L, metric, { qber: q, bits });
      const frames = Number(f.params.frames);
      const failed = Math.round((get('frameErrorRate') ?? 0) * frames);
      rows.push([
        bits.toLocaleString('en-US'),
        `${q * 100} %`,
        `${fmt(f.value, 4)} / ${fmt(get('efficiencyLedger'), 4)}`,
        `${failed}/${frames.toLocaleString('en-US')} (≤ ${fmt(get('frameErrorRateUpper95'), 2)})`,
        fmt(get('roundTrips')),
        `${fmt(get('throughput'))} / ${fmt(get('throughputCpu'))}`,
      ]);
    }
  }
  table(['key bits', 'QBER', 'f / ledger f', 'FER: failed/frames (95 %)', 'rt', 'Mbit/s wall / CPU'], rows);
}

out.push('**Privacy amplification, in the calling thread** (modified Toeplitz (I | T) by FFT in WebAssembly SIMD, FFT length ≤ 2²⁴, Mbit/s of input, one core), `npx tsx bench/run.ts privacy`', '');
const sizes = [16, 18, 20, 22, 24, 25, 26, 27];
table(
  ['n', 'ratio 0.125 wall / CPU', 'ratio 0.25 wall / CPU', 'ratio 0.375 wall / CPU'],
  sizes.map((l) => [
    `2^${l}`,
    ...[0.125, 0.25, 0.375].map((ratio) => {
      const w = results.find((r) => r.name === 'privacy/toeplitz-modified' && r.metric === 'throughput' && r.params.log2n === l && r.params.ratio === ratio)?.value;
      const c = results.find((r) => r.name === 'privacy/toeplitz-modified' && r.metric === 'throughputCpu' && r.params.log2n === l && r.params.ratio === ratio)?.value;
      return w === undefined && c === undefined ? '—' : `${fmt(w)} / ${fmt(c)}`;
    }),
  ]),
);

out.push(
  '**Privacy amplification on worker threads** (as the protocol runs it: segments on 1 or 2 workers, FFT length ≤ 2²⁵ each; ratio 0.125; CPU = all threads), `npx tsx bench/run.ts privacy`',
  '',
);
const par = (l: number, t: number, metric: string) =>
  results.find((r) => r.name === 'privacy/toeplitz-parallel' && r.metric === metric && r.params.log2n === l && r.params.threads === t)?.value;
table(
  ['n', 'threads', 'Mbit/s wall', 'Mbit/s CPU', 'peak RSS (MiB)', 'RSS after use (MiB)'],
  [20, 24, 25, 27].flatMap((l) =>
    [1, 2].map((t) => [`2^${l}`, String(t), fmt(par(l, t, 'throughput')), fmt(par(l, t, 'throughputCpu')), fmt(par(l, t, 'peakRss')), fmt(par(l, t, 'rssAfterUse'))]),
  ),
);

out.push(
  '**Privacy amplification, FFT vs NTT kernel side by side** (one run, kernels alternating per size; ratio 0.125; `threads 1` = calling thread, convolution length ≤ 2²⁴; `threads 2` = segments on 2 workers, length ≤ 2²⁵; CPU = all threads), `npm run bench -- privacy-kernel`',
  '',
);
const ker = (l: number, t: number, k: string, metric: string) =>
  results.find((r) => r.name === 'privacy/toeplitz-kernel' && r.metric === metric && r.params.log2n === l && r.params.threads === t && r.params.kernel === k)?.value;
table(
  ['n', 'threads', 'FFT Mbit/s wall / CPU', 'NTT Mbit/s wall / CPU', 'FFT / NTT peak RSS (MiB)', 'load'],
  [20, 24, 27].flatMap((l) =>
    [1, 2].map((t) => [
      `2^${l}`,
      String(t),
      `${fmt(ker(l, t, 'fft', 'throughput'))} / ${fmt(ker(l, t, 'fft', 'throughputCpu'))}`,
      `${fmt(ker(l, t, 'ntt', 'throughput'))} / ${fmt(ker(l, t, 'ntt', 'throughputCpu'))}`,
      t === 2 ? `${fmt(ker(l, t, 'fft', 'peakRss'))} / ${fmt(ker(l, t, 'ntt', 'peakRss'))}` : '—',
      `${fmt(ker(l, t, 'fft', 'loadAvg1m'))} / ${fmt(ker(l, t, 'ntt', 'loadAvg1m'))}`,
    ]),
  ),
);

out.push('**Other figures**', '');
const rowsOther: string[][] = [];
for (const r of results) {
  if (r.name.startsWith('reconcile/') || r.name.startsWith('reconcile-ldpc/') || r.name.startsWith('privacy/toeplitz') || r.name.startsWith('cascade')) continue;
  rowsOther.push([r.name, r.metric, fmt(r.value, 4), r.unit, Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(', ')]);
}
table(['name', 'metric', 'value', 'unit', 'params'], rowsOther);
process.stdout.write(out.join('\n') + '\n');
