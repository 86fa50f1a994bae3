/** The one-time-pad file format: a tampered file is refused, never decrypted silently (issue 21). */
import { describe, expect, it } from 'vitest';
import type { ClientKey, EtsiClient } from '../../src/kms/client.js';
import { otpDecrypt, otpEncrypt } from '../../src/kms/otp.js';
import { seededBytes } from '../support/seed.js';

/** An in-memory pair of KMEs sharing keys of 256 bits: what one site hands out with enc_keys the other redeems once with dec_keys. */
function kmePair(): { master: EtsiClient; slave: EtsiClient } {
  const shared = new Map<string, Uint8Array>();
  const random = seededBytes('otp keys');
  let next = 0;
  const status = async (): Promise<Record<string, unknown>> => ({ key_size: 256, max_key_per_request: 4, stored_key_count: 1000 });
  const master = {
    status,
    encKeys: async (_slave: string, n = 1): Promise<ClientKey[]> =>
      Array.from({ length: n }, () => {
        const keyId = `k${next++}`;
        const key = random(32);
        shared.set(keyId, Uint8Array.from(key));
        return { keyId, key };
      }),
  };
  const slave = {
    status,
    decKeys: async (_master: string, ids: readonly string[]): Promise<ClientKey[]> =>
      ids.map((keyId) => {
        const key = shared.get(keyId);
        if (!key) throw new Error(`key ${keyId} already delivered`);
        shared.delete(keyId);
        return { keyId, key };
      }),
  };
  return { master: master as unknown as EtsiClient, slave: slave as unknown as EtsiClient };
}

describe('otp file integrity', () => {
  const text = seededBytes('plaintext')(1000);

  it('round-trips', async () => {
    const { master, slave } = kmePair();
    const cipher = await otpEncrypt(master, 'sae-a', 'sae-b', text);
    const { plaintext } = await otpDecrypt(slave, 'sae-a', cipher);
    expect(Buffer.from(plaintext).equals(Buffer.from(text))).toBe(true);
  });

  it('one flipped ciphertext bit is refused as a tampered file', async () => {
    const { master, slave } = kmePair();
    const cipher = Buffer.from(await otpEncrypt(master, 'sae-a', 'sae-b', text));
    // flip one bit in the middle of the ciphertext body (the file ends with the body and at most a 32-byte tag)
    cipher[cipher.length - 32 - 483] ^= 0x10;
    await expect(otpDecrypt(slave, 'sae-a', cipher)).rejects.toThrow(/authentication tag/);
  });

  it('one flipped tag bit is refused too', async () => {
    const { master, slave } = kmePair();
    const cipher = Buffer.from(await otpEncrypt(master, 'sae-a', 'sae-b', text));
    cipher[cipher.length - 1] ^= 0x01;
    await expect(otpDecrypt(slave, 'sae-a', cipher)).rejects.toThrow(/authentication tag/);
  });
});
