/**
 * The planner's tables and its self-contained plan.html: the CSV columns of passes.csv,
 * stations.csv and pairs.csv (csv.ts), and four inline-SVG plots: weather-expected key per
 * station per month (heatmap), the scheduled passes per station on a time line, stations and
 * ground tracks on an equirectangular map (no coastlines), and the pair-key matrix.
 */
import type { Mission } from '../mission/config.js';
import { satrecOf, satState } from '../orbit/sgp4.js';
import { eciToGeodetic } from 'satellite.js';
import type { PairFigures, Plan, StationFigures } from '../plan/assemble.js';
import type { PlannedPass } from '../plan/types.js';
import type { CsvCell } from './csv.js';
import { escapeXml, formatTick, lineChart, PALETTE } from './svg.js';

export const PASS_COLUMNS = ['satellite', 'station', 'aos', 'tca', 'los', 'maxElevationDeg', 'minRangeKm', 'night', 'predictedKeyBits', 'expectedKeyBits', 'cloudFreeProbability', 'scheduled', 'reason'] as const;
export const STATION_COLUMNS = ['id', 'name', 'latitudeDeg', 'longitudeDeg', 'passes', 'scheduledPasses', 'keyBits', 'expectedKeyBits', 'combinedKeyBits', 'combinedExpectedKeyBits', 'expectedKeyBitsPerDay', 'expectedKeyBitsPerYear', 'availability', 'cloudFreeSource'] as const;
export const PAIR_COLUMNS = ['a', 'b', 'keyBits', 'expectedKeyBits', 'demandBits', 'demandServed', 'latencyS'] as const;

export const passRow = (p: PlannedPass): CsvCell[] => PASS_COLUMNS.map((k) => p[k]);
export const stationRow = (s: StationFigures): CsvCell[] => STATION_COLUMNS.map((k) => s[k]);
export const pairRow = (p: PairFigures): CsvCell[] => PAIR_COLUMNS.map((k) => p[k]);

const esc = escapeXml;

/** Colour of a value in [0, 1] on a white → blue ramp. */
function ramp(f: number): string {
  const t = Math.max(0, Math.min(1, f));
  const c = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${c(247, 8)},${c(251, 69)},${c(255, 148)})`;
}

function heatmap(plan: Plan): string {
  const months = Object.keys(plan.stationFigures[0]?.expectedKeyBitsPerMonth ?? {});
  const cw = Math.max(18, Math.min(48, Math.floor(640 / Math.max(1, months.length))));
  const ch = 18;
  const left = 90;
  const top = 30;
  const max = Math.max(1, ...plan.stationFigures.flatMap((s) => Object.values(s.expectedKeyBitsPerMonth)));
  const cells = plan.stationFigures.flatMap((s, r) =>
    months.map((m, c) => {
      const v = s.expectedKeyBitsPerMonth[m];
      return `<rect x="${left + c * cw}" y="${top + r * ch}" width="${cw - 1}" height="${ch - 1}" fill="${ramp(v / max)}"><title>${esc(s.id)} ${m}: ${formatTick(v)} bits</title></rect>`;
    }),
  );
  const rows = plan.stationFigures.map((s, r) => `<text x="${left - 6}" y="${top + r * ch + 13}" text-anchor="end">${esc(s.id)}</text>`);
  const cols = months.map((m, c) => (months.length <= 24 || c % 3 === 0 ? `<text x="${left + c * cw + cw / 2}" y="${top - 6}" text-anchor="middle">${m.slice(2)}</text>` : ''));
  const w = left + months.length * cw + 20;
  const h = top + plan.stationFigures.length * ch + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11"><text x="4" y="14" font-weight="bold">Weather-expected key per station per month (max ${formatTick(max)} bits)</text>${cells.join('')}${rows.join('')}${cols.join('')}</svg>`;
}

