import { describe, expect, it } from 'vitest';
import { ALPHAS, QcLdpcDecoder, buildQcLdpcCode, cachedQcLdpcCode, capDegree2, qcDecoderAvailable } from '../../../src/postprocess/reconcile/ldpc-qc.js';
import { profileFor, syndromeOf, unsatisfiedChecks } from '../../../src/postprocess/reconcile/ldpc-code.js';
import { LdpcReconciler, frameBits, noisyPair, runPair } from '../../../src/postprocess/reconcile/index.js';
import { Xoshiro128 } from '../../../src/postprocess/reconcile/prng.js';

const N = 4096;
const M = 1024;

function errors(n: number, q: number, seed: number): Uint8Array {
  const rng = new Xoshiro128(seed, 5);
  const e = new Uint8Array(n);
  for (let v = 0; v < n; v++) e[v] = rng.nextU32() < q * 2 ** 32 ? 1 : 0;
  return e;
}

describe('quasi-cyclic LDPC codes (Z = 16 lifts)', () => {
  const prof = capDegree2(profileFor('auto', N, M), N, M);
  const code = buildQcLdpcCode(N, M, 77, prof);
  it('the expanded matrix is the lift of the base graph: check 16i+r meets 16j + ((r+s) mod 16)', () => {
    const { qc } = code;
    for (const i of [0, 5, qc.m0 - 1]) {
      for (let r = 0; r < 16; r++) {
        const c = 16 * i + r;
        const row = Array.from(code.cols.subarray(code.rowStart[c], code.rowStart[c + 1])).sort((a, b) => a - b);
        const want: number[] = [];
        for (let e = qc.rowStart[i]; e < qc.rowStart[i + 1]; e++) want.push((qc.edges[e] >> 4) * 16 + ((r + (qc.edges[e] & 15)) & 15));
        expect(row).toEqual(want.sort((a, b) => a - b));
      }
    }
    // every variable of a column block has the same degree (a permutation per circulant)
    const deg = new Int32Array(N);
    for (let e = 0; e < code.edges; e++) deg[code.cols[e]]++;
    for (let j = 0; j < qc.n0; j++) for (let k = 1; k < 16; k++) expect(deg[16 * j + k]).toBe(deg[16 * j]);
  });
  it('syndromes and unsatisfied-check counts by lifted 16-bit words equal the expanded matrix (CSR) ones', () => {
    const plain = { n: code.n, m: code.m, rowStart: code.rowStart, cols: code.cols, edges: code.edges };
    for (const seed of [1, 2, 3]) {
      const x = errors(N, 0.3, seed);
      const want = syndromeOf(plain, x);
      expect(Array.from(syndromeOf(code, x)), `seed ${seed}`).toEqual(Array.from(want));
      const other = syndromeOf(plain, errors(N, 0.3, seed + 10));
      let diff = 0;
      for (let c = 0; c < M; c++) diff += want[c] ^ other[c];
      expect(diff).toBeGreaterThan(0);
      expect(unsatisfiedChecks(code, x, other), `seed ${seed}`).toBe(diff);
      expect(unsatisfiedChecks(plain, x, other)).toBe(diff);
    }
  });
  it('capped profile: the degree-2 variables form a forest (union-find over their two checks)', () => {
    const parent = Int32Array.from({ length: M }, (_, i) => i);
    const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
    const checks: number[][] = Array.from({ length: N }, () => []);
    for (let c = 0; c < M; c++) for (let e = code.rowStart[c]; e < code.rowStart[c + 1]; e++) checks[code.cols[e]].push(c);
    let deg2 = 0;
    for (const cs of checks) {
      if (cs.length !== 2) continue;
      deg2++;
      const [a, b] = [find(cs[0]), find(cs[1])];
      expect(a).not.toBe(b);
      parent[a] = b;
    }
    expect(deg2).toBeGreaterThan(M / 2);
    expect(deg2).toBeLessThan(M);
  });
});

