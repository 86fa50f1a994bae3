import { describe, it, expect } from 'vitest';
import { seededBytes } from '../support/seed.js';
import { ProtocolAbort } from '../../src/core/errors.js';
import { LeakageLedger } from '../../src/postprocess/ledger.js';
import {
  AuthenticatedChannel, KeyPool, memoryFrameTransportPair, forgeryBoundPerMessage, type Direction,
} from '../../src/postprocess/auth.js';

/** Seeded stand-in for node:crypto's randomBytes (test/support/seed.ts). */
const randomBytes = seededBytes('postprocess/auth');

type Tamper = (frame: Uint8Array, dir: Direction) => Uint8Array[];

function setup(tamper?: Tamper, secretBytes = 8 + 16 * 64) {
  const secret = randomBytes(secretBytes);
  const [ta, tb] = memoryFrameTransportPair(tamper);
  const pa = new KeyPool(secret);
  const pb = new KeyPool(secret);
  return { alice: new AuthenticatedChannel(ta, pa, 'alice'), bob: new AuthenticatedChannel(tb, pb, 'bob'), pa, pb };
}

async function expectAbort(p: Promise<unknown>, reason: string) {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProtocolAbort);
  expect((err as ProtocolAbort).reason).toBe(reason);
}

const rnd = (n: number) => new Uint8Array(randomBytes(n));
/** Tamper only with message frames: the first frame of each direction is the session's SYNC. */
function afterSync(t: Tamper): Tamper {
  const seen: Record<Direction, number> = { a2b: 0, b2a: 0 };
  return (f, dir) => (seen[dir]++ === 0 ? [f] : t(f, dir));
}
/** Bound of a message frame: header + payload, and the 32-byte session binding S. */
const boundOf = (payloadBytes: number) => forgeryBoundPerMessage(9 + payloadBytes + 32);
const msgs = [Uint8Array.of(1, 2, 3), new Uint8Array(0), rnd(100), rnd(17)];

