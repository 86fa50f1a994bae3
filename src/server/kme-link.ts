/**
 * KME-to-KME coordination of ETSI GS QKD 014 key delivery: the slave binding. When a master SAE
 * calls `enc_keys` naming `slave_SAE_ID` (and `additional_slave_SAE_IDs`), the master site's KME
 * reserves the keys, tells the slave site's KME which slave SAE(s) may redeem them and for which
 * master (`POST /api/v1/kme/bindings`), and hands the keys out only once the slave site's KME
 * answered that the binding is stored durably (kms/bindings.ts); otherwise it releases them (503).
 *
 * Authentication: mutual TLS both ways with the KMEs' own certificates (the `--tls-cert` of each
 * KME, which carries clientAuth and serverAuth). A KME's identity is its certificate's CN,
 * `kme-<site>` (`kmeCommonName`, as `mozi kme dev-certs` issues them): the binding route accepts
 * only a verified client certificate whose CN is the KME of another site and is not an SAE; the
 * calling KME checks that the server it reached presents the CN of the peer site's KME. A caller
 * without a certificate of the CA is refused at the handshake; an SAE, or a KME binding keys it
 * does not own, gets 401 / 400.
 */
import https from 'node:https';
import type { PeerCertificate } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isUuid, KeyIdError, type KeyStore } from '../kms/keystore.js';
import { siteOf, type SaeMap } from '../kms/saemap.js';
import { peerCommonName } from './tls.js';

/** The certificate CN of a site's KME. */
export const kmeCommonName = (site: string): string => `kme-${site}`;

/** The site of a KME certificate CN, or undefined. */
export const siteOfKmeName = (cn: string): string | undefined => (cn.startsWith('kme-') && cn.length > 4 ? cn.slice(4) : undefined);

export const BINDINGS_PATH = '/api/v1/kme/bindings';

export interface BindingMessage {
  master_SAE_ID: string;
  slave_SAE_IDs: string[];
  key_IDs: string[];
}

/** What the ETSI routes need from the KME link: bind keys at the peer site (resolves once stored there). */
export interface PeerKmes {
  bind(peerSite: string, msg: BindingMessage): Promise<void>;
}

export class PeerKmeError extends Error {
  constructor(readonly peerSite: string, message: string) {
    super(`KME of ${peerSite}: ${message}`);
    this.name = 'PeerKmeError';
  }
}

export interface PeerKmeOptions {
  /** Base URL of each peer site's KME, e.g. { graz: "https://127.0.0.1:8444" }. */
  urls: Readonly<Record<string, string>>;
  /** This KME's own certificate and key (client certificate towards the peers), and the CA. */
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/** The KME-to-KME client over mutual TLS. */
export class PeerKmeClient implements PeerKmes {
  private readonly agents = new Map<string, https.Agent>();

  constructor(private readonly opts: PeerKmeOptions) {}

  private agent(site: string): https.Agent {
    let a = this.agents.get(site);
    if (!a) {
      const expected = kmeCommonName(site);
      a = new https.Agent({
        keepAlive: true,
        maxSockets: 4,
        cert: this.opts.cert,
        key: this.opts.key,
        ca: this.opts.ca,
        rejectUnauthorized: true,
        // the peer must be the KME of that site (the CA also signs other KMEs and SAEs)
        checkServerIdentity: (_host: string, cert: PeerCertificate): Error | undefined => {
          const cn = cert.subject?.CN;
          return cn === expected ? undefined : new Error(`server certificate CN ${String(cn)} is not ${expected}`);
        },
      });
      this.agents.set(site, a);
    }
    return a;
  }

  bind(peerSite: string, msg: BindingMessage): Promise<void> {
    const url = this.opts.urls[peerSite];
    if (url === undefined) return Promise.reject(new PeerKmeError(peerSite, 'no KME-to-KME link configured (mozi kme --peer-kme SITE=URL)'));
    const base = new URL(url);
    const payload = JSON.stringify(msg);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          protocol: 'https:',
          hostname: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || 443,
          method: 'POST',
          path: BINDINGS_PATH,
          agent: this.agent(peerSite),
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === 200) resolve();
            else {
              let message = Buffer.concat(chunks).toString('utf8').slice(0, 200);
              try {
                message = String((JSON.parse(message) as { message?: unknown }).message ?? message);
              } catch {
                /* keep the text */
              }
              reject(new PeerKmeError(peerSite, `binding refused (${res.statusCode}): ${message}`));
            }
          });
          res.on('error', (e) => reject(new PeerKmeError(peerSite, e.message)));
        },
      );
      req.setTimeout(this.opts.timeoutMs ?? 10_000, () => req.destroy(new Error('no answer within the deadline')));
      req.on('error', (e) => reject(new PeerKmeError(peerSite, `unreachable: ${e.message}`)));
      req.end(payload);
    });
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

const SAE_ID = z.string().min(1).max(64);
const bindingBody = z.object({
  master_SAE_ID: SAE_ID,
  slave_SAE_IDs: z.array(SAE_ID).min(1).max(64),
  key_IDs: z.array(z.string().refine(isUuid, { error: 'key_ID must be a lower-case UUID' })).min(1).max(1024),
});

export interface KmeLinkRouteOptions {
  store: KeyStore;
  saeMap: SaeMap;
  /** Identity of the caller; default: CN of the verified client certificate. */
  identify?: (request: FastifyRequest) => string | undefined;
}

/** The slave side: `POST /api/v1/kme/bindings` from the peer site's KME (fastify plugin). */
export async function kmeLinkRoutes(app: FastifyInstance, opts: KmeLinkRouteOptions): Promise<void> {
  const { store, saeMap } = opts;
  const identify = opts.identify ?? ((req: FastifyRequest) => peerCommonName(req.raw.socket));
  app.post(BINDINGS_PATH, { bodyLimit: 262144 }, async (req, reply) => {
    const cn = identify(req);
    const peer = cn === undefined ? undefined : siteOfKmeName(cn);
    if (cn === undefined || peer === undefined || peer === store.site || siteOf(saeMap, cn) !== undefined) {
      return reply.code(401).send({ message: `unauthorized: ${cn === undefined ? 'no valid client certificate' : `${cn.slice(0, 64)} is not the KME of a peer site`}` });
    }
    const parsed = bindingBody.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ message: `bad binding request: ${parsed.error.issues[0].message}` });
    const msg = parsed.data;
    if (siteOf(saeMap, msg.master_SAE_ID) !== peer) {
      return reply.code(400).send({ message: `master_SAE_ID ${msg.master_SAE_ID} is not attached to ${peer}` });
    }
    for (const s of msg.slave_SAE_IDs) {
      if (siteOf(saeMap, s) !== store.site) return reply.code(400).send({ message: `slave SAE ${s} is not attached to ${store.site}` });
    }
    try {
      store.bindKeys({ peerSite: peer, masterSae: msg.master_SAE_ID, slaveSaes: msg.slave_SAE_IDs, keyIds: msg.key_IDs });
    } catch (err) {
      if (err instanceof KeyIdError) return reply.code(400).send({ message: err.message });
      throw err;
    }
    return { bound: msg.key_IDs.length };
  });
}
