/**
 * Append-only typed-array buffers that grow by doubling (bounded-memory streaming of events).
 * Monomorphic per element type so that hot loops store unboxed values.
 */

export class GrowableF64 {
  data: Float64Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Float64Array(initial);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  clear(): void {
    this.length = 0;
  }

  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export class GrowableU8 {
  data: Uint8Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Uint8Array(initial);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  clear(): void {
    this.length = 0;
  }

  toArray(): Uint8Array {
    return this.data.slice(0, this.length);
  }
}
