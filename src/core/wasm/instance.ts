/**
 * Synchronous instantiation of a small WebAssembly kernel with its own memory, grown on demand.
 * (Node allows synchronous compilation of any size; kernels are compiled once per process.)
 */
export interface WasmKernel<E> {
  exports: E;
  memory: WebAssembly.Memory;
  /** Make the memory at least `bytes` long (whole 64 KiB pages); views must be re-taken after. */
  ensure(bytes: number): void;
}

export function instantiate<E>(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}): WasmKernel<E> {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  const memory = instance.exports.memory as WebAssembly.Memory | undefined;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('wasm kernel must export "memory"');
  return {
    exports: instance.exports as unknown as E,
    memory,
    ensure(n: number) {
      const have = memory.buffer.byteLength;
      if (n > have) memory.grow(Math.ceil((n - have) / 65536));
    },
  };
}
