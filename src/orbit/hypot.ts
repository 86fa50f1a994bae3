/**
 * √(x² + y² + z²) with exactly the arithmetic of V8's Math.hypot (src/builtins/math.tq,
 * MathHypot: the absolute values normalised by the largest, squared and added with Kahan
 * compensation, the square root scaled back), without its cost: Math.hypot is a variadic
 * builtin that allocates an array per call and is not inlined, ≈ 50 ns per call in the pass
 * search's hot loops against a few ns here. Same IEEE-754 operations in the same order, so the
 * same double to the last bit (test/orbit/hypot.test.ts compares the two on random and special
 * inputs): positions, ranges and elevations, hence every pass instant and plan.json, unchanged.
 */
export function hypot3(x: number, y: number, z: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const az = Math.abs(z);
  if (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(z)) {
    return ax === Infinity || ay === Infinity || az === Infinity ? Infinity : NaN;
  }
  let max = 0;
  if (ax > max) max = ax;
  if (ay > max) max = ay;
  if (az > max) max = az;
  if (max === Infinity) return Infinity;
  if (max === 0) return 0;
  // Kahan summation of the normalised squares, in argument order
  let n = ax / max;
  let summand = n * n;
  let sum = summand;
  let compensation = sum - summand; // (preliminary − 0) − summand
  n = ay / max;
  summand = n * n - compensation;
  let preliminary = sum + summand;
  compensation = preliminary - sum - summand;
  sum = preliminary;
  n = az / max;
  summand = n * n - compensation;
  preliminary = sum + summand;
  sum = preliminary;
  return Math.sqrt(sum) * max;
}
