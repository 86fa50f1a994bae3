/**
 * The message channel that post-processing algorithms use to talk to their peer. Algorithms see
 * only this interface; the protocol layer plugs the real authenticated transport in, tests and
 * benchmarks use `memoryChannelPair()`. Every endpoint counts messages, bits and round trips.
 *
 * A round trip is counted by an endpoint each time it receives a message after having sent one
 * since its previous receive (a request followed by its answer).
 */

import { AsyncQueue } from '../core/queue.js';

export interface ChannelStats {
  messagesSent: number;
  messagesReceived: number;
  bitsSent: number;
  bitsReceived: number;
  roundTrips: number;
}

export interface MessageChannel {
  send(payload: Uint8Array): Promise<void>;
  receive(): Promise<Uint8Array>;
  readonly stats: ChannelStats;
}

export function emptyStats(): ChannelStats {
  return { messagesSent: 0, messagesReceived: 0, bitsSent: 0, bitsReceived: 0, roundTrips: 0 };
}

/** Bookkeeping shared by channel implementations. */
export class StatsKeeper {
  readonly stats: ChannelStats = emptyStats();
  private sentSinceReceive = false;

  onSend(bytes: number): void {
    this.stats.messagesSent++;
    this.stats.bitsSent += bytes * 8;
    this.sentSinceReceive = true;
  }

  onReceive(bytes: number): void {
    this.stats.messagesReceived++;
    this.stats.bitsReceived += bytes * 8;
    if (this.sentSinceReceive) this.stats.roundTrips++;
    this.sentSinceReceive = false;
  }
}

export interface MemoryChannel extends MessageChannel {
  /** Close both directions; pending and future receives reject with `err`. */
  close(err?: Error): void;
}

/**
 * A responder for the in-process fast path: handles one message and returns its reply, or null
 * when the message ends the exchange (no reply). It runs inside the peer's call, so it must not
 * keep `request` after returning, and the peer must not modify a buffer once it is passed on.
 */
export type SyncResponder = (request: Uint8Array) => Uint8Array | null;

/** Internal state of one memory endpoint (for the fast path). */
interface Endpoint {
  readonly keeper: StatsKeeper;
  /** Messages to this endpoint. */
  readonly inbox: AsyncQueue<Uint8Array>;
  peer: Endpoint | null;
  server: { handler: SyncResponder; resolve: () => void; reject: (e: unknown) => void } | null;
  closeAll(err: Error): void;
}

const endpoints = new WeakMap<MessageChannel, Endpoint>();

/**
 * Hand `payload` to the serving endpoint `to` as a receive followed by the reply's send (the same
 * counter updates as the queued path). A throwing handler ends the serving with that error and
 * closes the pair (the peer would otherwise wait for a reply forever), and the error propagates.
 */
function dispatch(to: Endpoint, payload: Uint8Array): Uint8Array | null {
  const srv = to.server;
  if (!srv) throw new Error('channel: peer is not serving');
  to.keeper.onReceive(payload.length);
  let reply: Uint8Array | null;
  try {
    reply = srv.handler(payload);
  } catch (e) {
    to.server = null;
    srv.reject(e);
    to.closeAll(e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
  if (reply === null) {
    to.server = null;
    srv.resolve();
    return null;
  }
  to.keeper.onSend(reply.length);
  return reply;
}

/** Two connected in-memory endpoints. Messages are copied, so neither side shares memory. */
export function memoryChannelPair(): [MemoryChannel, MemoryChannel] {
  const ab = new AsyncQueue<Uint8Array>();
  const ba = new AsyncQueue<Uint8Array>();
  const closeAll = (err: Error): void => {
    for (const e of [ea, eb]) {
      const srv = e.server;
      e.server = null;
      srv?.reject(err);
    }
    ab.close(err);
    ba.close(err);
  };
  const ea: Endpoint = { keeper: new StatsKeeper(), inbox: ba, peer: null, server: null, closeAll };
  const eb: Endpoint = { keeper: new StatsKeeper(), inbox: ab, peer: ea, server: null, closeAll };
  ea.peer = eb;
  const make = (self: Endpoint): MemoryChannel => {
    const keeper = self.keeper;
    const peer = self.peer as Endpoint;
    const ch: MemoryChannel = {
      stats: keeper.stats,
      async send(payload) {
        keeper.onSend(payload.length);
        if (peer.server) {
          // the peer serves synchronously: its reply is queued for our next receive
          let reply: Uint8Array | null;
          try {
            reply = dispatch(peer, payload.slice());
          } catch {
            return; // the pair is closed: our receive rejects with the handler's error
          }
          if (reply !== null) self.inbox.push(reply.slice());
          return;
        }
        peer.inbox.push(payload.slice());
      },
      async receive() {
        const m = await self.inbox.next();
        keeper.onReceive(m.length);
        return m;
      },
      close(err = new Error('channel closed')) {
        closeAll(err);
      },
    };
    endpoints.set(ch, self);
    return ch;
  };
  return [make(ea), make(eb)];
}

/**
 * In-process fast path, responder side: if `ch` is a memory endpoint, every message its peer
 * sends from now on is handed to `handler` inside the peer's call (see `synchronousPeer`, or a
 * plain `send`, whose reply is then queued for the peer's receive), with the same message, bit and
 * round-trip counts as the queued path. Resolves when the handler returns null (no reply), rejects
 * if it throws or the pair is closed. Returns null if `ch` is not a memory endpoint (a real
 * transport, or a wrapped channel): use send/receive. Must be called before the peer sends, and
 * `ch.receive` must not be used while serving.
 */
export function serveSynchronously(ch: MessageChannel, handler: SyncResponder): Promise<void> | null {
  const self = endpoints.get(ch);
  if (!self) return null;
  if (self.server) throw new Error('channel: already serving');
  if (self.inbox.size > 0) throw new Error('channel: messages are already waiting; serve before the peer sends');
  return new Promise<void>((resolve, reject) => {
    self.server = { handler, resolve, reject };
  });
}

/**
 * In-process fast path, requester side: if `ch` is a memory endpoint whose peer is serving
 * (`serveSynchronously`), a function that sends a request and returns the peer's reply in the
 * same call (null if the request ended the exchange), counting both endpoints' messages, bits
 * and round trips as send + receive would. Buffers are handed over, not copied. Returns null
 * otherwise (use send/receive).
 */
export function synchronousPeer(ch: MessageChannel): ((request: Uint8Array) => Uint8Array | null) | null {
  const self = endpoints.get(ch);
  const peer = self?.peer;
  if (!self || !peer || !peer.server) return null;
  const keeper = self.keeper;
  return (request) => {
    keeper.onSend(request.length);
    const reply = dispatch(peer, request);
    if (reply !== null) keeper.onReceive(reply.length);
    return reply;
  };
}
