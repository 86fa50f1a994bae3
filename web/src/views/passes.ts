/**
 * Passes view: a timeline of every pass over all the mission's stations (night/day, predicted key,
 * weather-expected key with a weather table; click a pass to open it), then the passes of one
 * station as a table with night flag, max elevation and predicted key.
 */
import { api, type Meta, type MetaStation, type PassRow, type TimelineResponse } from '../api.js';
import { el, fmtInt, fmtTime } from '../dom.js';
import { mountTimeline } from '../timeline.js';

export class PassesView {
  private readonly table: HTMLTableSectionElement;
  private readonly status: HTMLElement;
  private readonly timelineBox: HTMLElement;
  private readonly timelineNote: HTMLElement;

  constructor(
    root: HTMLElement,
    meta: Meta,
    private readonly onOpen: (station: string, aosIso: string) => void,
  ) {
    const station = el('select', { id: 'passes-station' });
    for (const s of meta.stations) station.append(el('option', { value: s.id }, s.name));
    const from = el('input', { id: 'passes-from', type: 'date', value: '2016-12-18' });
    const to = el('input', { id: 'passes-to', type: 'date', value: '2016-12-22' });
    const night = el('input', { id: 'passes-night', type: 'checkbox' });
    (night as HTMLInputElement).checked = true;
    const go = el('button', { id: 'passes-find', class: 'primary' }, 'Find passes');
    this.status = el('span', { class: 'status' });
    const form = el(
      'div',
      { class: 'toolbar' },
      el('label', {}, 'Station ', station),
      el('label', {}, 'From ', from),
      el('label', {}, 'To ', to),
      el('label', {}, night, ' night only'),
      go,
      this.status,
    );
    const table = el(
      'table',
      { class: 'passes', id: 'passes-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['AOS (UTC)', 'TCA (UTC)', 'LOS (UTC)', 'Max elev. (°)', 'Min range (km)', 'Duration (s)', 'Night', 'Sun at TCA (°)', 'Predicted key (bits)', ''].map(
            (h) => el('th', {}, h),
          ),
        ),
      ),
    );
    this.table = el('tbody');
    table.append(this.table);
    this.timelineBox = el('div', { class: 'timeline-box scroll', id: 'timeline-box' });
    this.timelineNote = el('p', { class: 'hint', id: 'timeline-note' });
    const legend = el(
      'p',
      { class: 'hint legend' },
      el('span', { class: 'swatch night' }), ' night pass ',
      el('span', { class: 'swatch day' }), ' daylight pass ',
      el('span', { class: 'swatch off' }), ' not operated (outside the mission\'s night-only constraint); brighter = more key. Click a pass to open and replay it.',
    );
    root.append(
      el('h2', {}, `Passes of ${meta.mission.satellite}`),
      el('p', { class: 'hint' }, `Mission ${meta.mission.name}. SGP4 from the mission's element sets (the nearest epoch for each pass). Predicted key: the finite-key bound on the link model's expected counts with the station's own receiver (Chernoff, as mozi keyrate --predict).`),
      form,
      el('h3', {}, 'All stations'),
      legend,
      this.timelineBox,
      this.timelineNote,
      el('h3', { id: 'passes-station-title' }, 'One station'),
      el('div', { class: 'scroll' }, table),
    );
    const runTimeline = async () => {
      this.timelineNote.textContent = 'computing the passes of every station…';
      try {
        this.renderTimeline(await api.timeline(`${(from as HTMLInputElement).value}T00:00:00Z`, `${(to as HTMLInputElement).value}T00:00:00Z`));
      } catch (e) {
        this.timelineBox.innerHTML = '';
        this.timelineNote.textContent = (e as Error).message;
        this.timelineNote.classList.add('error');
      }
    };
    const run = async () => {
      void runTimeline();
      const st = meta.stations.find((x) => x.id === (station as HTMLSelectElement).value);
      document.getElementById('passes-station-title')!.textContent = `Passes over ${st?.name ?? 'one station'}`;
      this.status.textContent = 'searching…';
      this.status.classList.remove('error');
      this.table.innerHTML = '';
      try {
        const { passes } = await api.passes(
          (station as HTMLSelectElement).value,
          `${(from as HTMLInputElement).value}T00:00:00Z`,
          `${(to as HTMLInputElement).value}T00:00:00Z`,
          (night as HTMLInputElement).checked,
        );
        this.render(passes);
        this.status.textContent = `${passes.length} passes`;
      } catch (e) {
        this.status.textContent = (e as Error).message;
        this.status.classList.add('error');
      }
    };
    go.addEventListener('click', () => void run());
    root.append(this.stationForm(meta, async (st) => {
      meta.stations.push(st);
      station.append(el('option', { value: st.id }, st.name));
      (station as HTMLSelectElement).value = st.id;
      await run();
    }));
    void run();
  }

  /** Add a station by name, latitude, longitude and altitude (POST /api/stations): it joins the pass search, the timeline and replays. */
  private stationForm(meta: Meta, onAdded: (st: MetaStation) => Promise<void>): HTMLElement {
    const num = (id: string, label: string, attrs: Record<string, string>) => {
      const i = el('input', { id, type: 'number', step: 'any', required: '', ...attrs });
      return { input: i as HTMLInputElement, label: el('label', {}, label, ' ', i) };
    };
    const name = el('input', { id: 'station-name', type: 'text', required: '', maxlength: '40', placeholder: 'e.g. Stellenbosch', size: '14' }) as HTMLInputElement;
    const lat = num('station-lat', 'Latitude (°N)', { min: '-90', max: '90', placeholder: '-33.93' });
    const lon = num('station-lon', 'Longitude (°E)', { min: '-180', max: '180', placeholder: '18.86' });
    const alt = num('station-alt', 'Altitude (m)', { min: '-500', max: '9000', value: '0' });
    const rx = el('select', { id: 'station-receiver' }, el('option', { value: '' }, 'reference 1 m (dark site)'), ...meta.stations.map((s) => el('option', { value: s.id }, `as ${s.name} (${s.apertureM} m)`))) as HTMLSelectElement;
    const add = el('button', { id: 'station-add', class: 'primary', type: 'submit' }, 'Add station');
    const status = el('span', { class: 'status', id: 'station-status' });
    const form = el('form', { class: 'toolbar station-form', id: 'station-form' }, el('label', {}, 'Name ', name), lat.label, lon.label, alt.label, el('label', {}, 'Receiver ', rx), add, status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void (async () => {
        status.classList.remove('error');
        status.textContent = 'adding…';
        try {
          const st = await api.addStation({
            name: name.value,
            latitudeDeg: Number(lat.input.value),
            longitudeDeg: Number(lon.input.value),
            altitudeM: Number(alt.input.value || 0),
            ...(rx.value ? { receiverOf: rx.value } : {}),
          });
          status.textContent = `added ${st.name} (${st.id})`;
          await onAdded(st);
        } catch (e) {
          status.textContent = (e as Error).message;
          status.classList.add('error');
        }
      })();
    });
    return el('div', {}, el('h3', {}, 'Add a ground station'), el('p', { class: 'hint' }, 'A station of your own: its passes join the timeline and the list, and any of them can be opened and replayed end to end with the chosen receiver.'), form);
  }

  private renderTimeline(t: TimelineResponse): void {
    this.timelineNote.classList.remove('error');
    const name = (id: string) => t.stations.find((s) => s.id === id)?.name ?? id;
    mountTimeline(this.timelineBox, {
      id: 'passes-timeline',
      from: t.from,
      to: t.to,
      rows: t.stations.map((s) => ({ id: s.id, label: s.name })),
      bars: t.passes.map((p) => ({
        station: p.station,
        aos: p.aos,
        los: p.los,
        night: p.night,
        operable: p.operable,
        keyBits: p.expectedKeyBits ?? p.predictedKeyBits,
        title: p.operable
          ? `${p.satellite} over ${name(p.station)}, AOS ${fmtTime(p.aos)}, ${p.night ? 'night' : 'daylight'}, max elevation ${p.maxElevationDeg.toFixed(0)}°, predicted key ${fmtInt(p.predictedKeyBits)} bits` +
            (p.expectedKeyBits !== null ? `, weather-expected ${fmtInt(p.expectedKeyBits)} bits (cloud-free ${((p.cloudFreeProbability ?? 1) * 100).toFixed(0)} %)` : '')
          : `${p.satellite} over ${name(p.station)}, AOS ${fmtTime(p.aos)}, daylight, max elevation ${p.maxElevationDeg.toFixed(0)}°: not operated (the mission works at night only), no key`,
        data: { key: String(p.predictedKeyBits), operable: String(p.operable), ...(p.expectedKeyBits !== null ? { expected: String(p.expectedKeyBits) } : {}) },
      })),
      onOpen: this.onOpen,
    });
    const night = t.passes.filter((p) => p.night);
    const off = t.passes.filter((p) => !p.operable);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    this.timelineNote.textContent =
      `${t.passes.length} passes over ${t.stations.length} stations (${night.length} at night, ${t.passes.length - night.length} in daylight` +
      (off.length ? `, of which ${off.length} not operated: the mission works at night only` : '') +
      `); predicted key of all passes ${fmtInt(sum(t.passes.map((p) => p.predictedKeyBits)))} bits` +
      (t.weather !== null ? `, weather-expected ${fmtInt(sum(t.passes.map((p) => p.expectedKeyBits ?? 0)))} bits (weather: ${t.weather}).` : '; no weather table (mozi serve --weather FILE|default for the weather-expected key).') +
      ' Passes of one satellite that overlap compete for it: the Plan view schedules them.';
  }

  private render(passes: PassRow[]): void {
    for (const p of passes) {
      const open = el('button', { class: 'link' }, 'open');
      open.addEventListener('click', () => this.onOpen(p.station, p.aos));
      this.table.append(
        el(
          'tr',
          { class: p.night ? 'night' : 'day' },
          el('td', {}, fmtTime(p.aos)),
          el('td', {}, fmtTime(p.tca)),
          el('td', {}, fmtTime(p.los)),
          el('td', { class: 'num' }, p.maxElevationDeg.toFixed(1)),
          el('td', { class: 'num' }, p.minRangeKm.toFixed(0)),
          el('td', { class: 'num' }, p.durationS.toFixed(0)),
          el('td', {}, p.night ? 'night' : 'day'),
          el('td', { class: 'num' }, p.sunElevationDegAtTca.toFixed(1)),
          el('td', { class: 'num' }, p.predictedKeyBits === undefined ? '…' : fmtInt(p.predictedKeyBits)),
          el('td', {}, open),
        ),
      );
    }
  }
}
