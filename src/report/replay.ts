/**
 * Report of a replay: `report.json` (the ReplayResult without bulky arrays turned into typed
 * arrays) and a self-contained `report.html` (inline SVG from svg.ts, inline CSS, no external
 * assets) with the plots a reader of Liao et al. 2017 expects: range and elevation vs time, link
 * loss vs range (Fig. 4), sifted rate and QBER vs time (Fig. 3), counts per intensity, the
 * leakage ledger, the finite-key terms, and the key against the PLOB and ideal-decoy bounds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplayResult } from '../mission/result.js';
import { escapeXml, lineChart } from './svg.js';

export interface ComparisonRow {
  quantity: string;
  model: string;
  paper: string;
  ratio: string;
}

const fmtInt = (v: number) => Math.round(v).toLocaleString('en-US');
const pct = (v: number, d = 2) => `${(v * 100).toFixed(d)} %`;

/**
 * "model | paper" rows for the closing table and the report; for a pass without published
 * figures (no `paper`) the paper and ratio columns are empty.
 */
export function comparisonRows(r: ReplayResult): ComparisonRow[] {
  const ratio = (a: number, b: number | undefined) =>
    b !== undefined && b > 0 ? `${((a / b - 1) * 100 >= 0 ? '+' : '')}${((a / b - 1) * 100).toFixed(1)} %` : '';
  const p = r.published;
  const ref = (f: (v: number) => string, v: number | undefined) => (v === undefined ? '' : f(v));
  return [
    { quantity: 'data window (s)', model: String(r.durationS), paper: ref(String, p?.durationS), ratio: ratio(r.durationS, p?.durationS) },
    { quantity: 'detections', model: fmtInt(r.detections), paper: ref(fmtInt, p?.detections), ratio: ratio(r.detections, p?.detections) },
    { quantity: 'sifted bits', model: fmtInt(r.siftedBits), paper: ref(fmtInt, p?.siftedBits), ratio: ratio(r.siftedBits, p?.siftedBits) },
    {
      quantity: 'sifted bits, signal μ only',
      model: fmtInt(r.siftedSignalBits),
      paper: ref(fmtInt, p?.siftedBits),
      ratio: ratio(r.siftedSignalBits, p?.siftedBits),
    },
    { quantity: 'QBER', model: pct(r.qber), paper: ref((v) => pct(v, 1), p?.qber), ratio: ratio(r.qber, p?.qber) },
    {
      quantity: 'final key (bits)',
      model: r.aborted ? `0 (aborted: ${r.abortReason})` : fmtInt(r.finalKeyBits),
      paper: ref(fmtInt, p?.finalKeyBits),
      ratio: ratio(r.finalKeyBits, p?.finalKeyBits),
    },
    { quantity: 'key rate (bit/s)', model: r.finalKeyRateBps.toFixed(0), paper: ref((v) => `≈${v}`, p?.finalKeyRateBps), ratio: ratio(r.finalKeyRateBps, p?.finalKeyRateBps) },
    ...(r.aborted || p?.finalKeyBits === undefined ? [] : [paperAccountingRow(r, p.finalKeyBits, ratio)]),
  ];
}

/**
 * The final key as the paper would count it: Liao et al. booked Alice's disclosures only (the
 * standard before Tupkary & Lütkenhaus, arXiv:2307.00576); our ledger also books what Bob's
 * messages reveal ("(Bob→Alice)" entries). ℓ = ⌊bound − leak⌋ is linear in the leak, so adding
 * those bits back gives the comparable figure.
 */
function paperAccountingRow(r: ReplayResult, paperBits: number, ratio: (a: number, b: number | undefined) => string): ComparisonRow {
  const bobBits = (r.ledger?.entries ?? []).filter((e) => e.what.includes('(Bob→Alice)')).reduce((s, e) => s + e.bits, 0);
  const bits = r.finalKeyBits + bobBits;
  return { quantity: "final key, Alice's disclosures only", model: fmtInt(bits), paper: fmtInt(paperBits), ratio: ratio(bits, paperBits) };
}

