/**
 * Shared set-up of the browser tests: the Debian chromium (MOZI_CHROMIUM overrides; with
 * MOZI_REQUIRE_BROWSER set a missing browser is an error, not a skip), a `mozi serve` on a free
 * port, and a headless chromium launched through playwright-core.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { spawnCli } from './cli.js';

export const CHROMIUM = process.env.MOZI_CHROMIUM ?? '/usr/bin/chromium';
export const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.MOZI_REQUIRE_BROWSER) throw new Error(`MOZI_REQUIRE_BROWSER is set but ${CHROMIUM} is missing`);
if (!hasBrowser) console.warn(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium, or set MOZI_CHROMIUM)`);

/** `mozi serve --port 0 …args`; resolves with the server and its base URL once it listens. */
export async function startServe(args: string[], opts: { cwd?: string } = {}): Promise<{ server: ChildProcess; base: string }> {
  const server = spawnCli(['serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: opts.cwd });
  const base = await new Promise<string>((resolve, reject) => {
    let err = '';
    server.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /dashboard at (http:\/\/[^/\s]+)\//.exec(err);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { server, base };
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Elements of the page that stick out sideways at the current viewport, as "tag#id.class
 * (left–right, of limit)" descriptors: an element counts when it reaches more than 1 px beyond
 * the window's width (or left of 0), or beyond the box of an ancestor that clips or scrolls its
 * overflow (overflow-x not visible), since that part is then cut off or only reachable by
 * scrolling sideways inside the page. Hidden elements (display none, zero size) and the shapes
 * inside an SVG drawing (clipped at its edge by design) are skipped.
 */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const all = document.body.querySelectorAll('*');
    for (let i = 0; i < all.length; i++) {
      const e = all[i];
      // shapes inside a drawing are cut at its edge by design (a map's circles); the drawing itself counts
      if (e.parentElement?.closest('svg')) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let lo = 0;
      let hi = window.innerWidth;
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX === 'visible') continue;
        const ar = a.getBoundingClientRect();
        lo = Math.max(lo, ar.left);
        hi = Math.min(hi, ar.right);
      }
      if (r.left < lo - 1 || r.right > hi + 1) {
        const id = e.id ? `#${e.id}` : '';
        const cls = typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
        out.push(`${e.tagName.toLowerCase()}${id}${cls} (${Math.round(r.left)}–${Math.round(r.right)}, of ${Math.round(lo)}–${Math.round(hi)})`);
      }
    }
    return out;
  });
}
