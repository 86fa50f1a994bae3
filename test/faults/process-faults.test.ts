/**
 * Faults between two real `mozi` processes (issue 21): `mozi satellite` and `mozi ground` over TCP
 * through the fault proxy (proxy.ts), with their own key stores and --psk pools on disk, and kill
 * -9 of either side — at a frame the proxy sees, or at a random moment of the run (the ground's
 * timing recovery comes before it connects). Each fault is followed by a clean recovery run on
 * the same stores and pools (a new pass id per run). Invariants:
 *   - every faulted run ends within 30 s, each surviving side exiting 1 with a named reason (or 0 with a key);
 *   - after the recovery run both exit 0, the two stores' deliverable digests are equal, neither
 *     holds a pending key, and the count grew (recovery gives key; no one-sided key);
 *   - no pad index ever carried two different tags, by the parties' MOZI_PAD_LOG files (every tag
 *     either sent, written before it leaves the process) and by the tags seen on the wire (abort
 *     notices, which carry no pad, are not counted).
 *
 * Opt-in (MOZI_SLOW=1; ~10-20 s per fault); MOZI_PROCESS_FAULTS sets the number (default 8).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestKeys, listKeys } from '../../src/cli/commands/keys.js';
import { spawnCli } from '../support/cli.js';
import { seededBytes, seededFloat, TEST_SEED } from '../support/seed.js';
import { WIRE_FAULTS, WireAudit, padLogReuses, startFaultProxy, type WireFault } from './proxy.js';

const SLOW = process.env.MOZI_SLOW === '1';
const FAULTS = Number(process.env.MOZI_PROCESS_FAULTS ?? 8);
const FAULT_TIMEOUT_S = 3;

type Fault = WireFault | { kind: 'kill-at'; party: 'satellite' | 'ground'; ms: number };

interface Party {
  child: ChildProcess;
  code: Promise<number>;
  stderr: () => string;
}

let dir = '';
const children: ChildProcess[] = [];

function party(args: string[], padLog: string): Party {
  const child = spawnCli(args, { env: { MOZI_PAD_LOG: padLog } });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const code = new Promise<number>((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 137 : -1))));
  return { child, code, stderr: () => err };
}

function kill(p: Party): void {
  if (p.child.exitCode === null && p.child.signalCode === null && p.child.pid !== undefined) process.kill(p.child.pid, 'SIGKILL');
}

/** The pass folders of run `r`: the simulated pass under the satellite name MICIUS-R<r> (pass id micius-r<r>-…). */
function passFolders(r: number): { sat: string; gnd: string } {
  const base = join(dir, `run-${r}`);
  const sat = join(base, 'satellite');
  const gnd = join(base, 'ground');
  mkdirSync(sat, { recursive: true });
  mkdirSync(gnd, { recursive: true });
  const s = JSON.parse(readFileSync(join(dir, 'sim', 'satellite', 'satellite.json'), 'utf8')) as { satellite: string };
  s.satellite = `MICIUS-R${r}`;
  writeFileSync(join(sat, 'satellite.json'), JSON.stringify(s));
  const g = JSON.parse(readFileSync(join(dir, 'sim', 'ground', 'ground.json'), 'utf8')) as { ephemeris: { summary: { satellite: string } } };
  g.ephemeris.summary.satellite = `MICIUS-R${r}`;
  writeFileSync(join(gnd, 'ground.json'), JSON.stringify(g));
  for (const f of ['tags.bin', 'sync.bin']) symlinkSync(join(dir, 'sim', 'ground', f), join(gnd, f));
  return { sat, gnd };
}

interface Outcome {
  sat: number;
  gnd: number;
  satErr: string;
  gndErr: string;
  hit: boolean;
  ms: number;
}

const wire = new WireAudit();
let runs = 0;

async function run(fault: Fault | undefined): Promise<Outcome> {
  const r = runs++;
  const f = passFolders(r);
  const timeout = String(fault ? FAULT_TIMEOUT_S : 60);
  const t0 = Date.now();
  const sat = party(
    ['satellite', '--data', f.sat, '--site', 'micius', '--listen', '127.0.0.1:0', '--keys', join(dir, 'sat.db'), '--psk', join(dir, 'psk-sat.bin'), '--seed', String(r), '--bound', 'chernoff', '--timeout-s', timeout],
    join(dir, 'pad-sat.log'),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(sat.stderr());
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 20);
    void sat.code.then((c) => {
      clearInterval(timer);
      reject(new Error(`satellite exited (${c}) before listening: ${sat.stderr()}`));
    });
  });
  const started: { gnd?: Party } = {};
  const who = (p: 'satellite' | 'ground') => (p === 'satellite' ? sat : started.gnd);
  const proxy = await startFaultProxy(port, fault && fault.kind !== 'kill-at' ? fault : undefined, {
    kill: (p) => {
      const x = who(p);
      if (x) kill(x);
    },
    onFrame: (_dir, _n, frame) => wire.see(frame),
  });
  const gnd = party(
    ['ground', '--data', f.gnd, '--connect', `127.0.0.1:${proxy.port}`, '--keys', join(dir, 'gnd.db'), '--psk', join(dir, 'psk-gnd.bin'), '--seed', String(r), '--timeout-s', timeout],
    join(dir, 'pad-gnd.log'),
  );
  started.gnd = gnd;
  let killTimer: NodeJS.Timeout | undefined;
  if (fault?.kind === 'kill-at') {
    const target = who(fault.party)!;
    killTimer = setTimeout(() => kill(target), fault.ms);
  }
  // 30 s bound: longer is a hang
  let hung = false;
  const hang = setTimeout(() => {
    hung = true;
    kill(sat);
    kill(gnd);
  }, 30_000 + (fault ? 0 : 60_000));
  const [cs, cg] = await Promise.all([sat.code, gnd.code]);
  clearTimeout(hang);
  clearTimeout(killTimer);
  await proxy.close();
  if (hung) throw new Error(`run ${r} (${JSON.stringify(fault)}) did not end within 30 s (hang)\n${sat.stderr()}\n${gnd.stderr()}`);
  return { sat: cs, gnd: cg, satErr: sat.stderr(), gndErr: gnd.stderr(), hit: fault?.kind === 'kill-at' || proxy.hit(), ms: Date.now() - t0 };
}

