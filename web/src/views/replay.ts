/**
 * Pass view and replay: ground track, geometry and link budget of a pass; start a replay,
 * watch its progress and the per-second rates, QBER and key live (server-sent events), then the
 * final numbers next to the paper's and the decoy bound next to the no-decoy one.
 */
import { api, type Meta, type PassDetail, type RunSeries, type RunSummary } from '../api.js';
import { Chart } from '../charts.js';
import { drawMap } from '../map.js';
import { el, fmtInt, fmtPct } from '../dom.js';

const dB = (eta: number | undefined) => (eta && eta > 0 ? -10 * Math.log10(eta) : null);

export class ReplayView {
  private loaded = false;
  private readonly passInfo: HTMLElement;
  private readonly mapBox: HTMLElement;
  private readonly geomChart: Chart;
  private readonly linkChart: Chart;
  private readonly rateChart: Chart;
  private readonly qberChart: Chart;
  private readonly keyChart: Chart;
  private readonly progressBar: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private readonly result: HTMLElement;
  private readonly startBtn: HTMLButtonElement;
  private readonly selects: Record<'preset' | 'eve' | 'reconciliation' | 'bound', HTMLSelectElement>;
  private source: EventSource | null = null;
  /** The pass shown (and replayed by Start): station id and the spec it was opened with. */
  private current: { station: string; pass: string } | null = null;
  private readonly liveHint: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly meta: Meta,
  ) {
    const mk = (id: string, values: { value: string; label: string }[]) => {
      const s = el('select', { id: `run-${id}` });
      for (const v of values) s.append(el('option', { value: v.value }, v.label));
      return s;
    };
    this.selects = {
      preset: mk('preset', meta.presets.map((p) => ({ value: p.id, label: p.label }))),
      eve: mk('eve', meta.eves.map((v) => ({ value: v, label: v }))),
      reconciliation: mk('reconciliation', meta.reconciliations.map((v) => ({ value: v, label: v }))),
      bound: mk('bound', meta.bounds.map((v) => ({ value: v, label: v }))),
    };
    if (meta.defaults) {
      this.selects.reconciliation.value = meta.defaults.reconciliation;
      this.selects.bound.value = meta.defaults.bound;
    }
    this.selects.preset.addEventListener('change', () => {
      const p = this.meta.presets.find((x) => x.id === this.selects.preset.value);
      if (p) void this.openPass(p.station, p.pass);
    });
    this.startBtn = el('button', { id: 'run-start', class: 'primary' }, 'Start replay');
    this.startBtn.addEventListener('click', () => void this.startRun());
    this.progressBar = el('progress', { id: 'run-progress', max: '1', value: '0' });
    this.progressText = el('span', { id: 'run-stage', class: 'status' }, 'idle');
    this.result = el('div', { id: 'run-result', class: 'result' });
    this.passInfo = el('div', { class: 'pass-info', id: 'pass-info' });
    this.mapBox = el('div', { class: 'map-box', id: 'map' });

    const left = el('div', { class: 'col' }, el('h3', {}, 'Ground track'), this.mapBox, this.passInfo);
    const right = el('div', { class: 'col' });
    const grid = el('div', { class: 'grid2' }, left, right);
    const runBox = el(
      'div',
      { class: 'toolbar run' },
      el('label', {}, 'Named pass ', this.selects.preset),
      el('label', {}, 'Eavesdropper ', this.selects.eve),
      el('label', {}, 'Reconciliation ', this.selects.reconciliation),
      el('label', {}, 'Bound ', this.selects.bound),
      this.startBtn,
      this.progressBar,
      this.progressText,
    );
    const live = el('div', { class: 'grid3', id: 'live-charts' });
    this.liveHint = el('p', { class: 'hint' }, 'Start a replay: the simulated pass is processed end to end (simulation, timing recovery, sifting, estimation, reconciliation, verification, privacy amplification) and its per-second rates, QBER and key appear here as they are computed.');
    root.append(
      el('h2', {}, 'Pass and replay'),
      runBox,
      el('p', { class: 'hint' }, 'Defaults follow the paper: Hamming error correction, the Lim et al. 2014 (Hoeffding) finite-key bound, ε = 10⁻⁹. Choose pns to see the decoy analysis catch a photon-number-splitting attack.'),
      grid, el('h3', {}, 'Replay (live)'), this.liveHint, live, this.result);
    this.geomChart = new Chart(right, {
      title: 'Elevation and range',
      xLabel: 'time from AOS (s)',
      yLabel: 'elevation (°)',
      y2Label: 'range (km)',
      series: [
        { label: 'elevation (°)', color: '#7cc4ff' },
        { label: 'range (km)', color: '#ffb86b', scale: 'y2' },
      ],
    });
    this.linkChart = new Chart(right, {
      title: 'Link budget terms',
      xLabel: 'time from AOS (s)',
      yLabel: 'loss (dB)',
      series: [
        { label: 'total (dB)', color: '#ff6b6b' },
        { label: 'diffraction', color: '#7cc4ff' },
        { label: 'atmosphere', color: '#8be28b' },
        { label: 'turbulence', color: '#c792ea' },
        { label: 'pointing', color: '#ffd866' },
      ],
    });
    this.rateChart = new Chart(live, {
      title: 'Detection and sifted rates',
      xLabel: 'time (s)',
      yLabel: 'rate (kbit/s)',
      series: [
        { label: 'detections (k/s)', color: '#7cc4ff' },
        { label: 'sifted (kbit/s)', color: '#8be28b' },
      ],
    });
    this.qberChart = new Chart(live, {
      title: 'QBER',
      xLabel: 'time (s)',
      yLabel: 'QBER (%)',
      series: [{ label: 'QBER (%)', color: '#ff6b6b' }],
    });
    this.keyChart = new Chart(live, {
      title: 'Sifted key accumulating',
      xLabel: 'time (s)',
      yLabel: 'bits',
      series: [{ label: 'sifted bits', color: '#ffd866' }],
    });
  }

  ensureLoaded(): void {
    if (this.loaded) return;
    const p = this.meta.presets[0];
    if (p) void this.openPass(p.station, p.pass);
  }

  async openPass(station: string, pass: string): Promise<void> {
    this.loaded = true;
    this.current = { station, pass };
    const named = this.meta.presets.find((p) => p.station === station && p.pass === pass);
    if (named) this.selects.preset.value = named.id;
    this.passInfo.textContent = 'loading pass…';
    let d: PassDetail;
    try {
      d = await api.pass(station, pass);
    } catch (e) {
      this.passInfo.textContent = (e as Error).message;
      return;
    }
    drawMap(this.mapBox, d.track, d.station);
    const s = d.summary;
    this.passInfo.innerHTML = '';
    this.passInfo.append(
      el('p', {}, `${d.station.name}: AOS ${s.aos}, TCA ${s.tca}, LOS ${s.los}`),
      el('p', {}, `max elevation ${s.maxElevationDeg.toFixed(1)}°, min range ${s.minRangeKm.toFixed(0)} km, ${s.durationS.toFixed(0)} s, ${s.night ? 'night' : 'daylight'}`),
    );
    const t = d.samples.map((x) => x.t);
    this.geomChart.setData(t, [d.samples.map((x) => x.elevationDeg), d.samples.map((x) => x.rangeKm)]);
    this.linkChart.setData(t, [
      d.samples.map((x) => x.lossTotalDb ?? null),
      d.samples.map((x) => dB(x.etaDiffraction)),
      d.samples.map((x) => dB(x.etaAtmosphere)),
      d.samples.map((x) => dB(x.etaTurbulence)),
      d.samples.map((x) => dB(x.etaPointing)),
    ]);
  }

  private setSeries(s: RunSeries): void {
    this.liveHint.style.display = 'none';
    const k = (xs: (number | null)[] | undefined, f: number) => (xs ?? s.t.map(() => null)).map((v) => (v === null ? null : v / f));
    this.rateChart.setData(s.t, [k(s.detectionRateHz, 1000), k(s.siftedRateBps, 1000)]);
    this.qberChart.setData(s.t, [k(s.qber, 0.01)]);
    this.keyChart.setData(s.t, [k(s.keyBits, 1)]);
  }

  private async startRun(): Promise<void> {
    this.source?.close();
    this.startBtn.disabled = true;
    this.result.innerHTML = '';
    this.progressBar.value = 0;
    this.progressText.textContent = 'starting…';
    let id: string;
    try {
      // the pass on show: a named pass is replayed with its data window and published figures
      const preset = this.meta.presets.find((p) => p.id === this.selects.preset.value);
      const target = this.current ?? (preset ? { station: preset.station, pass: preset.pass } : null);
      if (!target) throw new Error('open a pass first');
      ({ id } = await api.startRun({
        station: target.station,
        pass: target.pass,
        mission: this.meta.mission.name,
        eve: this.selects.eve.value,
        reconciliation: this.selects.reconciliation.value,
        bound: this.selects.bound.value,
      }));
    } catch (e) {
      this.progressText.textContent = (e as Error).message;
      this.startBtn.disabled = false;
      return;
    }
    const src = new EventSource(`api/runs/${id}/events`);
    this.source = src;
    src.addEventListener('progress', (ev) => {
      const p = JSON.parse((ev as MessageEvent).data) as { stage: string; fraction: number; overall: number };
      this.progressBar.value = p.overall;
      this.progressText.textContent = `${p.stage} ${(p.fraction * 100).toFixed(0)} %`;
    });
    src.addEventListener('series', (ev) => this.setSeries(JSON.parse((ev as MessageEvent).data) as RunSeries));
    src.addEventListener('done', (ev) => {
      const d = JSON.parse((ev as MessageEvent).data) as { summary: RunSummary };
      src.close();
      this.progressBar.value = 1;
      this.progressText.textContent = d.summary.aborted ? `aborted: ${d.summary.abortReason}` : 'done';
      this.startBtn.disabled = false;
      this.showResult(id, d.summary);
    });
    src.addEventListener('failed', (ev) => {
      const d = JSON.parse((ev as MessageEvent).data) as { message: string };
      src.close();
      this.progressText.textContent = `failed: ${d.message}`;
      this.startBtn.disabled = false;
    });
  }

  private showResult(id: string, s: RunSummary): void {
    const paper: Partial<NonNullable<RunSummary['published']>> = s.published ?? {};
    const row = (name: string, model: string, ref: string) => el('tr', {}, el('td', {}, name), el('td', { class: 'num' }, model), el('td', { class: 'num' }, ref));
    const table = el(
      'table',
      { class: 'compare' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', { class: 'num' }, 'model'), el('th', { class: 'num' }, s.published?.source ? `published (${s.published.source})` : 'published'))),
      el(
        'tbody',
        {},
        row('detections', fmtInt(s.detections), fmtInt(paper.detections)),
        row('sifted bits', fmtInt(s.siftedBits), fmtInt(paper.siftedBits)),
        row('QBER', fmtPct(s.qber), fmtPct(paper.qber)),
        row('final key (bits)', fmtInt(s.finalKeyBits), fmtInt(paper.finalKeyBits)),
        row('key rate (bit/s)', fmtInt(s.finalKeyRateBps), fmtInt(paper.finalKeyRateBps)),
      ),
    );
    const finalKey = el('div', { class: 'big' }, 'Final key: ', el('span', { id: 'final-key', 'data-testid': 'final-key' }, String(s.finalKeyBits)), ' bits');
    const verdict = s.aborted
      ? el('p', { class: 'error' }, `The protocol aborted: ${s.abortReason}. No key was stored.`)
      : el('p', { class: 'ok' }, 'Satellite and ground hold bit-for-bit identical keys.');
    const decoy = el('div', { class: 'decoy', id: 'decoy-compare' });
    if (s.noDecoyKeyBits !== undefined && s.noDecoyKeyBits !== null) {
      decoy.append(
        el('h4', {}, 'Why decoy states matter'),
        el(
          'p',
          {},
          `Decoy-state bound: ${fmtInt(s.finalKeyBits)} bits. An analysis without decoy states (GLLP, all multi-photon pulses insecure) would have claimed ${fmtInt(s.noDecoyKeyBits)} bits.`,
        ),
      );
      if (s.noDecoyKeyBits > 0 && s.finalKeyBits <= 0)
        decoy.append(
          el(
            'p',
            { class: 'error' },
            'A photon-number-splitting eavesdropper mimics the expected signal gain, but the weak-decoy and vacuum gains betray her: the single-photon yield bound collapses and no key is safe. Without decoys the attack would have gone unnoticed.',
          ),
        );
    }
    this.result.append(finalKey, verdict, table, decoy, el('p', {}, el('a', { href: `api/runs/${id}/report.html`, target: '_blank' }, 'full report (HTML)')));
  }
}
