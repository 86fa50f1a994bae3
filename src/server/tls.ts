/**
 * TLS helpers for the ETSI GS QKD 014 service: mutual-TLS server options, the SAE identity of a
 * connection (the CN of its verified client certificate), and a development CA that issues KME
 * server and SAE client certificates (EC P-256, ECDSA-SHA-256; @peculiar/x509 on Node's
 * WebCrypto, no external binary; for local use only).
 */
import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { InputError } from '../core/errors.js';

export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

export interface MutualTlsOptions {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  requestCert: true;
  rejectUnauthorized: true;
  minVersion: 'TLSv1.2';
}

function readPem(path: string, field: string): Buffer {
  if (!existsSync(path)) throw new InputError(`file not found: ${path}`, { field });
  const b = readFileSync(path);
  if (!b.toString('latin1').includes('-----BEGIN')) throw new InputError(`not a PEM file: ${path}`, { field });
  return b;
}

/** Parse a PEM file once at start-up so a bad one is an InputError naming it, not a TLS stack trace later. */
function parsePem(path: string, field: string, parse: () => unknown): void {
  try {
    parse();
  } catch (err) {
    throw new InputError(`cannot parse ${path}: ${(err as Error).message}`, { field });
  }
}

/** Server options for `https.createServer` / fastify `https`: clients without a certificate signed by `ca` are refused at the handshake. */
export function mutualTlsOptions(files: TlsFiles): MutualTlsOptions {
  const cert = readPem(files.cert, 'tls-cert');
  const key = readPem(files.key, 'tls-key');
  const ca = readPem(files.ca, 'ca');
  parsePem(files.cert, 'tls-cert', () => new X509Certificate(cert));
  parsePem(files.key, 'tls-key', () => createPrivateKey(key));
  parsePem(files.ca, 'ca', () => new X509Certificate(ca));
  return {
    cert,
    key,
    ca,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  };
}

const cnCache = new WeakMap<object, string | null>();

/**
 * The CN of the connection's verified client certificate, or undefined. Cached per socket (the
 * peer certificate of a TLS connection cannot change; renegotiation is refused by Node).
 */
export function peerCommonName(socket: unknown): string | undefined {
  const s = socket as Partial<TLSSocket> | null;
  if (!s || typeof s.getPeerCertificate !== 'function' || s.authorized !== true) return undefined;
  const cached = cnCache.get(s);
  if (cached !== undefined) return cached ?? undefined;
  const cert = s.getPeerCertificate();
  const raw = cert?.subject?.CN;
  const cn = Array.isArray(raw) ? (raw.length === 1 ? String(raw[0]) : undefined) : typeof raw === 'string' && raw.length > 0 ? raw : undefined;
  cnCache.set(s, cn ?? null);
  return cn;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface DevCertsOptions {
  outDir: string;
  /** SAE IDs; each gets `<id>.crt`/`<id>.key` with CN = id (client certificates). */
  saes: string[];
  /** KME names; each gets `kme-<name>.crt`/`.key` (server, SAN localhost and 127.0.0.1). */
  kmes: string[];
  /** Validity in days (default 30). */
  days?: number;
}

export interface DevCertsResult {
  ca: string;
  caKey: string;
  kmes: Record<string, { cert: string; key: string }>;
  saes: Record<string, { cert: string; key: string }>;
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** Write a file owner-only (0600), also when it existed with a wider mode. */
function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Create (or reuse) a development CA in `outDir` and issue certificates. EC P-256 keys (PKCS#8),
 * written owner-only (0600). For local development and tests; not a production PKI.
 */
export async function createDevCerts(opts: DevCertsOptions): Promise<DevCertsResult> {
  const days = opts.days ?? 30;
  if (!Number.isInteger(days) || days <= 0) throw new InputError(`days must be a positive integer, got ${days}`, { field: 'days' });
  for (const n of [...opts.saes, ...opts.kmes]) {
    if (!NAME_RE.test(n)) throw new InputError(`invalid name ${JSON.stringify(n)} (letters, digits, _ . -)`, { field: 'sae' });
  }
  // @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the Reflect metadata
  // polyfill; loaded here only, so that servers and the CLI never carry it.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  const crypto = webcrypto as unknown as Crypto;
  const subtle = crypto.subtle;
  const dir = opts.outDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + days * 86_400_000) };
  const newKeys = (): Promise<CryptoKeyPair> => subtle.generateKey(EC_P256, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  const savePrivateKey = async (path: string, key: CryptoKey): Promise<void> => writePrivate(path, pem('PRIVATE KEY', await subtle.exportKey('pkcs8', key)));

  let caCert: InstanceType<typeof x509.X509Certificate>;
  let caSigningKey: CryptoKey;
  if (existsSync(ca) && existsSync(caKey)) {
    caCert = new x509.X509Certificate(readFileSync(ca, 'latin1'));
    // any PEM private key (PKCS#8 or SEC1, e.g. from an earlier openssl-made CA) → PKCS#8 for WebCrypto
    const der = createPrivateKey(readFileSync(caKey)).export({ type: 'pkcs8', format: 'der' });
    caSigningKey = await subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
  } else {
    const keys = await newKeys();
    caCert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: 'CN=Mozi development CA',
        keys,
        signingAlgorithm: EC_P256,
        ...validity,
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    await savePrivateKey(caKey, keys.privateKey);
    writeFileSync(ca, caCert.toString('pem') + '\n');
    caSigningKey = keys.privateKey;
  }

  const issue = async (base: string, cn: string, usages: string[], names?: { type: 'dns' | 'ip'; value: string }[]): Promise<{ cert: string; key: string }> => {
    const keys = await newKeys();
    const cert = await x509.X509CertificateGenerator.create(
      {
        subject: `CN=${cn}`,
        issuer: caCert.subject,
        publicKey: keys.publicKey,
        signingKey: caSigningKey,
        signingAlgorithm: EC_P256,
        ...validity,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, false),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, false),
          new x509.ExtendedKeyUsageExtension(usages, false),
          ...(names ? [new x509.SubjectAlternativeNameExtension(names, false)] : []),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
          await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    const paths = { cert: join(dir, `${base}.crt`), key: join(dir, `${base}.key`) };
    await savePrivateKey(paths.key, keys.privateKey);
    writeFileSync(paths.cert, cert.toString('pem') + '\n');
    return paths;
  };
  const result: DevCertsResult = { ca, caKey, kmes: {}, saes: {} };
  const { serverAuth, clientAuth } = x509.ExtendedKeyUsage;
  for (const k of opts.kmes) {
    result.kmes[k] = await issue(`kme-${k}`, `kme-${k}`, [serverAuth, clientAuth], [
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
      { type: 'ip', value: '::1' },
    ]);
  }
  for (const sae of opts.saes) result.saes[sae] = await issue(sae, sae, [clientAuth]);
  return result;
}

/** CN of the subject of a PEM certificate file (the SAE ID of a client certificate). */
export function peerCommonNameOfFile(certPath: string): string {
  const pemText = readPem(certPath, 'cert').toString('latin1');
  let subject: string;
  try {
    subject = new X509Certificate(pemText).subject;
  } catch {
    throw new InputError(`not a certificate: ${certPath}`, { field: 'cert' });
  }
  const m = /(?:^|\n)CN=([^\n]+)/.exec(subject);
  if (!m) throw new InputError(`certificate has no CN: ${certPath}`, { field: 'cert' });
  return m[1];
}
