import { describe, expect, it } from 'vitest';
import { BitArray } from '../../../src/core/bits.js';
import {
  LdpcDecoder,
  LdpcReconciler,
  buildLdpcCode,
  frameBits,
  cachedLdpcCode,
  newDecoderState,
  noisyPair,
  planLdpc,
  runPair,
  syndromeOf,
} from '../../../src/postprocess/reconcile/index.js';
import type { LdpcCode } from '../../../src/postprocess/reconcile/index.js';
import { variableDegreeProfile } from '../../../src/postprocess/reconcile/ldpc-code.js';

function varChecks(code: LdpcCode): number[][] {
  const vc: number[][] = Array.from({ length: code.n }, () => []);
  for (let c = 0; c < code.m; c++) for (let e = code.rowStart[c]; e < code.rowStart[c + 1]; e++) vc[code.cols[e]].push(c);
  return vc;
}

/** Number of variable pairs sharing two or more checks (each such pair closes a 4-cycle). */
function fourCycles(code: LdpcCode): number {
  const vc = varChecks(code);
  const seen = new Int32Array(code.n).fill(-1);
  let bad = 0;
  for (let v = 0; v < code.n; v++) {
    for (const c of vc[v]) {
      for (let e = code.rowStart[c]; e < code.rowStart[c + 1]; e++) {
        const u = code.cols[e];
        if (u <= v) continue;
        if (seen[u] === v) bad++;
        seen[u] = v;
      }
    }
  }
  return bad;
}

describe('PEG construction', () => {
  // At rate 0.9 (n=10240, m=1000) a degree-12 variable's 2-hop neighbourhood already covers every
  // check, so PEG cannot avoid a few 4-cycles there; it must keep them rare.
  for (const [n, m, maxCycles] of [
    [4096, 1200, 0],
    [8192, 1200, 0],
    [10240, 1000, 200],
  ] as const) {
    it(`n=${n}, m=${m}: ≤ ${maxCycles} 4-cycles, variable degrees as profiled, check degrees concentrated`, () => {
      const code = buildLdpcCode(n, m);
      expect(fourCycles(code)).toBeLessThanOrEqual(maxCycles);
      const deg = new Map<number, number>();
      for (const cs of varChecks(code)) deg.set(cs.length, (deg.get(cs.length) ?? 0) + 1);
      const prof = variableDegreeProfile(n, m);
      let left = n;
      prof.forEach(([d, f], i) => {
        const want = i === prof.length - 1 ? left : Math.round(f * n);
        left -= want;
        expect(deg.get(d) ?? 0).toBe(want);
      });
      let dmin = Infinity;
      let dmax = 0;
      for (let c = 0; c < m; c++) {
        const dc = code.rowStart[c + 1] - code.rowStart[c];
        dmin = Math.min(dmin, dc);
        dmax = Math.max(dmax, dc);
      }
      expect(dmax - dmin).toBeLessThanOrEqual(2);
      // Degree-2 variables form a matching on the checks (no degree-2 chains).
      const vc = varChecks(code);
      const deg2 = new Int32Array(m);
      for (const cs of vc) if (cs.length === 2) for (const c of cs) deg2[c]++;
      expect(deg2.filter((k) => k >= 2).length).toBeLessThanOrEqual(1);
      expect(code.edges).toBe(Array.from(deg).reduce((s, [d, k]) => s + d * k, 0));
    });
  }

  it('profile: degrees 2, 3 and 12; degree-2 nodes fewer than the checks', () => {
    for (const [n, m] of [
      [16384, 800],
      [16384, 2400],
      [16384, 6000],
    ]) {
      const prof = variableDegreeProfile(n, m);
      expect(prof.map(([d]) => d)).toEqual([2, 3, 12]);
      expect(prof.reduce((s, [, f]) => s + f, 0)).toBeCloseTo(1, 12);
      expect(prof[0][1] * n).toBeLessThan(m);
    }
  });

  it('is deterministic and cached per (n, m)', () => {
    expect(Array.from(buildLdpcCode(1024, 256).cols)).toEqual(Array.from(buildLdpcCode(1024, 256).cols));
    expect(cachedLdpcCode(1024, 256)).toBe(cachedLdpcCode(1024, 256));
  });

  it('untainted puncturing: no check has two punctured neighbours among the first punctured positions', () => {
    const params = { frameBits: 4096, delta: 0.03, fStart: 1.1, fStep: 0.03, maxRetries: 4, iterations: 40, retryIterations: 20, adaptableMinDegree: 3 };
    const plan = planLdpc(params, 0.03, 4000);
    expect(plan.p0).toBeGreaterThan(0);
    const vc = varChecks(plan.code);
    const hits = new Int32Array(plan.m);
    for (let j = 0; j < plan.p0; j++) for (const c of vc[plan.order[j]]) hits[c]++;
    expect(Math.max(...hits)).toBeLessThanOrEqual(1);
  });
});

