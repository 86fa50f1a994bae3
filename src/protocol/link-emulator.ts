/**
 * The classical channel as a real link: a frame-transport wrapper that gives every frame this end
 * sends the serialisation time of a link of finite bandwidth (frames queue behind each other),
 * the one-way propagation latency, and holds transmission during outages (a satellite link that
 * loses lock: frames wait in the buffer until the link is back, as TCP would retransmit them).
 * Each end wraps its own transport, so it works for the in-memory pair (`mozi replay`) and for
 * TCP between `mozi satellite` and `mozi ground` (each process delays its own direction).
 *
 * The model, per frame of `b` bytes offered at time `t` (seconds since the link was opened):
 *   start = max(t, busyUntil), moved past every outage [s, e) it falls in;
 *   busyUntil = start + 8·b / bandwidth;   delivered at busyUntil + latency.
 * Frames are delivered in order. The wrapper counts bytes and frames in both directions and the
 * round trips this end waited for: a receive that follows a send of this end (a "turn" of the
 * conversation), the quantity that makes interactive reconciliation (Cascade) slow over a long
 * link and one-shot codes (LDPC) fast.
 */
import { InputError } from '../core/errors.js';
import type { FrameTransport } from './transport.js';

export interface LinkOutage {
  /** Seconds after the link was opened. */
  startS: number;
  endS: number;
}

export interface LinkEmulatorOptions {
  /** Bits per second of this end's sending direction (Infinity: no serialisation delay). */
  bandwidthBps: number;
  /** One-way propagation latency, seconds. */
  latencyS: number;
  outages?: readonly LinkOutage[];
}

export interface LinkStats {
  bandwidthBps: number;
  latencyS: number;
  framesSent: number;
  bytesSent: number;
  framesReceived: number;
  bytesReceived: number;
  /** Receives that followed a send of this end (conversation turns this end waited for). */
  roundTrips: number;
  /** Seconds this end's direction spent transmitting (sum of 8·bytes/bandwidth). */
  busyS: number;
  /** Seconds frames spent held by outages. */
  heldByOutageS: number;
}

