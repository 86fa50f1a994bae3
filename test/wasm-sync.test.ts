import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { findWat, generatedModule } from '../src/core/wasm/assemble.js';
import { decodeBase64 } from '../src/core/wasm/base64.js';

describe('WebAssembly kernels', () => {
  it('every generated *.wasm.ts matches its .wat source (run `npm run build:wasm`)', async () => {
    const wats = await findWat('src');
    for (const wat of wats) {
      const { path, text } = await generatedModule(wat);
      const committed = await readFile(path, 'utf8').catch(() => '');
      expect(committed, `${path} is stale or missing`).toBe(text);
    }
  });
  it('base64 decoding round-trips every byte value', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(Array.from(decodeBase64(Buffer.from(all).toString('base64')))).toEqual(Array.from(all));
  });
});
