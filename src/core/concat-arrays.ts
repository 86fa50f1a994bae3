/** Concatenation of typed arrays (one allocation, parts copied in order). */

/** The parts one after another in a new array of `Ctor`'s type (e.g. `concatArrays(Uint32Array, parts)`). */
export function concatArrays<T extends { set(a: ArrayLike<number>, offset: number): void }>(Ctor: new (length: number) => T, parts: readonly ArrayLike<number>[]): T {
  const out = new Ctor(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
