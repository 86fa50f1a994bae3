/**
 * Pins, bit for bit, the bench grid's Cascade runs (bench/suites/cascade.ts: n = 10⁴, pair seeds
 * 100 + r, public seed 7, every QBER of the grid and the three schedules measured against
 * cascade-cpp), computed with the code before the in-process fast path (issue 19): Bob's corrected
 * key hash, corrected errors, both ledgers (every entry), both parties' leaked and forward bits,
 * and both channel endpoints' message, bit and round-trip counters. runPair takes the synchronous
 * in-process path; a wrapped channel (not a memory pair) forces the asynchronous one; both must
 * give the pinned digest.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryChannelPair, type MessageChannel } from '../../../src/postprocess/channel.js';
import { LeakageLedger } from '../../../src/postprocess/ledger.js';
import { CascadeReconciler, noisyPair, runPair } from '../../../src/postprocess/reconcile/index.js';
import type { CascadeSchedule } from '../../../src/postprocess/reconcile/index.js';

const QBERS = [0.005, 0.01, 0.02, 0.03, 0.05];
const SCHEDULES: CascadeSchedule[] = ['original', 'biconf', 'yanetal'];
const PIN = 'fb37cf54772c3207cd1a76a0c288651f908263f0df0b057aa01bc3e152097d6a';

function line(s: CascadeSchedule, q: number, r: number, key: Uint8Array, parts: unknown[]): string {
  return [s, q, r, createHash('sha256').update(key).digest('hex'), ...parts.map((p) => JSON.stringify(p))].join(' ');
}

async function viaRunPair(s: CascadeSchedule, q: number, r: number): Promise<string> {
  const { alice, bob } = noisyPair(10_000, q, 100 + r);
  const o = await runPair(new CascadeReconciler({ schedule: s }), alice, bob, { qberEstimate: q, seed: 7 });
  expect(o.match).toBe(true);
  return line(s, q, r, o.bob.key.toBytes(), [
    o.bob.correctedErrors,
    o.alice.leakedBits,
    o.alice.forwardBits,
    o.bob.leakedBits,
    o.bob.forwardBits,
    o.aliceLedger,
    o.bobLedger,
    o.aliceChannel,
    o.bobChannel,
  ]);
}

/** The same run over channels that are not a memory pair (the protocol's transport takes this path). */
async function viaWrappedChannel(s: CascadeSchedule, q: number, r: number): Promise<string> {
  const { alice, bob } = noisyPair(10_000, q, 100 + r);
  const [a, b] = memoryChannelPair();
  const wrap = (c: MessageChannel): MessageChannel => ({ stats: c.stats, send: (m) => c.send(m), receive: () => c.receive() });
  const la = new LeakageLedger('a');
  const lb = new LeakageLedger('b');
  const rec = new CascadeReconciler({ schedule: s });
  const opts = { qberEstimate: q, seed: 7 };
  const [ra, rb] = await Promise.all([rec.alice(alice, wrap(a), la, opts), rec.bob(bob, wrap(b), lb, opts)]);
  return line(s, q, r, rb.key.toBytes(), [rb.correctedErrors, ra.leakedBits, ra.forwardBits, rb.leakedBits, rb.forwardBits, la, lb, { ...a.stats }, { ...b.stats }]);
}

describe('Cascade on the bench grid, pinned', () => {
  for (const [name, run] of [
    ['runPair', viaRunPair],
    ['a wrapped (async) channel', viaWrappedChannel],
  ] as const) {
    it(`${name}: keys, ledgers and channel counters hash to the digest of the code before the fast path`, async () => {
      const h = createHash('sha256');
      for (const s of SCHEDULES) for (const q of QBERS) for (let r = 0; r < 3; r++) h.update(await run(s, q, r));
      expect(h.digest('hex')).toBe(PIN);
    }, 60_000);
  }
});
