/**
 * Segment lookup on a strictly increasing sample grid, for the time-series interpolators (link
 * channel, predicted range, clock correction): successive lookups are nearly monotone, so the
 * search starts from the segment found last (O(1) amortised) and falls back to bisection.
 */
export class SegmentCursor {
  private seg = 0;

  /** `t` strictly increasing, at least two samples. */
  constructor(private readonly t: ArrayLike<number>) {}

  /** s in [0, n − 2] with t[s] ≤ x ≤ t[s + 1]; the first or last segment for x outside the grid. */
  find(x: number): number {
    const t = this.t;
    const last = t.length - 2;
    let s = Math.min(this.seg, last);
    if (!(x >= t[s] && x <= t[s + 1])) {
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (t[mid] <= x) lo = mid;
        else hi = mid - 1;
      }
      s = lo;
      this.seg = s;
    }
    return s;
  }
}
