/**
 * Stable LSD radix sorts of index arrays (Knuth, TAOCP vol. 3, §5.2.5): the order of a
 * comparison sort (Array.prototype.sort is stable) by a double or a small integer key, in a few
 * linear passes instead of n·log n calls of a JavaScript comparator: the planner orders millions
 * of passes by key and by time. Chained from the least significant key to the most, they give
 * the lexicographic order with full ties in the input order, as a stable comparison sort does.
 */

/** 8-bit digits (a 256-entry count table stays in cache; the keys move with their indices, read in sequence). */
const RADIX_BITS = 8;
const RADIX = 1 << RADIX_BITS;
/** Digits of a 64-bit key. */
const PASSES = 64 / RADIX_BITS;

/**
 * `order` (indices into `keys`) reordered stably by keys[order[x]] (descending: largest first),
 * −0 and +0 equal (as `a − b` compares them). Null when a key is NaN (a comparator's order is
 * then not a total order: the caller keeps its comparison sort). A new array; `order` is kept.
 */
export function stableOrderByDouble(order: Int32Array, keys: ArrayLike<number>, descending = false): Int32Array | null {
  const n = order.length;
  // the keys as unsigned 64-bit integers in the same order: flip the sign bit of positives, every bit of negatives
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let idx = Int32Array.from(order);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const hiWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1 is the high half
  for (let x = 0; x < n; x++) {
    const v = keys[order[x]];
    if (Number.isNaN(v)) return null;
    f[0] = v === 0 ? 0 : v; // −0 → +0
    let h = u[hiWord];
    let l = u[1 - hiWord];
    if (h >>> 31) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    if (descending) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    hi[x] = h;
    lo[x] = l;
  }
  // every digit's counts in one read of the keys (Knuth's "one histogram pass")
  const counts = new Int32Array(RADIX * PASSES);
  for (let x = 0; x < n; x++) {
    const h = hi[x];
    const l = lo[x];
    counts[l & (RADIX - 1)]++;
    counts[RADIX + ((l >>> 8) & (RADIX - 1))]++;
    counts[2 * RADIX + ((l >>> 16) & (RADIX - 1))]++;
    counts[3 * RADIX + (l >>> 24)]++;
    counts[4 * RADIX + (h & (RADIX - 1))]++;
    counts[5 * RADIX + ((h >>> 8) & (RADIX - 1))]++;
    counts[6 * RADIX + ((h >>> 16) & (RADIX - 1))]++;
    counts[7 * RADIX + (h >>> 24)]++;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = new Int32Array(n);
  for (let pass = 0; pass < PASSES; pass++) {
    const lowWord = pass < 32 / RADIX_BITS;
    const word = lowWord ? lo : hi;
    const shift = (pass % (32 / RADIX_BITS)) * RADIX_BITS;
    const count = counts.subarray(pass * RADIX, (pass + 1) * RADIX);
    // a digit the same for every key needs no pass
    if (n === 0 || count[(word[0] >>> shift) & (RADIX - 1)] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    if (lowWord) {
      for (let x = 0; x < n; x++) {
        const to = count[(word[x] >>> shift) & (RADIX - 1)]++;
        hi2[to] = hi[x];
        lo2[to] = lo[x];
        idx2[to] = idx[x];
      }
      const t32 = lo;
      lo = lo2;
      lo2 = t32;
    } else {
      // the low word's digits are done: it need not move any more
      for (let x = 0; x < n; x++) {
        const to = count[(word[x] >>> shift) & (RADIX - 1)]++;
        hi2[to] = hi[x];
        idx2[to] = idx[x];
      }
    }
    const t32 = hi;
    hi = hi2;
    hi2 = t32;
    const ti = idx;
    idx = idx2;
    idx2 = ti;
  }
  return idx;
}

/** `order` reordered stably by keys[order[x]], integers in [0, range) (counting sort). A new array. */
export function stableOrderBySmallInt(order: Int32Array, keys: ArrayLike<number>, range: number): Int32Array {
  const n = order.length;
  const count = new Int32Array(range + 1);
  for (let x = 0; x < n; x++) count[keys[order[x]] + 1]++;
  for (let d = 0; d < range; d++) count[d + 1] += count[d];
  const out = new Int32Array(n);
  for (let x = 0; x < n; x++) {
    const i = order[x];
    out[count[keys[i]]++] = i;
  }
  return out;
}
