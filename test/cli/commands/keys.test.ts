/**
 * `mozi keys digest --peer SITE` (spawned CLI): a satellite's store with two links (Xinglong,
 * Nanshan) and each station's store, filled with the same seeded blocks at both ends. Each link's
 * two ends give the same digest, which is recomputed here from the block bytes (keys cut after the
 * 256-bit ID key, ordered by the key IDs derived independently with deriveKeyId); a key delivered
 * at one end makes the ends disagree; a block pending at one end is left out and counted; an unknown peer is an exit-2
 * error naming the store's links.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveKeyId } from '../../../src/kms/key-id.js';
import { ID_KEY_BITS, KeyStore, ownerSite } from '../../../src/kms/keystore.js';
import { digestKeys } from '../../../src/cli/commands/keys.js';
import { runCli } from '../../support/cli.js';
import { seededBytes } from '../../support/seed.js';

const randomBytes = seededBytes('cli/keys');
const root = mkdtempSync(join(tmpdir(), 'mozi-cli-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const file = (site: string) => join(root, `${site}.sqlite`);
const eps = { epsSec: 1e-10, epsCor: 1e-15 };

/** The keys of a block in key-ID order (ID key first, then 256-bit keys; a short tail dropped), as `[keyId, material]`. */
function cut(key: Uint8Array, a: string, b: string, passId: string, blockId: number): [string, Uint8Array][] {
  const idKey = key.subarray(0, ID_KEY_BITS / 8);
  const out: [string, Uint8Array][] = [];
  for (let i = 0, at = ID_KEY_BITS / 8; at + 32 <= key.length; i++, at += 32) out.push([deriveKeyId(idKey, a, b, passId, blockId, i, 256), key.subarray(at, at + 32)]);
  return out;
}

const sha = (keys: [string, Uint8Array][]) => {
  const h = createHash('sha256');
  for (const [, m] of [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) h.update(m);
  return h.digest('hex');
};

/** `mozi keys digest --json` of a site's store, spawned. */
function cliDigest(site: string, peer?: string): { status: number | null; stderr: string; d: Record<string, unknown> } {
  const r = runCli(['keys', 'digest', '--keys', file(site), ...(peer ? ['--peer', peer] : []), '--json']);
  return { status: r.status, stderr: r.stderr, d: r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : {} };
}

/** The same in this process (what the command prints), for the cases that need no process. */
const digest = (site: string, peer?: string) => ({ d: (peer === undefined ? digestKeys(file(site)) : digestKeys(file(site), peer)) as unknown as Record<string, unknown> });

describe('mozi keys digest --peer', () => {
  // Xinglong: two blocks of two passes (3 + 2 keys, 5 tail bytes dropped); Nanshan: one block of 4 keys
  const x1 = randomBytes(32 + 3 * 32 + 5);
  const x2 = randomBytes(32 + 2 * 32);
  const n1 = randomBytes(32 + 4 * 32);
  const xKeys = [...cut(x1, 'micius', 'xinglong', 'p1', 0), ...cut(x2, 'micius', 'xinglong', 'p2', 0)];
  const nKeys = cut(n1, 'micius', 'nanshan', 'p3', 0);

  it("gives each link's two ends the digest of that link's keys, and tells them apart", () => {
    const sat = KeyStore.open(file('micius'), { site: 'micius' });
    const xin = KeyStore.open(file('xinglong'), { site: 'xinglong' });
    const nan = KeyStore.open(file('nanshan'), { site: 'nanshan' });
    for (const [passId, key] of [['p1', x1], ['p2', x2]] as const) {
      sat.addBlock({ passId, blockId: 0, peerSite: 'xinglong', ...eps, key });
      xin.addBlock({ passId, blockId: 0, peerSite: 'micius', ...eps, key });
    }
    sat.addBlock({ passId: 'p3', blockId: 0, peerSite: 'nanshan', ...eps, key: n1 });
    nan.addBlock({ passId: 'p3', blockId: 0, peerSite: 'micius', ...eps, key: n1 });
    for (const s of [sat, xin, nan]) s.close();

    const satX = cliDigest('micius', 'xinglong');
    const xSat = cliDigest('xinglong', 'micius');
    expect(satX.status, satX.stderr).toBe(0);
    expect(satX.d).toEqual({ site: 'micius', peer: 'xinglong', count: 5, bits: 5 * 256, digest: sha(xKeys), pending: 0 });
    expect(xSat.d).toEqual({ ...satX.d, site: 'xinglong', peer: 'micius' });
    const satN = digest('micius', 'nanshan');
    expect(satN.d).toEqual({ site: 'micius', peer: 'nanshan', count: 4, bits: 4 * 256, digest: sha(nKeys), pending: 0 });
    expect(digest('nanshan', 'micius').d.digest).toBe(satN.d.digest);
    // without --peer the satellite's digest covers both links (and matches neither station's)
    expect(digest('micius').d).toEqual({ count: 9, bits: 9 * 256, digest: sha([...xKeys, ...nKeys]) });
    expect(digest('xinglong').d).toEqual({ count: 5, bits: 5 * 256, digest: sha(xKeys) });

    const text = runCli(['keys', 'digest', '--keys', file('micius'), '--peer', 'xinglong']);
    expect(text.stdout).toBe(`micius–xinglong: 5 deliverable keys, 1280 bits, sha256 ${sha(xKeys)}\n`);
  });

  it('names a link whose keys are still pending at one end', () => {
    const nan = KeyStore.open(file('nanshan'), { site: 'nanshan' });
    nan.addBlock({ passId: 'p4', blockId: 0, peerSite: 'micius', ...eps, key: randomBytes(32 + 2 * 32), pending: true });
    nan.close();
    const n = cliDigest('nanshan', 'micius');
    expect(n.d).toMatchObject({ count: 4, pending: 2, digest: sha(nKeys) });
    expect(runCli(['keys', 'digest', '--keys', file('nanshan'), '--peer', 'micius']).stdout).toContain(`nanshan–micius: 4 deliverable keys, 1024 bits, sha256 ${sha(nKeys)} (2 pending keys not included)`);
  });

  it('differs once one end has delivered a key of the link', () => {
    // a key of the Xinglong link handed to a master SAE at its owner site: erased there only
    const owner = ownerSite('micius', 'xinglong', 0);
    const store = KeyStore.open(file(owner), { site: owner });
    const [taken] = store.takeForMaster(owner === 'micius' ? 'xinglong' : 'micius', 1);
    store.close();
    const rest = xKeys.filter(([id]) => id !== taken.keyId);
    expect(rest.length).toBe(4);
    const other = owner === 'micius' ? 'xinglong' : 'micius';
    const atOwner = digest(owner, owner === 'micius' ? 'xinglong' : 'micius').d;
    const atOther = digest(other, other === 'micius' ? 'xinglong' : 'micius').d;
    expect(atOwner).toMatchObject({ count: 4, digest: sha(rest) });
    expect(atOther).toMatchObject({ count: 5, digest: sha(xKeys) });
  });

  it('refuses a peer the store holds no link with (exit 2, naming its links)', () => {
    const r = cliDigest('micius', 'graz');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('holds no keys with graz');
    expect(r.stderr).toContain('nanshan, xinglong');
  });
});
