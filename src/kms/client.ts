/**
 * A small ETSI GS QKD 014 client (an SAE's side): mutual TLS with keep-alive over node:https.
 * Used by `mozi otp`, the KME benchmark and the tests.
 */
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

export interface EtsiClientOptions {
  /** Base URL of the KME, e.g. https://127.0.0.1:8443 */
  url: string;
  cert: Buffer | string;
  key: Buffer | string;
  ca: Buffer | string;
  /** Concurrent sockets (default 8). */
  maxSockets?: number;
  /** TLS server name to verify (default: URL host, or "localhost" for an IP address). */
  servername?: string;
}

export interface RawResponse {
  status: number;
  body: unknown;
}

export interface ClientKey {
  keyId: string;
  key: Uint8Array;
}

export class EtsiRequestError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    const msg = body !== null && typeof body === 'object' && 'message' in body ? String((body as { message: unknown }).message) : 'request failed';
    super(`KME answered ${status}: ${msg}`);
    this.name = 'EtsiRequestError';
  }
}

function pem(v: Buffer | string, field: string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  try {
    return readFileSync(v);
  } catch {
    throw new InputError(`cannot read ${v}`, { field });
  }
}

export class EtsiClient {
  readonly base: URL;
  private readonly agent: https.Agent;

  constructor(opts: EtsiClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new InputError(`invalid URL ${opts.url}`, { field: 'kme' });
    }
    if (base.protocol !== 'https:') throw new InputError('KME URL must be https://', { field: 'kme' });
    this.base = base;
    const host = base.hostname.replace(/^\[|\]$/g, '');
    const isIp = /^[0-9.]+$/.test(host) || host.includes(':');
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: opts.maxSockets ?? 8,
      cert: pem(opts.cert, 'cert'),
      key: pem(opts.key, 'key'),
      ca: pem(opts.ca, 'ca'),
      servername: opts.servername ?? (isIp ? 'localhost' : host),
      rejectUnauthorized: true,
    });
  }

  /** One request; resolves with the status and parsed JSON body (or the raw text). */
  request(method: 'GET' | 'POST', path: string, body?: unknown, rawBody?: string): Promise<RawResponse> {
    const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          protocol: 'https:',
          hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port || 443,
          method,
          path,
          agent: this.agent,
          headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* keep the text */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private static keysOf(r: RawResponse): ClientKey[] {
    if (r.status !== 200) throw new EtsiRequestError(r.status, r.body);
    const keys = (r.body as { keys?: unknown }).keys;
    if (!Array.isArray(keys)) throw new EtsiRequestError(r.status, { message: 'response has no keys array' });
    return keys.map((k: { key_ID: string; key: string }) => ({ keyId: k.key_ID, key: new Uint8Array(Buffer.from(k.key, 'base64')) }));
  }

  async status(slaveSae: string): Promise<Record<string, unknown>> {
    const r = await this.request('GET', `/api/v1/keys/${encodeURIComponent(slaveSae)}/status`);
    if (r.status !== 200) throw new EtsiRequestError(r.status, r.body);
    return r.body as Record<string, unknown>;
  }

  async encKeys(slaveSae: string, number = 1, size?: number): Promise<ClientKey[]> {
    const body: Record<string, number> = { number };
    if (size !== undefined) body.size = size;
    return EtsiClient.keysOf(await this.request('POST', `/api/v1/keys/${encodeURIComponent(slaveSae)}/enc_keys`, body));
  }

  async decKeys(masterSae: string, keyIds: readonly string[]): Promise<ClientKey[]> {
    return EtsiClient.keysOf(
      await this.request('POST', `/api/v1/keys/${encodeURIComponent(masterSae)}/dec_keys`, { key_IDs: keyIds.map((key_ID) => ({ key_ID })) }),
    );
  }

  close(): void {
    this.agent.destroy();
  }
}
