/**
 * LDPC parity-check matrices built by our own code: an irregular variable-degree profile (degrees
 * 2, 3 and 12, check degrees concentrated), edges placed by progressive edge growth (Hu,
 * Eleftheriou & Arnold 2005). Deterministic from (n, m, seed): both parties build the same matrix;
 * codes are cached per (n, m). Nothing is copied from other projects.
 */
import { Xoshiro128 } from './prng.js';
import { elkouss2009Profile, highRateProfile } from './ldpc-profiles.js';

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
 * Node-perspective variable-degree profile for n variables and m checks: degree-2 nodes 0.5·m/n,
 * so PEG (lowest check degree first, degree-2 nodes placed first) gives every check at most one
 * degree-2 neighbour: no degree-2 chains (0.7·m/n showed an error floor from long chains, stuck
 * with 2 unsatisfied checks), 26 % degree-12 nodes, the rest degree 3. Tuned with layered sum-product at
 * rates 0.65–0.95 and n ≈ 10⁴ (FER at f = 1.15 single shot, QBER 1–5 %).
 */
export function variableDegreeProfile(n: number, m: number): [number, number][] {
  const f2 = Math.min(0.2, 0.5 * (m / n));
  const fHigh = 0.26;
  return [
    [2, f2],
    [3, 1 - f2 - fHigh],
    [12, fHigh],
  ];
}

/** PEG BFS work bound per edge (edges visited); beyond it the unreached checks are taken. */
export const PEG_WORK_BUDGET = 2000;

/**
 * Progressive edge growth (Hu, Eleftheriou & Arnold 2005): variables in increasing degree order;
 * each new edge of v goes to a check at maximum distance from v in the current Tanner graph
 * (a check not reachable at all if there is one, else one first reached at the deepest BFS level),
 * ties broken by lowest current check degree, then at random (seeded). The first edge goes to a
 * lowest-degree check. The BFS stops as soon as every check is reached, or when the next level
 * would exceed `budget` visited edges (then the unreached checks, all deeper than any reached one,
 * are the candidates): construction takes ≈ 1–3 s for N = 16384 instead of minutes.
 */
