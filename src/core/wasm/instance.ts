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

/** The kernel view of an instance and the memory it uses (exported or imported). */
function kernelOf<E>(instance: WebAssembly.Instance, memory: WebAssembly.Memory): WasmKernel<E> {
  return {
    exports: instance.exports as unknown as E,
    memory,
    ensure(n: number) {
      const have = memory.buffer.byteLength;
      if (n > have) memory.grow(Math.ceil((n - have) / 65536));
    },
  };
}

export function instantiate<E>(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}): WasmKernel<E> {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  const memory = instance.exports.memory as WebAssembly.Memory | undefined;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('wasm kernel must export "memory"');
  return kernelOf<E>(instance, memory);
}

/** Largest WebAssembly (wasm32) memory: 65 536 pages of 64 KiB = 4 GiB. */
export const MAX_WASM_PAGES = 65536;

/** A new shared WebAssembly memory (one page, growable to 4 GiB) that several threads' instances can import. */
export function sharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: MAX_WASM_PAGES, shared: true });
}

/**
 * Instantiate a kernel that imports its memory as `env.memory` (shared, see `sharedMemory`): a
 * fresh one, or `memory` created elsewhere (another thread's). A compiled module can be given to
 * skip compilation.
 */
export function instantiateOn<E>(code: Uint8Array<ArrayBuffer> | WebAssembly.Module, memory: WebAssembly.Memory = sharedMemory()): WasmKernel<E> {
  const module = code instanceof WebAssembly.Module ? code : new WebAssembly.Module(code);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return kernelOf<E>(instance, memory);
}

/**
 * Whether this runtime can compile `bytes` (e.g. a SIMD kernel), asked once: a function that
 * validates on its first call and remembers the answer (false when WebAssembly is absent).
 */
export function wasmSupport(bytes: Uint8Array<ArrayBuffer>): () => boolean {
  let ok: boolean | undefined;
  return () => {
    if (ok === undefined) {
      try {
        ok = typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
      } catch {
        ok = false;
      }
    }
    return ok;
  };
}
