/**
 * Issue 21: a tampered stream made the sending side report `peer-lost: EPIPE` — the peer's
 * authentication failed, it sent its unauthenticated abort notice and closed, and this side's next
 * send hit the closed socket. The session then reads the raw frames the peer left: its notice may
 * come after authenticated frames this side had not read yet.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolAbort } from '../../src/core/errors.js';
import { emptyStats } from '../../src/postprocess/channel.js';
import { encodeMessage } from '../../src/protocol/messages.js';
import { Session } from '../../src/protocol/session.js';

const closed = {
  stats: emptyStats(),
  send: async () => {
    throw new ProtocolAbort('peer-lost', 'write EPIPE');
  },
  receive: async () => {
    throw new ProtocolAbort('peer-lost', 'peer disconnected');
  },
};

/** An authenticated frame as the channel sends it: role 'B', pad index, payload, tag. */
const authFrame = (payload: number[]) => new Uint8Array([0x42, 7, 0, 0, 0, 0, 0, 0, 0, ...payload, 1, 2, 3, 4, 5, 6, 7, 8]);

function rawQueue(frames: Uint8Array[]): () => Promise<Uint8Array> {
  return async () => {
    const f = frames.shift();
    if (!f) throw new ProtocolAbort('peer-lost', 'peer disconnected');
    return f;
  };
}

describe('the peer abort notice after a failed send', () => {
  it('is found behind authenticated frames not yet read, and reported with its reason', async () => {
    const notice = encodeMessage({ type: 'abort', reason: 'authentication-failed', message: 'tag mismatch on frame with pad index 41 (a2b)' });
    const s = new Session(closed, 'satellite', undefined, undefined, rawQueue([authFrame([1, 7, 0]), authFrame([1, 7, 1, 2]), notice]));
    const err = await s.send({ type: 'decision', stage: 'final', keyLengthBits: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolAbort);
    expect((err as ProtocolAbort).reason).toBe('authentication-failed');
    expect((err as ProtocolAbort).message).toMatch(/peer \(ground\) aborted: tag mismatch on frame with pad index 41.*unauthenticated notice/);
  });

  it('without a notice the send stays peer-lost', async () => {
    const s = new Session(closed, 'ground', undefined, undefined, rawQueue([authFrame([1, 7, 0])]));
    await expect(s.send({ type: 'decision', stage: 'final', keyLengthBits: 1000 })).rejects.toMatchObject({ reason: 'peer-lost' });
  });
});
