/**
 * A small dense linear-programming solver for the relay's max-min allocation (relay.ts):
 * maximise c·x subject to A x ≤ b, x ≥ 0, by the two-phase simplex method with Bland's rule
 * (smallest-index entering and leaving variables, which cannot cycle; Bland, "New finite pivoting
 * rules for the simplex method", Math. Oper. Res. 2(2):103 (1977)); rows with b < 0 get an
 * artificial variable in phase 1 (Chvátal, Linear Programming, ch. 8). Dense tableau: meant for
 * hundreds of variables, not the planner's millions of passes.
 */

export interface LpResult {
  status: 'optimal' | 'infeasible' | 'unbounded';
  x: Float64Array;
  value: number;
}

const EPS = 1e-10;

/** max c·x, A x ≤ b, x ≥ 0 (A: m rows of n). */
export function solveLp(c: readonly number[], A: readonly (readonly number[])[], b: readonly number[]): LpResult {
  const m = A.length;
  const n = c.length;
  const neg = b.map((v) => v < 0);
  const nArt = neg.filter(Boolean).length;
  // columns: x (n), slacks (m), artificials (nArt), rhs
  const cols = n + m + nArt + 1;
  const rhs = cols - 1;
  const T: Float64Array[] = [];
  const basis = new Int32Array(m);
  let art = 0;
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(cols);
    const s = neg[i] ? -1 : 1;
    for (let j = 0; j < n; j++) row[j] = s * (A[i][j] ?? 0);
    row[n + i] = s;
    row[rhs] = s * b[i];
    if (neg[i]) {
      row[n + m + art] = 1;
      basis[i] = n + m + art++;
    } else basis[i] = n + i;
    T.push(row);
  }
  const pivot = (r: number, k: number): void => {
    const pr = T[r];
    const inv = 1 / pr[k];
    for (let j = 0; j < cols; j++) pr[j] *= inv;
    pr[k] = 1;
    for (let i = 0; i < m; i++) {
      if (i === r) continue;
      const f = T[i][k];
      if (f === 0) continue;
      const row = T[i];
      for (let j = 0; j < cols; j++) row[j] -= f * pr[j];
      row[k] = 0;
    }
    basis[r] = k;
  };
  /** Maximise obj·x over the columns < limit; false when unbounded. */
  const run = (obj: Float64Array, limit: number): boolean => {
    for (;;) {
      // reduced costs d_j = obj_j − Σ_i obj_{basis i} T[i][j]
      let k = -1;
      for (let j = 0; j < limit; j++) {
        let d = obj[j];
        for (let i = 0; i < m; i++) d -= obj[basis[i]] * T[i][j];
        if (d > EPS) {
          k = j;
          break;
        }
      }
      if (k < 0) return true;
      let r = -1;
      let best = Infinity;
      for (let i = 0; i < m; i++) {
        const a = T[i][k];
        if (a > EPS) {
          const ratio = T[i][rhs] / a;
          if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i] < basis[r])) {
            best = ratio;
            r = i;
          }
        }
      }
      if (r < 0) return false;
      pivot(r, k);
    }
  };
  const x = new Float64Array(n);
  if (nArt > 0) {
    const obj1 = new Float64Array(cols);
    for (let j = n + m; j < n + m + nArt; j++) obj1[j] = -1;
    run(obj1, n + m + nArt);
    let infeas = 0;
    for (let i = 0; i < m; i++) if (basis[i] >= n + m) infeas += T[i][rhs];
    if (infeas > 1e-7 * Math.max(1, ...b.map(Math.abs))) return { status: 'infeasible', x, value: NaN };
    // drive remaining (zero-level) artificials out of the basis
    for (let i = 0; i < m; i++) {
      if (basis[i] < n + m) continue;
      let k = -1;
      for (let j = 0; j < n + m; j++) if (Math.abs(T[i][j]) > EPS) k = j;
      if (k >= 0) pivot(i, k);
    }
  }
  const obj2 = new Float64Array(cols);
  for (let j = 0; j < n; j++) obj2[j] = c[j];
  if (!run(obj2, n + m)) return { status: 'unbounded', x, value: Infinity };
  for (let i = 0; i < m; i++) if (basis[i] < n) x[basis[i]] = T[i][rhs];
  let value = 0;
  for (let j = 0; j < n; j++) value += c[j] * x[j];
  return { status: 'optimal', x, value };
}
