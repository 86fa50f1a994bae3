/** Binary entropy and small statistics helpers. */

/** Binary entropy h(x) = −x log2 x − (1−x) log2(1−x); h(0) = h(1) = 0. (Shannon 1948) */
export function binaryEntropy(x: number): number {
  if (!(x > 0) || !(x < 1)) return 0;
  return -x * Math.log2(x) - (1 - x) * Math.log2(1 - x);
}

/** Inverse of the binary entropy on [0, 1/2] by bisection. */
export function inverseBinaryEntropy(y: number): number {
  if (y <= 0) return 0;
  if (y >= 1) return 0.5;
  let lo = 0;
  let hi = 0.5;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (binaryEntropy(mid) < y) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
}

export function stddev(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return xs.length > 1 ? Math.sqrt(s / (xs.length - 1)) : NaN;
}
