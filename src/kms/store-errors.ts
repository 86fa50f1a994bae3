/** Errors of key delivery from a site's key store (mapped to ETSI 014 status codes by server/etsi.ts). */

/** Raised when a link has fewer keys than requested (maps to HTTP 503 / 400). */
export class NotEnoughKeysError extends Error {
  constructor(readonly available: number, readonly requested: number) {
    super(`not enough keys: ${available} available, ${requested} requested`);
    this.name = 'NotEnoughKeysError';
  }
}

/** Raised by takeByIds for key_IDs that are unknown, of another link, or already used. */
export class KeyIdError extends Error {
  constructor(readonly keyId: string, readonly problem: 'unknown' | 'used' | 'wrong-link' | 'wrong-direction') {
    super(`key_ID ${keyId}: ${problem === 'unknown' ? 'unknown key_ID' : problem === 'used' ? 'key already delivered' : problem === 'wrong-link' ? 'key_ID belongs to another SAE pair' : 'key_ID is not redeemable at this site'}`);
    this.name = 'KeyIdError';
  }
}
