import { describe, it, expect } from 'vitest';
import { LeakageLedger } from '../../src/postprocess/ledger.js';

describe('leakage ledger', () => {
  it('sums disclosures by kind, keeps consumption separate, and gives ℓ = bound − leak', () => {
    const l = new LeakageLedger('b1');
    l.add('estimation', 1000, 'revealed test bits');
    l.add('reconciliation', 5000, 'cascade parities');
    l.add('reconciliation', 200, 'cascade parities');
    l.add('verification', 64, 'verification tag');
    l.consume(640, 'authentication pads (a2b)');
    expect(l.leakedBits()).toBe(6264);
    expect(l.leakedBits('reconciliation')).toBe(5200);
    expect(l.consumedBits()).toBe(640);
    expect(l.finalLength(10_000.7)).toBe(3736);
    expect(l.finalLength(100)).toBe(0);
    const s = l.summary();
    expect(s.byKind.verification).toBe(64);
    expect(s.entries.length).toBe(3);
  });

  it('refuses additions after close (privacy amplification done) and bad amounts', () => {
    const l = new LeakageLedger('b2');
    expect(() => l.add('other', -1, 'x')).toThrow();
    expect(() => l.add('other', 1.5, 'x')).toThrow();
    l.close();
    expect(l.isClosed).toBe(true);
    expect(() => l.add('other', 1, 'x')).toThrow(/closed/);
  });
});
