/**
 * Trusted relay (Liao et al., PRL 120, 030501 (2018), "Satellite-relayed intercontinental quantum
 * network"): the satellite shares key K_A with station A (`from`) and K_B with station B (`to`),
 * publishes K_A ⊕ K_B over the authenticated classical channel, and both stations end up with
 * K_B: A computes K_A ⊕ (K_A ⊕ K_B), B keeps its own K_B. The satellite is trusted (it knows K_B).
 *
 * Three parties, three stores, two MessageChannels (satellite⇄A, satellite⇄B). Messages are JSON
 * (only key_IDs, sizes and the public XOR cross the channel):
 *   sat → ground  offer    {relayId, keyIds}            available keys of that link at the satellite
 *   ground → sat  accept   {site, keySizeBits, keyIds}  the subset the ground reserved (in order)
 *   sat → ground  combine  {relayId, partner, keyIds, xor?, epsSec, epsCor}
 *   ground → sat  done     {keys}                       or  abort {reason}
 * Each store reserves the keys it offers/accepts (no KME can hand them out meanwhile); a ground
 * erases its used keys and adds the relayed block (passId = relayId, blockId 0, peer = the other
 * station) in one transaction; unused reservations are released. Both stations derive the same
 * key_IDs for the relayed block, so their KMEs serve it as an ordinary A–B link.
 * Authentication (DESIGN: every classical channel is authenticated, also in one process): by
 * default each link's channel is a Wegman–Carter AuthenticatedChannel (postprocess/auth.ts) keyed
 * from that link's own QKD keys: the first RELAY_AUTH_KEYS keys available at both ends (the same
 * key_IDs, so the same bytes) are erased from both stores and become the pre-shared pool (an
 * 8-byte hash key, then one-time pads per direction) of that relay run; a tampered message
 * aborts the relay ('authentication-failed'). Passing `channels` replaces this.
 * If a party fails between steps, keys reserved by it stay reserved until `releaseAllReservations`
 * (the KME does that at start-up); a relayed block that only one station stored is simply never
 * redeemable at the other (dec_keys answers "unknown key_ID").
 */
import { randomBytes } from 'node:crypto';
import { InputError, ProtocolAbort } from '../core/errors.js';
import { AuthenticatedChannel, KeyPool } from '../postprocess/auth.js';
import type { MessageChannel } from '../postprocess/channel.js';
import { memoryTransportPair } from '../protocol/transport.js';
import { DEFAULT_EPS_COR, DEFAULT_EPS_SEC } from '../security/defaults.js';
import type { KeyStore } from './keystore.js';
import { concatArrays } from '../core/concat-arrays.js';

type RelayMsg =
  | { t: 'offer'; relayId: string; keyIds: string[] }
  | { t: 'accept'; site: string; keySizeBits: number; keyIds: string[] }
  | { t: 'combine'; relayId: string; partner: string; keyIds: string[]; xor?: string; epsSec: number; epsCor: number }
  | { t: 'done'; keys: number }
  | { t: 'abort'; reason: string };

const enc = new TextEncoder();
const dec = new TextDecoder();

async function send(ch: MessageChannel, m: RelayMsg): Promise<void> {
  await ch.send(enc.encode(JSON.stringify(m)));
}

async function receive<T extends RelayMsg['t']>(ch: MessageChannel, t: T): Promise<Extract<RelayMsg, { t: T }>> {
  let raw: Uint8Array;
  try {
    raw = await ch.receive();
  } catch (err) {
    throw new ProtocolAbort('peer-lost', `relay: channel closed while waiting for ${t}: ${(err as Error).message}`);
  }
  let m: RelayMsg;
  try {
    m = JSON.parse(dec.decode(raw)) as RelayMsg;
  } catch {
    throw new ProtocolAbort('protocol-violation', `relay: malformed message while waiting for ${t}`);
  }
  if (m.t === 'abort' && t !== 'abort') throw new ProtocolAbort('protocol-violation', `relay: peer aborted: ${m.reason}`);
  if (m.t !== t) throw new ProtocolAbort('protocol-violation', `relay: expected ${t}, got ${String(m.t)}`);
  return m as Extract<RelayMsg, { t: T }>;
}

function wipe(b: Uint8Array): void {
  b.fill(0);
}

