/**
 * The emulated classical link (src/protocol/link-emulator.ts): the schedule's invariants
 * (serialisation behind earlier frames, latency, nothing starts inside an outage, order), the
 * wrapper's measured delivery times and byte/round-trip counts over a real in-memory pair, the
 * flag parsers, and a whole session over a 1 Mbit/s, 5 ms link: the same key as without the link,
 * Cascade's round trips far above LDPC's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emulateLink, parseBandwidth, parseDuration, parseOutages, scheduleFrame, type LinkEmulatorOptions } from '../../src/protocol/link-emulator.js';
import { runLocalSession } from '../../src/protocol/local.js';
import { defaultPostProcessing } from '../../src/protocol/postprocessing.js';
import { memoryTransportPair } from '../../src/protocol/transport.js';
import { DEFAULT_POLICY } from '../../src/protocol/types.js';
import { syntheticPass } from './synthetic.js';

describe('link schedule', () => {
  it('frames queue behind each other, pay 8·bytes/bandwidth and the latency, never start in an outage, arrive in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapS: fc.double({ min: 0, max: 0.05, noNaN: true }), bytes: fc.integer({ min: 1, max: 20_000 }) }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 1e4, max: 1e8, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.array(fc.record({ startS: fc.double({ min: 0, max: 1, noNaN: true }), durS: fc.double({ min: 0.001, max: 0.2, noNaN: true }) }), { maxLength: 4 }),
        (frames, bw, lat, outs) => {
          const o: LinkEmulatorOptions = { bandwidthBps: bw, latencyS: lat, outages: outs.map((x) => ({ startS: x.startS, endS: x.startS + x.durS })) };
          let now = 0;
          let busy = 0;
          let lastDeliver = -Infinity;
          let txSum = 0;
          for (const f of frames) {
            now += f.gapS;
            const s = scheduleFrame(now, busy, f.bytes, o);
            const tx = (8 * f.bytes) / bw;
            expect(s.startS).toBeGreaterThanOrEqual(Math.max(now, busy));
            expect(s.endS - s.startS).toBeCloseTo(tx, 12);
            expect(s.deliverS - s.endS).toBeCloseTo(lat, 12);
            for (const out of o.outages ?? []) expect(s.startS >= out.startS && s.startS < out.endS).toBe(false);
            expect(s.deliverS).toBeGreaterThanOrEqual(lastDeliver);
            // held only when an outage was in the way
            if ((o.outages ?? []).length === 0) expect(s.heldS).toBe(0);
            lastDeliver = s.deliverS;
            busy = s.endS;
            txSum += tx;
          }
          // the direction is never busy for less than the sum of its transmissions
          expect(busy).toBeGreaterThanOrEqual(txSum - 1e-9);
        },
      ),
    );
  });

  it('an outage holds a frame until it ends', () => {
    const s = scheduleFrame(1.0, 0, 125_000, { bandwidthBps: 1e6, latencyS: 0.005, outages: [{ startS: 0.5, endS: 2 }] });
    expect(s).toEqual({ startS: 2, endS: 3, deliverS: 3.005, heldS: 1 });
  });
});

describe('emulated link over an in-memory pair', () => {
  it('delivers in order no earlier than latency + serialisation, counts bytes and round trips', async () => {
    const [ra, rb] = memoryTransportPair();
    const o: LinkEmulatorOptions = { bandwidthBps: 1e6, latencyS: 0.02 };
    const a = emulateLink(ra, o);
    const b = emulateLink(rb, o);
    const sizes = [10, 2500, 100, 7];
    const t0 = performance.now();
    for (const n of sizes) await a.sendFrame(new Uint8Array(n).fill(n & 0xff));
    const got: { n: number; atMs: number }[] = [];
    for (let i = 0; i < sizes.length; i++) {
      const f = await b.receiveFrame();
      got.push({ n: f.length, atMs: performance.now() - t0 });
    }
    expect(got.map((g) => g.n)).toEqual(sizes);
    let cum = 0;
    for (let i = 0; i < sizes.length; i++) {
      cum += (8 * sizes[i]) / 1e6;
      // timers may fire late, never early (1 ms of timer rounding allowed)
      expect(got[i].atMs).toBeGreaterThanOrEqual((cum + o.latencyS) * 1000 - 1);
    }
    // a ping-pong of 3 turns: each end waited for 3 answers
    for (let i = 0; i < 3; i++) {
      await b.sendFrame(new Uint8Array([i]));
      expect((await a.receiveFrame())[0]).toBe(i);
      await a.sendFrame(new Uint8Array([i, i]));
      expect((await b.receiveFrame()).length).toBe(2);
    }
    const sa = a.stats();
    const sb = b.stats();
    expect(sa.bytesSent).toBe(sizes.reduce((x, y) => x + y, 0) + 6);
    expect(sb.bytesReceived).toBe(sa.bytesSent);
    expect(sa.bytesReceived).toBe(sb.bytesSent);
    expect(sa.framesSent).toBe(sizes.length + 3);
    expect(sb.framesReceived).toBe(sa.framesSent);
    expect(sa.roundTrips).toBe(3);
    expect(sb.roundTrips).toBe(3);
    expect(sa.busyS).toBeCloseTo((8 * sa.bytesSent) / 1e6, 12);
    a.close();
    b.close();
  });
});

describe('link flags', () => {
  it('parse bandwidths, durations and outages; reject nonsense naming the flag', () => {
    expect(parseBandwidth('1Mbit')).toBe(1e6);
    expect(parseBandwidth('100kbit/s')).toBe(1e5);
    expect(parseBandwidth('2.5Gbps')).toBe(2.5e9);
    expect(parseBandwidth('9600')).toBe(9600);
    expect(parseDuration('5ms')).toBeCloseTo(0.005, 15);
    expect(parseDuration('0.25s')).toBe(0.25);
    expect(parseDuration('300us')).toBeCloseTo(3e-4, 15);
    expect(parseOutages('10s+2s,1+0.5')).toEqual([
      { startS: 1, endS: 1.5 },
      { startS: 10, endS: 12 },
    ]);
    expect(() => parseBandwidth('fast')).toThrow(/--link-bandwidth/);
    expect(() => parseBandwidth('0')).toThrow(/> 0/);
    expect(() => parseDuration('5 parsecs', '--link-latency')).toThrow(/--link-latency/);
    expect(() => parseOutages('10s')).toThrow(/START\+DURATION/);
    expect(() => parseOutages('1+0')).toThrow(/no duration/);
  });
});

describe('a session over a 1 Mbit/s, 5 ms link', () => {
  const pass = syntheticPass({ detections: 400_000, qber: 0.01, seed: 11 });
  const post = defaultPostProcessing();
  const link: LinkEmulatorOptions = { bandwidthBps: 1e6, latencyS: 0.005 };

  it('gives the key of the plain channel; Cascade needs many more round trips than LDPC; every message byte is on the link', async () => {
    const rounds: Record<string, number> = {};
    for (const reconciliation of ['cascade', 'ldpc'] as const) {
      const policy = { ...DEFAULT_POLICY, bound: 'chernoff' as const, reconciliation };
      const linked = await runLocalSession({ ...pass, policy, post, seed: '3', link });
      expect(linked.satellite.abortMessage).toBeUndefined();
      expect(linked.keysMatch).toBe(true);
      if (reconciliation === 'cascade') {
        const plain = await runLocalSession({ ...pass, policy, post, seed: '3' });
        expect(linked.satellite.keyDigest).toBe(plain.satellite.keyDigest);
      }
      const l = linked.link!;
      expect(l.satellite.bytesSent).toBe(l.ground.bytesReceived);
      expect(l.ground.bytesSent).toBe(l.satellite.bytesReceived);
      // the link carries the session's messages plus the authentication framing, never less
      const sent = Object.entries(linked.satellite.traffic).filter(([k]) => k.startsWith('sent:')).reduce((s, [, v]) => s + v.bytes, 0);
      expect(l.satellite.bytesSent).toBeGreaterThanOrEqual(sent);
      expect(l.satellite.busyS).toBeCloseTo((8 * l.satellite.bytesSent) / 1e6, 9);
      rounds[reconciliation] = Math.max(l.satellite.roundTrips, l.ground.roundTrips);
    }
    expect(rounds.cascade).toBeGreaterThan(5 * rounds.ldpc);
  }, 120_000);
});
