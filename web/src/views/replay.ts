/**
 * Pass view and replay: ground track, geometry and link budget of a pass; start a replay,
 * watch its progress and the per-second rates, QBER and key live (server-sent events), then the
 * final numbers next to the paper's and the decoy bound next to the no-decoy one.
 */
import { api, type Meta, type PassDetail, type ReplayResults, type RunProgress, type RunSeries, type RunSummary } from '../api.js';
import { Chart } from '../charts.js';
import { coverageAngleDeg, drawMap, type MapHandle } from '../map.js';
import { el, fmtInt, fmtPct } from '../dom.js';
import { SkyPlot } from '../sky.js';
import { runHistoryTable } from '../run-history.js';

const dB = (eta: number | undefined) => (eta && eta > 0 ? -10 * Math.log10(eta) : null);

/** The protocol's abort reasons (core/errors.ts AbortReason) in words. */
const ABORT_WORDS: Record<string, string> = {
  'qber-too-high': 'the error rate was above the threshold, so an eavesdropper could know too much',
  'no-key': 'the finite-key bound leaves no secret key for this block',
  'verification-failed': 'the keys still differed after error correction (hash check failed)',
  'authentication-failed': 'a message failed authentication',
  'auth-pool-exhausted': 'the pre-shared authentication key ran out',
  'peer-lost': 'the other party stopped answering',
  'protocol-violation': 'a party sent a message out of order or malformed',
  'reconciliation-failed': 'error correction did not converge',
  'timing-failed': 'timing recovery could not lock on the satellite clock',
};
export const abortInWords = (r: string | null) => (r ? (ABORT_WORDS[r] ?? r) : 'unknown reason');

