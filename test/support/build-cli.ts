/**
 * vitest globalSetup: bundle src/cli/main.ts once per test run into dist/test-cli/mozi.js, so
 * that every test spawning the CLI starts plain `node` on it (≈ 0.3 s a call) instead of tsx
 * compiling the sources again in each child (≈ 0.6 s with `node --import tsx`, ≈ 0.9 s with
 * `npx tsx`, far more on a loaded machine). See test/support/cli.ts.
 */
import { join } from 'node:path';
import { bundle } from './bundle.js';
import { CLI_BUNDLE, ROOT } from './paths.js';

export default async function setup(): Promise<void> {
  await bundle(join(ROOT, 'src', 'cli', 'main.ts'), CLI_BUNDLE);
}
