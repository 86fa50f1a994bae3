/**
 * A reusable barrier for T threads (worker_threads) on a shared Int32Array `ctl` of
 * `BARRIER_INTS` entries, zero at start: [arrived, generation, aborted]. The last thread to arrive
 * resets the count and bumps the generation; the others sleep on the generation (Atomics.wait, in
 * slices of `sliceMs`, so that an abort — a failed thread — wakes them with an error instead of
 * leaving them blocked). Only worker threads may wait (the main thread only creates and aborts).
 */
export const BARRIER_INTS = 4;

const ARRIVED = 0, GENERATION = 1, ABORTED = 2;

export function threadBarrier(ctl: Int32Array, T: number, sliceMs = 500): () => void {
  if (ctl.length < BARRIER_INTS) throw new RangeError(`barrier control needs ${BARRIER_INTS} ints`);
  return () => {
    if (T <= 1) return;
    const gen = Atomics.load(ctl, GENERATION);
    if (Atomics.load(ctl, ABORTED)) throw new Error('barrier aborted: another thread failed');
    if (Atomics.add(ctl, ARRIVED, 1) === T - 1) {
      Atomics.store(ctl, ARRIVED, 0);
      Atomics.add(ctl, GENERATION, 1);
      Atomics.notify(ctl, GENERATION);
      return;
    }
    while (Atomics.load(ctl, GENERATION) === gen) {
      Atomics.wait(ctl, GENERATION, gen, sliceMs);
      if (Atomics.load(ctl, ABORTED)) throw new Error('barrier aborted: another thread failed');
    }
  };
}

/** Mark the barrier failed and wake every waiting thread (they throw). */
export function abortBarrier(ctl: Int32Array): void {
  Atomics.store(ctl, ABORTED, 1);
  Atomics.notify(ctl, GENERATION);
}
