/** Spawn `mozi kme` as a real process and wait until it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnedKme {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
}

export function spawnKme(args: string[]): Promise<SpawnedKme> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'kme', ...args, '--json', '--listen', '127.0.0.1:0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const doc = JSON.parse(out) as { url: string };
        resolve({ proc, url: doc.url, stderr: () => err });
      } catch {
        /* not complete yet */
      }
    });
    proc.on('exit', (code) => reject(new Error(`kme exited with ${code}: ${err}`)));
  });
}

export function waitExit(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
}
