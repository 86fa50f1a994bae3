/**
 * Deterministic random bytes for a party's public choices (estimation sample, hash seeds): SHA-256
 * in counter mode over a seed (block i = SHA-256(seed ‖ u64be(i))), so a run with the same
 * `--seed` reproduces the same key. Without a seed the party draws its seed from node:crypto.
 * `fork(label)` derives an independent stream: seed' = SHA-256(seed ‖ "/" ‖ label).
 */
import { createHash, randomBytes } from 'node:crypto';

export class Drbg {
  private readonly seed: Buffer;
  private counter = 0;
  private pool = new Uint8Array(0);
  private pos = 0;

  constructor(seed?: string | Uint8Array) {
    this.seed = seed === undefined ? randomBytes(32) : Buffer.from(typeof seed === 'string' ? Buffer.from(seed, 'utf8') : seed);
  }

  /** An independent stream for a named purpose. */
  fork(label: string): Drbg {
    return new Drbg(createHash('sha256').update(this.seed).update('/').update(label).digest());
  }

  private refill(): void {
    const h = createHash('sha256').update(this.seed);
    const ctr = Buffer.alloc(8);
    const out = Buffer.alloc(32 * 64);
    for (let i = 0; i < 64; i++) {
      ctr.writeUInt32BE(Math.floor(this.counter / 2 ** 32), 0);
      ctr.writeUInt32BE(this.counter % 2 ** 32, 4);
      this.counter++;
      h.copy().update(ctr).digest().copy(out, i * 32);
    }
    this.pool = new Uint8Array(out);
    this.pos = 0;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      if (this.pos >= this.pool.length) this.refill();
      const k = Math.min(n - o, this.pool.length - this.pos);
      out.set(this.pool.subarray(this.pos, this.pos + k), o);
      this.pos += k;
      o += k;
    }
    return out;
  }

  uint32(): number {
    const b = this.bytes(4);
    return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}
