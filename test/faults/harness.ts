/**
 * Fault injection on the key pipeline (issue 21): both parties in one process over an in-memory
 * frame transport, with their real durable state — each a SQLite key store and a --psk pool file
 * bound to durable pad accounting (kms/pad-ledger.ts) — and a fault applied to one frame of one
 * direction: a flipped bit, a drop, a duplicate, a reorder (held back behind the next frame), a
 * delay (beyond the receive deadline: a stall), a truncation, or a crash of the sending or the
 * receiving party at that frame (its durable state frozen as a kill -9 leaves it: no abort
 * notice, no clean-up, no final save).
 *
 * After every fault a clean run on the same stores and pools must recover. The harness records
 * every tag sent under every (direction, pad index) across all runs, so a reused pad is seen.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { AsyncQueue } from '../../src/core/queue.js';
import { ProtocolAbort } from '../../src/core/errors.js';
import { AuthenticatedChannel, KeyPool } from '../../src/postprocess/auth.js';
import { KeyStore } from '../../src/kms/keystore.js';
import { bindPadLedger, padCounterName } from '../../src/kms/pad-ledger.js';
import { keyStoreSink } from '../../src/kms/sink.js';
import { guardedTransport } from '../../src/protocol/deadlines.js';
import { runGround } from '../../src/protocol/ground.js';
import { refillingSink } from '../../src/protocol/pool.js';
import { defaultPostProcessing } from '../../src/protocol/postprocessing.js';
import { runSatellite } from '../../src/protocol/satellite.js';
import type { FrameTransport } from '../../src/protocol/transport.js';
import type { CommitPort, GroundDetections, KeySink, PartyResult, SatellitePolicy, SatelliteSource } from '../../src/protocol/types.js';

export const FAULT_KINDS = ['flip', 'drop', 'duplicate', 'reorder', 'delay', 'truncate', 'crash-sender', 'crash-receiver'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type Dir = 'a2b' | 'b2a';

export interface Fault {
  kind: FaultKind;
  dir: Dir;
  /** Index of the frame in that direction (0 = the SYNC). */
  frame: number;
  /** Bit to flip / bytes to keep, as a fraction of the frame. */
  at: number;
  /** Instead of `frame`: the first frame of that direction carrying this message type (its code in clear at byte 10). */
  type?: 'done' | 'stored';
}

const TYPE_CODE = { done: 9, stored: 12 } as const;

class Crashed extends Error {}

/** A party's durable state frozen at a crash: every later write is refused. */
interface Life {
  dead: boolean;
}

function frozenPort(port: CommitPort, life: Life): CommitPort {
  const guard = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => {
    if (life.dead) throw new Crashed('crashed');
    return f(...a);
  };
  return {
    storePending: guard((b, p) => port.storePending(b, p)),
    confirm: guard((r) => port.confirm(r)),
    discard: guard((r) => port.discard(r)),
    pending: guard((p) => port.pending(p)),
    holds: guard((r) => port.holds(r)),
    pendingPoolBytes: guard((r) => port.pendingPoolBytes(r)),
  };
}

