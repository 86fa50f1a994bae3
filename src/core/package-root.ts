/**
 * The directory of the installed Mozi package (the one holding its package.json), found by
 * walking up from a module's URL. Files that live beside the sources (web/, bench/, the dashboard
 * worker) are located from it, so they are found whether the code runs from `src/` through tsx
 * or from a bundle elsewhere in the package (e.g. the tests' `dist/test-cli/`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string>();

export function packageRoot(fromUrl: string = import.meta.url): string {
  const hit = cache.get(fromUrl);
  if (hit) return hit;
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mozi') {
      cache.set(fromUrl, dir);
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of mozi above ${fileURLToPath(fromUrl)}`);
    dir = up;
  }
}
