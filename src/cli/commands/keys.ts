/**
 * `mozi keys list|digest --keys FILE [--peer SITE] [--json]`: what a site's key store holds,
 * without exporting key material. `list`: every key's ID, link, block and state (pending: stored,
 * not yet confirmed by the peer; deliverable: may be handed out; delivered: handed out and erased
 * here). `digest`: count, bits and one SHA-256 over the material of all deliverable keys in key-ID
 * order. With `--peer SITE` only the keys of the link with SITE: a store with several links (a
 * satellite's, one per station) gives one digest per link, equal to the digest the peer's store
 * gives with `--peer <this site>` while neither end has delivered keys of that link, so an
 * operator compares the two ends of each link without moving keys.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { KeyStore } from '../../kms/keystore.js';
import { siteOf } from '../../kms/store-schema.js';
import { printJson } from '../output.js';

export type KeyListState = 'pending' | 'deliverable' | 'delivered';

export interface KeyListing {
  site: string;
  keySizeBits: number;
  keys: { keyId: string; peerSite: string; passId: string; blockId: number; state: KeyListState }[];
}

export interface KeyDigest {
  count: number;
  bits: number;
  digest: string;
}

/** A link's digest (`--peer`): the store's site, the peer, and the link's pending keys (not in the digest). */
export interface LinkKeyDigest extends KeyDigest {
  site: string;
  peer: string;
  pending: number;
}

function openExisting(file: string): KeyStore {
  if (!existsSync(file)) throw new InputError('file not found', { file, field: '--keys' });
  return KeyStore.open(file, { site: siteOf(file) });
}

function listState(s: string): KeyListState {
  return s === 'pending' ? 'pending' : s === 'consumed' ? 'delivered' : 'deliverable';
}

/** The store's keys and their states (no material). */
export function listKeys(file: string): KeyListing {
  const store = openExisting(file);
  try {
    const keys = store.keyRows().map((r) => ({ keyId: r.keyId, peerSite: r.peerSite, passId: r.passId, blockId: r.blockId, state: listState(r.state) }));
    return { site: store.site, keySizeBits: store.keySizeBits, keys };
  } finally {
    store.close();
  }
}

/** SHA-256 over the material of every deliverable key, in key-ID order. */
export function digestKeys(file: string): KeyDigest;
/** The same over the keys of the link with `peer` only; an InputError if the store holds no such link. */
export function digestKeys(file: string, peer: string): LinkKeyDigest;
export function digestKeys(file: string, peer?: string): KeyDigest | LinkKeyDigest {
  const store = openExisting(file);
  try {
    if (peer !== undefined && !store.peers().includes(peer)) {
      const peers = store.peers();
      throw new InputError(`${store.site}'s store holds no keys with ${peer} (${peers.length ? 'its links: ' + peers.join(', ') : 'it holds no keys'})`, { file, field: '--peer' });
    }
    const h = createHash('sha256');
    let count = 0;
    let pending = 0;
    for (const r of store.keyRows()) {
      if (peer !== undefined && r.peerSite !== peer) continue;
      const state = listState(r.state);
      if (state === 'pending') pending++;
      if (state !== 'deliverable' || !r.material) continue;
      h.update(r.material);
      count++;
    }
    const d = { count, bits: count * store.keySizeBits, digest: h.digest('hex') };
    return peer === undefined ? d : { site: store.site, peer, ...d, pending };
  } finally {
    store.close();
  }
}

export function register(program: Command): void {
  const keys = program.command('keys').description('inspect a site\'s key store without exporting keys');
  keys
    .command('list')
    .description('every key: ID, link, pass/block, state (pending | deliverable | delivered)')
    .requiredOption('--keys <file>', 'key store (SQLite)')
    .option('--json', 'one JSON document on stdout')
    .action((o: { keys: string; json?: boolean }) => {
      const l = listKeys(o.keys);
      if (o.json) return printJson(l);
      const n = (s: KeyListState) => l.keys.filter((k) => k.state === s).length;
      process.stdout.write(`${l.site}: ${l.keys.length} keys of ${l.keySizeBits} bits (${n('deliverable')} deliverable, ${n('pending')} pending, ${n('delivered')} delivered)\n`);
      for (const k of l.keys) process.stdout.write(`${k.keyId}  ${k.state.padEnd(11)}  ${k.peerSite}  ${k.passId}/${k.blockId}\n`);
    });
  keys
    .command('digest')
    .description('count, bits and SHA-256 of all deliverable key material in key-ID order (--peer: of one link, to compare with the peer\'s store)')
    .requiredOption('--keys <file>', 'key store (SQLite)')
    .option('--peer <site>', "only the keys of the link with SITE; equal to SITE's `keys digest --peer <this site>` while neither end has delivered keys")
    .option('--json', 'print { "count", "bits", "digest" } (with --peer also "site", "peer", "pending")')
    .action((o: { keys: string; peer?: string; json?: boolean }) => {
      if (o.peer === undefined) {
        const d = digestKeys(o.keys);
        if (o.json) printJson(d);
        else process.stdout.write(`${d.count} deliverable keys, ${d.bits} bits, sha256 ${d.digest}\n`);
        return;
      }
      const d = digestKeys(o.keys, o.peer);
      if (o.json) printJson(d);
      else process.stdout.write(`${d.site}–${d.peer}: ${d.count} deliverable keys, ${d.bits} bits, sha256 ${d.digest}${d.pending ? ` (${d.pending} pending keys not included)` : ''}\n`);
    });
}
