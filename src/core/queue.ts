/**
 * An unbounded async FIFO: `push` hands an item to the oldest waiting `next()` or keeps it;
 * `close(err)` rejects every waiting and future `next()` once the queue is drained (the first
 * error wins; items pushed after closing are dropped). The in-memory message channel
 * (postprocess/channel.ts) and frame transport (protocol/transport.ts) are built on it.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: { resolve: (item: T) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  push(item: T): void {
    if (this.failure) return;
    const w = this.waiters.shift();
    if (w) w.resolve(item);
    else this.items.push(item);
  }

  /** Items pushed and not yet taken. */
  get size(): number {
    return this.items.length;
  }

  next(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
