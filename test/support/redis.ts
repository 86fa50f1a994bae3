/**
 * A private redis-server for tests: Debian's binary (MOZI_REDIS_SERVER, default
 * /usr/bin/redis-server) on a free port of 127.0.0.1, without persistence (`--save ''
 * --appendonly no`), started per test file and stopped by its PID. Tests that need it use
 * `describe.skipIf(!hasRedis)`; without the binary they are skipped with a printed message, and
 * with MOZI_REQUIRE_REDIS=1 (.ci/run) the test file fails instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env.MOZI_REDIS_SERVER ?? '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS_SERVER);
if (!hasRedis && process.env.MOZI_REQUIRE_REDIS) {
  throw new Error(`MOZI_REQUIRE_REDIS is set but ${REDIS_SERVER} is missing`);
}
if (!hasRedis) console.warn(`Redis tests skipped: ${REDIS_SERVER} is not installed (apt-get install redis-server, or set MOZI_REDIS_SERVER)`);

/** A free TCP port of 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  port: number;
  url: string;
  /** Stop the server (SIGTERM to its PID) and wait for it to exit. */
  stop(): Promise<void>;
  /** Stop and start again on the same port, empty (no persistence). */
  restart(): Promise<void>;
  /** Send `signal` to the server's PID (a crash: SIGKILL) and wait for it to exit; `start()` brings it back. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Start the server again on the same port (after `kill`), empty. */
  start(): Promise<void>;
  /** The running server's PID. */
  pid(): number | undefined;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.end();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Start a redis-server of our own; stop it with `stop()` in afterAll. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mozi-redis-'));
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForPort(port, 10_000);
  };
  const stopChild = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid, signal);
    });
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild();
      await launch();
    },
    kill: (signal) => stopChild(signal),
    start: () => launch(),
    pid: () => child.pid,
  };
}
