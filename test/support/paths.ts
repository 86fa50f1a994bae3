/** Paths shared by the test helpers. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI bundle (named mozi.js: src/cli/main.ts runs main() when argv[1] is main.ts or mozi.js) that test/support/build-cli.ts (vitest globalSetup) builds once per run. */
export const CLI_BUNDLE = join(ROOT, 'dist', 'test-cli', 'mozi.js');
/** Where tests bundle their helper scripts (inside the repository, so npm packages resolve). */
export const SCRIPTS_DIR = join(ROOT, 'dist', 'test-scripts');
