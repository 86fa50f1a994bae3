import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ProtocolAbort } from '../../src/core/errors.js';
import { LeakageLedger } from '../../src/postprocess/ledger.js';
import {
  AuthenticatedChannel, KeyPool, memoryFrameTransportPair, forgeryBoundPerMessage, type Direction,
} from '../../src/postprocess/auth.js';

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
const msgs = [Uint8Array.of(1, 2, 3), new Uint8Array(0), rnd(100), rnd(17)];

describe('Wegman–Carter authenticated channel', () => {
  it('delivers messages both ways, books pads in the ledger, reports forgery bound', async () => {
    const { alice, bob } = setup();
    const la = new LeakageLedger('blk');
    const lb = new LeakageLedger('blk');
    alice.attachLedger(la);
    bob.attachLedger(lb);
    for (const m of msgs) {
      await alice.send(m);
      expect(await bob.receive()).toEqual(m);
      await bob.send(m);
      expect(await alice.receive()).toEqual(m);
    }
    const ra = alice.blockReport();
    expect(ra.messagesSent).toBe(4);
    expect(ra.messagesReceived).toBe(4);
    expect(ra.padBitsConsumed).toBe(8 * 64);
    expect(la.consumedBits()).toBe(8 * 64);
    expect(lb.consumedBits()).toBe(8 * 64);
    const expected = msgs.reduce((s, m) => s + forgeryBoundPerMessage(9 + m.length), 0);
    expect(ra.forgeryBound).toBeCloseTo(expected, 30);
    expect(ra.forgeryBound).toBeLessThan(1e-17);
    expect(alice.stats.messagesSent).toBe(4);
  });

  it('any flipped bit of a frame is rejected', async () => {
    for (const bitPos of [0, 3, 8, 40, 72, 80, 150, 9 * 8 + 100 * 8 + 63]) {
      const tamper: Tamper = (f) => {
        if (bitPos < f.length * 8) f[bitPos >>> 3] ^= 1 << (bitPos & 7);
        return [f];
      };
      const { alice, bob } = setup(tamper);
      await alice.send(randomBytes(100));
      await expectAbort(bob.receive(), 'authentication-failed');
      // the channel stays dead afterwards
      await expectAbort(bob.receive(), 'authentication-failed');
    }
  });

  it('replayed frame is rejected', async () => {
    const { alice, bob } = setup((f) => [f, f.slice()]);
    await alice.send(Uint8Array.of(9));
    expect(await bob.receive()).toEqual(Uint8Array.of(9));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('reordered frames are rejected', async () => {
    let held: Uint8Array | null = null;
    const { alice, bob } = setup((f) => {
      if (!held) {
        held = f;
        return [];
      }
      return [f, held];
    });
    await alice.send(Uint8Array.of(1));
    await alice.send(Uint8Array.of(2));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('a dropped frame is detected on the next one', async () => {
    let n = 0;
    const { alice, bob } = setup((f) => (n++ === 0 ? [] : [f]));
    await alice.send(Uint8Array.of(1));
    await alice.send(Uint8Array.of(2));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('truncated or extended frames are rejected', async () => {
    for (const cut of [1, 5, 8, 9, 20]) {
      const { alice, bob } = setup((f) => [f.slice(0, f.length - cut)]);
      await alice.send(randomBytes(12));
      await expectAbort(bob.receive(), 'authentication-failed');
    }
    const { alice, bob } = setup((f) => {
      const g = new Uint8Array(f.length + 1);
      g.set(f);
      return [g];
    });
    await alice.send(randomBytes(12));
    await expectAbort(bob.receive(), 'authentication-failed');
  });

  it('a frame reflected back to its sender is rejected', async () => {
    const secret = randomBytes(8 + 16 * 8);
    const [ta, tb] = memoryFrameTransportPair();
    const alice = new AuthenticatedChannel(ta, new KeyPool(secret), 'alice');
    await alice.send(Uint8Array.of(42));
    const frame = await tb.receiveFrame();
    await tb.sendFrame(frame); // Eve bounces Alice's own frame back
    await expectAbort(alice.receive(), 'authentication-failed');
  });

  it('an exhausted pool stops cleanly with auth-pool-exhausted; refill resumes', async () => {
    const sent: Uint8Array[] = [];
    const { alice, bob, pa, pb } = setup((f) => {
      sent.push(f);
      return [f];
    }, 8 + 16 * 2); // two pads per direction
    await alice.send(Uint8Array.of(1));
    await alice.send(Uint8Array.of(2));
    await expectAbort(alice.send(Uint8Array.of(3)), 'auth-pool-exhausted');
    expect(sent.length).toBe(2); // nothing left unauthenticated
    expect(pa.availableBits('a2b')).toBe(0);
    expect(await bob.receive()).toEqual(Uint8Array.of(1));
    expect(await bob.receive()).toEqual(Uint8Array.of(2));
    // Bob has pads for b2a still
    expect(pb.availableBits('b2a')).toBe(128);
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
    expect(ell).toBe(12_000 - 3000 - 64);
    const [pa, pb] = await Promise.all([amplifyAsAlice(key, ell, alice, la), amplifyAsBob(key.clone(), ell, bob, lb)]);
    expect(pa.key.equals(pb.key)).toBe(true);
    // 3 frames (seed+tag, verdict, PA seed), one pad each, on both sides
    expect(la.consumedBits()).toBe(3 * 64);
    expect(lb.consumedBits()).toBe(3 * 64);
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
