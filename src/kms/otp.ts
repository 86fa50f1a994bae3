/**
 * One-time pad over ETSI GS QKD 014 keys (the 2018 intercontinental image transfer): the sender
 * (master SAE) fetches keys with enc_keys and XORs them onto the file; the ciphertext header
 * carries the key_IDs, with which the receiver (slave SAE) fetches the same keys with dec_keys.
 *
 * File format: "MOZIOTP2" (8 bytes) | header length (uint32 BE) | header JSON
 *   {"v":2,"master_SAE_ID","slave_SAE_ID","key_size","length","key_IDs":[...],"mac_key_IDs":[...]}
 *   | ciphertext | tag (32 bytes).
 * A one-time pad gives secrecy, not integrity, so the file carries an HMAC-SHA-256 tag (RFC 2104)
 * over everything before it (magic, header, ciphertext). Its 256-bit key comes from separate QKD
 * keys (`mac_key_IDs`, never pad bits); the receiver checks the tag before decrypting and refuses
 * a modified file. Version-1 files ("MOZIOTP1", no tag) are refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { EtsiClient } from './client.js';

const MAGIC = Buffer.from('MOZIOTP2', 'latin1');
const MAGIC_V1 = Buffer.from('MOZIOTP1', 'latin1');
const TAG_BYTES = 32;
const MAC_KEY_BYTES = 32;

export interface OtpHeader {
  v: 2;
  master_SAE_ID: string;
  slave_SAE_ID: string;
  key_size: number;
  length: number;
  key_IDs: string[];
  mac_key_IDs: string[];
}

/** HMAC-SHA-256 of `data` under the first 256 bits of the MAC keys (which are then zeroed). */
function tagOf(macKeys: Uint8Array[], data: Uint8Array): Buffer {
  const key = Buffer.concat(macKeys);
  if (key.length < MAC_KEY_BYTES) throw new Error('otp: not enough MAC key material');
  const tag = createHmac('sha256', key.subarray(0, MAC_KEY_BYTES)).update(data).digest();
  key.fill(0);
  for (const k of macKeys) k.fill(0);
  return tag;
}

function xorInto(data: Uint8Array, pad: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(data.length);
  let o = 0;
  for (const k of pad) {
    for (let i = 0; i < k.length && o < data.length; i++, o++) out[o] = data[o] ^ k[i];
    k.fill(0);
  }
  if (o < data.length) throw new Error('otp: not enough key material');
  return out;
}

export async function otpEncrypt(client: EtsiClient, masterSae: string, slaveSae: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const status = await client.status(slaveSae);
  const keySize = Number(status.key_size);
  const perRequest = Math.max(1, Number(status.max_key_per_request));
  const keyBytes = keySize / 8;
  const padKeys = Math.ceil(plaintext.length / keyBytes);
  const macKeys = Math.ceil(MAC_KEY_BYTES / keyBytes);
  const needed = padKeys + macKeys;
  if (needed > Number(status.stored_key_count)) {
    throw new InputError(`file needs ${needed} keys of ${keySize} bits (${macKeys} for its tag), the KME holds ${status.stored_key_count} for ${slaveSae}`, { field: 'IN' });
  }
  const keys: { keyId: string; key: Uint8Array }[] = [];
  while (keys.length < needed) keys.push(...(await client.encKeys(slaveSae, Math.min(perRequest, needed - keys.length))));
  const pad = keys.slice(0, padKeys);
  const mac = keys.slice(padKeys);
  const header: OtpHeader = {
    v: 2, master_SAE_ID: masterSae, slave_SAE_ID: slaveSae, key_size: keySize, length: plaintext.length,
    key_IDs: pad.map((k) => k.keyId), mac_key_IDs: mac.map((k) => k.keyId),
  };
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(h.length);
  const signed = Buffer.concat([MAGIC, len, h, xorInto(plaintext, pad.map((k) => k.key))]);
  return Buffer.concat([signed, tagOf(mac.map((k) => k.key), signed)]);
}

export function parseOtpFile(data: Uint8Array, file = 'IN'): { header: OtpHeader; body: Uint8Array; signed: Uint8Array; tag: Uint8Array } {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length >= 8 && b.subarray(0, 8).equals(MAGIC_V1)) throw new InputError('a version-1 one-time-pad file has no integrity tag; encrypt it again with this Mozi', { file });
  if (b.length < 12 || !b.subarray(0, 8).equals(MAGIC)) throw new InputError('not a Mozi one-time-pad file (bad magic)', { file });
  const hl = b.readUInt32BE(8);
  if (12 + hl + TAG_BYTES > b.length) throw new InputError('truncated header', { file });
  let header: OtpHeader;
  try {
    header = JSON.parse(b.subarray(12, 12 + hl).toString('utf8')) as OtpHeader;
  } catch {
    throw new InputError('malformed header JSON', { file });
  }
  if (header.v !== 2 || !Array.isArray(header.key_IDs) || !Array.isArray(header.mac_key_IDs) || typeof header.length !== 'number' || typeof header.key_size !== 'number') {
    throw new InputError('unsupported or malformed header', { file });
  }
  const body = new Uint8Array(b.subarray(12 + hl, b.length - TAG_BYTES));
  if (body.length !== header.length) throw new InputError(`ciphertext is ${body.length} bytes, header says ${header.length}`, { file });
  if (header.key_IDs.length * (header.key_size / 8) < header.length) throw new InputError('header lists too few key_IDs', { file });
  if (header.mac_key_IDs.length * (header.key_size / 8) < MAC_KEY_BYTES) throw new InputError('header lists too few mac_key_IDs', { file });
  return { header, body, signed: new Uint8Array(b.subarray(0, b.length - TAG_BYTES)), tag: new Uint8Array(b.subarray(b.length - TAG_BYTES)) };
}

export async function otpDecrypt(client: EtsiClient, masterSae: string, data: Uint8Array): Promise<{ plaintext: Uint8Array; header: OtpHeader }> {
  const { header, body, signed, tag } = parseOtpFile(data);
  if (header.master_SAE_ID !== masterSae) throw new InputError(`file was encrypted by ${header.master_SAE_ID}, not ${masterSae}`, { field: 'master' });
  const perRequest = Math.max(1, Number((await client.status(masterSae)).max_key_per_request) || 1);
  const ids = [...header.key_IDs, ...header.mac_key_IDs];
  const keys: Uint8Array[] = [];
  for (let i = 0; i < ids.length; i += perRequest) {
    for (const k of await client.decKeys(masterSae, ids.slice(i, i + perRequest))) keys.push(k.key);
  }
  const pad = keys.slice(0, header.key_IDs.length);
  if (!timingSafeEqual(tagOf(keys.slice(header.key_IDs.length), signed), tag)) {
    for (const k of pad) k.fill(0);
    throw new InputError('authentication tag mismatch: the file was modified (or encrypted with other keys); nothing decrypted', { file: 'IN' });
  }
  return { plaintext: xorInto(body, pad), header };
}
