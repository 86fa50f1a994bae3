/** Spawn `mozi kme` as a real process and wait until it listens. */
import type { ChildProcess } from 'node:child_process';
import { spawnCli } from '../support/cli.js';

export interface SpawnedKme {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
}

export function spawnKme(args: string[]): Promise<SpawnedKme> {
  const proc = spawnCli(['kme', ...args, '--json', '--listen', '127.0.0.1:0']);
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
