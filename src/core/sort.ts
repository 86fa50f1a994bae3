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
