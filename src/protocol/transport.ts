/**
 * Frame transports under the authenticated channel: an in-memory pair (tests, single-process
 * replay) and TCP with 4-byte big-endian length prefixes. A closed or failed connection makes
 * every pending and future `receiveFrame` reject with `ProtocolAbort('peer-lost')`.
 */
import net from 'node:net';
import { ProtocolAbort } from '../core/errors.js';
import { AsyncQueue } from '../core/queue.js';

export interface FrameTransport {
  sendFrame(frame: Uint8Array): Promise<void>;
  receiveFrame(): Promise<Uint8Array>;
  close(): void;
}

/** Largest frame either side buffers (the detection announcement of a pass is ~10 MB; per-type limits: deadlines.ts). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface MemoryTransportOptions {
  /** Called on every frame a→b (index counts frames in that direction); may return a replacement. */
  tamperAtoB?: (frame: Uint8Array, index: number) => Uint8Array;
  tamperBtoA?: (frame: Uint8Array, index: number) => Uint8Array;
}

/** Two connected in-memory transports; frames are copied, so the parties share no memory. */
export function memoryTransportPair(opts: MemoryTransportOptions = {}): [FrameTransport, FrameTransport] {
  const ab = new AsyncQueue<Uint8Array>();
  const ba = new AsyncQueue<Uint8Array>();
  let nab = 0;
  let nba = 0;
  const lost = (who: string) => new ProtocolAbort('peer-lost', `${who} closed the channel`);
  const a: FrameTransport = {
    async sendFrame(f) {
      const copy = f.slice();
      ab.push(opts.tamperAtoB ? opts.tamperAtoB(copy, nab++) : copy);
    },
    receiveFrame: () => ba.next(),
    close() {
      ab.close(lost('peer'));
      ba.close(lost('this side'));
    },
  };
  const b: FrameTransport = {
    async sendFrame(f) {
      const copy = f.slice();
      ba.push(opts.tamperBtoA ? opts.tamperBtoA(copy, nba++) : copy);
    },
    receiveFrame: () => ab.next(),
    close() {
      ba.close(lost('peer'));
      ab.close(lost('this side'));
    },
  };
  return [a, b];
}

/** Length-prefixed frames over a connected socket. */
export function socketTransport(socket: net.Socket): FrameTransport {
  const queue = new AsyncQueue<Uint8Array>();
  let chunks: Buffer[] = [];
  let buffered = 0;
  let closedByUs = false;
  socket.setNoDelay(true);

  const drain = () => {
    for (;;) {
      if (buffered < 4) return;
      let head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      chunks = [head];
      const len = head.readUInt32BE(0);
      if (len > MAX_FRAME_BYTES) {
        queue.close(new ProtocolAbort('protocol-violation', `peer announced a frame of ${len} bytes, above the limit of ${MAX_FRAME_BYTES} (corrupt length prefix)`));
        // stop reading but keep the socket writable, so this side can still tell the peer why it stops
        socket.removeAllListeners('data');
        socket.pause();
        chunks = [];
        buffered = 0;
        return;
      }
      if (buffered < 4 + len) return;
      queue.push(new Uint8Array(head.subarray(4, 4 + len)));
      head = head.subarray(4 + len);
      chunks = head.length ? [head] : [];
      buffered = head.length;
    }
  };
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    buffered += d.length;
    drain();
  });
  const onGone = (why: string) => {
    queue.close(new ProtocolAbort('peer-lost', closedByUs ? 'connection closed' : `peer disconnected (${why})`));
  };
  socket.on('end', () => onGone('end of stream'));
  socket.on('close', () => onGone('connection closed'));
  socket.on('error', (e) => onGone(e.message));

  return {
    sendFrame(frame) {
      return new Promise((resolve, reject) => {
        if (socket.destroyed || !socket.writable) {
          reject(new ProtocolAbort('peer-lost', 'connection is closed'));
          return;
        }
        const head = Buffer.alloc(4);
        head.writeUInt32BE(frame.length, 0);
        socket.write(head);
        socket.write(frame, (err) => (err ? reject(new ProtocolAbort('peer-lost', err.message)) : resolve()));
      });
    },
    receiveFrame: () => queue.next(),
    close() {
      closedByUs = true;
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    },
  };
}

export interface TcpListener {
  host: string;
  port: number;
  /** Wait for the next peer. */
  accept(): Promise<FrameTransport>;
  close(): Promise<void>;
}

/** Listen on host:port (port 0 picks a free port; see `.port`). */
export function listenTcp(host: string, port: number): Promise<TcpListener> {
  return new Promise((resolve, reject) => {
    const incoming = new AsyncQueue<net.Socket>();
    const server = net.createServer((s) => incoming.push(s));
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        host,
        port: actual,
        accept: async () => socketTransport(await incoming.next()),
        close: () => new Promise<void>((res) => server.close(() => res())),
      });
    });
  });
}

/** Connect to host:port, retrying refused connections until `timeoutMs` has passed. */
export async function connectTcp(host: string, port: number, timeoutMs = 10_000): Promise<FrameTransport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host, port }, () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
      });
      return socketTransport(socket);
    } catch (e) {
      if (Date.now() > deadline) {
        throw new ProtocolAbort('peer-lost', `cannot connect to ${host}:${port}: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
