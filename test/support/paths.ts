/** Paths shared by the test helpers. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI bundle that test/support/build-cli.ts (vitest globalSetup) builds once per run. */
export const CLI_BUNDLE = join(ROOT, 'dist', 'test-cli', 'main.js');
/** Where tests bundle their helper scripts (inside the repository, so npm packages resolve). */
export const SCRIPTS_DIR = join(ROOT, 'dist', 'test-scripts');
