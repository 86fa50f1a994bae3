/**
 * The two parties as separate processes over TCP: the satellite listens, the ground connects.
 * Each wraps the socket's frame transport in its own AuthenticatedChannel keyed by its copy of
 * the pre-shared secret.
 */
import { AuthenticatedChannel, KeyPool } from '../postprocess/auth.js';
import { guardedTransport } from './deadlines.js';
import { runGround } from './ground.js';
import { runSatellite } from './satellite.js';
import { emulateLink, type LinkEmulatorOptions, type LinkStats } from './link-emulator.js';
import { connectTcp, listenTcp, type FrameTransport } from './transport.js';
import type { DetectionBlock, GroundDetections, KeySink, PartyEvent, PartyOptions, PartyResult, PostProcessing, SatellitePolicy, SatelliteSource } from './types.js';

export interface NetPartyOptions {
  /** The pre-shared secret, or a key pool the caller keeps (to save its state afterwards). */
  psk: Uint8Array | KeyPool;
  post: PostProcessing;
  sink?: KeySink;
  seed?: string;
  onEvent?: (e: PartyEvent) => void;
  /** Send this side's frames through an emulated link (bandwidth, latency, outages). */
  link?: LinkEmulatorOptions;
  /** Deadline for each frame from the peer (deadlines.ts). */
  receiveTimeoutMs?: number;
}

function poolOf(psk: Uint8Array | KeyPool): KeyPool {
  return psk instanceof KeyPool ? psk : new KeyPool(psk.slice());
}

/** Run one party over a frame transport wrapped in its authenticated channel; closes the transport. */
async function runAuthenticated(
  raw: FrameTransport,
  role: 'alice' | 'bob',
  o: NetPartyOptions,
  run: (ch: AuthenticatedChannel, party: PartyOptions) => Promise<PartyResult>,
): Promise<PartyResult & { authPadBits: number; link?: LinkStats }> {
  const linked = o.link ? emulateLink(raw, o.link) : undefined;
  const t = linked ?? raw;
  const guarded = guardedTransport(t, { receiveTimeoutMs: o.receiveTimeoutMs });
  const ch = new AuthenticatedChannel(guarded, poolOf(o.psk), role);
  try {
    const r = await run(ch, {
      post: o.post,
      sink: o.sink,
      seed: o.seed,
      onEvent: o.onEvent,
      attachLedger: (l) => ch.attachLedger(l),
      rawNotify: (f) => t.sendFrame(f),
      rawReceive: () => t.receiveFrame(),
      ...(linked ? { linkSettled: () => linked.settled() } : {}),
    });
    return { ...r, authPadBits: ch.blockReport().padBitsConsumed, ...(linked ? { link: linked.stats() } : {}) };
  } finally {
    t.close();
  }
}

export async function serveSatellite(
  host: string,
  port: number,
  source: SatelliteSource,
  policy: SatellitePolicy,
  o: NetPartyOptions,
  onListening?: (host: string, port: number) => void,
): Promise<PartyResult & { authPadBits: number; link?: LinkStats }> {
  const listener = await listenTcp(host, port);
  onListening?.(listener.host, listener.port);
  const t = await listener.accept();
  // stop accepting further peers (close() resolves only once this connection ends: do not wait)
  void listener.close();
  return runAuthenticated(t, 'alice', o, (ch, party) => runSatellite(ch, source, policy, party));
}

export async function connectGround(
  host: string,
  port: number,
  detections: GroundDetections,
  o: NetPartyOptions & { connectTimeoutMs?: number; blocks?: AsyncIterable<DetectionBlock> },
): Promise<PartyResult & { authPadBits: number; link?: LinkStats }> {
  const t = await connectTcp(host, port, o.connectTimeoutMs ?? 30_000);
  return runAuthenticated(t, 'bob', o, (ch, party) => runGround(ch, detections, { ...party, ...(o.blocks ? { blocks: o.blocks } : {}) }));
}
