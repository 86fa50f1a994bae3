/**
 * Both parties in one process (tests, `mozi replay`): two authenticated channels over an
 * in-memory transport pair. The parties still share nothing but the frames.
 */
import { AuthenticatedChannel, KeyPool } from '../postprocess/auth.js';
import { runGround } from './ground.js';
import { Drbg } from '../core/rng/drbg.js';
import { runSatellite } from './satellite.js';
import { emulateLink, type LinkEmulatorOptions, type LinkStats } from './link-emulator.js';
import { memoryTransportPair, type MemoryTransportOptions } from './transport.js';
import type { DetectionBlock, GroundDetections, KeySink, PartyEvent, PartyResult, PostProcessing, SatellitePolicy, SatelliteSource } from './types.js';

export interface LocalSessionOptions {
  source: SatelliteSource;
  detections: GroundDetections;
  /** Stream the pass: the ground's detections block by block (`detections` then only names site and pass). */
  blocks?: AsyncIterable<DetectionBlock>;
  policy: SatellitePolicy;
  post: PostProcessing;
  /** Pre-shared authentication secret (both copies); default: derived from `seed`. */
  psk?: Uint8Array;
  seed?: string;
  satelliteSink?: KeySink;
  groundSink?: KeySink;
  tamper?: MemoryTransportOptions;
  /** Both directions through an emulated link (bandwidth, latency, outages). */
  link?: LinkEmulatorOptions;
  onEvent?: (e: PartyEvent) => void;
}

export interface LocalSessionResult {
  satellite: PartyResult;
  ground: PartyResult;
  /** Authentication pad bits consumed (both directions, as seen by the satellite). */
  authPadBits: number;
  /** Digests compared out of band (never sent on the channel). */
  keysMatch: boolean;
  /** What went over the emulated link, per end (with `link`). */
  link?: { satellite: LinkStats; ground: LinkStats };
}

/** Default size of a pre-shared authentication secret: K plus 4096 pads per direction. */
export const DEFAULT_PSK_BYTES = 8 + 2 * 8 * 4096;

export function derivePsk(seed: string | undefined, bytes = DEFAULT_PSK_BYTES): Uint8Array {
  return new Drbg(seed !== undefined ? `psk/${seed}` : undefined).bytes(bytes);
}

export async function runLocalSession(o: LocalSessionOptions): Promise<LocalSessionResult> {
  const psk = o.psk ?? derivePsk(o.seed);
  const [ra, rb] = memoryTransportPair(o.tamper);
  const la = o.link ? emulateLink(ra, o.link) : undefined;
  const lb = o.link ? emulateLink(rb, o.link) : undefined;
  const ta = la ?? ra;
  const tb = lb ?? rb;
  const alice = new AuthenticatedChannel(ta, new KeyPool(psk.slice()), 'alice');
  const bob = new AuthenticatedChannel(tb, new KeyPool(psk.slice()), 'bob');
  const [satellite, ground] = await Promise.all([
    runSatellite(alice, o.source, o.policy, { post: o.post, sink: o.satelliteSink, seed: o.seed, onEvent: o.onEvent, attachLedger: (l) => alice.attachLedger(l), rawNotify: (f) => ta.sendFrame(f), ...(la ? { linkSettled: () => la.settled() } : {}) }).finally(() => ta.close()),
    runGround(bob, o.detections, { ...(o.blocks ? { blocks: o.blocks } : {}), post: o.post, sink: o.groundSink, seed: o.seed, onEvent: o.onEvent, attachLedger: (l) => bob.attachLedger(l), rawNotify: (f) => tb.sendFrame(f), ...(lb ? { linkSettled: () => lb.settled() } : {}) }).finally(() => tb.close()),
  ]);
  const authPadBits = alice.blockReport().padBitsConsumed;
  return {
    satellite,
    ground,
    authPadBits,
    keysMatch: !satellite.aborted && !ground.aborted && satellite.keyDigest === ground.keyDigest,
    ...(la && lb ? { link: { satellite: la.stats(), ground: lb.stats() } } : {}),
  };
}
