/** Passes view: upcoming and past passes per station, night flag, max elevation, predicted key. */
import { api, type Meta, type PassRow } from '../api.js';
import { el, fmtInt, fmtTime } from '../dom.js';

export class PassesView {
  private readonly table: HTMLTableSectionElement;
  private readonly status: HTMLElement;

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
    root.append(
      el('h2', {}, `Passes of ${meta.mission.satellite}`),
      el('p', { class: 'hint' }, `Mission ${meta.mission.name}. SGP4 from the mission's element sets (the nearest epoch for each pass). Predicted key: the finite-key bound on the link model's expected counts with the station's own receiver (Chernoff, as mozi keyrate --predict).`),
      form,
      el('div', { class: 'scroll' }, table),
    );
    const run = async () => {
      this.status.textContent = 'searching…';
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
    void run();
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
