/**
 * Serves the built dashboard (web/dist) from the same process as the API, with @fastify/static
 * (content types, ETag/Last-Modified, ranges, path checks). Unknown GET paths get index.html (the
 * page routes itself); hashed files under assets/ are cached for a year. If the page has not been
 * built yet (fresh clone), `mozi serve` builds it once with Vite on first start.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';

export const WEB_ROOT = join(packageRoot(import.meta.url), 'web');
export const WEB_DIST = join(WEB_ROOT, 'dist');

/** Newest modification time under web/src and web/index.html, to rebuild a stale bundle. */
function newestSourceMs(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const name of readdirSafe(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else newest = Math.max(newest, st.mtimeMs);
    }
  };
  walk(join(WEB_ROOT, 'src'));
  newest = Math.max(newest, statSync(join(WEB_ROOT, 'index.html')).mtimeMs);
  return newest;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Build web/dist with Vite if it is missing or older than the sources. */
export async function ensureWebBuilt(log: (m: string) => void = () => undefined): Promise<void> {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSourceMs()) return;
  log('serve: building the dashboard with Vite (first start)…');
  const { build } = await import('vite');
  await build({ configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/** Serve `root` (default web/dist) at `/`; 503 with a message while it has no index.html. */
export async function registerStatic(app: FastifyInstance, root: string = WEB_DIST): Promise<void> {
  // Vite's hashed bundles: a changed file gets a new name, so they never need revalidating.
  await app.register(fastifyStatic, { root: join(root, 'assets'), prefix: '/assets/', maxAge: '365d', immutable: true, dotfiles: 'deny' });
  await app.register(fastifyStatic, { root, prefix: '/', index: 'index.html', dotfiles: 'deny', decorateReply: false });
  app.setNotFoundHandler((req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply.code(404).send({ message: 'not found' });
    if (!existsSync(join(root, 'index.html'))) return reply.code(503).send({ message: 'dashboard not built: run npm run build:web' });
    return reply.type('text/html; charset=utf-8').sendFile('index.html', root);
  });
}
