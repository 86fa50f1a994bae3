/**
 * ETSI GS QKD 014 V1.1.1 key delivery routes, as a fastify plugin (register it with
 * `app.register(etsiRoutes, options)`; its error handler is encapsulated to these routes, so the
 * dashboard server can mount it too).
 *
 *   GET       /api/v1/keys/{slave_SAE_ID}/status     Status
 *   GET|POST  /api/v1/keys/{slave_SAE_ID}/enc_keys   Key request   → Key container
 *   GET|POST  /api/v1/keys/{master_SAE_ID}/dec_keys  Key IDs       → Key container
 *
 * Identity: the calling SAE is the CN of its verified client certificate (mutual TLS; `identify`
 * can be overridden). It must be attached to this KME's site in the SAE map; the SAE in the path
 * must be attached to another site (the peer of the QKD link). Errors: 400 (bad request, with a
 * message), 401 (no or unknown client identity, SAE pair not allowed), 503 (server side: not
 * enough keys, store failure); body `{ "message": ..., "details": [ {...} ] }`.
 *
 * Key sizes: every key of a site store has the store's fixed size (key_IDs are derived from it at
 * both ends without KME-to-KME traffic), so min_key_size = max_key_size = key_size; a request
 * for any other size is a 400. extension_mandatory entries are not supported (400);
 * extension_optional is ignored. Not enough keys: 503, nothing delivered. No key material is ever
 * logged. Request bodies and query strings are validated by the zod schemas of etsi-requests.ts,
 * after the caller's identity.
 *
 * Slave binding (kme-link.ts, kms/bindings.ts): enc_keys reserves the keys, has the slave site's
 * KME store which slave SAEs (slave_SAE_ID, plus up to max_SAE_ID_count additional_slave_SAE_IDs,
 * all attached to the slave's site) may redeem them for this master, then erases and returns
 * them; if the peer KME cannot be reached or refuses, the keys are released and the answer is
 * 503. dec_keys answers 401 when the caller is not a bound slave SAE of a key or the path's
 * master_SAE_ID is not the key's master; each bound slave SAE redeems a key once (then 400).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { KeyBindingError, KeyIdError, NotEnoughKeysError, type KeyStore, type StoredKey, type TakeContext } from '../kms/keystore.js';
import { siteOf, type SaeMap } from '../kms/saemap.js';
import { decKeysBody, decKeysIds, decKeysQuery, encKeysBody, encKeysFields, encKeysQuery, parseRequest } from './etsi-requests.js';
import { kmeLinkRoutes, type PeerKmes } from './kme-link.js';
import { peerCommonName } from './tls.js';

export interface EtsiOptions {
  store: KeyStore;
  saeMap: SaeMap;
  /** KME ID of a site (default: the site name). */
  kmeIdOf?: (site: string) => string;
  /** Default 128. */
  maxKeyPerRequest?: number;
  /** max_SAE_ID_count: additional slave SAEs an enc_keys request may name (default 8). */
  maxSaeIdCount?: number;
  /**
   * The KME-to-KME link (kme-link.ts) that binds keys at the slave site before enc_keys hands them
   * out. Without it enc_keys answers 503 (no key is handed out unbound).
   */
  peers?: PeerKmes;
  /** Identity of the calling SAE; default: CN of the verified client certificate. */
  identify?: (request: FastifyRequest) => string | undefined;
  /** One line per request (method, path, status, SAE, count); never key material. */
  log?: (line: string) => void;
}

export interface EtsiStatus {
  source_KME_ID: string;
  target_KME_ID: string;
  master_SAE_ID: string;
  slave_SAE_ID: string;
  key_size: number;
  stored_key_count: number;
  max_key_count: number;
  max_key_per_request: number;
  max_key_size: number;
  min_key_size: number;
  max_SAE_ID_count: number;
}

export interface EtsiKeyContainer {
  keys: { key_ID: string; key: string }[];
}

export interface EtsiError {
  message: string;
  details?: Record<string, unknown>[];
}

class EtsiHttpError extends Error {
  constructor(readonly statusCode: 400 | 401 | 503, message: string, readonly details?: Record<string, unknown>[]) {
    super(message);
  }
}

/**
 * Group commit: enc_keys requests that arrive in the same event-loop turn reserve their keys in
 * one store transaction (one fsync). Each is bound at the slave site, then consumed (erased)
 * before its response is sent.
 */
class MasterBatcher {
  private queue: { peerSite: string; number: number; ctx: TakeContext; resolve: (k: StoredKey[]) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly store: KeyStore) {}