describe('LDPC decoder (layered, early termination)', () => {
  const code = buildLdpcCode(4096, 800);
  for (const rule of ['sum-product', 'min-sum'] as const) {
    it(`${rule}: a word without errors decodes at once (≤ 1 iteration)`, () => {
      const x = BitArray.random(4096).toBits();
      const s = syndromeOf(code, x);
      const st = newDecoderState(code);
      for (let i = 0; i < 4096; i++) st.llr[i] = x[i] ? -4 : 4;
      const out = new Uint8Array(4096);
      const r = new LdpcDecoder(code, rule).decode(st, s, out, 50);
      expect(r.ok).toBe(true);
      expect(r.iterations).toBeLessThanOrEqual(1);
      expect(Array.from(out)).toEqual(Array.from(x));
    });
  }

  it('success means the syndrome is satisfied; failure is reported, never a wrong ok', () => {
    const dec = new LdpcDecoder(code);
    const lc = Math.log(0.98 / 0.02);
    let oks = 0;
    for (let t = 0; t < 6; t++) {
      const x = BitArray.random(4096).toBits();
      const s = syndromeOf(code, x);
      const y = x.slice();
      const errors = t < 4 ? 40 : 400; // 1 % (decodable) and 10 % (far beyond capacity)
      for (let k = 0; k < errors; k++) y[(k * 2654435761 + t * 977) % 4096] ^= 1;
      const st = newDecoderState(code);
      for (let i = 0; i < 4096; i++) st.llr[i] = y[i] ? -lc : lc;
      const out = new Uint8Array(4096);
      const r = dec.decode(st, s, out, 60);
      const sOut = syndromeOf(code, out);
      expect(Array.from(sOut).every((b, i) => b === s[i])).toBe(r.ok);
      if (r.ok) oks++;
      if (t >= 4) expect(r.ok).toBe(false);
    }
    expect(oks).toBeGreaterThanOrEqual(3);
  });
});

describe('LDPC blind reveals beyond the punctured symbols', () => {
  it('tiny δ: key bits are revealed (1 bit each), ledgers agree, frames match or are reported', async () => {
    const rec = new LdpcReconciler({ frameBits: 2048, delta: 0.004, fStart: 1.0, fStep: 0.1, maxRetries: 8 });
    const { alice, bob } = noisyPair(4000, 0.04, 21);
    const o = await runPair(rec, alice, bob, { qberEstimate: 0.04, seed: 21 });
    expect(o.alice.leakedBits).toBe(o.bob.leakedBits);
    expect(o.aliceLedger.leakedBits()).toBe(o.bobLedger.leakedBits());
    const plan = planLdpc({ frameBits: 2048, delta: 0.004, fStart: 1.0, fStep: 0.1, maxRetries: 8, iterations: 40, retryIterations: 20, adaptableMinDegree: 3 }, 0.04, 4000);
    const fb = o.bob.frames ?? [];
    // Beyond m − rank(∅) = m per frame, only revealed key bits can have been booked.
    expect(Math.max(...fb.map((f) => f.leakedBits))).toBeGreaterThan(plan.m);
    for (const f of fb) {
      if (f.ok) expect(frameBits(alice, f).equals(frameBits(o.bob.key, f))).toBe(true);
    }
    expect((o.alice.frames ?? []).map((f) => f.ok)).toEqual(fb.map((f) => f.ok));
    expect(fb.reduce((s, f) => s + f.leakedBits, 0)).toBe(o.bob.forwardBits);
  });
});
