/** Key-pool state across runs and the refill from distilled key (no pad is ever reused). */
import { describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { KeyPool, isPoolState } from '../../src/postprocess/auth.js';
import { MAX_REFILL_BITS, refillBits, refillingSink } from '../../src/protocol/pool.js';
import type { StoredBlock } from '../../src/protocol/types.js';

const psk = () => Uint8Array.from({ length: 8 + 16 * 8 }, (_, i) => (i * 37 + 11) & 0xff);

describe('KeyPool state', () => {
  it('round-trips: the restored pool continues with the next unused pads, never the consumed ones', () => {
    const a = new KeyPool(psk());
    const used = [a.takePad('a2b'), a.takePad('a2b'), a.takePad('b2a')].map((p) => Buffer.from(p).toString('hex'));
    const state = a.toState();
    expect(isPoolState(state)).toBe(true);
    expect(isPoolState(psk())).toBe(false);
    const b = new KeyPool(state);
    expect(b.availableBits('a2b')).toBe(a.availableBits('a2b'));
    expect(b.availableBits('b2a')).toBe(a.availableBits('b2a'));
    expect(Buffer.from(b.takePad('a2b'))).toEqual(Buffer.from(a.takePad('a2b')));
    expect(Buffer.from(b.takePad('b2a'))).toEqual(Buffer.from(a.takePad('b2a')));
    // none of the consumed pads appears in the saved state
    const hex = Buffer.from(state).toString('hex');
    for (const u of used) expect(hex.includes(u)).toBe(false);
    // same hash key
    expect(b.hasher().hashBytes(new Uint8Array([1, 2, 3]))).toEqual(a.hasher().hashBytes(new Uint8Array([1, 2, 3])));
  });

  it('rejects a truncated state', () => {
    const s = new KeyPool(psk()).toState();
    expect(() => new KeyPool(s.subarray(0, s.length - 3))).toThrow(/truncated/);
  });
});

describe('refill from distilled key', () => {
  it('takes half the key at most, capped, in 128-bit units', () => {
    expect(refillBits(1000)).toBe(384);
    expect(refillBits(100)).toBe(0);
    expect(refillBits(10_000_000)).toBe(MAX_REFILL_BITS);
  });

  it('moves the first bits of the block into the pool and stores the rest', async () => {
    const pool = new KeyPool(psk());
    const before = pool.availableBits('a2b') + pool.availableBits('b2a');
    const stored: StoredBlock[] = [];
    const sink = refillingSink({ store: (b) => void stored.push(b) }, pool);
    const key = BitArray.random(4096);
    await sink.store({ passId: 'p', blockId: 0, site: 'a', peerSite: 'b', epsSec: 1e-9, epsCor: 1e-15, key });
    expect(sink.refilledBits()).toBe(2048);
    expect(pool.availableBits('a2b') + pool.availableBits('b2a')).toBe(before + 2048);
    // 64 bits dropped (no one-sided rekey: DESIGN.md, "Commit protocol"), 2048 pad bits, the rest stored
    expect(stored[0].key.equals(key.slice(64 + 2048))).toBe(true);
    // the saved pool and the running one keep the hash key K
    const next = new KeyPool(pool.toState());
    expect(next.hasher().hashBytes(new Uint8Array([7]))).toEqual(new KeyPool(psk()).hasher().hashBytes(new Uint8Array([7])));
    expect(pool.hasher().hashBytes(new Uint8Array([7]))).toEqual(new KeyPool(psk()).hasher().hashBytes(new Uint8Array([7])));
  });
});
