/**
 * End-to-end test of the dashboard in a real browser (Debian chromium driven by playwright-core):
 * open the page, pick the Micius reference pass, start a replay, watch progress, and check the
 * final key shown equals report.json's; check the map and charts rendered. Screenshots of each
 * view go to test-output/screenshots/ (not committed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hasBrowser, launchChromium, startServe } from '../support/dashboard-browser.js';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');

describe.skipIf(!hasBrowser)('dashboard in headless chromium', () => {
  let server: ChildProcess;
  let base = '';
  let browser: Browser;
  let page: Page;
  let dataDir = '';
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'mozi-e2e-'));
    ({ server, base } = await startServe(['--data', dataDir]));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists passes of the reference week with the night flag and predicted key', async () => {
    await page.goto(base + '/');
    await page.waitForSelector('#passes-table tbody tr');
    const rows = await page.$$eval('#passes-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(rows.length).toBeGreaterThan(2);
    // the reference pass: TCA 2016-12-19 ~16:52 UTC, max elevation ~48°
    const ref = rows.find((r) => r[1].startsWith('2016-12-19 16:5'));
    expect(ref).toBeDefined();
    expect(Number(ref![3])).toBeGreaterThan(45);
    expect(ref![6]).toBe('night');
    expect(Number(ref![8].replace(/,/g, ''))).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'passes.png'), fullPage: true });
  });

  it('shows the pass: ground track on the map and geometry/link charts', async () => {
    await page.click('nav .tab[data-view="replay"]');
    await page.waitForSelector('#map svg path.track');
    const land = await page.$$eval('#map svg path.land', (ps) => ps.map((p) => (p.getAttribute('d') ?? '').length));
    expect(land[0]).toBeGreaterThan(1000);
    const track = await page.$eval('#map svg path.track', (p) => (p.getAttribute('d') ?? '').length);
    expect(track).toBeGreaterThan(50);
    await page.waitForSelector('.chart canvas');
    const painted = await page.$$eval('.chart canvas', (cs) =>
      cs.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext('2d');
        if (!ctx || !canvas.width) return 0;
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
        return n;
      }),
    );
    expect(painted.filter((n) => n > 500).length).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SHOTS, 'pass.png'), fullPage: true });
  });

  it('runs a replay with live progress; the final key equals report.json', async () => {
    await page.selectOption('#run-preset', 'micius-2016-12-19');
    await page.selectOption('#run-eve', 'none');
    const runResponse = page.waitForResponse((r) => r.url().endsWith('/api/runs') && r.request().method() === 'POST');
    await page.click('#run-start');
    const { id } = (await (await runResponse).json()) as { id: string };
    // progress moves
    await page.waitForFunction(() => Number((document.querySelector('#run-progress') as HTMLProgressElement).value) > 0, undefined, { timeout: 120_000 });
    await page.screenshot({ path: join(SHOTS, 'replay-running.png'), fullPage: true });
    await page.waitForSelector('#final-key', { timeout: 280_000 });
    const shown = Number((await page.textContent('#final-key'))!.trim());
    const report = (await (await fetch(`${base}/api/runs/${id}/report`)).json()) as { finalKeyBits: number };
    expect(shown).toBe(report.finalKeyBits);
    expect(shown).toBeGreaterThan(0);
    // the results panel at the HTML report's level: its model/paper rows (signal-only sifted row
    // against the paper's sifted figure), QBER with the paper's mean, key vs PLOB and ideal decoy
    const results = (await (await fetch(`${base}/api/runs/${id}/results`)).json()) as { paperSource: string; comparison: { quantity: string; model: string; paper: string; ratio: string }[] };
    expect(results.paperSource).toMatch(/Liao et al/);
    const rows = await page.$$eval('#results-compare tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(rows).toEqual(results.comparison.map((c) => [c.quantity, c.model, c.paper, c.ratio]));
    const signal = rows.find((r) => r[0] === 'sifted bits, signal μ only')!;
    expect(signal[2]).toBe('1,671,072');
    // model/paper − 1 recomputed from the shown numbers
    const ratio = Number(signal[1]!.replace(/,/g, '')) / 1671072 - 1;
    expect(Number(signal[3]!.replace(/[+ %]/g, ''))).toBeCloseTo(ratio * 100, 1);
    expect(await page.$$eval('#results-charts .chart', (cs) => cs.map((c) => (c as HTMLElement).dataset.chart))).toEqual(["QBER per second and the paper's mean", 'Key if the pass ended at t vs PLOB and ideal decoy']);
    expect(await page.$$eval('#results-limits tbody tr td:nth-child(2)', (tds) => Number(tds[0].textContent!.replace(/,/g, '')))).toBe(report.finalKeyBits);
    await page.screenshot({ path: join(SHOTS, 'replay-done.png'), fullPage: true });
  }, 400_000);

  it('shows the key inventory of both sites after the replay', async () => {
    await page.click('nav .tab[data-view="keys"]');
    await page.waitForSelector('#keys-table tbody tr td.num');
    const sites = await page.$$eval('#keys-table tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')?.textContent));
    expect(sites).toEqual(expect.arrayContaining(['micius', 'xinglong']));
    await page.screenshot({ path: join(SHOTS, 'keys.png'), fullPage: true });
  });

  it('without a plan the Plan view says how to load one, and the console stays free of errors', async () => {
    await page.click('nav .tab[data-view="plan"]');
    await page.waitForSelector('#plan-none');
    expect(await page.textContent('#plan-none')).toMatch(/mozi serve --plan/);
    expect(errors).toEqual([]);
  });
});
