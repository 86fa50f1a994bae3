/**
 * The memory channel's in-process fast path (serveSynchronously / synchronousPeer, issue 19): the
 * same replies and the same message, bit and round-trip counters on both endpoints as the queued
 * send/receive path; a plain send to a serving endpoint gets its reply queued; a throwing handler
 * ends the serving and closes the pair; wrapped channels have no fast path.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair, serveSynchronously, synchronousPeer, type MessageChannel, type SyncResponder } from '../../src/postprocess/channel.js';

/** Echo handler: reply = request reversed plus one byte; a request starting with 0 ends the exchange. */
const echo: SyncResponder = (m) => (m[0] === 0 ? null : Uint8Array.from([...m].reverse().concat([m.length])));

const requests = [Uint8Array.of(1, 2, 3), Uint8Array.of(4), Uint8Array.of(5, 6, 7, 8, 9), Uint8Array.of(0)];

async function queued(): Promise<{ replies: number[][]; stats: unknown[] }> {
  const [a, b] = memoryChannelPair();
  const replies: number[][] = [];
  const server = (async () => {
    await a.send(Uint8Array.of(42)); // an opening, as Cascade's
    for (;;) {
      const r = echo(await a.receive());
      if (r === null) return;
      await a.send(r);
    }
  })();
  await b.receive();
  for (const q of requests) {
    await b.send(q);
    if (q[0] !== 0) replies.push([...(await b.receive())]);
  }
  await server;
  return { replies, stats: [{ ...a.stats }, { ...b.stats }] };
}

describe('memory channel fast path', () => {
  it('synchronousPeer gives the queued path’s replies and counters', async () => {
    const ref = await queued();
    const [a, b] = memoryChannelPair();
    const served = serveSynchronously(a, echo);
    expect(served).not.toBeNull();
    await a.send(Uint8Array.of(42));
    await b.receive();
    const call = synchronousPeer(b);
    expect(call).not.toBeNull();
    const replies: number[][] = [];
    for (const q of requests) {
      const r = call!(q);
      if (q[0] !== 0) replies.push([...r!]);
      else expect(r).toBeNull();
    }
    await served;
    expect(replies).toEqual(ref.replies);
    expect([{ ...a.stats }, { ...b.stats }]).toEqual(ref.stats);
    expect(synchronousPeer(b)).toBeNull(); // serving ended with the null reply
  });

  it('a plain send to a serving endpoint has its reply queued, with the same counters', async () => {
    const ref = await queued();
    const [a, b] = memoryChannelPair();
    const served = serveSynchronously(a, echo)!;
    await a.send(Uint8Array.of(42));
    await b.receive();
    const replies: number[][] = [];
    for (const q of requests) {
      await b.send(q);
      if (q[0] !== 0) replies.push([...(await b.receive())]);
    }
    await served;
    expect(replies).toEqual(ref.replies);
    expect([{ ...a.stats }, { ...b.stats }]).toEqual(ref.stats);
  });

  it('a throwing handler rejects the serving, closes the pair and reaches the caller', async () => {
    const [a, b] = memoryChannelPair();
    const boom = new Error('bad request');
    const served = serveSynchronously(a, () => {
      throw boom;
    })!;
    const call = synchronousPeer(b)!;
    expect(() => call(Uint8Array.of(1))).toThrow(boom);
    await expect(served).rejects.toBe(boom);
    await expect(b.receive()).rejects.toBe(boom);
  });

  it('closing the pair rejects the serving; wrapped channels and queued messages have no fast path', async () => {
    const [a, b] = memoryChannelPair();
    const served = serveSynchronously(a, echo)!;
    const err = new Error('closed');
    b.close(err);
    await expect(served).rejects.toBe(err);

    const [c, d] = memoryChannelPair();
    const wrap = (x: MessageChannel): MessageChannel => ({ stats: x.stats, send: (m) => x.send(m), receive: () => x.receive() });
    expect(serveSynchronously(wrap(c), echo)).toBeNull();
    expect(synchronousPeer(d)).toBeNull(); // c is not serving
    await d.send(Uint8Array.of(1));
    expect(() => serveSynchronously(c, echo)).toThrow(/already waiting/);
  });
});