function timeline(plan: Plan, passes: readonly PlannedPass[]): string {
  const from = Date.parse(plan.window.from);
  const to = Date.parse(plan.window.to);
  const left = 90;
  const width = 640;
  const ch = 16;
  const top = 24;
  const row = new Map(plan.stations.map((id, i) => [id, i]));
  const sats = new Map(plan.satellites.map((s, i) => [s, i]));
  const bars = passes.map((p) => {
    const x = left + ((Date.parse(p.aos) - from) / (to - from)) * width;
    const w = Math.max(1, ((Date.parse(p.los) - Date.parse(p.aos)) / (to - from)) * width);
    const y = top + (row.get(p.station) ?? 0) * ch;
    return `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(2)}" height="${ch - 3}" fill="${PALETTE[(sats.get(p.satellite) ?? 0) % PALETTE.length]}"><title>${esc(p.satellite)} → ${esc(p.station)} ${p.aos}: ${formatTick(p.predictedKeyBits)} bits</title></rect>`;
  });
  const labels = plan.stations.map((id, i) => `<text x="${left - 6}" y="${top + i * ch + 11}" text-anchor="end">${esc(id)}</text>`);
  const h = top + plan.stations.length * ch + 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 20}" height="${h}" font-family="sans-serif" font-size="11"><text x="4" y="14" font-weight="bold">Scheduled passes per station (${passes.length} shown; colour: satellite)</text><rect x="${left}" y="${top}" width="${width}" height="${plan.stations.length * ch}" fill="none" stroke="#ccc"/>${bars.join('')}${labels.join('')}<text x="${left}" y="${h - 6}">${plan.window.from.slice(0, 10)}</text><text x="${left + width}" y="${h - 6}" text-anchor="end">${plan.window.to.slice(0, 10)}</text></svg>`;
}

/** Sub-satellite points of the first satellites over one orbit-rich day (60-s steps). */
function groundTracks(mission: Mission, fromMs: number, maxSatellites = 6): { lat: number; lon: number }[][] {
  const sats = (mission.constellation?.satellites ?? [mission.satellite]).slice(0, maxSatellites);
  return sats.map((cat) => {
    const e = cat.sets[cat.sets.length - 1];
    const rec = satrecOf(e);
    const pts: { lat: number; lon: number }[] = [];
    for (let t = fromMs; t < fromMs + 6 * 3_600_000; t += 60_000) {
      const s = satState(rec, t);
      if (!s) break;
      const g = eciToGeodetic(s.eci, s.gmstRad);
      let lon = (g.longitude * 180) / Math.PI;
      if (lon > 180) lon -= 360;
      pts.push({ lat: (g.latitude * 180) / Math.PI, lon });
    }
    return pts;
  });
}

function map(plan: Plan, mission: Mission): string {
  const w = 720;
  const h = 360;
  const x = (lon: number) => ((lon + 180) / 360) * w;
  const y = (lat: number) => ((90 - lat) / 180) * h;
  const tracks = groundTracks(mission, Date.parse(plan.window.from)).map((pts, k) => {
    const segs: string[] = [];
    let d = '';
    pts.forEach((p, i) => {
      const jump = i > 0 && Math.abs(p.lon - pts[i - 1].lon) > 180;
      if (jump && d) {
        segs.push(d);
        d = '';
      }
      d += `${d ? 'L' : 'M'}${x(p.lon).toFixed(1)},${y(p.lat).toFixed(1)}`;
    });
    if (d) segs.push(d);
    return segs.map((s) => `<path d="${s}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="1" opacity="0.7"/>`).join('');
  });
  const grid = [-60, -30, 0, 30, 60].map((lat) => `<line x1="0" x2="${w}" y1="${y(lat)}" y2="${y(lat)}" stroke="#e5e5e5"/>`).join('') + [-120, -60, 0, 60, 120].map((lon) => `<line y1="0" y2="${h}" x1="${x(lon)}" x2="${x(lon)}" stroke="#e5e5e5"/>`).join('');
  const maxKey = Math.max(1, ...plan.stationFigures.map((s) => s.expectedKeyBits));
  const dots = plan.stationFigures.map((s) => `<circle cx="${x(s.longitudeDeg).toFixed(1)}" cy="${y(s.latitudeDeg).toFixed(1)}" r="${(3 + 6 * Math.sqrt(s.expectedKeyBits / maxKey)).toFixed(1)}" fill="#d55e00" opacity="0.8"><title>${esc(s.name)}: ${formatTick(s.expectedKeyBits)} bits expected</title></circle><text x="${(x(s.longitudeDeg) + 8).toFixed(1)}" y="${(y(s.latitudeDeg) + 4).toFixed(1)}">${esc(s.id)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + 20}" font-family="sans-serif" font-size="10"><rect width="${w}" height="${h}" fill="#f8fbff" stroke="#ccc"/>${grid}${tracks.join('')}${dots.join('')}<text x="4" y="${h + 14}">Stations (area ∝ expected key) and 6 h of ground track of the first satellites; equirectangular, no coastlines</text></svg>`;
}

function pairMatrix(plan: Plan): string {
  const ids = plan.stations;
  const n = ids.length;
  const c = Math.max(8, Math.min(36, Math.floor(560 / Math.max(1, n))));
  const left = 90;
  const top = 90;
  const key = new Map(plan.pairs.map((p) => [`${p.a}|${p.b}`, p.expectedKeyBits]));
  const max = Math.max(1, ...plan.pairs.map((p) => p.expectedKeyBits));
  const cells: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = key.get(`${ids[i]}|${ids[j]}`) ?? key.get(`${ids[j]}|${ids[i]}`);
      if (v === undefined) continue;
      cells.push(`<rect x="${left + j * c}" y="${top + i * c}" width="${c - 1}" height="${c - 1}" fill="${ramp(v / max)}"><title>${esc(ids[i])}–${esc(ids[j])}: ${formatTick(v)} bits</title></rect>`);
    }
  }
  const labels = n <= 60 ? ids.map((id, i) => `<text x="${left - 4}" y="${top + i * c + c / 2 + 4}" text-anchor="end">${esc(id)}</text><text transform="translate(${left + i * c + c / 2 + 4},${top - 4}) rotate(-60)">${esc(id)}</text>`).join('') : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + n * c + 20}" height="${top + n * c + 20}" font-family="sans-serif" font-size="10"><text x="4" y="14" font-weight="bold">Trusted-relay key per station pair, weather-expected (max ${formatTick(max)} bits)</text>${cells.join('')}${labels}</svg>`;
}

