/**
 * A full garbage collection on demand, for returning large buffers to the system at a known point:
 * a WebAssembly memory or ArrayBuffer of hundreds of MiB that is no longer referenced is only
 * unmapped once V8 collects its wrapper, and with an otherwise idle heap that may not happen for a
 * long time (RSS stays at the peak after use). Node exposes `gc` only with `--expose-gc`; this sets
 * that flag at run time and takes `gc` from a fresh context (the documented V8 flag, applied late:
 * V8 reads it when a context is created). Called only on release paths (idle timers, explicit
 * close), never per block. Returns false where that is not possible (then nothing happens).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | null | undefined;

export function collectGarbage(): boolean {
  if (gcFn === undefined) {
    try {
      const existing = (globalThis as { gc?: () => void }).gc;
      if (typeof existing === 'function') gcFn = existing;
      else {
        setFlagsFromString('--expose-gc');
        const f = runInNewContext('gc') as unknown;
        gcFn = typeof f === 'function' ? (f as () => void) : null;
      }
    } catch {
      gcFn = null;
    }
  }
  if (!gcFn) return false;
  gcFn();
  return true;
}