/** One frame channel a→b or b→a with the fault hook. */
function faultyPair(fault: Fault | undefined, lives: Record<'alice' | 'bob', Life>, onFault: () => void, trace?: FrameTrace): [FrameTransport, FrameTransport] {
  const q: Record<Dir, AsyncQueue<Uint8Array>> = { a2b: new AsyncQueue(), b2a: new AsyncQueue() };
  const count: Record<Dir, number> = { a2b: 0, b2a: 0 };
  const held: Partial<Record<Dir, Uint8Array>> = {};
  const timers: NodeJS.Timeout[] = [];
  const lost = (who: string) => new ProtocolAbort('peer-lost', `${who} closed the channel`);
  const deliver = (dir: Dir, f: Uint8Array) => {
    const n = count[dir]++;
    trace?.(dir, n, f);
    const sender = dir === 'a2b' ? 'alice' : 'bob';
    const receiver = dir === 'a2b' ? 'bob' : 'alice';
    if (lives[sender].dead) throw new Crashed('crashed');
    const out: Uint8Array[] = [];
    const hit = fault && fault.dir === dir && (fault.type ? f.length > 10 && f[10] === TYPE_CODE[fault.type] && n > 0 : fault.frame === n);
    if (fault && hit) {
      onFault();
      switch (fault.kind) {
        case 'flip': {
          const bit = Math.min(f.length * 8 - 1, Math.floor(fault.at * f.length * 8));
          f[bit >>> 3] ^= 1 << (bit & 7);
          out.push(f);
          break;
        }
        case 'drop':
          break;
        case 'duplicate':
          out.push(f, f.slice());
          break;
        case 'reorder':
          held[dir] = f;
          break;
        case 'delay':
          timers.push(setTimeout(() => q[dir].push(f), 60_000));
          break;
        case 'truncate':
          out.push(f.slice(0, Math.floor(fault.at * f.length)));
          break;
        case 'crash-sender':
          lives[sender].dead = true;
          throw new Crashed('crashed');
        case 'crash-receiver':
          lives[receiver].dead = true;
          break;
      }
    } else {
      out.push(f);
      const h = held[dir];
      if (h) {
        out.push(h);
        held[dir] = undefined;
      }
    }
    for (const x of out) q[dir].push(x);
  };
  const side = (me: 'alice' | 'bob'): FrameTransport => {
    const outDir: Dir = me === 'alice' ? 'a2b' : 'b2a';
    const inDir: Dir = me === 'alice' ? 'b2a' : 'a2b';
    return {
      async sendFrame(f) {
        deliver(outDir, f.slice());
      },
      async receiveFrame() {
        if (lives[me].dead) throw new Crashed('crashed');
        const f = await q[inDir].next();
        if (lives[me].dead) throw new Crashed('crashed');
        return f;
      },
      close() {
        for (const t of timers) clearTimeout(t);
        q[outDir].close(lost('peer'));
        q[inDir].close(lost('this side'));
      },
    };
  };
  return [side('alice'), side('bob')];
}

/** Sees every frame sent, before any fault: direction, index in that direction, bytes. */
export type FrameTrace = (dir: Dir, n: number, frame: Uint8Array) => void;

export interface RunOutcome {
  satellite: PartyResult | 'crashed';
  ground: PartyResult | 'crashed';
  faultHit: boolean;
}

/** A satellite–ground link with durable state in a temporary folder. */
export class FaultLink {
  readonly dir = mkdtempSync(join(tmpdir(), 'mozi-faults-'));
  readonly satKeys = join(this.dir, 'sat.db');
  readonly gndKeys = join(this.dir, 'gnd.db');
  satPsk = join(this.dir, 'psk-sat-0.bin');
  gndPsk = join(this.dir, 'psk-gnd-0.bin');
  /** Pre-shared secrets provisioned so far (a new one when the pools run low; pad indices restart). */
  epoch = 0;
  /** Every tag sent: "epoch dir index" → tag hex (first seen). */
  readonly padTags = new Map<string, string>();
  padReuses = 0;
  runs = 0;
  /** Optional: sees every frame sent (diagnostics). */
  trace?: FrameTrace;

  constructor(
    private readonly newPsk: () => Uint8Array,
    private readonly pass: { source: SatelliteSource; detections: GroundDetections },
    private readonly policy: SatellitePolicy,
  ) {
    const psk = newPsk();
    writeFileSync(this.satPsk, psk);
    writeFileSync(this.gndPsk, psk);
  }

  /**
   * Provision a new pre-shared secret (new files, as an operator would) when either side's pool
   * holds fewer than `minPads` pads in a direction: the synthetic passes' keys refill less than a
   * run of Cascade uses, which real passes do not.
   */
  ensurePool(minPads: number): boolean {
    const low = [this.satPsk, this.gndPsk].some((f) => {
      const p = new KeyPool(new Uint8Array(readFileSync(f)));
      return p.availableBits('a2b') < minPads * 64 || p.availableBits('b2a') < minPads * 64;
    });
    if (!low) return false;
    this.epoch++;
    this.satPsk = join(this.dir, `psk-sat-${this.epoch}.bin`);
    this.gndPsk = join(this.dir, `psk-gnd-${this.epoch}.bin`);
    const psk = this.newPsk();
    writeFileSync(this.satPsk, psk);
    writeFileSync(this.gndPsk, psk);
    return true;
  }

  private recordPad = (dir: Dir, index: number, tag: Uint8Array) => {
    const k = `${this.epoch} ${dir} ${index}`;
    const hex = Buffer.from(tag).toString('hex');
    const seen = this.padTags.get(k);
    if (seen === undefined) this.padTags.set(k, hex);
    else if (seen !== hex) this.padReuses++;
  };

