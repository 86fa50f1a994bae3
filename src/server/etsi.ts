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
 * for any other size is a 400. max_SAE_ID_count is 0: multicast (additional_slave_SAE_IDs) is not
 * supported; extension_mandatory entries are not supported (400); extension_optional is ignored.
 * Not enough keys: 503, nothing delivered. No key material is ever logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUuid, KeyIdError, NotEnoughKeysError, type KeyStore, type StoredKey, type TakeContext } from '../kms/keystore.js';
import { siteOf, type SaeMap } from '../kms/saemap.js';
import { peerCommonName } from './tls.js';

export interface EtsiOptions {
  store: KeyStore;
  saeMap: SaeMap;
  /** KME ID of a site (default: the site name). */
  kmeIdOf?: (site: string) => string;
  /** Default 128. */
  maxKeyPerRequest?: number;
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
 * Group commit: enc_keys requests that arrive in the same event-loop turn are served in one store
 * transaction (one fsync). Each response is sent only after that transaction committed.
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
      results = this.store.takeForMasterBatch(q);
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

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function container(keys: StoredKey[]): EtsiKeyContainer {
  return { keys: keys.map((k) => ({ key_ID: k.keyId, key: Buffer.from(k.key.buffer, k.key.byteOffset, k.key.byteLength).toString('base64') })) };
}

/** Parse a JSON number or a decimal query string into an integer, or throw 400 naming the field. */
function intField(v: unknown, field: string): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^[0-9]{1,9}$/.test(v)) n = Number(v);
  else throw bad(`${field} must be an integer`, [{ [field]: v === undefined ? null : String(v).slice(0, 64) }]);
  if (!Number.isInteger(n)) throw bad(`${field} must be an integer`, [{ [field]: n }]);
  return n;
}

export async function etsiRoutes(app: FastifyInstance, opts: EtsiOptions): Promise<void> {
  const { store, saeMap } = opts;
  const site = store.site;
  const kmeIdOf = opts.kmeIdOf ?? ((s: string) => s);
  const maxPerRequest = opts.maxKeyPerRequest ?? 128;
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
      max_SAE_ID_count: 0,
    };
  };

  app.get<{ Params: { slave: string } }>('/api/v1/keys/:slave/status', async (req) => {
    const master = caller(req);
    const peer = partnerSite(req.params.slave, 'slave_SAE_ID');
    return status(master, req.params.slave, peer);
  });

  const encKeys = async (req: FastifyRequest<{ Params: { slave: string } }>, body: Record<string, unknown>): Promise<EtsiKeyContainer> => {
    const master = caller(req);
    const slave = req.params.slave;
    const peer = partnerSite(slave, 'slave_SAE_ID');
    const number = body.number === undefined ? 1 : intField(body.number, 'number');
    if (number < 1 || number > maxPerRequest) throw bad(`number must be between 1 and max_key_per_request (${maxPerRequest})`, [{ number }]);
    const size = body.size === undefined ? store.keySizeBits : intField(body.size, 'size');
    if (size <= 0 || size % 8 !== 0) throw bad('size must be a positive multiple of 8', [{ size }]);
    if (size < store.keySizeBits || size > store.keySizeBits) {
      throw bad(`size must be within min_key_size (${store.keySizeBits}) and max_key_size (${store.keySizeBits})`, [{ size }]);
    }
    const extra = body.additional_slave_SAE_IDs;
    if (extra !== undefined && !(Array.isArray(extra) && extra.every((x) => typeof x === 'string'))) {
      throw bad('additional_slave_SAE_IDs must be an array of SAE IDs');
    }
    if (Array.isArray(extra) && extra.length > 0) throw bad('additional_slave_SAE_IDs not supported (max_SAE_ID_count is 0)', [{ additional_slave_SAE_IDs: extra.length }]);
    const mand = body.extension_mandatory;
    if (mand !== undefined && !Array.isArray(mand)) throw bad('extension_mandatory must be an array');
    if (Array.isArray(mand) && mand.length > 0) {
      const names = mand.flatMap((m) => (isObject(m) ? Object.keys(m) : ['?']));
      throw bad('not all extension_mandatory parameters are supported', names.map((n) => ({ extension_mandatory_unsupported: n })));
    }
    const opt = body.extension_optional;
    if (opt !== undefined && !Array.isArray(opt)) throw bad('extension_optional must be an array');
    try {
      return container(await batcher.take(peer, number, { masterSae: master, slaveSae: slave, reason: 'enc_keys' }));
    } catch (err) {
      if (err instanceof NotEnoughKeysError) {
        throw new EtsiHttpError(503, 'not enough keys available', [{ stored_key_count: err.available, number }]);
      }
      throw err;
    }
  };

  app.get<{ Params: { slave: string }; Querystring: Record<string, unknown> }>('/api/v1/keys/:slave/enc_keys', async (req) => {
    const q = req.query;
    for (const k of ['number', 'size']) if (Array.isArray(q[k])) throw bad(`${k} given more than once`);
    return encKeys(req, { number: q.number, size: q.size });
  });

  app.post<{ Params: { slave: string } }>('/api/v1/keys/:slave/enc_keys', { bodyLimit: 65536 }, async (req) => {
    const body = req.body === undefined || req.body === null ? {} : req.body;
    if (!isObject(body)) throw bad('request body must be a JSON object (Key request)');
    return encKeys(req, body);
  });

  const decKeys = (req: FastifyRequest<{ Params: { master: string } }>, ids: unknown[]): EtsiKeyContainer => {
    const slave = caller(req);
    const master = req.params.master;
    const peer = partnerSite(master, 'master_SAE_ID');
    if (ids.length === 0) throw bad('key_IDs must not be empty');
    if (ids.length > maxPerRequest) throw bad(`at most max_key_per_request (${maxPerRequest}) key_IDs per request`, [{ key_IDs: ids.length }]);
    const keyIds: string[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      if (typeof id !== 'string' || !isUuid(id.toLowerCase())) throw bad('key_ID must be a UUID', [{ key_ID: typeof id === 'string' ? id.slice(0, 64) : null }]);
      const low = id.toLowerCase();
      if (seen.has(low)) throw bad('duplicate key_ID in request', [{ key_ID: low }]);
      seen.add(low);
      keyIds.push(low);
    }
    try {
      return container(store.takeForSlave(peer, keyIds, { masterSae: master, slaveSae: slave, reason: 'dec_keys' }));
    } catch (err) {
      if (err instanceof KeyIdError) throw bad(err.message, [{ key_ID: err.keyId, problem: err.problem }]);
      throw err;
    }
  };

  app.get<{ Params: { master: string }; Querystring: Record<string, unknown> }>('/api/v1/keys/:master/dec_keys', async (req) => {
    const q = req.query.key_ID;
    if (q === undefined) throw bad('key_ID query parameter is required');
    return decKeys(req, Array.isArray(q) ? q : [q]);
  });

  app.post<{ Params: { master: string } }>('/api/v1/keys/:master/dec_keys', { bodyLimit: 262144 }, async (req) => {
    const body = req.body;
    if (!isObject(body)) throw bad('request body must be a JSON object (Key IDs)');
    const list = body.key_IDs;
    if (!Array.isArray(list)) throw bad('key_IDs must be an array of {"key_ID": ...}');
    return decKeys(req, list.map((e) => (isObject(e) ? e.key_ID : undefined)));
  });
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
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ message: 'not found' } satisfies EtsiError);
  });
  return app;
}