export function buildLdpcCode(n: number, m: number, seed = 0x1dc0de, profile?: [number, number][], budget = PEG_WORK_BUDGET): LdpcCode {
  if (!(m > 0 && m < n)) throw new RangeError(`LDPC: need 0 < m < n (n=${n}, m=${m})`);
  const rng = new Xoshiro128(seed, (n * 7919 + m) >>> 0);
  const prof = profile ?? variableDegreeProfile(n, m);
  const vdeg = new Int32Array(n);
  {
    let v = 0;
    for (let i = 0; i < prof.length; i++) {
      const [d, f] = prof[i];
      const cnt = i === prof.length - 1 ? n - v : Math.round(f * n);
      for (let j = 0; j < cnt && v < n; j++) vdeg[v++] = Math.min(d, m);
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
  // Adjacency in flat arrays: variable v's checks at vAdj[vOff[v] .. vOff[v]+vCnt[v]); check c's
  // variables at cAdj[c*cCap .. c*cCap+cDeg[c]) (cCap grows if needed).
  const vOff = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) vOff[v + 1] = vOff[v] + vdeg[v];
  const vAdj = new Int32Array(E);
  const vCnt = new Int32Array(n);
  let cCap = Math.ceil(E / m) + 8;
  let cAdj = new Int32Array(m * cCap);
  const cDeg = new Int32Array(m);
  const cSeen = new Int32Array(m).fill(-1);
  const vSeen = new Int32Array(n).fill(-1);
  let frontier = new Int32Array(n);
  let next = new Int32Array(n);
  const levelChecks = new Int32Array(m);
  let stamp = 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => vdeg[a] - vdeg[b] || a - b);
  // Checks sorted by current degree (byDeg), block of degree d at byDeg[degStart[d] .. degStart[d+1]):
  // a check's degree only grows by one, so it moves to the next block by one swap; the
  // lowest-degree unreached check is then found without scanning all m checks per edge.
  const byDeg = new Int32Array(m);
  const posOf = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    byDeg[c] = c;
    posOf[c] = c;
  }
  let degStart = new Int32Array(Math.ceil(E / m) * 4 + 64).fill(m);
  degStart[0] = 0;
  const bumpDegree = (c: number): void => {
    const d = cDeg[c];
    if (d + 2 >= degStart.length) {
      const g = new Int32Array(degStart.length * 2).fill(m);
      g.set(degStart);
      degStart = g;
    }
    // last check of block d swaps with c; block d+1 then starts one earlier
    const last = degStart[d + 1] - 1;
    const o = byDeg[last];
    const pc = posOf[c];
    byDeg[pc] = o;
    posOf[o] = pc;
    byDeg[last] = c;
    posOf[c] = last;
    degStart[d + 1] = last;
  };
  const addEdge = (v: number, c: number): void => {
    if (cDeg[c] === cCap) {
      const nc = cCap * 2;
      const na = new Int32Array(m * nc);
      for (let k = 0; k < m; k++) na.set(cAdj.subarray(k * cCap, k * cCap + cDeg[k]), k * nc);
      cAdj = na;
      cCap = nc;
    }
    bumpDegree(c);
    cAdj[c * cCap + cDeg[c]++] = v;
    vAdj[vOff[v] + vCnt[v]++] = c;
  };
  // Pick among `cands` (length len) a check of lowest degree; ties go to the first one after a
  // random starting offset (one random draw per edge).
  const pickLowest = (cands: Int32Array, len: number): number => {
    if (len === 0) return -1;
    const off = rng.below(len);
    let best = -1;
    let bestDeg = Infinity;
    for (let i = off; i < len; i++) {
      const d = cDeg[cands[i]];
      if (d < bestDeg) {
        bestDeg = d;
        best = cands[i];
      }
    }
    for (let i = 0; i < off; i++) {
      const d = cDeg[cands[i]];
      if (d < bestDeg) {
        bestDeg = d;
        best = cands[i];
      }
    }
    return best;
  };
  const all = new Int32Array(m);
  // Lowest-degree check not stamped `st`, ties at random: in the lowest degree block with an
  // unstamped check, a few random probes, else a scan from a random offset.
  const lowestUnseen = (st: number): number => {
    for (let d = 0; d + 1 < degStart.length; d++) {
      const lo = degStart[d];
      const len = degStart[d + 1] - lo;
      if (len <= 0) continue;
      for (let t = 0; t < 8; t++) {
        const cc = byDeg[lo + rng.below(len)];
        if (cSeen[cc] !== st) return cc;
      }
      const off = rng.below(len);
      for (let i = 0; i < len; i++) {
        let k = off + i;
        if (k >= len) k -= len;
        const cc = byDeg[lo + k];
        if (cSeen[cc] !== st) return cc;
      }
    }
    return -1;
  };
  for (const v of order) {
    for (let k = 0; k < vdeg[v]; k++) {
      let c: number;
      if (k === 0) {
        c = lowestUnseen(-2);
      } else {
        stamp++;
        vSeen[v] = stamp;
        let reached = 0;
        let fl = 0;
        frontier[fl++] = v;
        let lastLen = 0;
        let covered = false;
        let work = 0;
        while (fl > 0) {
          // Expand one level: checks adjacent to the frontier variables.
          let ll = 0;
          let nl = 0;
          for (let i = 0; i < fl && !covered; i++) {
            const u = frontier[i];
            for (let j = vOff[u], je = vOff[u] + vCnt[u]; j < je; j++) {
              const cc = vAdj[j];
              if (cSeen[cc] === stamp) continue;
              cSeen[cc] = stamp;
              levelChecks[ll++] = cc;
              if (++reached === m) {
                covered = true;
                break;
              }
            }
          }
          if (covered) {
            lastLen = ll;
            break;
          }
          if (ll === 0) break;
          // Work bound: if expanding this level would touch too many edges, stop here; the
          // unreached checks are all deeper than any reached one (approximate PEG).
          let cost = 0;
          for (let i = 0; i < ll; i++) cost += cDeg[levelChecks[i]];
          work += cost;
          if (work > budget) break;
          for (let i = 0; i < ll; i++) {
            const cc = levelChecks[i];
            for (let j = cc * cCap, je = cc * cCap + cDeg[cc]; j < je; j++) {
              const u = cAdj[j];
              if (vSeen[u] === stamp) continue;
              vSeen[u] = stamp;
              next[nl++] = u;
            }
          }
          const t = frontier;
          frontier = next;
          next = t;
          fl = nl;
        }
        if (covered) {
          // Every check reachable: candidates are those first reached at the deepest level,
          // except checks already adjacent to v (they are at depth 1, never the deepest unless
          // the whole graph is v's star).
          let len = 0;
          for (let i = 0; i < lastLen; i++) {
            const cc = levelChecks[i];
            let adj = false;
            for (let j = vOff[v]; j < vOff[v] + vCnt[v]; j++) if (vAdj[j] === cc) adj = true;
            if (!adj) all[len++] = cc;
          }
          if (len === 0) {
            for (let i = 0; i < m; i++) {
              let adj = false;
              for (let j = vOff[v]; j < vOff[v] + vCnt[v]; j++) if (vAdj[j] === i) adj = true;
              if (!adj) all[len++] = i;
            }
          }
          c = pickLowest(all, len);
        } else c = lowestUnseen(stamp);
      }
      if (c < 0) break;
      addEdge(v, c);
    }
  }
  const rowStart = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) rowStart[c + 1] = rowStart[c] + cDeg[c];
  const cols = new Int32Array(rowStart[m]);
  for (let c = 0; c < m; c++) cols.set(cAdj.subarray(c * cCap, c * cCap + cDeg[c]).sort(), rowStart[c]);
  return { n, m, rowStart, cols, edges: rowStart[m] };
}

