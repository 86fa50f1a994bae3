/**
 * The posterior layout shared by the QC sum-product kernels (ldpc-qc-sp.wat in f32,
 * ldpc-qc-sp16.wat in i16): each column block of 16 variables takes 48 elements, its 16
 * posteriors twice (positions x and x + 16) and 16 of spill, so that the variables a sub-row meets
 * on circulant shift s are one unaligned load at s + 4k, with no shuffle.
 */

/** Elements per column block: two copies of the 16 variables and 16 of spill. */
export const QC_SP_BLOCK = 48;

/** Position of variable v (its first copy) in the layout. */
export function qcSpSlot(v: number): number {
  return QC_SP_BLOCK * (v >> 4) + (v & 15);
}

/** Hard decisions from the layout's posteriors into out[0, n): 1 where the posterior is negative. */
export function qcSpHardDecisions(L: Float32Array | Int16Array, n: number, out: Uint8Array): void {
  for (let v = 0; v < n; v++) out[v] = L[qcSpSlot(v)] < 0 ? 1 : 0;
}

/** The layout's posteriors in natural variable order, divided by `scale` (a copy). */
export function qcSpPosteriors(L: Float32Array | Int16Array, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let v = 0; v < n; v++) out[v] = L[qcSpSlot(v)] / scale;
  return out;
}
