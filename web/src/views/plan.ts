/**
 * Plan view: a plan from `mozi plan` (served by `mozi serve --plan plan.json`): the summary with
 * demand served, weather-expected key per station per month (heatmap), the pair matrix of relay
 * key, the timeline of scheduled passes per station (click a pass to open and replay it), and the
 * scheduled passes as a table.
 */
import type { PlanResponse } from '../../../src/server/api-types.js';
import { el, fmtInt, fmtPct, fmtTime } from '../dom.js';
import { mountTimeline } from '../timeline.js';

const bits = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} Mb` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} kb` : `${Math.round(b)} b`);

/** Heat colour from 0 (dark) to 1 (bright yellow). */
const heat = (f: number) => `hsl(${50 - 30 * (1 - f)}, 90%, ${18 + 50 * f}%)`;

export class PlanView {
  constructor(
    private readonly root: HTMLElement,
    private readonly onOpen: (station: string, aosIso: string) => void,
    private readonly hasPlan = true,
  ) {}

  async load(): Promise<void> {
    this.root.innerHTML = '';
    this.root.append(el('h2', {}, 'Plan'));
    // without a plan the page does not ask for one (a 404 would be a console error)
    const res = this.hasPlan ? await fetch('api/plan') : null;
    if (!res?.ok) {
      this.root.append(el('p', { class: 'hint', id: 'plan-none' }, 'No plan loaded. Write one with mozi plan --out DIR and start the dashboard with mozi serve --plan DIR/plan.json.'));
      return;
    }
    this.render((await res.json()) as PlanResponse);
  }

