/**
 * Class decomposition of a Toeplitz product into segments (toeplitz-parallel.ts): the m × n matrix
 * T[i][j] = s[i − j + n − 1] is cut into a grid of row and column ranges; the sub-matrix of rows
 * [r0, r0 + rows) and columns [c0, c0 + cols) is itself Toeplitz, T′[i′][j′] = s′[i′ − j′ + cols − 1]
 * with the seed window s′[t] = s[t + r0 − c0 + n − cols] (cols + rows − 1 bits). Over GF(2) the
 * output rows of T·x are the XOR of the column segments' products (parity of a sum = XOR of the
 * parities of its parts), so any segmentation gives the same bits.
 */
import { toeplitzCost, type ConvKernel } from './toeplitz.js';

/** One segment's work as sent to a worker: packed x bits and seed window, output rows. */
export interface SegmentRequest {
  rows: number;
  cols: number;
  /** ⌈cols/32⌉ words: x bits [c0, c0 + cols). */
  x: Uint32Array;
  /** seed window of cols + rows − 1 bits. */
  seed: Uint32Array;
  maxConvLength: number;
  /** Convolution kernel of the worker (toeplitz.ts `ConvKernel`). */
  kernel: ConvKernel;
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

/** Per-segment fixed overhead in cost-model units (a worker round trip, copies). */
const SEGMENT_OVERHEAD = 1e6;

/** Longest-processing-time-first schedule of `costs` on `threads` workers: its makespan. */
function makespan(costs: number[], threads: number): number {
  const load = new Array<number>(threads).fill(0);
  for (const c of [...costs].sort((a, b) => b - a)) {
    let k = 0;
    for (let t = 1; t < threads; t++) if (load[t] < load[k]) k = t;
    load[k] += c;
  }
  return Math.max(...load);
}

/**
 * Column segments of full height m whose widths fit power-of-two FFT lengths: for N ≤ `limit`,
 * segments of width N − m + 1 (one unblocked N-sample convolution each) and a last one of the
 * remaining width, so that no transform is padded beyond the next power of two.
 */
export function fittedColumns(m: number, n: number, N: number): Segment[] {
  const w = N - m + 1;
  const out: Segment[] = [];
  for (let c0 = 0; c0 < n; c0 += w) {
    const cols = Math.min(w, n - c0);
    out.push({ r0: 0, rows: m, c0, cols, seedFrom: -c0 + n - cols });
  }
  return out;
}

/**
 * The segmentation with the smallest makespan on `threads` workers under the FFT cost model (each
 * segment's cost plus a fixed overhead, scheduled longest first), among grids of up to 4 row and
 * 16 column parts and the power-of-two-fitted column cuts (`fittedColumns`, ≤ 32 segments); a
 * candidate within 3 % of the best makespan wins if it needs less total work (CPU time), and fewer
 * segments win exact ties.
 */
export function planSegments(m: number, n: number, threads: number, maxConvLength: number): Segment[] {
  const candidates: Segment[][] = [];
  for (let rp = 1; rp <= Math.min(4, m); rp++) {
    for (let cp = 1; cp <= Math.min(16, n); cp++) candidates.push(segmentGrid(m, n, rp, cp));
  }
  for (let N = 8; N <= maxConvLength; N *= 2) {
    if (N - m + 1 >= 1 && Math.ceil(n / (N - m + 1)) <= 32) candidates.push(fittedColumns(m, n, N));
  }
  const cache = new Map<string, number>();
  const costOf = (g: Segment) => {
    const key = `${g.rows},${g.cols}`;
    let c = cache.get(key);
    if (c === undefined) cache.set(key, (c = toeplitzCost(g.cols, g.rows, maxConvLength) + SEGMENT_OVERHEAD));
    return c;
  };
  const scored = candidates.map((segs) => {
    const costs = segs.map(costOf);
    return { segs, span: makespan(costs, threads), total: costs.reduce((a, b) => a + b, 0) };
  });
  const bestSpan = Math.min(...scored.map((c) => c.span));
  const near = scored.filter((c) => c.span <= bestSpan * 1.03);
  near.sort((a, b) => a.total - b.total || a.segs.length - b.segs.length);
  return near[0].segs;
}
