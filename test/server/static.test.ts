/** The dashboard's static files (src/server/static.ts, @fastify/static) on a throw-away web root. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerStatic } from '../../src/server/static.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-static-'));
const root = join(dir, 'dist');
let app: FastifyInstance;
let bare: FastifyInstance;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Mozi</title>');
  writeFileSync(join(root, 'assets', 'main-abc123.js'), 'console.log(1);');
  writeFileSync(join(root, 'assets', 'style-abc123.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'outside the web root');
  app = Fastify();
  app.get('/api/meta', async () => ({ ok: true }));
  await registerStatic(app, root);
  bare = Fastify();
  await registerStatic(bare, join(dir, 'not-built'));
});
afterAll(async () => {
  await app.close();
  await bare.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('static dashboard files', () => {
  it('serves index.html at / and hashed assets with their type, cached for a year', async () => {
    const home = await app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.body).toContain('<title>Mozi</title>');
    const js = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await app.inject({ method: 'GET', url: '/assets/style-abc123.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('answers unknown GET paths with the page (it routes itself), API routes untouched', async () => {
    const r = await app.inject({ method: 'GET', url: '/passes/xinglong' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<title>Mozi</title>');
    expect((await app.inject({ method: 'GET', url: '/api/meta' })).json()).toEqual({ ok: true });
    expect((await app.inject({ method: 'POST', url: '/nowhere' })).statusCode).toBe(404);
  });

  it('never serves a file outside the web root', async () => {
    for (const url of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.body, url).not.toContain('outside the web root');
    }
  });

  it('503 with a message while the page is not built', async () => {
    const r = await bare.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ message: 'dashboard not built: run npm run build:web' });
  });
});