export interface SatelliteRelayOptions {
  /** Station A (the key K_A it shares with the satellite is XORed away). */
  fromSite: string;
  /** Station B. */
  toSite: string;
  /** Upper limit on the number of keys (of the store's key size) to relay. Default: all. */
  maxKeys?: number;
  /** Identifier of this relay run; becomes the passId of the relayed block. Default: random. */
  relayId?: string;
}

export interface RelayResult {
  relayId: string;
  fromSite: string;
  toSite: string;
  satelliteSite: string;
  /** Keys the stations now share (the relayed block minus its ID key, see keystore.ts). */
  keys: number;
  bits: number;
  keySizeBits: number;
  epsSec: number;
  epsCor: number;
  /** Bits of the published XOR (public, as on the real classical channel). */
  publishedBits: number;
}

function maxEps(store: KeyStore, peer: string): { epsSec: number; epsCor: number } {
  const bs = store.blocks().filter((b) => b.peerSite === peer);
  return { epsSec: Math.max(0, ...bs.map((b) => b.epsSec)), epsCor: Math.max(0, ...bs.map((b) => b.epsCor)) };
}

/** The satellite's side of the relay. */
export async function relaySatellite(store: KeyStore, chFrom: MessageChannel, chTo: MessageChannel, opts: SatelliteRelayOptions): Promise<RelayResult> {
  const { fromSite, toSite } = opts;
  if (fromSite === toSite) throw new InputError('--from and --to must be different stations', { field: 'to' });
  const relayId = opts.relayId ?? `relay-${fromSite}-${toSite}-${randomBytes(6).toString('hex')}`;
  const limit = opts.maxKeys ?? Number.MAX_SAFE_INTEGER;
  if (!(limit > 0)) throw new InputError(`maxKeys must be positive, got ${limit}`, { field: 'maxKeys' });
  const held = (peer: string): number => {
    const st = store.status(peer);
    return st.storedKeyCount + st.redeemableKeyCount;
  };
  let idsA: string[] = [];
  let idsB: string[] = [];
  let done = false;
  try {
    const want = Math.min(limit, held(fromSite), held(toSite));
    if (want <= 0) throw new InputError(`satellite ${store.site} holds no key with ${held(fromSite) === 0 ? fromSite : toSite}`, { field: 'satellite-keys' });
    idsA = store.reserve(fromSite, store.availableIds(fromSite, want));
    idsB = store.reserve(toSite, store.availableIds(toSite, want));
    await send(chFrom, { t: 'offer', relayId, keyIds: idsA });
    await send(chTo, { t: 'offer', relayId, keyIds: idsB });
    const [accA, accB] = await Promise.all([receive(chFrom, 'accept'), receive(chTo, 'accept')]);
    if (accA.site !== fromSite || accB.site !== toSite) {
      throw new ProtocolAbort('protocol-violation', `relay: expected stations ${fromSite} and ${toSite}, got ${accA.site} and ${accB.site}`);
    }
    if (accA.keySizeBits !== store.keySizeBits || accB.keySizeBits !== store.keySizeBits) {
      throw new ProtocolAbort('protocol-violation', 'relay: key sizes of the stores differ');
    }
    const offeredA = new Set(idsA);
    const offeredB = new Set(idsB);
    if (!accA.keyIds.every((id) => offeredA.has(id)) || !accB.keyIds.every((id) => offeredB.has(id))) {
      throw new ProtocolAbort('protocol-violation', 'relay: a station accepted a key that was not offered');
    }
    const n = Math.min(accA.keyIds.length, accB.keyIds.length);
    if (n === 0) throw new ProtocolAbort('no-key', 'relay: the stations hold none of the offered keys');
    const useA = accA.keyIds.slice(0, n);
    const useB = accB.keyIds.slice(0, n);
    const ka = concatArrays(Uint8Array, store.readReserved(useA).map((k) => k.key));
    const kb = concatArrays(Uint8Array, store.readReserved(useB).map((k) => k.key));
    const x = new Uint8Array(ka.length);
    for (let i = 0; i < x.length; i++) x[i] = ka[i] ^ kb[i];
    wipe(ka);
    wipe(kb);
    const ea = maxEps(store, fromSite);
    const eb = maxEps(store, toSite);
    // composable security: the relayed key fails if either link's key does
    const epsSec = ea.epsSec + eb.epsSec;
    const epsCor = ea.epsCor + eb.epsCor;
    const xor = Buffer.from(x).toString('base64');
    await send(chFrom, { t: 'combine', relayId, partner: toSite, keyIds: useA, xor, epsSec, epsCor });
    await send(chTo, { t: 'combine', relayId, partner: fromSite, keyIds: useB, epsSec, epsCor });
    // the satellite's copies are used up as soon as the XOR is public
    store.consumeReserved([...useA, ...useB], { reason: `relay ${relayId}` }, undefined, [...idsA.slice(n), ...idsB.slice(n)]);
    done = true;
    const [dA, dB] = await Promise.all([receive(chFrom, 'done'), receive(chTo, 'done')]);
    if (dA.keys !== dB.keys) throw new ProtocolAbort('protocol-violation', `relay: stations stored ${dA.keys} and ${dB.keys} keys`);
    return {
      relayId, fromSite, toSite, satelliteSite: store.site, keys: dA.keys, bits: dA.keys * store.keySizeBits, keySizeBits: store.keySizeBits,
      epsSec, epsCor, publishedBits: x.length * 8,
    };
  } catch (err) {
    if (!done) {
      store.releaseReserved([...idsA, ...idsB]);
      const reason = err instanceof Error ? err.message : String(err);
      await Promise.allSettled([send(chFrom, { t: 'abort', reason }), send(chTo, { t: 'abort', reason })]);
    }
    throw err;
  }
}

