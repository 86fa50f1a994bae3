/**
 * Seeded randomness for test inputs. Every random input of a test derives from one run seed:
 * MOZI_TEST_SEED (an integer, or "random" for a fresh one), default 20161219. fast-check uses
 * it through its global configuration (test/support/setup.ts); other inputs draw from
 * `seededBytes`/`seededFloat`, an sfc32 stream seeded by SHA-256 of (run seed, stream label,
 * current test name), so a test sees the same bytes whether it runs alone or with its file. A failing
 * test prints the seed to rerun it with (setup.ts).
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';

function runSeed(): number {
  const v = process.env.MOZI_TEST_SEED;
  if (v === undefined || v === '') return 20161219;
  if (v === 'random') return Math.floor(Math.random() * 2 ** 31);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`MOZI_TEST_SEED must be an integer or "random", got ${JSON.stringify(v)}`);
  return n;
}

/** The seed of this test process (fixed unless MOZI_TEST_SEED says otherwise). */
export const TEST_SEED = runSeed();

/** sfc32 (Chris Doty-Humphrey's PractRand "small fast chaotic" generator), 32-bit outputs. */
class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: Buffer) {
    this.a = seed.readUInt32LE(0);
    this.b = seed.readUInt32LE(4);
    this.c = seed.readUInt32LE(8);
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
}

const streams = new Map<string, Sfc32>();

/** The generator of stream `label` in the current test, seeded by SHA-256(run seed, label, test name). */
function stream(label: string): Sfc32 {
  const key = `${TEST_SEED}\0${label}\0${expect.getState().currentTestName ?? ''}`;
  let g = streams.get(key);
  if (!g) streams.set(key, (g = new Sfc32(createHash('sha256').update(key).digest())));
  return g;
}

/** `n` reproducible pseudo-random bytes from stream `label` (a drop-in for node:crypto's randomBytes in tests). */
export function seededBytes(label: string): (n: number) => Buffer {
  return (n: number): Buffer => {
    const g = stream(label);
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const w = g.next();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (w >>> (8 * k)) & 0xff;
    }
    return out;
  };
}

/** Reproducible floats in [0, 1) from stream `label` (a drop-in for Math.random in tests). */
export function seededFloat(label: string): () => number {
  return (): number => {
    const g = stream(label);
    return (g.next() * 2 ** 21 + (g.next() >>> 11)) / 2 ** 53;
  };
}