  /** One run of the pass (a fresh pass id per run), with at most one fault. */
  async run(fault: Fault | undefined, receiveTimeoutMs: number): Promise<RunOutcome> {
    const passId = `pass-${this.runs++}`;
    const lives = { alice: { dead: false }, bob: { dead: false } };
    let faultHit = false;
    const [ta, tb] = faultyPair(fault, lives, () => (faultHit = true), this.trace);
    const party = async (role: 'alice' | 'bob'): Promise<PartyResult | 'crashed'> => {
      const sat = role === 'alice';
      const life = lives[role];
      const store = KeyStore.open(sat ? this.satKeys : this.gndKeys, { site: sat ? 'micius' : 'xinglong' });
      const pskFile = sat ? this.satPsk : this.gndPsk;
      const pool = new KeyPool(new Uint8Array(readFileSync(pskFile)));
      const ledger = bindPadLedger(pool, pskFile, store, role);
      const save = () => {
        if (life.dead) throw new Crashed('crashed');
        ledger.save();
      };
      pool.setDurability(save, 16, this.recordPad);
      const inner = keyStoreSink(store);
      const committing: KeySink = { store: inner.store, commit: frozenPort(inner.commit!, life) };
      const sink = refillingSink(committing, pool, save);
      const t = guardedTransport(sat ? ta : tb, { receiveTimeoutMs });
      const ch = new AuthenticatedChannel(t, pool, role);
      const opts = { post: defaultPostProcessing(), sink, seed: `${passId}/${role}`, attachLedger: (l: Parameters<AuthenticatedChannel['attachLedger']>[0]) => ch.attachLedger(l), rawNotify: (f: Uint8Array) => t.sendFrame(f) };
      try {
        const r = sat
          ? await runSatellite(ch, { ...this.pass.source, passId }, this.policy, opts)
          : await runGround(ch, { ...this.pass.detections, passId }, opts);
        if (life.dead) return 'crashed';
        ledger.save();
        return r;
      } finally {
        t.close();
        store.close();
      }
    };
    const [satellite, ground] = await Promise.all([party('alice'), party('bob')]);
    return { satellite, ground, faultHit };
  }

  /** count, bits, SHA-256 of deliverable key material in key-ID order, for one store (as `mozi keys digest`). */
  digest(file: string): { count: number; digest: string; pending: number; ids: string[] } {
    const store = KeyStore.open(file, { site: file === this.satKeys ? 'micius' : 'xinglong' });
    try {
      const h = createHash('sha256');
      let count = 0;
      let pending = 0;
      const ids: string[] = [];
      for (const r of store.keyRows()) {
        ids.push(r.keyId);
        if (r.state === 'pending') pending++;
        if (r.state !== 'available' || !r.material) continue;
        h.update(r.material);
        count++;
      }
      return { count, digest: h.digest('hex'), pending, ids };
    } finally {
      store.close();
    }
  }

  counters(): { sat: number; gnd: number } {
    const read = (file: string, site: string, psk: string, dir: Dir) => {
      const s = KeyStore.open(file, { site });
      try {
        return s.counter(padCounterName(psk, dir, new KeyPool(new Uint8Array(readFileSync(psk))).lineage));
      } finally {
        s.close();
      }
    };
    return { sat: read(this.satKeys, 'micius', this.satPsk, 'a2b'), gnd: read(this.gndKeys, 'xinglong', this.gndPsk, 'b2a') };
  }

  /** Copy the durable state (stores, pools, run counter, epoch) to `to`, to replay one fault from it later (MOZI_FAULT_REPLAY). */
  snapshot(to: string): void {
    rmSync(to, { recursive: true, force: true });
    cpSync(this.dir, to, { recursive: true });
    writeFileSync(join(to, 'link.json'), JSON.stringify({ runs: this.runs, epoch: this.epoch, satPsk: this.satPsk.slice(this.dir.length + 1), gndPsk: this.gndPsk.slice(this.dir.length + 1) }));
  }

  /** Restore a snapshot written by `snapshot` (into this link's own folder). */
  restore(from: string): void {
    cpSync(from, this.dir, { recursive: true });
    const j = JSON.parse(readFileSync(join(from, 'link.json'), 'utf8')) as { runs: number; epoch: number; satPsk: string; gndPsk: string };
    this.runs = j.runs;
    this.epoch = j.epoch;
    this.satPsk = join(this.dir, j.satPsk);
    this.gndPsk = join(this.dir, j.gndPsk);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Draw a fault from a uniform stream in [0, 1). */
export function drawFault(rand: () => number, framesPerDir: Record<Dir, number>): Fault {
  const kind = FAULT_KINDS[Math.floor(rand() * FAULT_KINDS.length)];
  const dir: Dir = rand() < 0.5 ? 'a2b' : 'b2a';
  return { kind, dir, frame: Math.floor(rand() * framesPerDir[dir]), at: rand() };
}