export interface GroundRelayResult {
  site: string;
  partner: string;
  relayId: string;
  keys: number;
}

/** A ground station's side of the relay, talking to the satellite `satelliteSite`. */
export async function relayGround(store: KeyStore, satelliteSite: string, ch: MessageChannel): Promise<GroundRelayResult> {
  const offer = await receive(ch, 'offer');
  const reserved = store.reserve(satelliteSite, offer.keyIds);
  try {
    await send(ch, { t: 'accept', site: store.site, keySizeBits: store.keySizeBits, keyIds: reserved });
    const c = await receive(ch, 'combine');
    const mine = new Set(reserved);
    if (!c.keyIds.every((id) => mine.has(id))) throw new ProtocolAbort('protocol-violation', 'relay: combine names keys this station did not accept');
    if (c.partner === store.site) throw new ProtocolAbort('protocol-violation', 'relay: partner is this station');
    const own = concatArrays(Uint8Array, store.readReserved(c.keyIds).map((k) => k.key));
    if (c.xor !== undefined) {
      const x = Buffer.from(c.xor, 'base64');
      if (x.length !== own.length) throw new ProtocolAbort('protocol-violation', 'relay: published XOR has the wrong length');
      for (let i = 0; i < own.length; i++) own[i] ^= x[i];
    }
    const used = new Set(c.keyIds);
    const res = store.consumeReserved(
      c.keyIds,
      { reason: `relay ${c.relayId}` },
      { passId: c.relayId, blockId: 0, peerSite: c.partner, epsSec: Math.min(1, c.epsSec), epsCor: Math.min(1, c.epsCor), key: own },
      reserved.filter((id) => !used.has(id)),
    );
    wipe(own);
    await send(ch, { t: 'done', keys: res?.keys ?? 0 });
    return { site: store.site, partner: c.partner, relayId: c.relayId, keys: res?.keys ?? 0 };
  } catch (err) {
    store.releaseReserved(reserved);
    if (!(err instanceof ProtocolAbort && /peer aborted/.test(err.message))) {
      await send(ch, { t: 'abort', reason: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
    }
    throw err;
  }
}

export interface RunRelayOptions extends Omit<SatelliteRelayOptions, 'fromSite' | 'toSite'> {
  satellite: KeyStore;
  from: KeyStore;
  to: KeyStore;
  /** Channels (satellite end, station end) for each link; default: authenticated in-memory channels keyed from each link's keys. */
  channels?: { from: [MessageChannel, MessageChannel]; to: [MessageChannel, MessageChannel] };
}

/** QKD keys of a link (of the store's key size) that key the relay's authentication on it: 8 bytes of hash key and 15 pads per direction at 256-bit keys. */
export const RELAY_AUTH_KEYS = 4;

/** The key_IDs of a link available at both ends that will key its authenticated channel (none taken yet). */
function authKeyIds(satellite: KeyStore, station: KeyStore): string[] {
  const atStation = new Set(station.availableIds(satellite.site, 1 << 16));
  const ids = satellite.availableIds(station.site, 1 << 16).filter((id) => atStation.has(id)).slice(0, RELAY_AUTH_KEYS);
  if (ids.length < RELAY_AUTH_KEYS) {
    throw new ProtocolAbort('no-key', `relay: the ${satellite.site}–${station.site} link holds ${ids.length} keys common to both ends, fewer than the ${RELAY_AUTH_KEYS} that authenticate the relay`);
  }
  return ids;
}

/** Take the keys at both ends (erased in both stores) and make the two ends of an authenticated channel. */
function authenticatedLink(satellite: KeyStore, station: KeyStore, ids: string[], relayId: string): [MessageChannel, MessageChannel] {
  const secret = (store: KeyStore, peer: string): Uint8Array => {
    const got = store.reserve(peer, ids);
    if (got.length !== ids.length) {
      store.releaseReserved(got);
      throw new ProtocolAbort('no-key', `relay: ${store.site} could not reserve its authentication keys`);
    }
    const bytes = concatArrays(Uint8Array, store.readReserved(ids).map((k) => k.key));
    store.consumeReserved(ids, { reason: `relay ${relayId} authentication` });
    return bytes;
  };
  const [ts, tg] = memoryTransportPair();
  return [new AuthenticatedChannel(ts, new KeyPool(secret(satellite, station.site)), 'alice'), new AuthenticatedChannel(tg, new KeyPool(secret(station, satellite.site)), 'bob')];
}

/** All three parties in one process over two channels (authenticated, in memory, by default). */
export async function runRelay(opts: RunRelayOptions): Promise<RelayResult> {
  let chFrom = opts.channels?.from;
  let chTo = opts.channels?.to;
  if (!chFrom || !chTo) {
    const relayId = opts.relayId ?? `relay-${opts.from.site}-${opts.to.site}-${randomBytes(6).toString('hex')}`;
    opts = { ...opts, relayId };
    // both links' keys are checked before either is taken
    const idsFrom = chFrom ? [] : authKeyIds(opts.satellite, opts.from);
    const idsTo = chTo ? [] : authKeyIds(opts.satellite, opts.to);
    chFrom ??= authenticatedLink(opts.satellite, opts.from, idsFrom, relayId);
    chTo ??= authenticatedLink(opts.satellite, opts.to, idsTo, relayId);
  }
  const [sat, a, b] = await Promise.allSettled([
    relaySatellite(opts.satellite, chFrom[0], chTo[0], { fromSite: opts.from.site, toSite: opts.to.site, maxKeys: opts.maxKeys, relayId: opts.relayId }),
    relayGround(opts.from, opts.satellite.site, chFrom[1]),
    relayGround(opts.to, opts.satellite.site, chTo[1]),
  ]);
  for (const r of [sat, a, b]) if (r.status === 'rejected') throw r.reason;
  return (sat as PromiseFulfilledResult<RelayResult>).value;
}

export interface RelayPreset {
  name: string;
  satellite: string;
  from: string;
  to: string;
  description: string;
}

/** Scenarios of the trusted relay. */
export const RELAY_PRESETS: Readonly<Record<string, RelayPreset>> = Object.freeze({
  'xinglong-graz-2018': {
    name: 'xinglong-graz-2018',
    satellite: 'micius',
    from: 'xinglong',
    to: 'graz',
    description:
      'Liao et al., PRL 120, 030501 (2018): Micius as a trusted relay between Xinglong (China) and Graz (Austria), ' +
      '~7,600 km apart, after passes over both; the relayed key encrypted an image by one-time pad and an AES video conference.',
  },
});

/**
 * Stand-in key for demonstrations when no distilled key exists yet: the same random block in the
 * satellite's store and a station's store (passId "standin-<station>"). Not a QKD key.
 */
export function seedStandInKeys(satellite: KeyStore, station: KeyStore, bits: number): number {
  const key = randomBytes(Math.ceil(bits / 8));
  const block = { passId: `standin-${station.site}`, blockId: 0, epsSec: DEFAULT_EPS_SEC, epsCor: DEFAULT_EPS_COR, key, bits };
  const r = satellite.addBlock({ ...block, peerSite: station.site });
  station.addBlock({ ...block, peerSite: satellite.site });
  wipe(key);
  return r.keys;
}