/** When a frame of `bytes` offered at `nowS` starts, ends transmission, and arrives (the model above). */
export function scheduleFrame(
  nowS: number,
  busyUntilS: number,
  bytes: number,
  o: LinkEmulatorOptions,
): { startS: number; endS: number; deliverS: number; heldS: number } {
  let start = Math.max(nowS, busyUntilS);
  const queued = start;
  for (let moved = true; moved; ) {
    moved = false;
    for (const out of o.outages ?? []) {
      if (start >= out.startS && start < out.endS) {
        start = out.endS;
        moved = true;
      }
    }
  }
  const txS = Number.isFinite(o.bandwidthBps) ? (8 * bytes) / o.bandwidthBps : 0;
  const end = start + txS;
  return { startS: start, endS: end, deliverS: end + o.latencyS, heldS: start - queued };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** This end of `inner` behind an emulated link; `stats()` reports what went over it. */
export function emulateLink(inner: FrameTransport, o: LinkEmulatorOptions, clockS: () => number = defaultClock()): FrameTransport & { stats(): LinkStats; settled(): Promise<void> } {
  const t0 = clockS();
  let busyUntil = 0;
  let chain: Promise<void> = Promise.resolve();
  let sentSinceReceive = false;
  const s: LinkStats = { bandwidthBps: o.bandwidthBps, latencyS: o.latencyS, framesSent: 0, bytesSent: 0, framesReceived: 0, bytesReceived: 0, roundTrips: 0, busyS: 0, heldByOutageS: 0 };
  return {
    sendFrame(frame) {
      const copy = frame.slice();
      const sch = scheduleFrame(clockS() - t0, busyUntil, copy.length, o);
      busyUntil = sch.endS;
      s.framesSent++;
      s.bytesSent += copy.length;
      s.busyS += sch.endS - sch.startS;
      s.heldByOutageS += sch.heldS;
      sentSinceReceive = true;
      const delivered = chain.then(async () => {
        await sleep((sch.deliverS - (clockS() - t0)) * 1000);
        await inner.sendFrame(copy);
      });
      chain = delivered.catch(() => undefined);
      // like a socket write: accepted into the link's buffer; a dead peer shows at delivery
      delivered.catch(() => undefined);
      return Promise.resolve();
    },
    async receiveFrame() {
      if (sentSinceReceive) {
        s.roundTrips++;
        sentSinceReceive = false;
      }
      const f = await inner.receiveFrame();
      s.framesReceived++;
      s.bytesReceived += f.length;
      return f;
    },
    close() {
      // frames still in flight arrive first
      void chain.then(() => inner.close());
    },
    stats: () => ({ ...s }),
    /** Resolves once every frame sent so far has been delivered to the peer's side (its time on the link is over). */
    settled: () => chain,
  };
}

function defaultClock(): () => number {
  return () => performance.now() / 1000;
}

const BANDWIDTH_UNITS: Record<string, number> = { '': 1, bit: 1, bps: 1, k: 1e3, kbit: 1e3, kbps: 1e3, m: 1e6, mbit: 1e6, mbps: 1e6, g: 1e9, gbit: 1e9, gbps: 1e9 };
const TIME_UNITS: Record<string, number> = { '': 1, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6 };

function quantity(value: string, units: Record<string, number>, flag: string, what: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([a-zµ/]*)\s*$/i.exec(value);
  const unit = m?.[2].toLowerCase().replace(/\/s$/, '');
  const scale = unit !== undefined ? units[unit] : undefined;
  if (!m || scale === undefined) throw new InputError(`"${value}" is not ${what}`, { field: flag });
  return Number(m[1]) * scale;
}

/** "1Mbit", "100kbit/s", "2.5Gbps", "9600" → bits per second (> 0). */
export function parseBandwidth(value: string, flag = '--link-bandwidth'): number {
  const bps = quantity(value, BANDWIDTH_UNITS, flag, 'a bandwidth (e.g. 1Mbit, 100kbit, 9600)');
  if (!(bps > 0)) throw new InputError(`bandwidth must be > 0 (got "${value}")`, { field: flag });
  return bps;
}

/** "5ms", "0.25s", "300us", "0" → seconds (≥ 0). */
export function parseDuration(value: string, flag = '--link-latency'): number {
  return quantity(value, TIME_UNITS, flag, 'a duration (e.g. 5ms, 0.25s)');
}

/** "10s+2s,40+0.5" (start+duration after the link opens, seconds unless a unit is given) → outages. */
export function parseOutages(value: string, flag = '--link-outage'): LinkOutage[] {
  const out: LinkOutage[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [a, b, ...rest] = part.split('+');
    if (b === undefined || rest.length > 0) throw new InputError(`"${part}" is not START+DURATION (e.g. 10s+2s)`, { field: flag });
    const startS = parseDuration(a, flag);
    const durS = parseDuration(b, flag);
    if (!(durS > 0)) throw new InputError(`outage "${part}" has no duration`, { field: flag });
    out.push({ startS, endS: startS + durS });
  }
  if (out.length === 0) throw new InputError('no outage given', { field: flag });
  return out.sort((x, y) => x.startS - y.startS);
}

/** The link from the CLI flags; undefined when none is given (a plain transport). */
export function linkFromFlags(f: { linkBandwidth?: string; linkLatency?: string; linkOutage?: string }): LinkEmulatorOptions | undefined {
  if (f.linkBandwidth === undefined && f.linkLatency === undefined && f.linkOutage === undefined) return undefined;
  return {
    bandwidthBps: f.linkBandwidth !== undefined ? parseBandwidth(f.linkBandwidth) : Infinity,
    latencyS: f.linkLatency !== undefined ? parseDuration(f.linkLatency) : 0,
    ...(f.linkOutage !== undefined ? { outages: parseOutages(f.linkOutage) } : {}),
  };
}
