/**
 * TLS helpers for the ETSI GS QKD 014 service: mutual-TLS server options, the SAE identity of a
 * connection (the CN of its verified client certificate), and a development CA that issues KME
 * server and SAE client certificates with the system `openssl` binary (for local use only).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
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

/** Server options for `https.createServer` / fastify `https`: clients without a certificate signed by `ca` are refused at the handshake. */
export function mutualTlsOptions(files: TlsFiles): MutualTlsOptions {
  return {
    cert: readPem(files.cert, 'tls-cert'),
    key: readPem(files.key, 'tls-key'),
    ca: readPem(files.ca, 'ca'),
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

/** True if the `openssl` command is available. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
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

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

/**
 * Create (or reuse) a development CA in `outDir` and issue certificates. EC P-256 keys, written
 * owner-only (0600). For local development and tests; not a production PKI.
 */
export function createDevCerts(opts: DevCertsOptions): DevCertsResult {
  if (!hasOpenssl()) throw new InputError('the `openssl` command is required to create development certificates', { field: 'openssl' });
  const days = opts.days ?? 30;
  if (!Number.isInteger(days) || days <= 0) throw new InputError(`days must be a positive integer, got ${days}`, { field: 'days' });
  for (const n of [...opts.saes, ...opts.kmes]) {
    if (!NAME_RE.test(n)) throw new InputError(`invalid name ${JSON.stringify(n)} (letters, digits, _ . -)`, { field: 'sae' });
  }
  const dir = opts.outDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const newKey = (file: string): void => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], dir);
    chmodSync(join(dir, file), 0o600);
  };
  if (!existsSync(ca) || !existsSync(caKey)) {
    newKey('ca.key');
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', String(days), '-subj', '/CN=Mozi development CA', '-out', 'ca.crt',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  }
  const issue = (base: string, cn: string, ext: string): { cert: string; key: string } => {
    newKey(`${base}.key`);
    openssl(['req', '-new', '-key', `${base}.key`, '-subj', `/CN=${cn}`, '-out', `${base}.csr`], dir);
    writeFileSync(join(dir, `${base}.ext`), ext);
    openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', String(days), '-sha256',
      '-extfile', `${base}.ext`, '-out', `${base}.crt`], dir);
    return { cert: join(dir, `${base}.crt`), key: join(dir, `${base}.key`) };
  };
  const result: DevCertsResult = { ca, caKey, kmes: {}, saes: {} };
  for (const k of opts.kmes) {
    result.kmes[k] = issue(`kme-${k}`, `kme-${k}`,
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n');
  }
  for (const s of opts.saes) {
    result.saes[s] = issue(s, s, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  }
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
