/**
 * The opening message of the interactive reconcilers (Cascade, Hamming): Alice's public seed
 * (u32), her QBER estimate (f64), the key length (varint), then the algorithm's first bits
 * (little-endian codec, core/codec.ts). The seed and the estimate are public and independent of
 * the key beyond the already disclosed estimation sample; the length is public.
 */
import { ByteReader, ByteWriter } from '../../core/codec.js';
import { ProtocolAbort } from '../../core/errors.js';
import type { MessageChannel } from '../channel.js';

/** Bits of the opening header before the payload (for the leakage tests). */
export function openingHeaderBits(n: number): number {
  return 8 * (4 + 8 + new ByteWriter(8, 'le').varint(n).length);
}

export function openingMessage(seed: number, qber: number, n: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter(24 + payload.length, 'le').u32(seed).f64(qber).varint(n).raw(payload).finish();
}

/** Bob's side: read the opening, check the key length, return the seed, estimate and payload. */
export async function receiveOpening(ch: MessageChannel, n: number, name: string): Promise<{ seed: number; qber: number; payload: Uint8Array }> {
  const hdr = new ByteReader(await ch.receive(), 'le');
  const seed = hdr.u32();
  const qber = hdr.f64();
  const aliceN = hdr.varint();
  if (aliceN !== n) throw new ProtocolAbort('protocol-violation', `${name}: Alice's key has ${aliceN} bits, Bob's ${n}`);
  return { seed, qber, payload: hdr.rest() };
}