/** Altitude (km) from range and elevation: law of cosines on a spherical Earth (R = 6371 km). */
const altitudeKm = (rangeKm: number, elevationDeg: number) => {
  const R = 6371;
  const e = (elevationDeg * Math.PI) / 180;
  return Math.sqrt(R * R + rangeKm * rangeKm + 2 * R * rangeKm * Math.sin(e)) - R;
};

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
  private readonly history: HTMLElement;
  private readonly sky: SkyPlot;
  private readonly scrub: HTMLInputElement;
  private readonly clock: HTMLElement;
  private readonly playBtn: HTMLButtonElement;
  private readonly warp: HTMLSelectElement;
  private map: MapHandle | null = null;
  private detail: PassDetail | null = null;
  private timer: number | null = null;

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
    this.history = el('div', { id: 'run-history' });
    this.scrub = el('input', { id: 'scrubber', type: 'range', min: '0', max: '0', value: '0', step: '1', 'aria-label': 'time in the pass' });
    this.scrub.addEventListener('input', () => this.setTime(Number(this.scrub.value)));
    this.clock = el('span', { id: 'scrub-time', class: 'status' }, '');
    this.playBtn = el('button', { id: 'play', class: 'primary' }, '▶ play');
    this.playBtn.addEventListener('click', () => this.togglePlay());
    this.warp = el('select', { id: 'warp', 'aria-label': 'time warp' });
    for (const w of [1, 10, 30, 60]) this.warp.append(el('option', { value: String(w) }, `×${w}`));
    this.warp.value = '30';
    const skyBox = el('div', { class: 'sky-box', id: 'sky' });
    this.sky = new SkyPlot(skyBox);
    const timeBar = el('div', { class: 'toolbar timebar' }, this.playBtn, this.warp, this.scrub, this.clock);

    const left = el('div', { class: 'col' }, el('h3', {}, 'Ground track'), this.mapBox, timeBar, el('div', { class: 'grid-sky' }, skyBox, this.passInfo));
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
      grid, el('h3', {}, 'Replay (live)'), this.liveHint, live, this.result, el('h3', {}, 'Run history'), this.history);
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
        { label: 'receiver', color: '#5fd3c4' },
        { label: 'detector', color: '#f78fb3' },
      ],
    });
    this.rateChart = new Chart(live, {
      title: 'Detection and sifted rates',
      xLabel: 'time (s)',
      yLabel: 'rate (kbit/s)',
      series: [
        { label: 'expected detections (k/s)', color: '#7cc4ff', dash: [5, 4] },
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
    const q = new URLSearchParams(location.search);
    for (const k of ['eve', 'reconciliation', 'bound'] as const) {
      const v = q.get(k);
      if (v && [...this.selects[k].options].some((o) => o.value === v)) this.selects[k].value = v;
    }
    const run = q.get('run');
    // a run in the URL opens its own pass (reattach); only without one does the URL's (or the first named) pass open
    if (run) {
      void this.reattach(run);
      return;
    }
    const p = this.meta.presets[0];
    const station = q.get('station') ?? p?.station;
    const pass = q.get('pass') ?? p?.pass;
    if (station && pass) void this.openPass(station, pass);
    void this.refreshHistory();
  }

  /** The page's state in its URL, so a reload comes back to the same pass, settings and run. */
  private saveUrl(run?: string): void {
    const q = new URLSearchParams(location.search);
    if (this.current) {
      q.set('station', this.current.station);
      q.set('pass', this.current.pass);
    }
    for (const k of ['eve', 'reconciliation', 'bound'] as const) q.set(k, this.selects[k].value);
    if (run) q.set('run', run);
    history.replaceState(null, '', `?${q}#replay`);
  }

  /** Follow a run started earlier (e.g. before a reload): its settings, then its events. */
  async reattach(id: string): Promise<void> {
    if (!this.loaded) void this.refreshHistory();
    this.loaded = true;
    try {
      const info = await api.run(id);
      for (const k of ['eve', 'reconciliation', 'bound'] as const) {
        const v = info.params[k];
        if (v) this.selects[k].value = v;
      }
      this.saveUrl(id);
      const named = info.params.preset ? this.meta.presets.find((p) => p.id === info.params.preset) : undefined;
      const station = info.params.station ?? named?.station;
      const pass = info.params.pass ?? named?.pass;
      if (station && pass && (this.current?.station !== station || this.current?.pass !== pass)) void this.openPass(station, pass);
      this.follow(id, info.params.eve);
    } catch (e) {
      this.progressText.textContent = `run ${id}: ${(e as Error).message}`;
    }
  }

  async openPass(station: string, pass: string): Promise<void> {
    this.loaded = true;
    const current = { station, pass };
    this.current = current;
    const named = this.meta.presets.find((p) => p.station === station && p.pass === pass);
    if (named) this.selects.preset.value = named.id;
    this.passInfo.textContent = 'loading pass…';
    let d: PassDetail;
    try {
      d = await api.pass(station, pass);
    } catch (e) {
      if (this.current === current) this.passInfo.textContent = (e as Error).message;
      return;
    }
    // another pass was opened while this one loaded (e.g. a reattached run's): the later one wins
    if (this.current !== current) return;
    this.detail = d;
    this.saveUrl();
    this.map = drawMap(this.mapBox, d.track, d.station);
    const tca = d.samples.reduce((a, b) => (b.elevationDeg > a.elevationDeg ? b : a), d.samples[0]);
    const hKm = tca ? altitudeKm(tca.rangeKm, tca.elevationDeg) : 500;
    for (const st of this.meta.stations) if (st.id !== d.station.id) this.map.addStation(st.name, st.latitudeDeg, st.longitudeDeg);
    this.map.addCircle(d.station.latitudeDeg, d.station.longitudeDeg, coverageAngleDeg(hKm, this.meta.minElevationDeg), 'visibility');
    this.sky.draw(d.samples, { aos: 0, tca: tca?.t ?? 0, los: d.samples[d.samples.length - 1]?.t ?? 0 });
    this.scrub.max = String(Math.max(0, d.samples.length - 1));
    this.setTime(d.samples.indexOf(tca));
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
      d.samples.map((x) => dB(x.etaReceiver)),
      d.samples.map((x) => dB(x.etaDetector)),
    ]);
    const sel = this.meta.presets.find((p) => p.station === station && p.pass === pass);
    if (!sel) this.selects.preset.value = '';
  }

  /** Show the pass at sample `i`: satellite and footprint on the map, on the sky plot, chart cursors. */
  private setTime(i: number): void {
    const d = this.detail;
    if (!d || d.samples.length === 0 || i < 0) return;
    const s = d.samples[Math.min(i, d.samples.length - 1)];
    this.scrub.value = String(i);
    this.clock.textContent = `${new Date(s.timeMs).toISOString().slice(11, 19)} UTC · AOS+${s.t.toFixed(0)} s · el ${s.elevationDeg.toFixed(1)}° az ${s.azimuthDeg.toFixed(0)}°`;
    this.map?.setSatellite(s.satLatitudeDeg, s.satLongitudeDeg, coverageAngleDeg(altitudeKm(s.rangeKm, s.elevationDeg), this.meta.minElevationDeg));
    this.sky.setSatellite(s.azimuthDeg, s.elevationDeg);
    for (const c of [this.geomChart, this.linkChart]) c.setCursorX(s.t);
  }

  private togglePlay(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
      this.playBtn.textContent = '▶ play';
      return;
    }
    const d = this.detail;
    if (!d || d.samples.length < 2) return;
    const stepS = d.samples[1].t - d.samples[0].t;
    if (Number(this.scrub.value) >= d.samples.length - 1) this.setTime(0);
    this.playBtn.textContent = '❚❚ pause';
    const tickMs = 100;
    let acc = 0;
    this.timer = window.setInterval(() => {
      acc += (tickMs / 1000) * Number(this.warp.value);
      const steps = Math.floor(acc / stepS);
      if (steps < 1) return;
      acc -= steps * stepS;
      const next = Number(this.scrub.value) + steps;
      if (next >= d.samples.length - 1) {
        this.setTime(d.samples.length - 1);
        this.togglePlay();
      } else this.setTime(next);
    }, tickMs);
  }

  private setSeries(s: RunSeries): void {
    this.liveHint.style.display = 'none';
    const k = (xs: (number | null)[] | undefined, f: number) => (xs ?? s.t.map(() => null)).map((v) => (v === null ? null : v / f));
    this.rateChart.setData(s.t, [k(s.expectedDetectionRateHz, 1000), k(s.detectionRateHz, 1000), k(s.siftedRateBps, 1000)]);
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
    this.saveUrl(id);
    this.follow(id, this.selects.eve.value);
  }

  private follow(id: string, eve: string): void {
    this.source?.close();
    this.startBtn.disabled = true;
    const src = new EventSource(`api/runs/${id}/events`);
    this.source = src;
    src.addEventListener('progress', (ev) => {
      const p = JSON.parse((ev as MessageEvent).data) as RunProgress;
      this.progressBar.value = p.overall;
      this.progressText.textContent =
        p.stage === 'queued'
          ? `queued: position ${p.queuePosition ?? '?'} (another replay is running)`
          : `${p.stage} ${(p.fraction * 100).toFixed(0)} %${p.stageElapsedS !== undefined ? ` · ${p.stageElapsedS} s in this stage` : ''}`;
    });
    src.addEventListener('series', (ev) => this.setSeries(JSON.parse((ev as MessageEvent).data) as RunSeries));
    src.addEventListener('done', (ev) => {
      const d = JSON.parse((ev as MessageEvent).data) as { summary: RunSummary; results?: ReplayResults };
      src.close();
      this.progressBar.value = 1;
      this.progressText.textContent = d.summary.aborted ? `aborted: ${abortInWords(d.summary.abortReason)}` : 'done';
      this.startBtn.disabled = false;
      this.result.innerHTML = '';
      this.showResult(id, d.summary, eve, d.results);
      void this.refreshHistory();
    });
    src.addEventListener('failed', (ev) => {
      const d = JSON.parse((ev as MessageEvent).data) as { message: string };
      src.close();
      this.progressText.textContent = `failed: ${d.message}`;
      this.startBtn.disabled = false;
      void this.refreshHistory();
    });
  }

  private async refreshHistory(): Promise<void> {
    try {
      const { runs } = await api.runs();
      this.history.innerHTML = '';
      // follow queued and running runs until they end
      if (runs.some((r) => r.status === 'queued' || r.status === 'running')) setTimeout(() => void this.refreshHistory(), 3000);
      this.history.append(runHistoryTable(runs, 'history-table', (r) => void this.reattach(r.id)));
    } catch {
      /* the history is a convenience; the run itself reports its errors */
    }
  }

  private showResult(id: string, s: RunSummary, eve: string, results: ReplayResults | undefined): void {
    const finalKey = el('div', { class: 'big' }, 'Final key: ', el('span', { id: 'final-key', 'data-testid': 'final-key', class: s.finalKeyBits > 0 ? 'ok' : 'bad' }, String(s.finalKeyBits)), ' bits');
    const verdict = s.aborted
      ? el('p', { class: 'error' }, `The protocol aborted: ${abortInWords(s.abortReason)}. No key was stored on either side.`)
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
      if (eve === 'pns' && s.noDecoyKeyBits > 0 && s.finalKeyBits <= 0)
        decoy.append(
          el(
            'p',
            { class: 'error' },
            'A photon-number-splitting eavesdropper mimics the expected signal gain, but the weak-decoy and vacuum gains betray her: the single-photon yield bound collapses and no key is safe. Without decoys the attack would have gone unnoticed.',
          ),
        );
    }
    this.result.append(finalKey, verdict, decoy);
    if (results) this.showResults(results);
    this.result.append(el('p', {}, el('a', { href: `api/runs/${id}/report.html`, target: '_blank' }, 'full report (HTML)')));
  }

  /**
   * The HTML report's results (src/report/replay.ts replayResults, computed by the server from the
   * run): the model/paper − 1 table with the signal-only sifted row, QBER vs time with the paper's
   * mean, the key against the PLOB and ideal-decoy bounds.
   */
  private showResults(r: ReplayResults): void {
    const paper = r.paperSource !== null;
    const head = paper ? ['quantity', 'model', `paper (${r.paperSource})`, 'model/paper − 1'] : ['quantity', 'model'];
    const table = el(
      'table',
      { class: 'compare', id: 'results-compare' },
      el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { class: i ? 'num' : '' }, h)))),
      el(
        'tbody',
        {},
        ...r.comparison.map((c) =>
          el('tr', {}, el('td', {}, c.quantity), el('td', { class: 'num' }, c.model), ...(paper ? [el('td', { class: 'num' }, c.paper), el('td', { class: 'num ratio' }, c.ratio)] : [])),
        ),
      ),
    );
    const limits = el(
      'table',
      { class: 'compare', id: 'results-limits' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', { class: 'num' }, 'bits'), el('th', { class: 'num' }, 'fraction of PLOB'))),
      el('tbody', {}, ...r.limits.map((l) => el('tr', {}, el('td', {}, l.what), el('td', { class: 'num' }, fmtInt(l.bits)), el('td', { class: 'num' }, l.fractionOfPlob === null ? '—' : fmtPct(l.fractionOfPlob))))),
    );
    const charts = el('div', { class: 'grid2', id: 'results-charts' });
    this.result.append(el('h3', {}, paper ? 'Model vs paper' : 'Results'), el('div', { class: 'scroll' }, table), charts, el('h3', {}, 'Key vs fundamental limits'), el('div', { class: 'scroll' }, limits));
    const qber = new Chart(charts, {
      title: paper ? 'QBER per second and the paper\'s mean' : 'QBER per second',
      xLabel: 'time since window start (s)',
      yLabel: 'QBER (%)',
      series: [{ label: 'QBER (%)', color: '#ff6b6b' }, ...(paper && r.qber.paperMeanPct !== null ? [{ label: `published mean (${r.qber.paperMeanPct.toFixed(1)} %)`, color: '#ccd', dash: [6, 4] }] : [])],
    });
    qber.setData(r.qber.t, [r.qber.qberPct, ...(r.qber.paperMeanPct !== null ? [r.qber.t.map(() => r.qber.paperMeanPct)] : [])]);
    const key = new Chart(charts, {
      title: 'Key if the pass ended at t vs PLOB and ideal decoy',
      xLabel: 'time since window start (s)',
      yLabel: 'bits (log)',
      yLog: true,
      series: [
        { label: `finite-key (${r.bound})`, color: '#ffd866' },
        { label: 'PLOB', color: '#ff6b6b', dash: [6, 3] },
        { label: 'ideal decoy', color: '#7cc4ff', dash: [2, 2] },
      ],
    });
    key.setData(r.keyVsLimits.t, [r.keyVsLimits.finiteKeyBits, r.keyVsLimits.plobBits, r.keyVsLimits.idealDecoyBits]);
  }
}
