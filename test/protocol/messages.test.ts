import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitArray } from '../../src/core/bits.js';
import { ProtocolAbort } from '../../src/core/errors.js';
import { ByteReader, ByteWriter, readIncreasing, writeIncreasing } from '../../src/core/codec.js';
import { decodeMessage, encodeMessage, PROTOCOL_VERSION, type Message } from '../../src/protocol/messages.js';

describe('protocol codec', () => {
  it('varints round-trip up to 2^53', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat()), (xs) => {
        const w = new ByteWriter();
        for (const x of xs) w.varint(x);
        const r = new ByteReader(w.finish());
        for (const x of xs) expect(r.varint()).toBe(x);
        r.end('test');
      }),
    );
  });

  it('delta-encoded pulse indices round-trip and cost ~3 bytes each at Micius spacing', () => {
    const idx = new Float64Array(10_000);
    let p = 0;
    for (let i = 0; i < idx.length; i++) idx[i] = p += 1 + ((i * 7919) % 20_000);
    const w = new ByteWriter();
    writeIncreasing(w, idx);
    const bytes = w.finish();
    expect(bytes.length).toBeLessThan(idx.length * 3 + 8);
    expect(Array.from(readIncreasing(new ByteReader(bytes)))).toEqual(Array.from(idx));
  });

  it('every message type round-trips', () => {
    const msgs: Message[] = [
      { type: 'hello', site: 'xinglong', passId: 'p', detections: 3 },
      {
        type: 'params', site: 'micius', blockId: '0', mu: [0.8, 0.1, 0], p: [0.5, 0.25, 0.25], pZ: 0.5, epsSec: 1e-9, epsCor: 1e-15,
        bound: 'chernoff', protocol: 'symmetric', reconciliation: 'cascade', qberThreshold: 0.11, sampleFraction: 0.005, pulseRateHz: 1e8, pulsesSent: 27_300_000_000,
      },
      { type: 'detections', pulseIndex: Float64Array.from([5, 9, 27_299_999_999]), basis: BitArray.fromBits([1, 0, 1]) },
      { type: 'detections', pulseIndex: Float64Array.from([3, 4]), basis: BitArray.fromBits([0, 1]), part: true },
      { type: 'sift', match: BitArray.fromBits([1, 1, 0, 1, 0]), intensity: Uint8Array.from([0, 1, 2, 0, 1]) },
      { type: 'sample', positions: Float64Array.from([1, 4]), bits: BitArray.fromBits([0, 1]) },
      { type: 'decision', stage: 'final', keyLengthBits: 300_939 },
      { type: 'post', stage: 'verify', payload: Uint8Array.from([1, 2, 3]) },
      { type: 'errors', counts: [1, 2, 3, 4, 5, 6] },
      { type: 'done', keyBits: 7 },
      { type: 'abort', reason: 'qber-too-high', message: 'QBER 25 %' },
    ];
    for (const m of msgs) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  it('rejects other versions, unknown types, truncation and trailing bytes as protocol violations', () => {
    const f = encodeMessage({ type: 'done', keyBits: 300 });
    const part = encodeMessage({ type: 'detections', pulseIndex: Float64Array.from([3, 4]), basis: BitArray.fromBits([0, 1]), part: true });
    // a part flag other than 1, or a byte after it
    const badPart = [Uint8Array.from([...part.subarray(0, part.length - 1), 2]), Uint8Array.from([...part, 1])];
    const bad = [Uint8Array.from([PROTOCOL_VERSION + 1, ...f.subarray(1)]), Uint8Array.from([PROTOCOL_VERSION, 99]), f.subarray(0, f.length - 1), Uint8Array.from([...f, 0]), ...badPart];
    for (const b of bad) {
      try {
        decodeMessage(b);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolAbort);
        expect((e as ProtocolAbort).reason).toBe('protocol-violation');
      }
    }
  });
});
