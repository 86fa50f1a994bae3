/**
 * One-time pad over ETSI GS QKD 014 keys (the 2018 intercontinental image transfer): the sender
 * (master SAE) fetches keys with enc_keys and XORs them onto the file; the ciphertext header
 * carries the key_IDs, with which the receiver (slave SAE) fetches the same keys with dec_keys.
 *
 * File format: "MOZIOTP1" (8 bytes) | header length (uint32 BE) | header JSON
 *   {"v":1,"master_SAE_ID","slave_SAE_ID","key_size","length","key_IDs":[...]} | ciphertext.
 * A one-time pad gives secrecy, not integrity: a modified ciphertext decrypts to modified text.
 */
import { InputError } from '../core/errors.js';
import type { EtsiClient } from './client.js';

const MAGIC = Buffer.from('MOZIOTP1', 'latin1');

export interface OtpHeader {
  v: 1;
  master_SAE_ID: string;
  slave_SAE_ID: string;
  key_size: number;
  length: number;
  key_IDs: string[];
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
  const needed = Math.ceil(plaintext.length / keyBytes);
  if (needed > Number(status.stored_key_count)) {
    throw new InputError(`file needs ${needed} keys of ${keySize} bits, the KME holds ${status.stored_key_count} for ${slaveSae}`, { field: 'IN' });
  }
  const keys: { keyId: string; key: Uint8Array }[] = [];
  while (keys.length < needed) keys.push(...(await client.encKeys(slaveSae, Math.min(perRequest, needed - keys.length))));
  const header: OtpHeader = { v: 1, master_SAE_ID: masterSae, slave_SAE_ID: slaveSae, key_size: keySize, length: plaintext.length, key_IDs: keys.map((k) => k.keyId) };
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(h.length);
  const body = xorInto(plaintext, keys.map((k) => k.key));
  return Buffer.concat([MAGIC, len, h, body]);
}

export function parseOtpFile(data: Uint8Array, file = 'IN'): { header: OtpHeader; body: Uint8Array } {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length < 12 || !b.subarray(0, 8).equals(MAGIC)) throw new InputError('not a Mozi one-time-pad file (bad magic)', { file });
  const hl = b.readUInt32BE(8);
  if (12 + hl > b.length) throw new InputError('truncated header', { file });
  let header: OtpHeader;
  try {
    header = JSON.parse(b.subarray(12, 12 + hl).toString('utf8')) as OtpHeader;
  } catch {
    throw new InputError('malformed header JSON', { file });
  }
  if (header.v !== 1 || !Array.isArray(header.key_IDs) || typeof header.length !== 'number' || typeof header.key_size !== 'number') {
    throw new InputError('unsupported or malformed header', { file });
  }
  const body = new Uint8Array(b.subarray(12 + hl));
  if (body.length !== header.length) throw new InputError(`ciphertext is ${body.length} bytes, header says ${header.length}`, { file });
  if (header.key_IDs.length * (header.key_size / 8) < header.length) throw new InputError('header lists too few key_IDs', { file });
  return { header, body };
}

export async function otpDecrypt(client: EtsiClient, masterSae: string, data: Uint8Array): Promise<{ plaintext: Uint8Array; header: OtpHeader }> {
  const { header, body } = parseOtpFile(data);
  if (header.master_SAE_ID !== masterSae) throw new InputError(`file was encrypted by ${header.master_SAE_ID}, not ${masterSae}`, { field: 'master' });
  const perRequest = Math.max(1, Number((await client.status(masterSae)).max_key_per_request) || 1);
  const keys: Uint8Array[] = [];
  for (let i = 0; i < header.key_IDs.length; i += perRequest) {
    for (const k of await client.decKeys(masterSae, header.key_IDs.slice(i, i + perRequest))) keys.push(k.key);
  }
  return { plaintext: xorInto(body, keys), header };
}
