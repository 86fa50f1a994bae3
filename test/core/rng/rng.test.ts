import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { philox4x32, mulhi32, PhiloxStream, Xoshiro128 } from '../../../src/core/rng/philox.js';
import { chacha20Block, wordsToBytesLE } from '../../../src/core/rng/chacha20.js';
import { deriveSeed, seedFromHex, seedFromInteger, seedToHex } from '../../../src/core/rng/seed.js';
import { InputError } from '../../../src/core/errors.js';

const hex = (w: Uint32Array) => Array.from(w, (x) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 (Random123 known-answer tests, algorithms.md §8)', () => {
  const out = new Uint32Array(4);
  it('counter 0, key 0', () => {
    expect(hex(philox4x32(0, 0, 0, 0, 0, 0, out))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  });
  it('all ones', () => {
    const f = 0xffffffff;
    expect(hex(philox4x32(f, f, f, f, f, f, out))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
  });
  it('pi digits', () => {
    expect(hex(philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out))).toBe(
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    );
  });
  it('mulhi32 matches BigInt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b) => {
        expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
      }),
    );
  });
});

describe('ChaCha20 block (RFC 8439 §2.3.2 test vector)', () => {
  it('reproduces the published block', () => {
    const key = Array.from({ length: 8 }, (_, i) => (4 * i) | ((4 * i + 1) << 8) | ((4 * i + 2) << 16) | ((4 * i + 3) << 24));
    const nonce = [0x09000000, 0x4a000000, 0x00000000];
    const bytes = wordsToBytesLE(chacha20Block(key.map((x) => x >>> 0), 1, nonce));
    const h = Buffer.from(bytes).toString('hex');
    expect(h).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
  });
});

describe('seeds', () => {
  it('hex round trip and validation', () => {
    const h = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
    expect(seedToHex(seedFromHex(h))).toBe(h);
    expect(() => seedFromHex('abc', 'sourceSeed')).toThrow(InputError);
    expect(() => seedFromInteger(-1)).toThrow(/seed/);
  });
  it('derived seeds differ by label and are deterministic', () => {
    const s = seedFromInteger(42);
    expect(seedToHex(deriveSeed(s, 'a'))).toBe(seedToHex(deriveSeed(s, 'a')));
    expect(seedToHex(deriveSeed(s, 'a'))).not.toBe(seedToHex(deriveSeed(s, 'b')));
  });
});

describe('streams', () => {
  it('uniform, geometric and Poisson moments', () => {
    for (const rng of [new PhiloxStream(1, 2, 3), new Xoshiro128(1, 2, 3, 4)]) {
      const n = 100_000;
      let s = 0;
      let g = 0;
      let p = 0;
      let z2 = 0;
      for (let i = 0; i < n; i++) {
        s += rng.nextDouble();
        g += rng.nextGeometric(0.01);
        p += rng.nextPoisson(0.8);
        z2 += rng.nextNormal() ** 2;
      }
      expect(Math.abs(s / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
      // geometric failures before success: mean (1-p)/p = 99, sd = sqrt(1-p)/p ≈ 99.5
      expect(Math.abs(g / n - 99)).toBeLessThan((4 * 99.5) / Math.sqrt(n));
      expect(Math.abs(p / n - 0.8)).toBeLessThan(4 * Math.sqrt(0.8 / n));
      expect(Math.abs(z2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    }
  });
  it('Poisson ≥ 1 has the truncated mean μ/(1 − e^−μ)', () => {
    const rng = new Xoshiro128(9, 8, 7, 6);
    const mu = 0.5;
    const n = 100_000;
    let s = 0;
    for (let i = 0; i < n; i++) s += rng.nextPoissonAtLeastOne(mu);
    const mean = mu / -Math.expm1(-mu);
    expect(Math.abs(s / n - mean)).toBeLessThan(0.01);
  });
});
