/** Child processes the tests started: stop one by its PID, wait for a line on its stderr. */
import type { ChildProcess } from 'node:child_process';

/** Send `signal` to the child (by its PID) and resolve once it has exited; at once if it already has. */
export function stopChild(w: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (w.exitCode !== null || w.signalCode !== null || w.pid === undefined) return resolve();
    w.once('exit', () => resolve());
    process.kill(w.pid, signal);
  });
}

/** Resolves once the child's stderr has shown `pattern`; rejects if it exits first. */
export function waitForStderr(w: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    w.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) resolve();
    });
    w.once('exit', (code) => reject(new Error(`process exited (${code}) before ${pattern}: ${text}`)));
  });
}