/** Per second of the window: the finite-key length if the pass ended there, and the PLOB and ideal-decoy keys of the same channel. */
export interface KeyVsLimits {
  t: number[];
  finiteKeyBits: number[];
  /** Σ pulses·(−log2(1 − η)) up to t: the PLOB bound of the repeaterless channel (Pirandola et al., Nat. Commun. 8, 15043 (2017)). */
  plobBits: number[];
  /** The PLOB curve scaled by the window's ideal-decoy/PLOB ratio (r.limits). */
  idealDecoyBits: number[];
}

export function keyVsLimits(r: ReplayResult): KeyVsLimits {
  const pulsesPerS = r.limits.pulses / r.durationS;
  const ratio = r.limits.idealDecoyBits / Math.max(1, r.limits.plobBits);
  let cumPlob = 0;
  const plobBits: number[] = [];
  const idealDecoyBits: number[] = [];
  for (const p of r.series) {
    const eta = 10 ** (-p.lossDb / 10);
    cumPlob += pulsesPerS * -Math.log2(1 - eta);
    plobBits.push(cumPlob);
    idealDecoyBits.push(cumPlob * ratio);
  }
  return { t: r.series.map((p) => p.t), finiteKeyBits: r.series.map((p) => p.keyBitsIfEndedHere), plobBits, idealDecoyBits };
}

/** The key of the run next to the ideal-decoy and PLOB keys of the same window (fraction of PLOB). */
export function limitTable(r: ReplayResult): { what: string; bits: number; fractionOfPlob: number | null }[] {
  const plob = r.limits.plobBits;
  return [
    { what: 'final key (this run)', bits: r.finalKeyBits, fractionOfPlob: plob > 0 ? r.finalKeyBits / plob : null },
    { what: 'ideal decoy BB84 (same channel)', bits: r.limits.idealDecoyBits, fractionOfPlob: r.limits.idealDecoyBits / Math.max(1, plob) },
    { what: 'PLOB bound (same channel)', bits: plob, fractionOfPlob: 1 },
  ];
}

/** QBER per second (%, null where nothing was sifted) and the paper's mean QBER (%) when published. */
export function qberVsPaper(r: ReplayResult): { t: number[]; qberPct: (number | null)[]; paperMeanPct: number | null } {
  return {
    t: r.series.map((p) => p.t),
    qberPct: r.series.map((p) => (Number.isFinite(p.qber) ? p.qber * 100 : null)),
    paperMeanPct: r.published?.qber !== undefined ? r.published.qber * 100 : null,
  };
}

/**
 * What the HTML report's results show, as data: the model/paper table (comparisonRows, with the
 * signal-only sifted row), QBER vs time with the paper's mean, key vs PLOB/ideal decoy. The
 * dashboard's results panel draws these (the same functions as replayHtml, no second copy).
 */
export interface ReplayResults {
  paperSource: string | null;
  comparison: ComparisonRow[];
  qber: ReturnType<typeof qberVsPaper>;
  keyVsLimits: KeyVsLimits;
  limits: ReturnType<typeof limitTable>;
  bound: string;
}

export function replayResults(r: ReplayResult): ReplayResults {
  return { paperSource: r.published?.source ?? null, comparison: comparisonRows(r), qber: qberVsPaper(r), keyVsLimits: keyVsLimits(r), limits: limitTable(r), bound: r.bound };
}

