import { describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { BitPacker, ByteReader, ByteWriter, bitAt, pack2, unpack2 } from '../../src/core/codec.js';
import { ProtocolAbort } from '../../src/core/errors.js';

describe('byte codec (core/codec.ts)', () => {
  it('varints round-trip across the fast (< 2^28) and slow paths, in both byte orders', () => {
    const vals = [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER];
    for (const order of ['be', 'le'] as const) {
      const w = new ByteWriter(1, order);
      for (const v of vals) w.varint(v);
      const r = new ByteReader(w.finish(), order);
      expect(vals.map(() => r.varint())).toEqual(vals);
      r.end('varints');
    }
  });

  it('LEB128 bytes are those of the standard encoding (624485 → e5 8e 26)', () => {
    expect(Array.from(new ByteWriter().varint(624485).finish())).toEqual([0xe5, 0x8e, 0x26]);
  });

  it('u32 and f64 follow the byte order; the protocol is big-endian, reconciliation little-endian', () => {
    const be = new ByteWriter(8, 'be').u32(0x01020304).f64(1).finish();
    const le = new ByteWriter(8, 'le').u32(0x01020304).f64(1).finish();
    expect(Array.from(be.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(le.subarray(0, 4))).toEqual([4, 3, 2, 1]);
    expect(Array.from(be.subarray(4))).toEqual([0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(le.subarray(4))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(new ByteReader(le, 'le').u32()).toBe(0x01020304);
  });

  it('raw is unprefixed, bytes/string/bits are length-prefixed; rest() takes what is left', () => {
    const w = new ByteWriter().raw(Uint8Array.of(9, 8)).bytes(Uint8Array.of(7)).string('Mozi 墨子').bits(BitArray.fromBits([1, 0, 1]));
    const r = new ByteReader(w.finish());
    expect(Array.from(r.raw(2))).toEqual([9, 8]);
    expect(Array.from(r.bytes())).toEqual([7]);
    expect(r.string()).toBe('Mozi 墨子');
    expect(Array.from(r.bits().toBits())).toEqual([1, 0, 1]);
    expect(r.rest()).toHaveLength(0);
  });

  it('malformed input from the peer is a protocol violation, never a plain error', () => {
    expect(() => new ByteReader(Uint8Array.of(1, 2), 'le').u32()).toThrow(ProtocolAbort);
    expect(() => new ByteReader(Uint8Array.of(0x80, 0x80)).varint()).toThrow(ProtocolAbort);
    expect(() => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)).varint()).toThrow(ProtocolAbort);
    expect(() => new ByteReader(Uint8Array.of(2, 0xc3, 0x28)).string()).toThrow(ProtocolAbort);
    expect(() => new ByteReader(Uint8Array.of(1)).end('x')).toThrow(ProtocolAbort);
  });

  it('BitPacker packs LSB-first, grows, and bitAt reads it back; pack2 round-trips 2-bit classes', () => {
    const bits = Array.from({ length: 1000 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const p = new BitPacker(1);
    for (const b of bits) p.push(b);
    const out = p.finish();
    expect(out).toHaveLength(125);
    expect(bits.every((b, i) => bitAt(out, i) === b)).toBe(true);
    expect(out[0]).toBe(0b01001001);
    const cls = Uint8Array.from({ length: 13 }, (_, i) => i % 3);
    expect(Array.from(unpack2(pack2(cls), 13))).toEqual(Array.from(cls));
  });

  it('a packer of exact capacity hands over its bytes; reset() starts a new message, earlier ones intact', () => {
    const p = new BitPacker(10);
    for (let i = 0; i < 10; i++) p.push(i % 4 === 1 ? 1 : 0);
    const out = p.finish();
    expect(Array.from(out)).toEqual([0b00100010, 0b10]);
    const zero = new BitPacker(0);
    expect(zero.finish()).toHaveLength(0);
    const w = new ByteWriter(16, 'le');
    const first = w.u32(0xdeadbeef).varint(300).finish();
    const second = w.reset().u8(7).finish();
    expect(Array.from(first)).toEqual([0xef, 0xbe, 0xad, 0xde, 0xac, 0x02]);
    expect(Array.from(second)).toEqual([7]);
    // growth after a reset keeps what the new message holds
    w.reset();
    for (let i = 0; i < 100; i++) w.u32(i);
    const r = new ByteReader(w.finish(), 'le');
    expect(Array.from({ length: 100 }, () => r.u32())).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