describe.runIf(qcDecoderAvailable())('8-bit QC min-sum kernel', () => {
  const code = cachedQcLdpcCode(N, M, 0x1dc0de);
  const q = 0.03;
  const lc = Math.log((1 - q) / q);
  it('matches an independent scalar layered min-sum (same quantisation and saturation), bit for bit', () => {
    const seed = 4242;
    const e = errors(N, q, seed);
    const syn = syndromeOf(code, e);
    const llr = new Float32Array(N).fill(lc);
    for (let v = 0; v < 64; v++) llr[v] = 0; // some punctured
    for (let v = 64; v < 96; v++) llr[v] = 40; // some known (pinned)
    for (const [scms, alpha] of [
      [false, 0],
      [false, 2],
      [false, 4],
      [true, 0],
      [true, 3],
      [true, 6],
    ] as const) {
      const got = new QcLdpcDecoder(code, { scms }).sweep(llr, lc, syn, 3, alpha);
      // reference: rows in order 16i + r (the 16 rows of a layer share no variable), float-free
      const L = new Int32Array(N);
      const pinned = new Uint8Array(N);
      for (let v = 0; v < N; v++) {
        if (llr[v] >= 30) {
          L[v] = 127;
          pinned[v] = 1;
        } else L[v] = Math.max(-127, Math.min(127, Math.round((llr[v] * 24) / lc)));
      }
      const R = new Int32Array(code.edges);
      // self-corrected min-sum (Savin 2008): the message sent last on each edge, 0 when erased
      const Q = new Int32Array(code.edges);
      const sat = (x: number): number => Math.max(-127, Math.min(127, x));
      const [, k1, k2] = ALPHAS[alpha];
      const corr = (x: number): number => Math.min(40, x - (x >> k1) - (x >> k2));
      for (let it = 0; it < 3; it++) {
        for (let c = 0; c < M; c++) {
          let min1 = 127;
          let min2 = 127;
          let sg = syn[c];
          const t: number[] = [];
          for (let k = code.rowStart[c]; k < code.rowStart[c + 1]; k++) {
            const x = Math.max(-127, Math.max(-128, Math.min(127, L[code.cols[k]] - R[k])));
            t.push(x);
            const xs = scms && Q[k] !== 0 && x < 0 !== Q[k] < 0 ? 0 : x;
            if (scms) Q[k] = xs;
            if (xs < 0) sg ^= 1;
            const a = Math.abs(xs);
            if (a < min1) [min2, min1] = [min1, a];
            else if (a < min2) min2 = a;
          }
          const m1 = corr(min1);
          const m2 = corr(min2);
          for (let k = code.rowStart[c], j = 0; k < code.rowStart[c + 1]; k++, j++) {
            const x = t[j];
            const xs = scms ? Q[k] : x;
            let mag = Math.abs(xs) === min1 ? m2 : m1;
            if (sg ^ (xs < 0 ? 1 : 0)) mag = -mag;
            R[k] = mag;
            const v = code.cols[k];
            if (!pinned[v]) L[v] = sat(x + mag);
          }
        }
      }
      let diff = 0;
      for (let v = 0; v < N; v++) if (got[v] !== L[v]) diff++;
      expect(diff, `scms ${scms} alpha ${ALPHAS[alpha][0]}, seed ${seed}`).toBe(0);
    }
  });
  it('decodes to the true error pattern (H·out = s and out = e) at rate 0.75, QBER 3 %', () => {
    const dec = new QcLdpcDecoder(code);
    const llr = new Float32Array(N).fill(lc);
    const out = new Uint8Array(N);
    for (const seed of [1, 2, 3, 4]) {
      const e = errors(N, q, seed);
      const r = dec.decode(llr, lc, syndromeOf(code, e), out, 60);
      expect(r.ok, `seed ${seed}`).toBe(true);
      expect(Array.from(syndromeOf(code, out))).toEqual(Array.from(syndromeOf(code, e)));
      expect(out.every((b, v) => b === e[v]), `seed ${seed}`).toBe(true);
    }
  });
});

describe.each([
  ['min-sum', 'qc-minsum', 'ldpc/blind-qc'],
  ['sum-product', 'qc-sp', 'ldpc/blind-qcsp'],
  ['16-bit sum-product', 'qc-sp16', 'ldpc/blind-qcsp16'],
] as const)('LDPC reconciliation with the QC %s decoder', (_rule, decoder, name) => {
  it('Alice and Bob hold the same key, frame by frame, at QBER 1–5 %', async () => {
    const rec = new LdpcReconciler({ decoder });
    expect(rec.name).toBe(name);
    for (const [q, seed] of [
      [0.01, 11],
      [0.02, 12],
      [0.05, 13],
    ] as const) {
      const { alice, bob } = noisyPair(30_000, q, seed);
      const o = await runPair(rec, alice, bob, { qberEstimate: q, seed });
      expect(o.bob.ok, `q ${q} seed ${seed}`).toBe(true);
      expect(o.match, `q ${q} seed ${seed}`).toBe(true);
      for (const f of o.bob.frames ?? []) expect(frameBits(alice, f).equals(frameBits(o.bob.key, f))).toBe(true);
      expect(o.alice.leakedBits).toBe(o.bob.leakedBits);
      // f below the trivial bound: less disclosed than the key itself
      expect(o.bob.forwardBits).toBeLessThan(30_000);
    }
  });
});
