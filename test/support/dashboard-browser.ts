/**
 * Shared set-up of the browser tests: the Debian chromium (MOZI_CHROMIUM overrides; with
 * MOZI_REQUIRE_BROWSER set a missing browser is an error, not a skip), a `mozi serve` on a free
 * port, and a headless chromium launched through playwright-core.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
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