function keyOverTime(plan: Plan, passes: readonly PlannedPass[]): string {
  const from = Date.parse(plan.window.from);
  const x: number[] = [];
  const y: number[] = [];
  let sum = 0;
  for (const p of [...passes].sort((a, b) => Date.parse(a.los) - Date.parse(b.los))) {
    sum += p.expectedKeyBits;
    x.push((Date.parse(p.los) - from) / 86_400_000);
    y.push(sum);
  }
  return lineChart({ title: 'Weather-expected key of the scheduled passes, cumulative (per-pass blocks)', xLabel: 'days from the window start', yLabel: 'bits', series: [{ name: 'all stations', x, y }], legend: 'none' });
}

/** The self-contained plan.html (inline CSS and SVG). `passes`: the scheduled passes to draw. */
export function planHtml(plan: Plan, passes: readonly PlannedPass[], mission: Mission): string {
  const s = plan.summary;
  const rows: [string, string][] = [
    ['window', `${plan.window.from} → ${plan.window.to} (${plan.window.days.toFixed(1)} days)`],
    ['satellites × stations', `${plan.satellites.length} × ${plan.stations.length}`],
    ['policy / block', `${plan.options.policy} / ${plan.options.block}`],
    ['passes / scheduled', `${s.passes} / ${s.scheduledPasses}`],
    ['key, clear sky (per-pass blocks)', formatTick(s.keyBits)],
    ['key, weather-expected (per-pass / combined)', `${formatTick(s.expectedKeyBits)} / ${formatTick(s.combinedExpectedKeyBits)} (gain ${(s.combinedGain * 100).toFixed(1)} %)`],
    ['minimum over pairs (weather-expected)', formatTick(s.minPairExpectedKeyBits)],
    ['demand served', s.demandServed === null ? '—' : `${(s.demandServed * 100).toFixed(1)} %`],
    ['weather', plan.options.weather],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mozi plan — ${esc(plan.mission)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}section{margin:1.5em 0}</style>
</head><body>
<h1>Mozi plan — ${esc(plan.mission)}</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<section>${heatmap(plan)}</section>
<section>${timeline(plan, passes)}</section>
<section>${keyOverTime(plan, passes)}</section>
<section>${map(plan, mission)}</section>
<section>${pairMatrix(plan)}</section>
<p>Weather: ${esc(plan.options.weather)}. Per-station sources are in stations.csv (cloudFreeSource).</p>
</body></html>
`;
}