describe('Wegman–Carter authenticated channel', () => {
  it('delivers messages both ways, books pads in the ledger, reports forgery bound', async () => {
    const { alice, bob } = setup();
    const la = new LeakageLedger('blk');
    const lb = new LeakageLedger('blk');
    alice.attachLedger(la);
    bob.attachLedger(lb);
    for (const m of msgs) {
      // a channel's first send waits for the peer's SYNC: the two sides run concurrently
      const [, got] = await Promise.all([alice.send(m), bob.receive()]);
      expect(got).toEqual(m);
      await bob.send(m);
      expect(await alice.receive()).toEqual(m);
    }
    const ra = alice.blockReport();
    expect(ra.messagesSent).toBe(4);
    expect(ra.messagesReceived).toBe(4);
    // 8 message frames + the two SYNC frames (one pad each way)
    expect(ra.padBitsConsumed).toBe(10 * 64);
    expect(la.consumedBits()).toBe(10 * 64);
    expect(lb.consumedBits()).toBe(10 * 64);
    const expected = msgs.reduce((s, m) => s + boundOf(m.length), forgeryBoundPerMessage(9 + 16));
    expect(ra.forgeryBound).toBeCloseTo(expected, 30);
    expect(ra.forgeryBound).toBeLessThan(1e-17);
    expect(alice.stats.messagesSent).toBe(4);
  });

  it('any flipped bit of a frame is rejected', async () => {
    for (const bitPos of [0, 3, 8, 40, 72, 80, 150, 9 * 8 + 100 * 8 + 63]) {
      for (const syncToo of [false, true]) {
        const flip: Tamper = (f) => {
          if (bitPos < f.length * 8) f[bitPos >>> 3] ^= 1 << (bitPos & 7);
          return [f];
        };
        const { alice, bob } = setup(syncToo ? flip : afterSync(flip));
        void alice.send(randomBytes(100)).catch(() => undefined);
        await expectAbort(bob.receive(), 'authentication-failed');
        // the channel stays dead afterwards
        await expectAbort(bob.receive(), 'authentication-failed');
      }
    }
  });

  it('replayed frame is rejected', async () => {
    const { alice, bob } = setup(afterSync((f) => [f, f.slice()]));
    await Promise.all([alice.send(Uint8Array.of(9)), bob.send(Uint8Array.of(1))]);
    expect(await bob.receive()).toEqual(Uint8Array.of(9));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('reordered frames are rejected', async () => {
    let held: Uint8Array | null = null;
    const { alice, bob } = setup(
      afterSync((f) => {
        if (!held) {
          held = f;
          return [];
        }
        return [f, held];
      }),
    );
    await Promise.all([alice.send(Uint8Array.of(1)), bob.send(Uint8Array.of(0))]);
    await alice.send(Uint8Array.of(2));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('a dropped frame is detected on the next one', async () => {
    let n = 0;
    const { alice, bob } = setup(afterSync((f, dir) => (dir === 'a2b' && n++ === 0 ? [] : [f])));
    await Promise.all([alice.send(Uint8Array.of(1)), bob.send(Uint8Array.of(0))]);
    await alice.send(Uint8Array.of(2));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('truncated or extended frames are rejected', async () => {
    for (const cut of [1, 5, 8, 9, 20]) {
      const { alice, bob } = setup(afterSync((f) => [f.slice(0, f.length - cut)]));
      void alice.send(randomBytes(12));
      await expectAbort(bob.receive(), 'authentication-failed');
    }
    const { alice, bob } = setup(
      afterSync((f) => {
        const g = new Uint8Array(f.length + 1);
        g.set(f);
        return [g];
      }),
    );
    void alice.send(randomBytes(12));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('a frame reflected back to its sender is rejected', async () => {
    const secret = randomBytes(8 + 16 * 8);
    const [ta, tb] = memoryFrameTransportPair();
    const alice = new AuthenticatedChannel(ta, new KeyPool(secret), 'alice');
    const sending = alice.send(Uint8Array.of(42));
    const frame = await tb.receiveFrame();
    await tb.sendFrame(frame); // Eve bounces Alice's own SYNC back
    await expectAbort(sending, 'authentication-failed');
    await expectAbort(alice.receive(), 'authentication-failed');
  });

  it('an exhausted pool stops cleanly with auth-pool-exhausted; refill resumes', async () => {
    const sent: Uint8Array[] = [];
    const { alice, bob, pa, pb } = setup((f) => {
      sent.push(f);
      return [f];
    }, 8 + 16 * 3); // three pads per direction: the SYNC and two messages
    await Promise.all([alice.send(Uint8Array.of(1)), bob.send(Uint8Array.of(0))]);
    await alice.send(Uint8Array.of(2));
    await expectAbort(alice.send(Uint8Array.of(3)), 'auth-pool-exhausted');
    expect(sent.length).toBe(5); // 2 SYNC + 3 messages; nothing left unauthenticated
    expect(pa.availableBits('a2b')).toBe(0);
    expect(await bob.receive()).toEqual(Uint8Array.of(1));
    expect(await bob.receive()).toEqual(Uint8Array.of(2));
    // Bob has a pad for b2a still
    expect(pb.availableBits('b2a')).toBe(64);
    // after refill (same distilled bytes on both sides) traffic continues on a fresh channel
    const fresh = randomBytes(32);
    pa.refill(fresh);
    pb.refill(fresh);
    expect(pa.availableBits('a2b')).toBe(128);
  });

  it('consumed pad bits are zeroed in the pool and never reused', () => {
    const secret = new Uint8Array(8 + 32).fill(0xff);
    const pool = new KeyPool(secret);
    const p1 = pool.takePad('a2b');
    const p2 = pool.takePad('a2b');
    expect(Array.from(p1)).toEqual(new Array(8).fill(0xff));
    expect(Array.from(p2)).toEqual(new Array(8).fill(0xff));
    expect(() => pool.takePad('a2b')).toThrow(ProtocolAbort);
    expect(pool.consumedBits('a2b')).toBe(128);
    expect(secret.subarray(8, 24).every((b) => b === 0xff)).toBe(true); // caller's copy untouched
  });
});

describe('session start: resynchronisation after an aborted run', () => {
  /** Run 1 over `tamper`, both pools saved; run 2 on the saved states over a fresh transport. */
  function rerun(pa: KeyPool, pb: KeyPool, tamper?: Tamper) {
    const [ta, tb] = memoryFrameTransportPair(tamper);
    const a = new KeyPool(pa.toState());
    const b = new KeyPool(pb.toState());
    return { alice: new AuthenticatedChannel(ta, a, 'alice'), bob: new AuthenticatedChannel(tb, b, 'bob'), pa: a, pb: b };
  }

  it('frames one side tagged but the other never saw: the next run skips those pads and works', async () => {
    const captured: Uint8Array[] = [];
    const { alice, bob, pa, pb } = setup(afterSync((f) => (captured.push(f), [])));
    await Promise.all([alice.send(Uint8Array.of(1)), bob.send(Uint8Array.of(2))]);
    await alice.send(Uint8Array.of(3));
    expect(pa.nextIndex('a2b')).toBe(3);
    expect(pb.nextIndex('a2b')).toBe(1); // Bob saw only the SYNC
    const r2 = rerun(pa, pb);
    const [, got] = await Promise.all([r2.alice.send(Uint8Array.of(7)), r2.bob.receive()]);
    expect(got).toEqual(Uint8Array.of(7));
    await r2.bob.send(Uint8Array.of(8));
    expect(await r2.alice.receive()).toEqual(Uint8Array.of(8));
    // both now at the same indices; Bob discarded the two pads Alice had used unseen, and
    // reports them as consumed: SYNC + 2 skipped + message in, SYNC + message out
    expect(r2.pb.nextIndex('a2b')).toBe(r2.pa.nextIndex('a2b'));
    expect(r2.bob.blockReport().padBitsConsumed).toBe(6 * 64);
    expect(r2.pa.nextIndex('a2b')).toBe(5);
    expect(r2.pb.nextIndex('b2a')).toBe(r2.pa.nextIndex('b2a'));
    // Eve replaying the unseen frames of run 1 into run 2 gets nowhere (index and session binding)
    const r3 = rerun(r2.pa, r2.pb, afterSync((f, dir) => (dir === 'a2b' ? [captured[0]] : [f])));
    void r3.alice.send(Uint8Array.of(9)).catch(() => undefined);
    await expectAbort(r3.bob.receive(), 'authentication-failed');
  });

  it('the unseen tail of an aborted run is rejected even when its own SYNC is replayed first', async () => {
    // run 1: Alice's SYNC and her message never reach Bob
    const frames: Uint8Array[] = [];
    const { alice, bob, pa, pb } = setup((f, dir) => (dir === 'a2b' ? (frames.push(f), []) : [f]));
    const aliceSend = alice.send(Uint8Array.of(1)); // completes: Bob's SYNC reaches Alice
    void bob.receive().catch(() => undefined); // Bob waits for Alice's SYNC forever
    await aliceSend;
    expect(frames.length).toBe(2); // [old SYNC, old message], pad indices 0 and 1
    expect(pb.nextIndex('a2b')).toBe(0);
    // run 2: Eve replaces Alice's traffic with the old SYNC and the old message
    let k = 0;
    const r2 = rerun(pa, pb, (f, dir) => (dir === 'a2b' ? [frames[Math.min(k++, 1)]] : [f]));
    void r2.alice.send(Uint8Array.of(5)).catch(() => undefined);
    // Bob accepts the old SYNC (index 0 is ahead of nothing he saw), but the old message was bound
    // to run 1's session (Bob's nonce differs) and fails
    await expectAbort(r2.bob.receive(), 'authentication-failed');
  });

  it('a forged SYNC with a far pad index costs the receiver no pads', async () => {
    const secret = randomBytes(8 + 16 * 16);
    const [ta, tb] = memoryFrameTransportPair();
    const pb = new KeyPool(secret);
    const bob = new AuthenticatedChannel(tb, pb, 'bob');
    const forged = new Uint8Array(9 + 16 + 8);
    forged[0] = 0x41;
    forged[1] = 10; // pad index 10
    const before = pb.availableBits('a2b');
    const receiving = bob.receive();
    await ta.receiveFrame(); // Bob's SYNC
    await ta.sendFrame(forged);
    await expectAbort(receiving, 'authentication-failed');
    expect(pb.availableBits('a2b')).toBe(before);
    forged[1] = 200; // beyond the pool
    const bob2 = new AuthenticatedChannel(tb, new KeyPool(secret), 'bob');
    const r2 = bob2.receive();
    await ta.receiveFrame();
    await ta.sendFrame(forged);
    await expectAbort(r2, 'authentication-failed');
  });

  it('pad indices survive the saved state; a first-format state reads as index 0', () => {
    const p = new KeyPool(new Uint8Array(randomBytes(8 + 16 * 8)));
    p.takePad('a2b');
    p.takePad('a2b');
    p.takePad('b2a');
    const q = new KeyPool(p.toState());
    expect(q.nextIndex('a2b')).toBe(2);
    expect(q.nextIndex('b2a')).toBe(1);
    const s = p.toState();
    // MZPOOL03 → MZPOOL01: drop the pad indices (16 bytes) and the lineage (16 bytes)
    const v1 = new Uint8Array(s.length - 32);
    v1.set(new TextEncoder().encode('MZPOOL01'));
    v1.set(s.subarray(8, 24), 8);
    v1.set(s.subarray(56), 24);
    const r = new KeyPool(v1);
    expect(r.nextIndex('a2b')).toBe(0);
    expect(Buffer.from(r.takePad('a2b'))).toEqual(Buffer.from(q.takePad('a2b')));
  });
});

describe('verification and privacy amplification over the authenticated channel', () => {
  it('one block end to end: identical final keys, ledger and pool accounting agree', async () => {
    const { BitArray } = await import('../../src/core/bits.js');
    const { verifyAsAlice, verifyAsBob } = await import('../../src/postprocess/verify.js');
    const { amplifyAsAlice, amplifyAsBob } = await import('../../src/postprocess/privacy.js');
    const { alice, bob } = setup();
    const la = new LeakageLedger('blk');
    const lb = new LeakageLedger('blk');
    alice.attachLedger(la);
    bob.attachLedger(lb);
    const key = BitArray.random(20_000);
    la.add('reconciliation', 3000, 'syndrome');
    lb.add('reconciliation', 3000, 'syndrome');
    const [va, vb] = await Promise.all([verifyAsAlice(key, alice, la), verifyAsBob(key.clone(), bob, lb)]);
    expect(va.epsCor).toBe(vb.epsCor);
    const ell = la.finalLength(12_000);
    expect(ell).toBe(12_000 - 3000 - 64 - 1); // the tag and Bob's verdict bit
    const [pa, pb] = await Promise.all([amplifyAsAlice(key, ell, alice, la), amplifyAsBob(key.clone(), ell, bob, lb)]);
    expect(pa.key.equals(pb.key)).toBe(true);
    // 3 frames (seed+tag, verdict, PA seed) and the two SYNC frames, one pad each, on both sides
    expect(la.consumedBits()).toBe(5 * 64);
    expect(lb.consumedBits()).toBe(5 * 64);
    expect(bob.blockReport().messagesReceived).toBe(2);
    expect(bob.blockReport().forgeryBound).toBeGreaterThan(0);
  });

  it('a transport failure surfaces as peer-lost', async () => {
    const pool = new KeyPool(new Uint8Array(randomBytes(64)));
    const ch = new AuthenticatedChannel(
      { sendFrame: async () => { throw new Error('socket closed'); }, receiveFrame: async () => { throw new Error('eof'); } },
      pool, 'alice');
    await expectAbort(ch.receive(), 'peer-lost');
  });
});
