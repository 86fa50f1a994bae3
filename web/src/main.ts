/** Mozi dashboard: tabs for passes, a pass with its live replay, and the key inventory. */
import './style.css';
import { api, type Meta } from './api.js';
import { PassesView } from './views/passes.js';
import { ReplayView } from './views/replay.js';
import { KeysView } from './views/keys.js';
import { PlanView } from './views/plan.js';

function show(view: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('nav .tab')) b.classList.toggle('active', b.dataset.view === view);
  for (const s of document.querySelectorAll<HTMLElement>('main .view')) s.classList.toggle('active', s.id === `view-${view}`);
}

async function start(): Promise<void> {
  let meta: Meta;
  try {
    meta = await api.meta();
  } catch (e) {
    document.querySelector('main')!.innerHTML = `<p class="error">Cannot reach the Mozi server: ${(e as Error).message}</p>`;
    return;
  }
  const replay = new ReplayView(document.getElementById('view-replay')!, meta);
  const keys = new KeysView(document.getElementById('view-keys')!, (run) => {
    show('replay');
    void replay.reattach(run.id);
  });
  const openPass = (station: string, passIso: string) => {
    show('replay');
    void replay.openPass(station, passIso);
  };
  new PassesView(document.getElementById('view-passes')!, meta, openPass);
  const plan = new PlanView(document.getElementById('view-plan')!, openPass, meta.hasPlan);
  for (const b of document.querySelectorAll<HTMLButtonElement>('nav .tab')) {
    b.addEventListener('click', () => {
      const v = b.dataset.view!;
      show(v);
      if (v === 'keys') void keys.refresh();
      if (v === 'plan') void plan.load();
      if (v === 'replay') replay.ensureLoaded();
    });
  }
  const fromHash = () => {
    const hash = location.hash.replace('#', '');
    if (hash === 'replay' || hash === 'keys' || hash === 'plan' || hash === 'passes') {
      show(hash);
      if (hash === 'replay') replay.ensureLoaded();
      else if (hash === 'plan') void plan.load();
      else if (hash === 'keys') void keys.refresh();
    }
  };
  window.addEventListener('hashchange', fromHash);
  fromHash();
}

void start();