  private render(p: PlanResponse): void {
    const s = p.summary;
    const card = (label: string, value: string) => el('div', { class: 'card' }, el('div', { class: 'card-label' }, label), el('div', { class: 'card-value' }, value));
    this.root.append(
      el('p', { class: 'hint' }, `Mission ${p.mission}: ${p.satellites.length} satellite(s) × ${p.stations.length} stations, ${fmtTime(p.window.from)} → ${fmtTime(p.window.to)} (${p.window.days.toFixed(1)} days), policy ${p.options.policy}, ${p.options.block} blocks, weather: ${p.options.weather}.`),
      el(
        'div',
        { class: 'cards', id: 'plan-summary' },
        card('passes (scheduled)', `${fmtInt(s.passes)} (${fmtInt(s.scheduledPasses)})`),
        card('key, clear sky', bits(s.keyBits)),
        card('key, weather-expected', bits(s.expectedKeyBits)),
        card('combined blocks', `${bits(s.combinedExpectedKeyBits)} (${fmtPct(s.combinedGain, 1)} gain)`),
        card('minimum over pairs', bits(s.minPairExpectedKeyBits)),
        card('demand served', s.demandServed === null ? 'no demand' : fmtPct(s.demandServed, 1)),
        card('availability (mean)', fmtPct(s.meanAvailability, 1)),
      ),
    );
    // key per station per month
    const months = [...new Set(p.stationFigures.flatMap((f) => Object.keys(f.expectedKeyBitsPerMonth)))].sort();
    const maxMonth = Math.max(1, ...p.stationFigures.flatMap((f) => Object.values(f.expectedKeyBitsPerMonth)));
    const heatTable = el(
      'table',
      { class: 'heat', id: 'plan-heatmap' },
      el('thead', {}, el('tr', {}, el('th', {}, 'station'), ...months.map((m) => el('th', { class: 'num' }, m)), el('th', { class: 'num' }, 'per day'), el('th', { class: 'num' }, 'availability'))),
      el(
        'tbody',
        {},
        ...p.stationFigures.map((f) =>
          el(
            'tr',
            {},
            el('td', {}, f.name),
            ...months.map((m) => {
              const v = f.expectedKeyBitsPerMonth[m] ?? 0;
              const td = el('td', { class: 'num' }, bits(v));
              td.style.background = heat(v / maxMonth);
              return td;
            }),
            el('td', { class: 'num plain' }, bits(f.expectedKeyBitsPerDay)),
            el('td', { class: 'num plain' }, fmtPct(f.availability, 1)),
          ),
        ),
      ),
    );
    // pair matrix (weather-expected relay key)
    const ids = p.stations;
    const name = (id: string) => p.stationFigures.find((f) => f.id === id)?.name ?? id;
    const pairKey = new Map(p.pairs.map((x) => [[x.a, x.b].sort().join('|'), x]));
    const maxPair = Math.max(1, ...p.pairs.map((x) => x.expectedKeyBits));
    const matrix = el(
      'table',
      { class: 'heat', id: 'plan-pairs' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), ...ids.map((id) => el('th', { class: 'num', title: name(id) }, el('span', { class: 'long' }, name(id)), el('span', { class: 'short' }, name(id).slice(0, 3)))))),
      el(
        'tbody',
        {},
        ...ids.map((a) =>
          el(
            'tr',
            {},
            el('th', {}, name(a)),
            ...ids.map((b) => {
              const x = a === b ? undefined : pairKey.get([a, b].sort().join('|'));
              const td = el('td', { class: 'num' }, x ? bits(x.expectedKeyBits) : '');
              if (x) {
                td.style.background = heat(x.expectedKeyBits / maxPair);
                td.title = `clear sky ${bits(x.keyBits)}${x.demandServed !== undefined ? `, demand served ${fmtPct(x.demandServed, 1)}` : ''}${x.latencyS !== null ? `, first ${p.options.latencyBits} bits after ${(x.latencyS / 3600).toFixed(1)} h` : ''}`;
              }
              return td;
            }),
          ),
        ),
      ),
    );
    this.root.append(
      el('h3', {}, 'Weather-expected key per station per month'),
      el('div', { class: 'scroll' }, heatTable),
      el('h3', {}, 'Pair matrix: weather-expected relay key (trusted satellite)'),
      el('div', { class: 'scroll' }, matrix),
    );
    const passes = p.passes ?? [];
    if (passes.length === 0) {
      this.root.append(el('p', { class: 'hint' }, 'The plan was written with --summary: no per-pass list.'));
      return;
    }
    this.root.append(el('h3', {}, 'Scheduled passes (click one to open and replay it)'), this.timeline(p), el('h3', {}, 'Passes'), this.passTable(p));
  }

  private timeline(p: PlanResponse): HTMLElement {
    const box = el('div', { class: 'timeline-box scroll' });
    this.root.append(box);
    mountTimeline(box, {
      id: 'plan-timeline',
      from: p.window.from,
      to: p.window.to,
      rows: p.stations.map((id) => ({ id, label: p.stationFigures.find((f) => f.id === id)?.name ?? id })),
      bars: (p.passes ?? [])
        .filter((q) => q.scheduled)
        .map((q) => ({
          station: q.station,
          aos: q.aos,
          los: q.los,
          night: q.night,
          keyBits: q.expectedKeyBits,
          title: `${q.satellite} over ${q.station}, TCA ${fmtTime(q.tca)}, ${q.maxElevationDeg.toFixed(0)}°, predicted ${fmtInt(q.predictedKeyBits)} bits, expected ${fmtInt(q.expectedKeyBits)}`,
        })),
      onOpen: this.onOpen,
    });
    return box;
  }

  private passTable(p: PlanResponse): HTMLElement {
    const body = el('tbody');
    for (const q of (p.passes ?? []).filter((x) => x.scheduled)) {
      const open = el('button', { class: 'link plan-open' }, 'replay');
      open.addEventListener('click', () => this.onOpen(q.station, q.aos));
      body.append(
        el(
          'tr',
          { class: q.night ? 'night' : 'day' },
          el('td', {}, open),
          el('td', {}, q.station),
          el('td', {}, fmtTime(q.tca)),
          el('td', { class: 'num' }, q.maxElevationDeg.toFixed(1)),
          el('td', { class: 'num' }, fmtInt(q.predictedKeyBits)),
          el('td', { class: 'num' }, fmtInt(q.expectedKeyBits)),
          el('td', {}, q.satellite),
        ),
      );
    }
    return el(
      'div',
      { class: 'scroll plan-passes' },
      el('table', { id: 'plan-passes' }, el('thead', {}, el('tr', {}, ...['', 'station', 'TCA (UTC)', 'max el. (°)', 'predicted key', 'weather-expected key', 'satellite'].map((h) => el('th', {}, h)))), body),
    );
  }
}
