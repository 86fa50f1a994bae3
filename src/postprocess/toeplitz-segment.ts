/**
 * Class decomposition of a Toeplitz product into segments (toeplitz-parallel.ts): the m × n matrix
 * T[i][j] = s[i − j + n − 1] is cut into a grid of row and column ranges; the sub-matrix of rows
 * [r0, r0 + rows) and columns [c0, c0 + cols) is itself Toeplitz, T′[i′][j′] = s′[i′ − j′ + cols − 1]
 * with the seed window s′[t] = s[t + r0 − c0 + n − cols] (cols + rows − 1 bits). Over GF(2) the
 * output rows of T·x are the XOR of the column segments' products (parity of a sum = XOR of the
 * parities of its parts), so any segmentation gives the same bits.
 */
import { toeplitzCost } from './toeplitz.js';

/** One segment's work as sent to a worker: packed x bits and seed window, output rows. */
export interface SegmentRequest {
  rows: number;
  cols: number;
  /** ⌈cols/32⌉ words: x bits [c0, c0 + cols). */
  x: Uint32Array;
  /** seed window of cols + rows − 1 bits. */
  seed: Uint32Array;
  maxConvLength: number;
}

export interface Segment {
  r0: number;
  rows: number;
  c0: number;
  cols: number;
  /** First seed bit of the segment's window. */
  seedFrom: number;
}

/** Segments of an m × n product: rowParts × colParts near-equal ranges. */
export function segmentGrid(m: number, n: number, rowParts: number, colParts: number): Segment[] {
  const out: Segment[] = [];
  for (let a = 0; a < rowParts; a++) {
    const r0 = Math.floor((a * m) / rowParts), r1 = Math.floor(((a + 1) * m) / rowParts);
    for (let b = 0; b < colParts; b++) {
      const c0 = Math.floor((b * n) / colParts), c1 = Math.floor(((b + 1) * n) / colParts);
      if (r1 > r0 && c1 > c0) out.push({ r0, rows: r1 - r0, c0, cols: c1 - c0, seedFrom: r0 - c0 + n - (c1 - c0) });
    }
  }
  return out;
}

/**
 * The grid with the smallest makespan on `threads` workers under the FFT cost model
 * (⌈segments/threads⌉ × cost of one segment, plus a fixed per-segment overhead), among up to 4 row
 * and 16 column parts; fewer segments win ties.
 */
export function planSegments(m: number, n: number, threads: number, maxConvLength: number): Segment[] {
  let best = { rp: 1, cp: 1, span: Infinity };
  for (let rp = 1; rp <= Math.min(4, m); rp++) {
    for (let cp = 1; cp <= Math.min(16, n); cp++) {
      const cost = toeplitzCost(Math.ceil(n / cp), Math.ceil(m / rp), maxConvLength);
      const span = Math.ceil((rp * cp) / threads) * (cost + 1e6);
      if (span < best.span * 0.999) best = { rp, cp, span };
    }
  }
  return segmentGrid(m, n, best.rp, best.cp);
}
