import { describe, expect, it } from 'vitest';
import { runLocalSession } from '../../src/protocol/local.js';
import { defaultPostProcessing } from '../../src/protocol/postprocessing.js';
import { PIPELINE } from '../../src/protocol/stages/index.js';
import { DEFAULT_POLICY, type KeySink, type PartyEvent, type StoredBlock } from '../../src/protocol/types.js';
import { syntheticPass } from './synthetic.js';

function memorySink(): KeySink & { blocks: StoredBlock[] } {
  const blocks: StoredBlock[] = [];
  return { blocks, store: (b) => void blocks.push(b) };
}

const post = defaultPostProcessing();
// 400k synthetic detections: the Chernoff bound leaves key, Hoeffding (the default) does not.
const POLICY = { ...DEFAULT_POLICY, bound: 'chernoff' as const };

describe('satellite and ground state machines (in-memory, authenticated)', () => {
  const pass = syntheticPass({ detections: 400_000, qber: 0.01, seed: 7 });

  it('distil identical keys, stored on both sides', async () => {
    const s1 = memorySink();
    const s2 = memorySink();
    const events: PartyEvent[] = [];
    const r = await runLocalSession({ ...pass, policy: POLICY, post, seed: '1', satelliteSink: s1, groundSink: s2, onEvent: (e) => events.push(e) });
    expect(r.satellite.abortMessage).toBeUndefined();
    // both parties run the pipeline's stages in order, each timed, and end with the same ledger
    // consecutive stages of one state (hello: handshake, recovery) report it once
    const states = PIPELINE.map((st) => st.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    for (const role of ['satellite', 'ground'] as const) {
      expect(events.filter((e) => e.role === role).map((e) => e.state)).toEqual([...states, 'done']);
      expect(Object.keys(r[role].stageMs).sort()).toEqual([...states].sort());
    }
    expect(r.ground.ledger?.entries).toEqual(r.satellite.ledger?.entries);
    expect(r.ground.abortMessage).toBeUndefined();
    expect(r.satellite.keyBits).toBeGreaterThan(1000);
    expect(s1.blocks).toHaveLength(1);
    expect(s2.blocks).toHaveLength(1);
    expect(s1.blocks[0].key.equals(s2.blocks[0].key)).toBe(true);
    expect(r.keysMatch).toBe(true);
    expect(r.ground.qber).toBeGreaterThan(0.005);
    // same seed, same key
    const again = await runLocalSession({ ...pass, policy: POLICY, post, seed: '1' });
    expect(again.satellite.keyDigest).toBe(r.satellite.keyDigest);
  }, 60_000);

  it('LDPC: the same --seed replays the same key and ledger (filler bits from the satellite Drbg, not node:crypto)', async () => {
    const policy = { ...POLICY, reconciliation: 'ldpc' as const };
    const a = await runLocalSession({ ...pass, policy, post, seed: '5' });
    const b = await runLocalSession({ ...pass, policy, post, seed: '5' });
    expect(a.satellite.abortMessage).toBeUndefined();
    expect(a.keysMatch).toBe(true);
    expect(a.satellite.keyBits).toBeGreaterThan(0);
    expect(b.satellite.keyDigest).toBe(a.satellite.keyDigest);
    expect(b.satellite.ledger?.entries).toEqual(a.satellite.ledger?.entries);
  }, 60_000);

  it('aborts both sides on a QBER above threshold, storing nothing', async () => {
    const bad = syntheticPass({ detections: 50_000, qber: 0.25, seed: 8 });
    const s1 = memorySink();
    const s2 = memorySink();
    const r = await runLocalSession({ ...bad, policy: POLICY, post, seed: '2', satelliteSink: s1, groundSink: s2 });
    expect(r.satellite.abortReason).toBe('qber-too-high');
    expect(r.ground.abortReason).toBe('qber-too-high');
    expect(s1.blocks.length + s2.blocks.length).toBe(0);
  }, 60_000);

  it('aborts both sides when one frame is altered in flight', async () => {
    const small = syntheticPass({ detections: 50_000, qber: 0.01, seed: 9 });
    const s1 = memorySink();
    const s2 = memorySink();
    const r = await runLocalSession({
      ...small,
      policy: POLICY,
      post,
      seed: '3',
      satelliteSink: s1,
      groundSink: s2,
      tamper: { tamperAtoB: (f, i) => (i === 2 ? (f[20] ^= 1, f) : f) },
    });
    expect(r.ground.abortReason).toBe('authentication-failed');
    expect(r.satellite.abortReason).toBe('authentication-failed');
    expect(s1.blocks.length + s2.blocks.length).toBe(0);
  }, 60_000);
});
