/**
 * Limits on what the peer can make a party wait for or buffer: a receive deadline on every frame
 * and a maximum frame size per message type, so a stalled, truncated or tampered stream (a flipped
 * bit in a length prefix announces a huge frame) ends within seconds with a named reason instead
 * of a hang. The size check runs before authentication on the type byte the frame claims (a
 * tampered type byte fails authentication anyway); the first frame of a session is the SYNC.
 */
import { ProtocolAbort } from '../core/errors.js';
import type { MessageType } from './messages.js';
import type { FrameTransport } from './transport.js';

/** Default receive deadline (a party computing a 10⁶-detection pass answers well within it). */
export const DEFAULT_RECEIVE_TIMEOUT_MS = 60_000;

const KIB = 1024;
const MIB = 1024 * KIB;

/** Largest frame per message type (authentication header and tag included). */
export const MAX_FRAME_BYTES_BY_TYPE: Record<MessageType, number> = {
  hello: 4 * KIB,
  params: 4 * KIB,
  detections: 64 * MIB,
  sift: 64 * MIB,
  sample: 64 * MIB,
  decision: 1 * KIB,
  post: 64 * MIB,
  errors: 1 * KIB,
  done: 1 * KIB,
  pending: 1 * MIB,
  stored: 1 * KIB,
  abort: 4 * KIB,
  end: 1 * KIB,
};
/** The SYNC frame: header, 16-byte nonce, tag. */
const MAX_SYNC_BYTES = 64;
/** Offset of the message type code in an authenticated frame: 9-byte header, then [version][type]. */
const TYPE_OFFSET = 10;
const TYPE_BY_CODE: MessageType[] = ['hello', 'params', 'detections', 'sift', 'sample', 'decision', 'post', 'errors', 'done', 'abort', 'pending', 'stored', 'end'];

export interface FrameLimits {
  /** Deadline for each frame from the peer, ms (default DEFAULT_RECEIVE_TIMEOUT_MS). */
  receiveTimeoutMs?: number;
}

/** The frame's claimed type and its size limit (undefined type: unknown code, left to the codec). */
export function frameLimit(frame: Uint8Array, first: boolean): { type: string; max: number } {
  if (first) return { type: 'SYNC', max: MAX_SYNC_BYTES };
  const t = frame.length > TYPE_OFFSET ? TYPE_BY_CODE[frame[TYPE_OFFSET] - 1] : undefined;
  return t ? { type: t, max: MAX_FRAME_BYTES_BY_TYPE[t] } : { type: 'unknown', max: 64 * MIB };
}

/** A transport whose receives time out and whose frames are checked against their type's limit. */
export function guardedTransport(t: FrameTransport, limits: FrameLimits = {}): FrameTransport {
  const timeoutMs = limits.receiveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUT_MS;
  let received = 0;
  return {
    sendFrame: (f) => t.sendFrame(f),
    close: () => t.close(),
    async receiveFrame() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ProtocolAbort('timeout', `no complete frame from the peer within ${(timeoutMs / 1000).toFixed(1)} s (stalled or truncated stream)`)),
          timeoutMs,
        );
      });
      try {
        const f = await Promise.race([t.receiveFrame(), deadline]);
        const { type, max } = frameLimit(f, received === 0);
        received++;
        if (f.length > max) throw new ProtocolAbort('protocol-violation', `a ${type} frame of ${f.length} bytes exceeds its limit of ${max}`);
        return f;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
