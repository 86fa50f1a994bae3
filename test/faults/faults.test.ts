/**
 * The seeded fault-injection suite of the key pipeline (issue 21; harness.ts): faults at random
 * frames of either direction — flipped bits, drops, duplicates, reorders, stalls, truncations,
 * crashes of either party — each followed by a clean run on the same stores and pools. After
 * every clean run: the two stores' deliverable digests are equal, neither holds a pending block,
 * the key IDs are the same set at both ends (no key stored twice); across all runs no (direction,
 * pad index) carried two different tags. Every faulted run that aborted ended (no hang: each run
 * is bounded by the receive deadline) with a named reason on each side that did not crash.
 *
 * MOZI_FAULTS (default 52) sets the number of faults; `npm run test:faults` runs 1,000.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/protocol/types.js';
import { seededBytes, seededFloat, TEST_SEED } from '../support/seed.js';
import { syntheticPass } from '../protocol/synthetic.js';
import { FaultLink, drawFault, type Fault, type RunOutcome } from './harness.js';

const FAULTS = Number(process.env.MOZI_FAULTS ?? 52);
/** MOZI_FAULT_ONLY=i[,j…]: draw the same seeded faults but inject only these (to reproduce one fault alone). */
/** MOZI_FAULT_SNAPSHOT=dir: keep the state before each fault there (kept on failure, to replay with MOZI_FAULT_REPLAY=dir). */
const SNAPSHOT = process.env.MOZI_FAULT_SNAPSHOT;
const REPLAY = process.env.MOZI_FAULT_REPLAY;
/**
 * MOZI_FAULT_RUN=n (with MOZI_FAULT_ONLY): the pass counter before the first injected fault, so it
 * runs as pass-n and its recovery as pass-(n+1), as in the whole run (each pass id seeds the run).
 * The draw depends on the test's name, so keep MOZI_FAULTS as in the run being reproduced.
 */
const FAULT_RUN = process.env.MOZI_FAULT_RUN;
/** MOZI_FAULT_VERBOSE=1: one line per fault (its run, both outcomes) on stderr. */
const VERBOSE = Boolean(process.env.MOZI_FAULT_VERBOSE);
const ONLY = process.env.MOZI_FAULT_ONLY ? new Set(process.env.MOZI_FAULT_ONLY.split(',').map(Number)) : undefined;
const POLICY = { ...DEFAULT_POLICY, bound: 'chernoff' as const };
const FAULT_TIMEOUT_MS = 1_000;
const CLEAN_TIMEOUT_MS = 30_000;

export interface FaultTally {
  injected: number;
  abortedCleanly: number;
  completedDespiteFault: number;
  lastFrameOneSided: number;
  oneSidedKeys: number;
  padsReused: number;
  hangs: number;
  /** New pre-shared secrets provisioned because the synthetic passes refill less than a run uses. */
  provisioned: number;
}

const tally: FaultTally = { injected: 0, abortedCleanly: 0, completedDespiteFault: 0, lastFrameOneSided: 0, oneSidedKeys: 0, padsReused: 0, hangs: 0, provisioned: 0 };

/** A run must end within 30 s (receive deadlines); longer counts as a hang and fails. */
async function bounded(run: Promise<RunOutcome>, ctx: string): Promise<RunOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      tally.hangs++;
      reject(new Error(`${ctx}: the run did not end within 30 s (hang)`));
    }, 30_000);
  });
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const reason = (r: RunOutcome['satellite']) => (r === 'crashed' ? 'crashed' : r.aborted ? r.abortReason : 'ok');

describe('fault injection on the key pipeline', () => {
  const pass = syntheticPass({ detections: 250_000, qber: 0.01, seed: 11 });
  const psk = seededBytes('faults/psk');
  const link = new FaultLink(() => psk(8 + 16 * 8192), pass, POLICY);
  afterAll(() => {
    link.dispose();
    process.stderr.write(`fault suite (${FAULTS} drawn, seed ${TEST_SEED}): ${JSON.stringify(tally)}\n`);
  });

  it(`${FAULTS} seeded faults, each followed by a clean recovery run`, async () => {
    const rand = seededFloat('faults/draw');
    // frames per direction of a clean run (the faults land inside the conversation)
    const first = await link.run(undefined, CLEAN_TIMEOUT_MS);
    expect(reason(first.satellite)).toBe('ok');
    expect(reason(first.ground)).toBe('ok');
    const frames = { a2b: 0, b2a: 0 };
    for (const k of link.padTags.keys()) frames[k.includes('a2b') ? 'a2b' : 'b2a']++;
    let before = link.digest(link.satKeys).count;
    for (let i = 0; i < FAULTS; i++) {
      if (link.ensurePool(1_000)) tally.provisioned++;
      const fault: Fault = drawFault(rand, frames);
      const ctx = `fault ${i}: ${JSON.stringify(fault)}`;
      if (ONLY && !ONLY.has(i)) continue;
      if (ONLY && FAULT_RUN && i === Math.min(...ONLY)) link.runs = Number(FAULT_RUN);
      if (REPLAY) {
        link.restore(REPLAY);
        before = link.digest(link.satKeys).count;
      }
      if (SNAPSHOT) link.snapshot(SNAPSHOT);
      if (ONLY) process.stderr.write(`${ctx}\n`);
      const bad = await bounded(link.run(fault, FAULT_TIMEOUT_MS), ctx);
      if (VERBOSE) process.stderr.write(`${ctx} run ${link.runs - 1} hit ${bad.faultHit}: ${reason(bad.satellite)} / ${reason(bad.ground)}\n`);
      if (!bad.faultHit) continue;
      tally.injected++;
      const [s, g] = [reason(bad.satellite), reason(bad.ground)];
      // every side that did not crash ends with a named reason or a key
      expect(s, ctx).toBeTruthy();
      expect(g, ctx).toBeTruthy();
      if (s !== 'ok' && g !== 'ok') tally.abortedCleanly++;
      else if (s === 'ok' && g === 'ok') tally.completedDespiteFault++;
      else tally.lastFrameOneSided++;
      // the clean recovery run
      const clean = await bounded(link.run(undefined, CLEAN_TIMEOUT_MS), `${ctx} (recovery run)`);
      if (VERBOSE) {
        const detail = (r: RunOutcome['satellite']) => (r === 'crashed' ? 'crashed' : r.aborted ? `${r.abortReason}: ${r.abortMessage}` : `${r.keyBits} bits`);
        process.stderr.write(`  recovery run ${link.runs - 1}: ${detail(clean.satellite)} / ${detail(clean.ground)}\n`);
      }
      expect([reason(clean.satellite), reason(clean.ground)], ctx).toEqual(['ok', 'ok']);
      const ds = link.digest(link.satKeys);
      const dg = link.digest(link.gndKeys);
      if (ds.digest !== dg.digest || ds.count !== dg.count || ds.pending + dg.pending > 0) tally.oneSidedKeys++;
      expect(ds.digest, ctx).toBe(dg.digest);
      expect(ds.pending + dg.pending, ctx).toBe(0);
      expect([...ds.ids].sort(), ctx).toEqual([...dg.ids].sort());
      expect(new Set(ds.ids).size, ctx).toBe(ds.ids.length);
      expect(ds.count, ctx).toBeGreaterThan(before);
      before = ds.count;
      tally.padsReused = link.padReuses;
      expect(link.padReuses, ctx).toBe(0);
    }
    if (!ONLY) expect(tally.injected).toBeGreaterThanOrEqual(Math.min(50, FAULTS) * 0.9);
  }, Math.max(3_600_000, FAULTS * 12_000));
});