const codeCache = new Map<string, LdpcCode>();

/**
 * Variable-degree profile family of a code: 'peg-2-3-12' (variableDegreeProfile above), or
 * 'elkouss2009' (Table I of Elkouss et al. 2009, the row nearest the code's rate; ldpc-profiles.ts),
 * or 'elkouss2009-high' (the same up to rate 0.85, the rate-0.85 row's λ above it), or
 * 'qc-sp-high' ('elkouss2009-high' up to rate 0.87, ldpc-profiles.ts HIGH_RATE_TABLE above).
 */
export type ProfileFamily = 'peg-2-3-12' | 'elkouss2009' | 'elkouss2009-high' | 'qc-sp-high' | 'auto';

/**
 * The profile of a family for an n × m code. 'auto': Elkouss et al. 2009 up to rate 0.875, the
 * 2-3-12 profile above it (at rate 0.9 population density evolution puts 2-3-12 at f* ≈ 1.07 and
 * Table I's row at ≈ 1.10, its published threshold 0.0109 at f* = 1.15; one-shot at N = 98,304,
 * QBER 1 %, f = 1.14: 2/8 vs 1/8 frames decoded).
 */
export function profileFor(family: ProfileFamily, n: number, m: number): [number, number][] {
  // 'elkouss2009-high': PEG raises the check degree to the code's rate; population density
  // evolution (ldpc-density-evolution.ts, 6000 samples, after the QC codes' capDegree2) at rate 0.9:
  // f* 1.054, against 1.100 for 2-3-12 and 1.134 for Table I's rate-0.9 row. Small populations
  // converge too easily near threshold: at rate 0.91, 6000 / 20,000 / 50,000 samples put this
  // profile at f* 1.060 / 1.108 / 1.126 (20,000: Table I's rate-0.9 row 1.117, 2-3-12 1.157)
  if (family === 'qc-sp-high') return highRateProfile(1 - m / n).map(([d, f]) => [d, f]);
  if (family === 'elkouss2009-high') return elkouss2009Profile(Math.min(0.85, 1 - m / n)).profile.map(([d, f]) => [d, f]);
  const elk = family === 'elkouss2009' || (family === 'auto' && 1 - m / n <= 0.875);
  return elk ? elkouss2009Profile(1 - m / n).profile.map(([d, f]) => [d, f]) : variableDegreeProfile(n, m);
}

