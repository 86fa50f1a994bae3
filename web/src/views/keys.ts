/**
 * Keys view: the key inventory per link (satellite–station from replays, station–station from
 * the trusted relay) with each end's store side by side, per site, the relays done, and the run
 * history (which run distilled how much key on which link).
 */
import { api, type KeyInventory, type RunInfo } from '../api.js';
import { el, fmtInt, fmtTime, stackable } from '../dom.js';
import { runHistoryTable } from '../run-history.js';

export class KeysView {
  private readonly body: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly onShowRun: (run: RunInfo) => void,
  ) {
    const refresh = el('button', { class: 'primary', id: 'keys-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.refresh());
    this.body = el('div', { id: 'keys-body' });
    root.append(
      el('h2', {}, 'Key inventory'),
      el('p', { class: 'hint' }, 'Keys distilled by replays, per link and per site key store (SQLite), as the ETSI GS QKD 014 key managers serve them. Each end of a link keeps its own copy; the first 256 bits of every block are its key-ID key and are never delivered.'),
      el('div', { class: 'toolbar' }, refresh),
      this.body,
    );
  }

  async refresh(): Promise<void> {
    this.body.innerHTML = 'loading…';
    try {
      const [inv, { runs }] = await Promise.all([api.keys(), api.runs()]);
      this.body.innerHTML = '';
      this.body.append(el('h3', {}, 'Per link'), this.linksTable(inv), el('h3', {}, 'Per site'), this.sitesTable(inv), el('h3', {}, 'Trusted relay'));
      if (!inv.relays.length) this.body.append(el('p', { class: 'hint' }, 'No relayed keys yet (mozi relay --from xinglong --to graz).'));
      else for (const r of inv.relays) this.body.append(el('p', {}, `${r.from} ⇄ ${r.to}: ${fmtInt(r.keys)} keys, ${fmtInt(r.bits)} bits (${r.at})`));
      this.body.append(el('h3', {}, 'Run history'), runHistoryTable(runs, 'keys-runs', this.onShowRun));
    } catch (e) {
      this.body.innerHTML = '';
      this.body.append(el('p', { class: 'error' }, (e as Error).message));
    }
  }

  private linksTable(inv: KeyInventory): HTMLElement {
    const tb = el('tbody');
    for (const l of inv.links) {
      l.ends.forEach((e, i) =>
        tb.append(
          el(
            'tr',
            { 'data-link': `${l.a}~${l.b}`, 'data-site': e.site, class: i === 0 ? 'link-first' : 'link-next' },
            el('td', {}, i === 0 ? `${l.a} ⇄ ${l.b}` : ''),
            el('td', {}, i === 0 ? (l.kind === 'station-station' ? 'relay (ground–ground)' : 'satellite–ground') : ''),
            el('td', {}, e.site),
            el('td', { class: 'num' }, fmtInt(e.blocks)),
            el('td', { class: 'num' }, fmtInt(e.distilledBits)),
            el('td', { class: 'num' }, fmtInt(e.availableKeys)),
            el('td', { class: 'num' }, fmtInt(e.availableBits)),
            el('td', { class: 'num' }, fmtInt(e.deliveredKeys)),
            el('td', {}, e.lastBlockAt ? fmtTime(e.lastBlockAt).slice(0, 19) : '—'),
          ),
        ),
      );
    }
    if (!inv.links.length) tb.append(el('tr', {}, el('td', { colspan: '9' }, 'No keys yet: run a replay first.')));
    return el(
      'div',
      { class: 'scroll' },
      stackable(el('table', { class: 'keys', id: 'keys-links' }, el('thead', {}, el('tr', {}, ...['Link', 'Kind', 'Store at', 'Blocks', 'Distilled bits', 'Keys available', 'Bits available', 'Keys delivered', 'Last block (UTC)'].map((h) => el('th', {}, h)))), tb)),
    );
  }

  private sitesTable(inv: KeyInventory): HTMLElement {
    const t = el('table', { class: 'keys', id: 'keys-table' });
    t.append(el('thead', {}, el('tr', {}, ...['Site', 'Peers', 'Key blocks', 'Keys available', 'Bits available', 'Keys delivered'].map((h) => el('th', {}, h)))));
    const tb = el('tbody');
    for (const s of inv.sites) {
      tb.append(
        el(
          'tr',
          {},
          el('td', {}, s.site),
          el('td', {}, s.peers.join(', ') || '—'),
          el('td', { class: 'num' }, fmtInt(s.blocks)),
          el('td', { class: 'num' }, fmtInt(s.storedKeys)),
          el('td', { class: 'num' }, fmtInt(s.storedBits)),
          el('td', { class: 'num' }, fmtInt(s.deliveredKeys)),
        ),
      );
    }
    if (!inv.sites.length) tb.append(el('tr', {}, el('td', { colspan: '6' }, 'No key stores yet: run a replay first.')));
    t.append(tb);
    return el('div', { class: 'scroll' }, stackable(t));
  }
}
