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

/** Two connected in-memory endpoints. Messages are copied, so neither side shares memory. */
export function memoryChannelPair(): [MemoryChannel, MemoryChannel] {
  const ab = new AsyncQueue<Uint8Array>();
  const ba = new AsyncQueue<Uint8Array>();
  const make = (out: AsyncQueue<Uint8Array>, inq: AsyncQueue<Uint8Array>): MemoryChannel => {
    const keeper = new StatsKeeper();
    return {
      stats: keeper.stats,
      async send(payload) {
        keeper.onSend(payload.length);
        out.push(payload.slice());
      },
      async receive() {
        const m = await inq.next();
        keeper.onReceive(m.length);
        return m;
      },
      close(err = new Error('channel closed')) {
        ab.close(err);
        ba.close(err);
      },
    };
  };
  return [make(ab, ba), make(ba, ab)];
}
