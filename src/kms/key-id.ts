/**
 * Key IDs: a keyed name-based UUID per key (RFC 9562 §5.8 version 8, HMAC-SHA-256 under the
 * block's ID key, RFC 2104, truncated to 128 bits) of
 *   "<siteA>~<siteB>/<passId>/<blockId>/<index>/<keySizeBits>"   (sites sorted)
 * so both ends of a link derive the same key_IDs without talking to each other, and nobody
 * without the ID key can compute them (see keystore.ts).
 */
import { createHash, createHmac } from 'node:crypto';
import { linkId } from './sites.js';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** RFC 4122 §4.3 name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const h = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  return formatUuid(Buffer.from(h));
}

/** RFC 9562 version-8 UUID from HMAC-SHA-256(idKey, name), truncated to 128 bits. */
export function keyedUuid(idKey: Uint8Array, name: string): string {
  const h = createHmac('sha256', idKey).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  return formatUuid(Buffer.from(h));
}

/** The name a key's ID is derived from (module doc). */
export function keyIdName(siteA: string, siteB: string, passId: string, blockId: number, index: number, keySizeBits: number): string {
  return `${linkId(siteA, siteB)}/${passId}/${blockId}/${index}/${keySizeBits}`;
}

/** The key_ID of key `index` of a block (whose ID key is `idKey`): identical at both ends of the link. */
export function deriveKeyId(idKey: Uint8Array, siteA: string, siteB: string, passId: string, blockId: number, index: number, keySizeBits: number): string {
  return keyedUuid(idKey, keyIdName(siteA, siteB, passId, blockId, index, keySizeBits));
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}
