/**
 * A mock channel for the leakage tests: two connected in-memory endpoints that record every
 * message crossing them, per direction, and count its bits.
 */
import { memoryChannelPair, type MessageChannel } from '../../src/postprocess/channel.js';

export interface Transcript {
  /** Messages Alice sent (Alice → Bob), in order. */
  aToB: Uint8Array[];
  /** Messages Bob sent (Bob → Alice), in order. */
  bToA: Uint8Array[];
  /** Every message in order, with its direction. */
  all: { dir: 'aToB' | 'bToA'; bytes: Uint8Array }[];
}

export function bitsOf(msgs: Uint8Array[]): number {
  return msgs.reduce((s, m) => s + 8 * m.length, 0);
}

export function recordingPair(): { alice: MessageChannel; bob: MessageChannel; transcript: Transcript } {
  const [a, b] = memoryChannelPair();
  const transcript: Transcript = { aToB: [], bToA: [], all: [] };
  const tap = (ch: MessageChannel, dir: 'aToB' | 'bToA'): MessageChannel => ({
    stats: ch.stats,
    async send(payload) {
      const copy = payload.slice();
      transcript[dir].push(copy);
      transcript.all.push({ dir, bytes: copy });
      await ch.send(payload);
    },
    receive: () => ch.receive(),
  });
  return { alice: tap(a, 'aToB'), bob: tap(b, 'bToA'), transcript };
}

/** Bit i of packed LSB-first bytes. */
export function bit(bytes: Uint8Array, i: number): number {
  return (bytes[i >>> 3] >>> (i & 7)) & 1;
}

/** Throws unless the bits of `bytes` from `used` on (the byte padding) are all zero. */
export function expectZeroPadding(bytes: Uint8Array, used: number, what: string): void {
  if (bytes.length !== (used + 7) >>> 3) throw new Error(`${what}: ${bytes.length} bytes for ${used} bits`);
  for (let i = used; i < bytes.length * 8; i++) if (bit(bytes, i)) throw new Error(`${what}: padding bit ${i} is set`);
}