  take(peerSite: string, number: number, ctx: TakeContext): Promise<StoredKey[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ peerSite, number, ctx, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const q = this.queue.splice(0);
    let results: (StoredKey[] | NotEnoughKeysError)[];
    try {
      results = this.store.takeForMasterBatch(q, 'reserve');
    } catch (err) {
      for (const r of q) r.reject(err);
      return;
    }
    q.forEach((r, i) => {
      const res = results[i];
      if (res instanceof NotEnoughKeysError) r.reject(res);
      else r.resolve(res);
    });
  }
}

const bad = (message: string, details?: Record<string, unknown>[]): EtsiHttpError => new EtsiHttpError(400, message, details);

/** The request part validated by `schema` (etsi-requests.ts), or a 400 naming the first bad field. */
function valid<T, I>(schema: z.ZodType<T, I>, input: unknown): T {
  const r = parseRequest(schema as z.ZodType<T>, input);
  if (!r.ok) throw bad(r.problem.message, r.problem.details);
  return r.value;
}

function container(keys: StoredKey[]): EtsiKeyContainer {
  return { keys: keys.map((k) => ({ key_ID: k.keyId, key: Buffer.from(k.key.buffer, k.key.byteOffset, k.key.byteLength).toString('base64') })) };
}

export async function etsiRoutes(app: FastifyInstance, opts: EtsiOptions): Promise<void> {
  const { store, saeMap } = opts;
  const site = store.site;
  const kmeIdOf = opts.kmeIdOf ?? ((s: string) => s);
  const maxPerRequest = opts.maxKeyPerRequest ?? 128;
  const maxSaeIds = opts.maxSaeIdCount ?? 8;
  const identify = opts.identify ?? ((req: FastifyRequest) => peerCommonName(req.raw.socket));
  const log = opts.log;
  const batcher = new MasterBatcher(store);

  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof EtsiHttpError) {
      const body: EtsiError = { message: err.message };
      if (err.details) body.details = err.details;
      return reply.code(err.statusCode).send(body);
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      // fastify's own request errors: malformed JSON, wrong content type, body too large, ...
      return reply.code(400).send({ message: `bad request: ${e.message ?? 'invalid request'}`, details: [{ code: e.code ?? 'FST_ERR' }] } satisfies EtsiError);
    }
    req.log.error({ code: e.code }, 'etsi: internal error');
    return reply.code(503).send({ message: 'error on server side' } satisfies EtsiError);
  });

  if (log) {
    app.addHook('onResponse', async (req, reply) => {
      log(`${req.method} ${req.url.split('?')[0]} ${reply.statusCode} sae=${identify(req) ?? '-'}`);
    });
  }

  /** The caller, which must be an SAE of this site (else 401). */
  const caller = (req: FastifyRequest): string => {
    const sae = identify(req);
    if (!sae) throw new EtsiHttpError(401, 'unauthorized: no valid client certificate');
    if (siteOf(saeMap, sae) !== site) throw new EtsiHttpError(401, `unauthorized: SAE ${sae} is not attached to KME ${kmeIdOf(site)}`);
    return sae;
  };

  /** Site of the partner SAE named in the path, which must be attached to another site. */
  const partnerSite = (sae: string, field: 'slave_SAE_ID' | 'master_SAE_ID'): string => {
    const s = siteOf(saeMap, sae);
    if (s === undefined) throw new EtsiHttpError(401, `unauthorized: unknown ${field} ${sae.slice(0, 64)}`, [{ [field]: sae.slice(0, 64) }]);
    if (s === site) throw bad(`${field} ${sae} is attached to this KME; there is no QKD link to it`, [{ [field]: sae }]);
    return s;
  };

  const status = (master: string, slave: string, peer: string): EtsiStatus => {
    const st = store.status(peer);
    return {
      source_KME_ID: kmeIdOf(site),
      target_KME_ID: kmeIdOf(peer),
      master_SAE_ID: master,
      slave_SAE_ID: slave,
      key_size: store.keySizeBits,
      stored_key_count: Math.min(st.storedKeyCount, st.maxKeyCount),
      max_key_count: st.maxKeyCount,
      max_key_per_request: maxPerRequest,
      max_key_size: store.keySizeBits,
      min_key_size: store.keySizeBits,
      max_SAE_ID_count: maxSaeIds,
    };
  };

  app.get<{ Params: { slave: string } }>('/api/v1/keys/:slave/status', async (req) => {
    const master = caller(req);
    const peer = partnerSite(req.params.slave, 'slave_SAE_ID');
    return status(master, req.params.slave, peer);
  });

  const limits = { maxKeyPerRequest: maxPerRequest, keySizeBits: store.keySizeBits, maxSaeIdCount: maxSaeIds };
  const encFields = { json: encKeysFields(limits, 'json'), query: encKeysFields(limits, 'query') };
  const decIds = decKeysIds(limits);

  const encKeys = async (req: FastifyRequest<{ Params: { slave: string } }>, body: Record<string, unknown>, from: 'json' | 'query'): Promise<EtsiKeyContainer> => {
    const master = caller(req);
    const slave = req.params.slave;
    const peer = partnerSite(slave, 'slave_SAE_ID');
    const { number, additionalSlaves } = valid(encFields[from], body);
    const slaves = [slave];
    for (const a of additionalSlaves) {
      if (siteOf(saeMap, a) !== peer) throw bad(`additional slave SAE ${a.slice(0, 64)} is not attached to the KME of ${slave}`, [{ additional_slave_SAE_IDs: a.slice(0, 64) }]);
      if (!slaves.includes(a)) slaves.push(a);
    }
    if (!opts.peers) throw new EtsiHttpError(503, `no KME-to-KME link to ${kmeIdOf(peer)}: keys cannot be bound to the slave SAE`);
    let keys: StoredKey[];
    try {
      keys = await batcher.take(peer, number, { masterSae: master, slaveSae: slave, reason: 'enc_keys' });
    } catch (err) {
      if (err instanceof NotEnoughKeysError) {
        throw new EtsiHttpError(503, 'not enough keys available', [{ stored_key_count: err.available, number }]);
      }
      throw err;
    }
    const ids = keys.map((k) => k.keyId);
    try {
      await opts.peers.bind(peer, { master_SAE_ID: master, slave_SAE_IDs: slaves, key_IDs: ids });
    } catch (err) {
      store.releaseReserved(ids);
      throw new EtsiHttpError(503, `keys not bound at the slave site: ${(err as Error).message}`);
    }
    store.consumeReserved(ids, { reason: 'enc_keys' });
    return container(keys);
  };

  app.get<{ Params: { slave: string }; Querystring: Record<string, unknown> }>('/api/v1/keys/:slave/enc_keys', async (req) => {
    const q = valid(encKeysQuery, req.query);
    return encKeys(req, { number: q.number, size: q.size }, 'query');
  });

  app.post<{ Params: { slave: string } }>('/api/v1/keys/:slave/enc_keys', { bodyLimit: 65536 }, async (req) => encKeys(req, valid(encKeysBody, req.body), 'json'));

  const decKeys = (req: FastifyRequest<{ Params: { master: string } }>, ids: unknown[]): EtsiKeyContainer => {
    const slave = caller(req);
    const master = req.params.master;
    const peer = partnerSite(master, 'master_SAE_ID');
    const keyIds = valid(decIds, ids);
    try {
      return container(store.takeForSlave(peer, keyIds, { masterSae: master, slaveSae: slave, reason: 'dec_keys' }));
    } catch (err) {
      if (err instanceof KeyBindingError) throw new EtsiHttpError(401, `unauthorized: ${err.message}`, [{ key_ID: err.keyId, problem: err.problem }]);
      if (err instanceof KeyIdError) throw bad(err.message, [{ key_ID: err.keyId, problem: err.problem }]);
      throw err;
    }
  };

  app.get<{ Params: { master: string }; Querystring: Record<string, unknown> }>('/api/v1/keys/:master/dec_keys', async (req) => decKeys(req, valid(decKeysQuery, req.query)));

  app.post<{ Params: { master: string } }>('/api/v1/keys/:master/dec_keys', { bodyLimit: 262144 }, async (req) => decKeys(req, valid(decKeysBody, req.body)));
}

/** Reply helper for callers mounting these routes behind their own checks. */
export function sendEtsiError(reply: FastifyReply, code: 400 | 401 | 503, message: string): FastifyReply {
  return reply.code(code).send({ message } satisfies EtsiError);
}

export interface KmeServerOptions extends EtsiOptions {
  /** Mutual-TLS options (see tls.ts `mutualTlsOptions`). */
  https: import('./tls.js').MutualTlsOptions;
}

/** A standalone HTTPS (mutual TLS) KME serving the ETSI 014 routes; call `.listen()` on it. */
export async function createKmeServer(opts: KmeServerOptions): Promise<FastifyInstance> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ https: opts.https, logger: false, keepAliveTimeout: 30_000, forceCloseConnections: true }) as unknown as FastifyInstance;
  await app.register(etsiRoutes, opts);
  await app.register(kmeLinkRoutes, { store: opts.store, saeMap: opts.saeMap });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ message: 'not found' } satisfies EtsiError);
  });
  return app;
}
