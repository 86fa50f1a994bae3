import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Drbg } from '../../src/core/rng/drbg.js';

/** SHA-256 counter mode computed here from its definition: block i = SHA-256(seed ‖ u64be(i)). */
function reference(seed: Buffer, bytes: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < bytes; i++) {
    const ctr = Buffer.alloc(8);
    ctr.writeBigUInt64BE(BigInt(i));
    out.push(createHash('sha256').update(seed).update(ctr).digest());
  }
  return Buffer.concat(out).subarray(0, bytes);
}

describe('Drbg (core/rng/drbg.ts)', () => {
  it('is SHA-256 in counter mode over its seed, across refills (64 blocks each)', () => {
    const d = new Drbg('mozi');
    const got = Buffer.concat([Buffer.from(d.bytes(5)), Buffer.from(d.bytes(3000)), Buffer.from(d.bytes(1000))]);
    expect(got.equals(reference(Buffer.from('mozi'), 4005))).toBe(true);
  });

  it('fork(label) is the stream of SHA-256(seed ‖ "/" ‖ label); uint32 is big-endian; float in [0, 1)', () => {
    const child = new Drbg('mozi').fork('sample');
    const seed = createHash('sha256').update('mozi').update('/').update('sample').digest();
    expect(Buffer.from(child.bytes(64)).equals(reference(seed, 64))).toBe(true);
    const d = new Drbg('x');
    const first4 = reference(Buffer.from('x'), 4);
    expect(d.uint32()).toBe(first4.readUInt32BE(0));
    const f = new Drbg('y');
    for (let i = 0; i < 1000; i++) {
      const v = f.float();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });

  it('draws a fresh seed from node:crypto without one', () => {
    expect(Buffer.from(new Drbg().bytes(32)).equals(Buffer.from(new Drbg().bytes(32)))).toBe(false);
  });
});
