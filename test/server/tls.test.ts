/** The development CA (src/server/tls.ts createDevCerts, @peculiar/x509), checked with node:crypto's X509Certificate. */
import { describe, it, expect, afterAll } from 'vitest';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCerts, peerCommonNameOfFile } from '../../src/server/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cert = (path: string) => new X509Certificate(readFileSync(path));

describe('createDevCerts', () => {
  it('a CA, a KME server certificate and an SAE client certificate, signed by the CA, keys 0600', async () => {
    const before = Date.now();
    const r = await createDevCerts({ outDir: join(dir, 'a'), saes: ['sae-x1'], kmes: ['xinglong'], days: 7 });
    const ca = cert(r.ca);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=Mozi development CA');
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyType).toBe('ec');
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    const kme = cert(r.kmes.xinglong.cert);
    expect(kme.ca).toBe(false);
    expect(kme.subject).toBe('CN=kme-xinglong');
    expect(kme.issuer).toBe(ca.subject);
    expect(kme.checkIssued(ca)).toBe(true);
    expect(kme.verify(ca.publicKey)).toBe(true);
    expect(kme.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(kme.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']); // serverAuth, clientAuth
    expect(kme.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const days = (Date.parse(kme.validTo) - Date.parse(kme.validFrom)) / 86_400_000;
    expect(days).toBeGreaterThan(7);
    expect(days).toBeLessThan(7.01);
    expect(Date.parse(kme.validFrom)).toBeLessThanOrEqual(before);

    const sae = cert(r.saes['sae-x1'].cert);
    expect(sae.verify(ca.publicKey)).toBe(true);
    expect(sae.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth only
    expect(peerCommonNameOfFile(r.saes['sae-x1'].cert)).toBe('sae-x1');
    // the private key matches the certificate
    expect(createPrivateKey(readFileSync(r.saes['sae-x1'].key)).asymmetricKeyType).toBe('ec');
    for (const k of [r.caKey, r.kmes.xinglong.key, r.saes['sae-x1'].key]) expect(statSync(k).mode & 0o777).toBe(0o600);
  });

  it('reuses an existing CA (also one whose key is SEC1 PEM, as openssl wrote) for new certificates', async () => {
    const out = join(dir, 'b');
    const first = await createDevCerts({ outDir: out, saes: ['app1'], kmes: [] });
    const caPem = readFileSync(first.ca, 'utf8');
    writeFileSync(first.caKey, createPrivateKey(readFileSync(first.caKey)).export({ type: 'sec1', format: 'pem' }));
    const second = await createDevCerts({ outDir: out, saes: ['app2'], kmes: ['graz'] });
    expect(readFileSync(second.ca, 'utf8')).toBe(caPem);
    const ca = cert(second.ca);
    expect(cert(second.saes.app2.cert).verify(ca.publicKey)).toBe(true);
    expect(cert(second.kmes.graz.cert).verify(ca.publicKey)).toBe(true);
  });

  it('refuses bad names and validity', async () => {
    await expect(createDevCerts({ outDir: join(dir, 'c'), saes: ['a b'], kmes: [] })).rejects.toThrow(/invalid name/);
    await expect(createDevCerts({ outDir: join(dir, 'c'), saes: ['a'], kmes: [], days: 0 })).rejects.toThrow(/days/);
  });
});
