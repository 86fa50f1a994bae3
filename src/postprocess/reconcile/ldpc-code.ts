/**
 * LDPC parity-check matrices built by our own code: irregular variable-degree profiles, edges
 * placed progressively (PEG-like, Hu, Eleftheriou & Arnold 2005) with check degrees kept
 * concentrated and 4-cycles avoided where possible. Deterministic from (n, m, seed): both parties
 * build the same matrix. Nothing is copied from other projects.
 */
import { Xoshiro128 } from './prng.js';

export interface LdpcCode {
  /** Code length (variable nodes). */
  n: number;
  /** Number of checks (syndrome bits). */
  m: number;
  /** CSR by check row: edges of row c are rowStart[c] .. rowStart[c+1]-1, variable cols[e]. */
  rowStart: Int32Array;
  cols: Int32Array;
  edges: number;
}

/**
 * Node-perspective variable-degree profile for n variables and m checks: degree-2 nodes (at most
 * 20 %, never more than the checks), 30 % degree-10 nodes, the rest degree 3. Found empirically
 * for our PEG-like construction with sum-product decoding at rates 0.6–0.95 (a high-degree tail
 * matters more than the degree-2 share at n ≈ 8k).
 */
export function variableDegreeProfile(n: number, m: number): [number, number][] {
  const f2 = Math.min(0.2, m / n);
  const fHigh = 0.3;
  return [
    [2, f2],
    [3, 1 - f2 - fHigh],
    [10, fHigh],
  ];
}

export function buildLdpcCode(n: number, m: number, seed = 0x1dc0de): LdpcCode {
  if (!(m > 0 && m < n)) throw new RangeError(`LDPC: need 0 < m < n (n=${n}, m=${m})`);
  const rng = new Xoshiro128(seed, (n * 7919 + m) >>> 0);
  const prof = variableDegreeProfile(n, m);
  const vdeg = new Int32Array(n);
  {
    let v = 0;
    for (let i = 0; i < prof.length; i++) {
      const [d, f] = prof[i];
      const cnt = i === prof.length - 1 ? n - v : Math.round(f * n);
      for (let j = 0; j < cnt && v < n; j++) vdeg[v++] = d;
    }
  }
  // Shuffle which variable gets which degree, so puncturing patterns see a mix.
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = vdeg[i];
    vdeg[i] = vdeg[j];
    vdeg[j] = t;
  }
  let E = 0;
  for (let v = 0; v < n; v++) E += vdeg[v];
  const cap = new Int32Array(m);
  for (let c = 0; c < m; c++) cap[c] = Math.floor(E / m) + (c < E % m ? 1 : 0);
  const open: number[] = [];
  for (let c = 0; c < m; c++) open.push(c);
  const checkVars: number[][] = Array.from({ length: m }, () => []);
  const varChecks: number[][] = Array.from({ length: n }, () => []);
  const mark = new Int32Array(m).fill(-1);
  // Process variables in increasing degree order (PEG).
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => vdeg[a] - vdeg[b] || a - b);
  const TRIES = 24;
  for (const v of order) {
    for (let k = 0; k < vdeg[v]; k++) {
      if (open.length === 0) break;
      // Mark checks within distance 2 of v (adding them would close a 4-cycle) and v's own checks.
      for (const c1 of varChecks[v]) {
        mark[c1] = v;
        for (const v2 of checkVars[c1]) for (const c2 of varChecks[v2]) mark[c2] = v;
      }
      let pick = -1;
      let fallback = -1;
      for (let t = 0; t < TRIES; t++) {
        const idx = rng.below(open.length);
        const c = open[idx];
        if (mark[c] !== v) {
          pick = idx;
          break;
        }
        if (fallback < 0 && !varChecks[v].includes(c)) fallback = idx;
      }
      if (pick < 0) pick = fallback;
      if (pick < 0) {
        for (let idx = 0; idx < open.length; idx++) {
          if (!varChecks[v].includes(open[idx])) {
            pick = idx;
            break;
          }
        }
      }
      if (pick < 0) break;
      const c = open[pick];
      checkVars[c].push(v);
      varChecks[v].push(c);
      if (--cap[c] === 0) {
        open[pick] = open[open.length - 1];
        open.pop();
      }
    }
  }
  const rowStart = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) rowStart[c + 1] = rowStart[c] + checkVars[c].length;
  const cols = new Int32Array(rowStart[m]);
  for (let c = 0; c < m; c++) cols.set(checkVars[c].sort((a, b) => a - b), rowStart[c]);
  return { n, m, rowStart, cols, edges: rowStart[m] };
}

const codeCache = new Map<string, LdpcCode>();

/** Memoised code construction (codes are public; both parties may share the cache). */
export function cachedLdpcCode(n: number, m: number, seed = 0x1dc0de): LdpcCode {
  const k = `${n}:${m}:${seed}`;
  let c = codeCache.get(k);
  if (!c) {
    c = buildLdpcCode(n, m, seed);
    if (codeCache.size >= 32) {
      const first = codeCache.keys().next().value;
      if (first !== undefined) codeCache.delete(first);
    }
    codeCache.set(k, c);
  }
  return c;
}

/** Syndrome H·x of a word given as 0/1 bytes. */
export function syndromeOf(code: LdpcCode, x: Uint8Array, out = new Uint8Array(code.m)): Uint8Array {
  const { rowStart, cols } = code;
  for (let c = 0; c < code.m; c++) {
    let s = 0;
    for (let e = rowStart[c]; e < rowStart[c + 1]; e++) s ^= x[cols[e]];
    out[c] = s;
  }
  return out;
}

/**
 * GF(2) rank of the column prefixes of H restricted to `columns`: ranks[j] = rank of the first j
 * listed columns (j = 0..columns.length). Used for the exact leakage m − rank(H_punctured).
 */
export function prefixRanks(code: LdpcCode, columns: ArrayLike<number>): Int32Array {
  const words = (code.m + 31) >>> 5;
  // Column vectors of H for the listed variables.
  const colRows: number[][] = Array.from({ length: code.n }, () => []);
  for (let c = 0; c < code.m; c++) for (let e = code.rowStart[c]; e < code.rowStart[c + 1]; e++) colRows[code.cols[e]].push(c);
  const basis: Uint32Array[] = [];
  const pivots: number[] = [];
  const ranks = new Int32Array(columns.length + 1);
  for (let j = 0; j < columns.length; j++) {
    const vec = new Uint32Array(words);
    for (const r of colRows[columns[j]]) vec[r >>> 5] ^= 1 << (r & 31);
    for (let b = 0; b < basis.length; b++) {
      const p = pivots[b];
      if ((vec[p >>> 5] >>> (p & 31)) & 1) {
        const bv = basis[b];
        for (let w = 0; w < words; w++) vec[w] ^= bv[w];
      }
    }
    let piv = -1;
    for (let w = 0; w < words && piv < 0; w++) if (vec[w]) piv = w * 32 + (31 - Math.clz32(vec[w] & -vec[w]));
    if (piv >= 0) {
      basis.push(vec);
      pivots.push(piv);
    }
    ranks[j + 1] = basis.length;
  }
  return ranks;
}
