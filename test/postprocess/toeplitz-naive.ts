/** The textbook Toeplitz product both PA test files check against. */
import { BitArray } from '../../src/core/bits.js';

/** y_i = ⊕_j T[i][j]·x_j with T[i][j] = s[i − j + n − 1] (algorithms.md §4.1), bit by bit. */
export function naiveToeplitz(x: BitArray, s: BitArray, m: number): BitArray {
  const n = x.length;
  const y = new BitArray(m);
  for (let i = 0; i < m; i++) {
    let p = 0;
    for (let j = 0; j < n; j++) p ^= s.get(i - j + n - 1) & x.get(j);
    y.set(i, p);
  }
  return y;
}
