/** Key inventory per site from the key stores, and relay status. */
import { api } from '../api.js';
import { el, fmtInt } from '../dom.js';

export class KeysView {
  private readonly body: HTMLElement;

  constructor(root: HTMLElement) {
    const refresh = el('button', { class: 'primary', id: 'keys-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.refresh());
    this.body = el('div', { id: 'keys-body' });
    root.append(
      el('h2', {}, 'Key inventory'),
      el('p', { class: 'hint' }, 'Keys distilled by replays, per site key store (SQLite), as the ETSI GS QKD 014 key managers serve them.'),
      el('div', { class: 'toolbar' }, refresh),
      this.body,
    );
  }

  async refresh(): Promise<void> {
    this.body.innerHTML = 'loading…';
    try {
      const inv = await api.keys();
      this.body.innerHTML = '';
      const t = el('table', { class: 'keys', id: 'keys-table' });
      t.append(
        el('thead', {}, el('tr', {}, ...['Site', 'Peers', 'Key blocks', 'Keys available', 'Bits available', 'Keys delivered'].map((h) => el('th', {}, h)))),
      );
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
      this.body.append(t);
      this.body.append(el('h3', {}, 'Trusted relay'));
      if (!inv.relays.length) this.body.append(el('p', { class: 'hint' }, 'No relayed keys yet (mozi relay --from xinglong --to graz).'));
      else
        for (const r of inv.relays)
          this.body.append(el('p', {}, `${r.from} ⇄ ${r.to}: ${fmtInt(r.keys)} keys, ${fmtInt(r.bits)} bits (${r.at})`));
    } catch (e) {
      this.body.innerHTML = '';
      this.body.append(el('p', { class: 'error' }, (e as Error).message));
    }
  }
}
