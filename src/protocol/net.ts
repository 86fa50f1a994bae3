/**
 * The two parties as separate processes over TCP: the satellite listens, the ground connects.
 * Each wraps the socket's frame transport in its own AuthenticatedChannel keyed by its copy of
 * the pre-shared secret.
 */
import { AuthenticatedChannel, KeyPool } from '../postprocess/auth.js';
import { runGround } from './ground.js';
import { runSatellite } from './satellite.js';
import { connectTcp, listenTcp } from './transport.js';
import type { GroundDetections, KeySink, PartyEvent, PartyResult, PostProcessing, SatellitePolicy, SatelliteSource } from './types.js';

export interface NetPartyOptions {
  /** The pre-shared secret, or a key pool the caller keeps (to save its state afterwards). */
  psk: Uint8Array | KeyPool;
  post: PostProcessing;
  sink?: KeySink;
  seed?: string;
  onEvent?: (e: PartyEvent) => void;
}

function poolOf(psk: Uint8Array | KeyPool): KeyPool {
  return psk instanceof KeyPool ? psk : new KeyPool(psk.slice());
}

export async function serveSatellite(
  host: string,
  port: number,
  source: SatelliteSource,
  policy: SatellitePolicy,
  o: NetPartyOptions,
  onListening?: (host: string, port: number) => void,
): Promise<PartyResult & { authPadBits: number }> {
  const listener = await listenTcp(host, port);
  onListening?.(listener.host, listener.port);
  const t = await listener.accept();
  // stop accepting further peers (close() resolves only once this connection ends: do not wait)
  void listener.close();
  const ch = new AuthenticatedChannel(t, poolOf(o.psk), 'alice');
  try {
    const r = await runSatellite(ch, source, policy, {
      post: o.post,
      sink: o.sink,
      seed: o.seed,
      onEvent: o.onEvent,
      attachLedger: (l) => ch.attachLedger(l),
      rawNotify: (f) => t.sendFrame(f),
    });
    return { ...r, authPadBits: ch.blockReport().padBitsConsumed };
  } finally {
    t.close();
  }
}

export async function connectGround(
  host: string,
  port: number,
  detections: GroundDetections,
  o: NetPartyOptions & { connectTimeoutMs?: number },
): Promise<PartyResult & { authPadBits: number }> {
  const t = await connectTcp(host, port, o.connectTimeoutMs ?? 30_000);
  const ch = new AuthenticatedChannel(t, poolOf(o.psk), 'bob');
  try {
    const r = await runGround(ch, detections, {
      post: o.post,
      sink: o.sink,
      seed: o.seed,
      onEvent: o.onEvent,
      attachLedger: (l) => ch.attachLedger(l),
      rawNotify: (f) => t.sendFrame(f),
    });
    return { ...r, authPadBits: ch.blockReport().padBitsConsumed };
  } finally {
    t.close();
  }
}
