/**
 * The one way tests run the `mozi` command: plain `node` on the bundle that the globalSetup
 * (test/support/build-cli.ts) built from src/cli/main.ts for this run. Progress bars are off
 * (MOZI_NO_PROGRESS=1) unless the caller's env says otherwise; cwd is the repository root.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI_BUNDLE, ROOT } from './paths.js';

export { ROOT } from './paths.js';

export interface CliOptions {
  cwd?: string;
  /** Added to (and overriding) the test process's environment. */
  env?: Record<string, string | undefined>;
  /** Text written to the child's stdin. */
  input?: string;
  /** Kill the child after this long (ms). */
  timeoutMs?: number;
}

export interface CliResult {
  /** Exit code (null when killed by a signal). */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function bundlePath(): string {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} missing: run the tests through vitest (its globalSetup builds the CLI)`);
  return CLI_BUNDLE;
}

function childEnv(env: CliOptions['env']): NodeJS.ProcessEnv {
  return { ...process.env, MOZI_NO_PROGRESS: '1', ...env };
}

/** Run `mozi ARGS...` to completion. */
export function runCli(args: readonly string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [bundlePath(), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env),
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Run `mozi ARGS...` to completion without blocking the test's event loop (for servers it talks to). */
export function runCliAsync(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    child.stdin?.end(opts.input ?? '');
  });
}

/** Start `mozi ARGS...` as a child process (the caller stops it, by its PID). */
export function spawnCli(args: readonly string[], opts: Omit<SpawnOptions, 'env'> & { env?: CliOptions['env'] } = {}): ChildProcess {
  const { env, ...rest } = opts;
  return spawn(process.execPath, [bundlePath(), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...rest, env: childEnv(env) });
}
