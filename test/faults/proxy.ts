/**
 * A TCP fault proxy for two real `mozi` processes (issue 21): it sits between `mozi ground
 * --connect` and `mozi satellite --listen`, cuts each direction's byte stream into its 4-byte
 * big-endian length-prefixed frames (protocol/transport.ts), and applies one fault to one frame of
 * one direction: a flipped bit, a drop, a duplicate, a reorder (held back behind the next frame),
 * a delay (a stall beyond the receive deadline), a truncation (the frame cut short, its prefix
 * kept: the stream stalls), or kill -9 of the sending or the receiving process at that frame.
 *
 * Every frame is shown to `onFrame` exactly as its sender wrote it, before any fault, so the test
 * can audit the tags on the wire (`WireAudit`).
 */
import net from 'node:net';

export type Dir = 'a2b' | 'b2a';
export const WIRE_FAULTS = ['flip', 'drop', 'duplicate', 'reorder', 'delay', 'truncate', 'kill-sender', 'kill-receiver'] as const;
export type WireFaultKind = (typeof WIRE_FAULTS)[number];

export interface WireFault {
  kind: WireFaultKind;
  /** a2b: satellite → ground; b2a: ground → satellite. */
  dir: Dir;
  /** Frame index in that direction (0 = the SYNC). */
  frame: number;
  /** Bit to flip / part of the frame to keep, as a fraction. */
  at: number;
}

export interface ProxyHooks {
  /** kill -9 the party: 'satellite' (Alice, the a2b sender) or 'ground'. */
  kill(party: 'satellite' | 'ground'): void;
  onFrame?(dir: Dir, n: number, frame: Buffer): void;
}

export interface FaultProxy {
  port: number;
  /** Whether the fault's frame passed the proxy. */
  hit(): boolean;
  close(): Promise<void>;
}

/** Split a byte stream into length-prefixed frames (prefix included). */
class Framer {
  private buf: Buffer = Buffer.alloc(0);
  push(d: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const out: Buffer[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (this.buf.length < 4 + len) break;
      out.push(Buffer.from(this.buf.subarray(0, 4 + len)));
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }
}

/** Start the proxy on a free port of 127.0.0.1, forwarding one connection to 127.0.0.1:`target`. */
export function startFaultProxy(target: number, fault: WireFault | undefined, hooks: ProxyHooks): Promise<FaultProxy> {
  let faultHit = false;
  const timers: NodeJS.Timeout[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((ground) => {
    const sat = net.connect(target, '127.0.0.1');
    sockets.push(ground, sat);
    const count: Record<Dir, number> = { a2b: 0, b2a: 0 };
    const held: Partial<Record<Dir, Buffer>> = {};
    const pipe = (dir: Dir, from: net.Socket, to: net.Socket) => {
      const framer = new Framer();
      from.on('data', (d: Buffer) => {
        for (const f of framer.push(d)) {
          const n = count[dir]++;
          hooks.onFrame?.(dir, n, Buffer.from(f));
          const write = (x: Buffer) => {
            if (!to.destroyed) to.write(x);
          };
          if (fault && fault.dir === dir && fault.frame === n) {
            faultHit = true;
            const body = f.length - 4;
            switch (fault.kind) {
              case 'flip': {
                const bit = Math.min(body * 8 - 1, Math.floor(fault.at * body * 8));
                f[4 + (bit >>> 3)] ^= 1 << (bit & 7);
                write(f);
                break;
              }
              case 'drop':
                break;
              case 'duplicate':
                write(f);
                write(Buffer.from(f));
                break;
              case 'reorder':
                held[dir] = f;
                break;
              case 'delay':
                timers.push(setTimeout(() => write(f), 120_000));
                break;
              case 'truncate':
                write(f.subarray(0, 4 + Math.floor(fault.at * body)));
                break;
              case 'kill-sender':
                hooks.kill(dir === 'a2b' ? 'satellite' : 'ground');
                break;
              case 'kill-receiver':
                hooks.kill(dir === 'a2b' ? 'ground' : 'satellite');
                break;
            }
            continue;
          }
          write(f);
          const h = held[dir];
          if (h) {
            held[dir] = undefined;
            write(h);
          }
        }
      });
    };
    pipe('a2b', sat, ground);
    pipe('b2a', ground, sat);
    const end = () => {
      ground.destroy();
      sat.destroy();
    };
    for (const s of [ground, sat]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        hit: () => faultHit,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Audit of the tags seen on the wire: (epoch, direction, pad index) → tag. Only authenticated
 * frames count — role byte 'A' (0x41) or 'B' (0x42), u64 LE pad index, payload, 8-byte tag. An
 * unauthenticated abort notice (a bare message frame, first byte the protocol version) carries
 * no pad and is not a tag; reading its bytes as an index would report false reuses.
 */
export class WireAudit {
  readonly tags = new Map<string, string>();
  reuses = 0;
  notices = 0;
  epoch = 0;

  see(frame: Buffer): void {
    const body = frame.subarray(4);
    if (body.length < 9 + 8 || (body[0] !== 0x41 && body[0] !== 0x42)) {
      this.notices++;
      return;
    }
    const dir: Dir = body[0] === 0x41 ? 'a2b' : 'b2a';
    const index = body.readUInt32LE(1) + body.readUInt32LE(5) * 2 ** 32;
    const key = `${this.epoch} ${dir} ${index}`;
    const tag = body.subarray(body.length - 8).toString('hex');
    const seen = this.tags.get(key);
    if (seen === undefined) this.tags.set(key, tag);
    else if (seen !== tag) this.reuses++;
  }
}

/** Keys "0 dir index" (epoch 0, as WireAudit's) → tag, and the reuses, in MOZI_PAD_LOG files ("role dir index tag" per line, both parties, all runs): an index carrying two different tags. */
export function padLogReuses(text: string): { tags: Map<string, string>; reuses: number } {
  const seen = new Map<string, string>();
  let reuses = 0;
  for (const line of text.split('\n')) {
    const m = /^(alice|bob) (a2b|b2a) (\d+) ([0-9a-f]{16})$/.exec(line);
    // a process killed mid-append leaves at most one partial last line: not a tag
    if (!m) continue;
    const key = `0 ${m[2]} ${m[3]}`;
    const s = seen.get(key);
    if (s === undefined) seen.set(key, m[4]);
    else if (s !== m[4]) reuses++;
  }
  return { tags: seen, reuses };
}
