/** The runs of this server (GET /api/runs, newest first) as a table; the Replay and Keys views show it. */
import type { RunInfo } from './api.js';
import { el, fmtInt } from './dom.js';

export function runHistoryTable(runs: RunInfo[], id: string, onShow: (run: RunInfo) => void): HTMLElement {
  if (runs.length === 0) return el('p', { class: 'hint' }, 'No runs yet.');
  const body = el('tbody');
  for (const r of runs) {
    const show = el('button', { class: 'link' }, 'show');
    show.addEventListener('click', () => onShow(r));
    const s = r.summary;
    const link = s?.pass ? `${s.pass.satellite} ⇄ ${s.pass.station}` : (r.params.station ?? r.params.preset ?? '');
    const key = s ? (s.aborted ? `0 (aborted)` : fmtInt(s.finalKeyBits)) : '—';
    const report = r.status === 'done' ? el('a', { href: `api/runs/${r.id}/report.html`, target: '_blank' }, 'report') : '';
    body.append(
      el(
        'tr',
        { 'data-run': r.id, 'data-status': r.status },
        el('td', {}, r.startedAt.slice(0, 19).replace('T', ' ')),
        el('td', {}, link),
        el('td', {}, r.params.pass ?? s?.pass?.tcaUtc.slice(0, 10) ?? ''),
        el('td', {}, r.params.eve),
        el('td', {}, r.status === 'queued' && r.queuePosition ? `queued (${r.queuePosition})` : r.status),
        el('td', { class: 'num' }, key),
        el('td', {}, show, ' ', report),
      ),
    );
  }
  return el('div', { class: 'scroll' }, el('table', { id, class: 'runs' }, el('thead', {}, el('tr', {}, ...['started (UTC)', 'link', 'pass', 'eve', 'status', 'final key (bits)', ''].map((h) => el('th', {}, h)))), body));
}
