/**
 * Serves the built dashboard (web/dist) from the same process as the API. If the page has not been
 * built yet (fresh clone), it is built once with Vite on first start.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));
export const WEB_DIST = join(WEB_ROOT, 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

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

export function registerStatic(app: FastifyInstance): void {
  const root = resolve(WEB_DIST);
  app.get('/*', async (req, reply) => {
    const url = (req.params as { '*': string })['*'] || 'index.html';
    const target = normalize(join(root, decodeURIComponent(url.split('?')[0])));
    if (!target.startsWith(root + sep) && target !== root) return reply.code(404).send({ message: 'not found' });
    let file = target;
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) return reply.code(503).send({ message: 'dashboard not built: run npm run build:web' });
    reply.header('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    if (file.includes(`${sep}assets${sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.send(readFileSync(file));
  });
}