/** Memoised code construction (codes are public; both parties may share the cache). */
export function cachedLdpcCode(n: number, m: number, seed = 0x1dc0de, family: ProfileFamily = 'peg-2-3-12'): LdpcCode {
  const k = `${n}:${m}:${seed}:${family}`;
  let c = codeCache.get(k);
  if (!c) {
    c = buildLdpcCode(n, m, seed, profileFor(family, n, m));
    if (codeCache.size >= 32) {
      const first = codeCache.keys().next().value;
      if (first !== undefined) codeCache.delete(first);
    }
    codeCache.set(k, c);
  }
  return c;
}

/** Base structure of a Z = 16 quasi-cyclic lift (ldpc-qc.ts QcStructure): base-row starts, 16·j | s per base edge. */
interface Lift16 {
  m0: number;
  n0: number;
  rowStart: Int32Array;
  edges: Int32Array;
}

/**
 * H·x row words of a Z = 16 lift: x packed 16 bits per column block, and check 16·i + r meets
 * variable 16·j + ((r + s) mod 16), so row block i is the XOR of its blocks rotated right by s
 * (16 checks per operation; n + E/16 steps instead of E).
 */
function liftSyndromeWords(qc: Lift16, x: Uint8Array): Uint16Array {
  const w = new Uint16Array(qc.n0);
  for (let j = 0, v = 0; j < qc.n0; j++, v += 16) {
    let b = 0;
    for (let k = 15; k >= 0; k--) b = (b << 1) | x[v + k];
    w[j] = b;
  }
  const rows = new Uint16Array(qc.m0);
  for (let i = 0; i < qc.m0; i++) {
    let acc = 0;
    for (let e = qc.rowStart[i]; e < qc.rowStart[i + 1]; e++) {
      const r = qc.edges[e];
      const b = w[r >> 4];
      const s = r & 15;
      acc ^= (b >>> s) | (b << (16 - s));
    }
    rows[i] = acc & 0xffff;
  }
  return rows;
}

/** Syndrome H·x of a word given as 0/1 bytes. */
export function syndromeOf(code: LdpcCode, x: Uint8Array, out = new Uint8Array(code.m)): Uint8Array {
  const qc = (code as { qc?: Lift16 }).qc;
  if (qc) {
    const rows = liftSyndromeWords(qc, x);
    for (let i = 0, c = 0; i < qc.m0; i++) for (let r = 0; r < 16; r++, c++) out[c] = (rows[i] >>> r) & 1;
    return out;
  }
  const { rowStart, cols } = code;
  for (let c = 0; c < code.m; c++) {
    let s = 0;
    for (let e = rowStart[c]; e < rowStart[c + 1]; e++) s ^= x[cols[e]];
    out[c] = s;
  }
  return out;
}

/** Number of checks c with (H·x)_c ≠ syndrome_c. */
export function unsatisfiedChecks(code: LdpcCode, x: Uint8Array, syndrome: Uint8Array): number {
  const qc = (code as { qc?: Lift16 }).qc;
  if (qc) {
    const rows = liftSyndromeWords(qc, x);
    let u = 0;
    for (let i = 0, c = 0; i < qc.m0; i++) for (let r = 0; r < 16; r++, c++) u += ((rows[i] >>> r) & 1) ^ syndrome[c];
    return u;
  }
  const { rowStart, cols } = code;
  let u = 0;
  for (let c = 0; c < code.m; c++) {
    let s = syndrome[c];
    for (let e = rowStart[c]; e < rowStart[c + 1]; e++) s ^= x[cols[e]];
    u += s;
  }
  return u;
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
