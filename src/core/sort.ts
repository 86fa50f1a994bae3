/**
 * Stable insertion sort of an index array by key[index], in place: O(n + inversions), the right
 * tool for nearly sorted event streams (detector events in pulse order plus jitter, sync tags).
 */
export function insertionSortIndices(order: Uint32Array, key: ArrayLike<number>): Uint32Array {
  for (let i = 1; i < order.length; i++) {
    const e = order[i];
    const v = key[e];
    let j = i;
    while (j > 0 && key[order[j - 1]] > v) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = e;
  }
  return order;
}

/**
 * The k-th smallest of a[0..n) (0-based), in place (quickselect, median-of-three pivot; `a` is
 * left partitioned around it). The same value as `a.subarray(0, n).sort()[k]` for NaN-free
 * input (−0 and +0 compare equal), in O(n) expected instead of O(n log n): a median needs no full sort.
 */
export function selectKth(a: Float64Array, n: number, k: number): number {
  if (!(k >= 0 && k < n && n <= a.length)) throw new RangeError(`selectKth: k = ${k} not in [0, ${n})`);
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // median of three as pivot value
    const mid = (lo + hi) >> 1;
    let x = a[lo];
    let y = a[mid];
    const z = a[hi];
    if (x > y) {
      const s = x;
      x = y;
      y = s;
    }
    const pivot = z < x ? x : z > y ? y : z;
    // Hoare partition: a[lo..j] ≤ pivot ≤ a[i..hi]
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const s = a[i];
        a[i] = a[j];
        a[j] = s;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
