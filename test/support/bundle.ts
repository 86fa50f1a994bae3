/**
 * Bundle a TypeScript entry point into one ESM file that plain `node` runs (esbuild; npm
 * packages stay external and resolve from node_modules). Used to build the CLI once per test run
 * and small helper scripts that tests run as separate processes, without tsx's start-up cost.
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

export async function bundle(entry: string, outfile: string): Promise<void> {
  mkdirSync(dirname(outfile), { recursive: true });
  // write beside, then rename: another test run building at the same moment never sees half a file
  const tmp = `${outfile}.${process.pid}.tmp`;
  await build({
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  renameSync(tmp, outfile);
}