/** The JSON document of `mozi replay --json` (DESIGN.md / issue contract). */
export function replayJson(r: ReplayResult): Record<string, unknown> {
  return {
    detections: r.detections,
    siftedBits: r.siftedBits,
    siftedSignalBits: r.siftedSignalBits,
    qber: r.qber,
    finalKeyBits: r.finalKeyBits,
    finalKeyRateBps: r.finalKeyRateBps,
    durationS: r.durationS,
    aborted: r.aborted,
    abortReason: r.abortReason,
    abortMessage: r.abortMessage,
    keysMatch: r.keysMatch,
    keyDigest: r.keyDigest,
    ledger: r.ledger,
    finiteKey: r.finiteKey,
    noDecoy: r.noDecoy,
    bounds: r.bounds,
    limits: r.limits,
    counts: r.counts,
    reconciliation: { method: r.reconciliation, ...r.reconciliationLeakage },
    authentication: r.authentication,
    classicalLink: r.classicalLink ?? null,
    settings: { preset: r.preset, seed: r.seed, eve: r.eve, bound: r.bound, protocol: r.protocol },
    pass: r.pass,
    timing: r.timing,
    stageMs: r.stageMs,
    partyStageMs: r.partyStageMs,
    wallS: r.wallS,
    published: r.published ?? null,
    mission: r.mission,
    warnings: r.warnings,
  };
}