/** A surviving side ends with exit 0 (a key) or 1 and a named reason; 137 = killed by the test. */
function ended(code: number, stderr: string): string {
  if (code === 137) return 'killed';
  if (code === 0) return 'ok';
  const m = /mozi: aborted \(([a-z-]+)\)/.exec(stderr);
  return code === 1 && m ? m[1] : `exit ${code} without a reason: ${stderr.slice(-400)}`;
}

function pending(file: string): number {
  return existsSync(file) ? listKeys(file).keys.filter((k) => k.state === 'pending').length : 0;
}

function padReuses(): { tags: Map<string, string>; reuses: number } {
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  return padLogReuses(read(join(dir, 'pad-sat.log')) + '\n' + read(join(dir, 'pad-gnd.log')));
}

const tally = { injected: 0, abortedCleanly: 0, completedDespiteFault: 0, oneSided: 0, oneSidedKeys: 0, padsReused: 0, wireReuses: 0, wireNotices: 0, hangs: 0 };

describe.skipIf(!SLOW)('faults between two mozi processes (TCP proxy, kill -9)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mozi-procfaults-'));
    const sim = spawnCli(['simulate', '--preset', 'micius-2016-12-19', '--window-s', '10', '--seed', '5', '--no-truth', '--out', join(dir, 'sim')]);
    children.push(sim);
    const psk = seededBytes('faults/process-psk')(8 + 16 * 8192);
    writeFileSync(join(dir, 'psk-sat.bin'), psk);
    writeFileSync(join(dir, 'psk-gnd.bin'), psk);
    return new Promise<void>((resolve, reject) => sim.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`simulate exited ${c}`)))));
  }, 120_000);

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
    process.stderr.write(`process faults (${FAULTS}, seed ${TEST_SEED}): ${JSON.stringify(tally)}\n`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${FAULTS} seeded faults, each followed by a clean recovery run`, async () => {
    const rand = seededFloat('faults/process-draw');
    const first = await run(undefined);
    expect([ended(first.sat, first.satErr), ended(first.gnd, first.gndErr)], first.satErr + first.gndErr).toEqual(['ok', 'ok']);
    const frames = { a2b: 0, b2a: 0 };
    for (const k of wire.tags.keys()) frames[k.includes('a2b') ? 'a2b' : 'b2a']++;
    let before = digestKeys(join(dir, 'sat.db')).count;
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < FAULTS; i++) {
      const kind = [...WIRE_FAULTS, 'kill-at' as const][Math.floor(rand() * (WIRE_FAULTS.length + 1))];
      const dir2 = rand() < 0.5 ? ('a2b' as const) : ('b2a' as const);
      const u = rand();
      const at = rand();
      const fault: Fault =
        kind === 'kill-at'
          ? { kind, party: dir2 === 'a2b' ? 'satellite' : 'ground', ms: Math.floor(u * first.ms) }
          : { kind, dir: dir2, frame: Math.floor(u * frames[dir2]), at };
      const ctx = `fault ${i}: ${JSON.stringify(fault)}`;
      const bad = await run(fault);
      const [s, g] = [ended(bad.sat, bad.satErr), ended(bad.gnd, bad.gndErr)];
      process.stderr.write(`${ctx}: ${s} / ${g} (${bad.ms} ms)\n`);
      expect(s, `${ctx}\n${bad.satErr}`).not.toMatch(/^exit/);
      expect(g, `${ctx}\n${bad.gndErr}`).not.toMatch(/^exit/);
      if (!bad.hit) continue;
      tally.injected++;
      if (s !== 'ok' && g !== 'ok') tally.abortedCleanly++;
      else if (s === 'ok' && g === 'ok') tally.completedDespiteFault++;
      else tally.oneSided++;
      const clean = await run(undefined);
      expect([ended(clean.sat, clean.satErr), ended(clean.gnd, clean.gndErr)], `${ctx} (recovery run)\n${clean.satErr}\n${clean.gndErr}`).toEqual(['ok', 'ok']);
      const ds = digestKeys(join(dir, 'sat.db'));
      const dg = digestKeys(join(dir, 'gnd.db'));
      const pend = pending(join(dir, 'sat.db')) + pending(join(dir, 'gnd.db'));
      if (ds.digest !== dg.digest || pend > 0) tally.oneSidedKeys++;
      expect(ds, ctx).toEqual(dg);
      expect(pend, ctx).toBe(0);
      expect(ds.count, ctx).toBeGreaterThan(before);
      before = ds.count;
      const pads = padReuses();
      tally.padsReused = pads.reuses;
      tally.wireReuses = wire.reuses;
      tally.wireNotices = wire.notices;
      expect(pads.reuses, ctx).toBe(0);
      expect(wire.reuses, ctx).toBe(0);
    }
    expect(tally.injected).toBeGreaterThan(0);
    // the pad logs are complete: every tag seen on the wire was logged by its sender, under its index
    const logged = padReuses().tags;
    const missing = [...wire.tags].filter(([k, tag]) => logged.get(k) !== tag);
    expect(missing, 'wire tags absent from the pad logs').toEqual([]);
  }, 3_600_000);
});
