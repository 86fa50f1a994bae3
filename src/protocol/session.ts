/**
 * A typed conversation over one authenticated message channel: send a `Message`, wait for a
 * given type, hand post-processing algorithms a `MessageChannel` whose payloads travel as
 * `post` messages of their stage. An `abort` from the peer turns into a local `ProtocolAbort`
 * with the peer's reason; anything unexpected is a protocol violation.
 */
import { ProtocolAbort } from '../core/errors.js';
import { StatsKeeper, type MessageChannel } from '../postprocess/channel.js';
import { decodeMessage, encodeMessage, type Message, type MessageType, type PostStage } from './messages.js';
import { timeline } from './timeline.js';

export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

export interface SessionTrace {
  dir: 'sent' | 'received';
  type: MessageType;
  stage?: PostStage;
  bytes: number;
}

export class Session {
  /** Bytes and messages per message type and direction, for the report. */
  readonly traffic = new Map<string, { messages: number; bytes: number }>();
  private peerAborted = false;

  constructor(
    private readonly channel: MessageChannel,
    readonly role: 'satellite' | 'ground',
    private readonly onTrace?: (t: SessionTrace) => void,
    /**
     * Last resort when the authenticated channel refuses to send (it failed authentication):
     * an unauthenticated abort frame on the raw transport. It can only stop the peer (whose own
     * authentication rejects it, so the peer aborts with 'authentication-failed'), never make
     * it accept anything.
     */
    private readonly rawNotify?: (frame: Uint8Array) => Promise<void>,
    /** The raw transport's next frame, to read the peer's unauthenticated abort notice after a failed send. */
    private readonly rawReceive?: () => Promise<Uint8Array>,
  ) {}

  /**
   * A send failed because the peer closed: it may have told us why first (its unauthenticated abort
   * notice after its authentication failed). Report that reason instead of a bare EPIPE.
   */
  private async peerNotice(err: unknown): Promise<never> {
    if (err instanceof ProtocolAbort && err.reason === 'peer-lost' && this.rawReceive) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<null>((r) => (timer = setTimeout(() => r(null), 2_000)));
      try {
        // the notice is the peer's last frame: authenticated frames it sent before (unread here) come first
        for (let i = 0; i < 256; i++) {
          const frame = await Promise.race([this.rawReceive().catch(() => null), deadline]);
          if (!frame) break;
          let m: Message | undefined;
          try {
            m = decodeMessage(frame);
          } catch {
            m = undefined;
          }
          if (m?.type === 'abort') {
            this.peerAborted = true;
            throw new ProtocolAbort(m.reason, `peer (${this.role === 'ground' ? 'satellite' : 'ground'}) aborted: ${m.message} (its unauthenticated notice, then it closed the connection)`);
          }
        }
      } finally {
        clearTimeout(timer);
      }
    }
    throw err;
  }

  private book(t: SessionTrace): void {
    const key = `${t.dir}:${t.type}${t.stage ? ':' + t.stage : ''}`;
    const e = this.traffic.get(key) ?? { messages: 0, bytes: 0 };
    e.messages++;
    e.bytes += t.bytes;
    this.traffic.set(key, e);
    timeline.mark(this.role, t.dir, t.stage ? `${t.type}:${t.stage}` : t.type, t.bytes);
    this.onTrace?.(t);
  }

  async send(m: Message): Promise<void> {
    const frame = encodeMessage(m);
    this.book({ dir: 'sent', type: m.type, stage: m.type === 'post' ? m.stage : undefined, bytes: frame.length });
    try {
      await this.channel.send(frame);
    } catch (e) {
      await this.peerNotice(e);
    }
  }

  async receive(): Promise<Message> {
    const frame = await this.channel.receive();
    const m = decodeMessage(frame);
    this.book({ dir: 'received', type: m.type, stage: m.type === 'post' ? m.stage : undefined, bytes: frame.length });
    if (m.type === 'abort') {
      this.peerAborted = true;
      throw new ProtocolAbort(m.reason, `peer (${this.role === 'ground' ? 'satellite' : 'ground'}) aborted: ${m.message}`);
    }
    return m;
  }

  async expect<T extends MessageType>(type: T): Promise<MessageOf<T>> {
    const m = await this.receive();
    if (m.type !== type) throw new ProtocolAbort('protocol-violation', `expected ${type}, received ${m.type}`);
    return m as MessageOf<T>;
  }

  /** Tell the peer why we stop (best effort: the channel may already be gone). */
  async abort(err: ProtocolAbort): Promise<void> {
    if (this.peerAborted) return;
    const m = { type: 'abort' as const, reason: err.reason, message: err.message.slice(0, 500) };
    try {
      await this.send(m);
    } catch {
      try {
        await this.rawNotify?.(encodeMessage(m));
      } catch {
        /* the peer is gone: nothing more to say */
      }
    }
  }

  /** The channel a post-processing stage talks over (payloads wrapped as `post` messages). */
  stage(stage: PostStage): MessageChannel {
    const keeper = new StatsKeeper();
    return {
      stats: keeper.stats,
      send: async (payload: Uint8Array) => {
        keeper.onSend(payload.length);
        await this.send({ type: 'post', stage, payload });
      },
      receive: async () => {
        const m = await this.receive();
        if (m.type !== 'post' || m.stage !== stage) {
          throw new ProtocolAbort(
            'protocol-violation',
            `expected a ${stage} message, received ${m.type}${m.type === 'post' ? ':' + m.stage : ''}`,
          );
        }
        keeper.onReceive(m.payload.length);
        return m.payload;
      },
    };
  }
}