function table(header: string[], rows: (string | number)[][]): string {
  const th = header.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

const num = (v: number | undefined, d = 4) => (v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e4 ? fmtInt(v) : Number(v.toPrecision(d)).toString());

export function replayHtml(r: ReplayResult): string {
  const s = r.series;
  const t = s.map((p) => p.t);
  const link = r.link;
  const qv = qberVsPaper(r);
  const charts: { title: string; svg: string; note?: string }[] = [];
  charts.push({
    title: 'Range and elevation vs time',
    svg:
      lineChart({ title: 'Range', xLabel: 'time since window start (s)', yLabel: 'range (km)', series: [{ name: 'range', x: link.map((l) => l.t), y: link.map((l) => l.rangeKm) }], height: 280 }) +
      lineChart({
        title: 'Elevation',
        xLabel: 'time since window start (s)',
        yLabel: 'elevation (°)',
        series: [{ name: 'elevation', x: link.map((l) => l.t), y: link.map((l) => l.elevationDeg) }],
        height: 280,
      }),
  });
  charts.push({
    title: 'Link loss vs range (cf. Liao et al. 2017, Fig. 4)',
    svg: lineChart({
      title: 'End-to-end loss vs range',
      xLabel: 'range (km)',
      yLabel: 'loss (dB)',
      series: [
        { name: 'total', x: link.map((l) => l.rangeKm), y: link.map((l) => l.lossDb), markers: true, noLine: true },
        { name: 'diffraction', x: link.map((l) => l.rangeKm), y: link.map((l) => l.diffractionDb), markers: true, noLine: true },
        { name: 'atmosphere', x: link.map((l) => l.rangeKm), y: link.map((l) => l.atmosphereDb), markers: true, noLine: true },
      ],
    }),
    note: r.published && 'Measured points of the paper: ≈22 dB diffraction at 1,200 km; ≈32 dB end to end at 645 km, ≈43 dB at 1,200 km (derived from the sifted rates).',
  });
  charts.push({
    title: 'Sifted key rate and QBER vs time (cf. Fig. 3)',
    svg:
      lineChart({
        title: 'Sifted key rate',
        xLabel: 'time since window start (s)',
        yLabel: 'sifted rate (bit/s)',
        series: [
          { name: 'sifted', x: t, y: s.map((p) => p.siftedBits) },
          { name: 'detections', x: t, y: s.map((p) => p.detections), dash: '4 3' },
        ],
        height: 300,
      }) +
      lineChart({
        title: 'QBER per second',
        xLabel: 'time since window start (s)',
        yLabel: 'QBER (%)',
        series: [{ name: 'QBER', x: t, y: s.map((p) => p.qber * 100) }],
        hLines: qv.paperMeanPct !== null ? [{ y: qv.paperMeanPct, label: `published mean ${qv.paperMeanPct.toFixed(1)} %` }] : [],
        height: 300,
      }),
  });
  const kl = keyVsLimits(r);
  charts.push({
    title: 'Key accumulating vs the PLOB and ideal decoy bounds',
    svg: lineChart({
      title: 'Cumulative key (pass cut at t)',
      xLabel: 'time since window start (s)',
      yLabel: 'bits',
      yScale: 'log',
      series: [
        { name: `finite-key (${r.bound})`, x: kl.t, y: kl.finiteKeyBits },
        { name: 'PLOB', x: kl.t, y: kl.plobBits, dash: '6 3' },
        { name: 'ideal decoy', x: kl.t, y: kl.idealDecoyBits, dash: '2 2' },
      ],
      legend: 'bottom-right',
    }),
  });

  const cmp = comparisonRows(r);
  const fk = r.finiteKey;
  const fkRows: (string | number)[][] = fk
    ? [
        ['bound / protocol', `${fk.bound} / ${fk.protocol}`],
        ['ε_sec, ε_cor', `${fk.epsSec}, ${fk.epsCor}`],
        ['n_X, n_Z', `${fmtInt(fk.nX)}, ${fmtInt(fk.nZ)}`],
        ['m_X, m_Z', `${fmtInt(fk.mX)}, ${fmtInt(fk.mZ)}`],
        ['τ0, τ1', `${num(fk.tau0)}, ${num(fk.tau1)}`],
        ['s_X0, s_Z0', `${num(fk.sX0)}, ${num(fk.sZ0)}`],
        ['s_X1, s_Z1', `${num(fk.sX1)}, ${num(fk.sZ1)}`],
        ['v_X1, v_Z1', `${num(fk.vX1)}, ${num(fk.vZ1)}`],
        ['φ_X, φ_Z', `${num(fk.phiX)}, ${num(fk.phiZ)}`],
        ['bound before leakage (bits)', num(fk.boundBeforeLeakageBits)],
        [`leakage λ (${fk.leakageSource})`, num(fk.lambdaEC)],
        ['ε cost (bits)', num(fk.epsilonCostBits)],
        ['key length ℓ (bits)', fmtInt(fk.keyLengthBits)],
      ]
    : [];
  const ledgerRows = (r.ledger?.entries ?? []).map((e) => [e.kind, e.what, fmtInt(e.bits)]);
  const consumedRows = (r.ledger?.consumed ?? []).map((c) => [c.what, fmtInt(c.bits)]);
  const cls = ['signal μ=0.8', 'decoy μ=0.1', 'vacuum'];
  const intensityRows = [0, 1, 2].map((k) => [
    cls[k],
    fmtInt(r.simulation.detections.photonEventsPerIntensity[k] ?? 0),
    fmtInt(r.counts.siftedPerIntensity[k]),
    fmtInt(r.counts.errorsPerIntensity[k]),
    r.counts.siftedPerIntensity[k] > 0 ? pct(r.counts.errorsPerIntensity[k] / r.counts.siftedPerIntensity[k]) : '—',
  ]);
  const boundRows = Object.entries(r.bounds).map(([b, v]) => [b, fmtInt(v ?? 0)]);
  const limitRows = limitTable(r).map((l) => [l.what, fmtInt(l.bits), l.fractionOfPlob === null ? '—' : pct(l.fractionOfPlob)]);
  const nd = r.noDecoy;
  const verdict = r.aborted
    ? `<p class="abort">Aborted: <b>${escapeXml(r.abortReason ?? '')}</b> — ${escapeXml(r.abortMessage ?? '')}. No key was stored on either side.</p>`
    : `<p class="ok">Final key: <b>${fmtInt(r.finalKeyBits)} bits</b>; satellite and ground keys identical (SHA-256 ${escapeXml(r.keyDigest ?? '')}, compared out of band).</p>`;
  const noDecoyNote =
    nd && r.eve.startsWith('pns')
      ? `<p class="abort">Without decoy states (GLLP, channel assumed honest) the same counts would have claimed <b>${fmtInt(nd.keyLengthBits)} bits</b> of "secret" key: the photon-number-splitting attack would have gone unnoticed.</p>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mozi replay — ${escapeXml(r.preset)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.ok{color:#05660d}.abort{color:#a00}svg{display:block;margin:0.5em 0}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
.note{color:#555;font-size:90%}
</style></head><body>
<h1>Mozi replay: ${escapeXml(r.pass.satellite)} over ${escapeXml(r.pass.station)}</h1>
<p>Window ${escapeXml(r.pass.windowStartUtc)} – ${escapeXml(r.pass.windowEndUtc)} (${r.durationS} s), TCA ${escapeXml(r.pass.tcaUtc)}, minimum range ${r.pass.minRangeKm.toFixed(0)} km, maximum elevation ${r.pass.maxElevationDeg.toFixed(1)}°.
Settings: seed ${r.seed}, eavesdropper <b>${escapeXml(r.eve)}</b>, reconciliation ${escapeXml(r.reconciliation)}, bound ${escapeXml(r.bound)}, protocol ${escapeXml(r.protocol)}, ε_sec ${r.finiteKey?.epsSec ?? r.published?.epsSec ?? '—'}.</p>
${verdict}
${noDecoyNote}
${
  r.published
    ? `<h2>Model vs paper</h2>\n${table(['quantity', 'model', `paper (${r.published.source})`, 'model/paper − 1'], cmp.map((c) => [c.quantity, c.model, c.paper, c.ratio]))}`
    : `<h2>Results</h2>\n${table(['quantity', 'model'], cmp.map((c) => [c.quantity, c.model]))}`
}
${charts.map((c) => `<h2>${escapeXml(c.title)}</h2>\n${c.svg}\n${c.note ? `<p class="note">${escapeXml(c.note)}</p>` : ''}`).join('\n')}
<h2>Counts per intensity</h2>
${table(['intensity', 'photon events (simulation)', 'sifted', 'errors', 'QBER'], intensityRows)}
<h2>Leakage ledger (block ${escapeXml(r.ledger?.blockId ?? '')})</h2>
${table(['kind', 'what', 'bits'], [...ledgerRows, ['total', '', fmtInt(r.ledger?.leakedBits ?? 0)]])}
<p>Reconciliation efficiency f = ${r.reconciliationLeakage.efficiency?.toFixed(3) ?? '—'}. Secret key consumed by authentication (Wegman–Carter pads, not leakage):</p>
${table(['what', 'bits'], consumedRows)}
<h2>Finite-key terms</h2>
${table(['term', 'value'], fkRows)}
<h2>Other analyses on the same counts</h2>
${table(['bound', 'key length (bits)'], boundRows)}
${nd ? `<p class="note">No-decoy analysis: inferred η ${num(nd.noDecoy?.etaInferred)}, worst-case multi-photon fraction ${num(nd.noDecoy?.deltaWorstCase)}.</p>` : ''}
<h2>Key vs fundamental limits</h2>
${table(['', 'bits', 'fraction of PLOB'], limitRows)}
<h2>Timing recovery</h2>
${table(['quantity', 'value'], [
    ['sync tags used', `${fmtInt(r.timing.syncTagsUsed)} / ${fmtInt(r.timing.syncTags)}`],
    ['sync residual RMS (ps)', num(r.timing.syncResidualRmsPs)],
    ['quantum residual σ (ps)', num(r.timing.residualSigmaPs)],
    ['tags in window', `${fmtInt(r.timing.tagsInWindow)} / ${fmtInt(r.timing.tagsTotal)}`],
  ])}
<h2>Run</h2>
${table(['stage', 'seconds'], Object.entries(r.stageMs).map(([k, v]) => [k, (v / 1000).toFixed(2)]))}
<p class="note">Wall time ${r.wallS.toFixed(1)} s. Generated by mozi replay.</p>
</body></html>
`;
}

/** Write DIR/report.json and DIR/report.html. */
export function writeReplayReport(dir: string, r: ReplayResult): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  writeFileSync(json, JSON.stringify({ ...replayJson(r), series: r.series, link: r.link, simulation: r.simulation }, null, 2) + '\n');
  writeFileSync(html, replayHtml(r));
  return { json, html };
}
