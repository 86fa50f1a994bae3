/** Regenerate every src/**\/*.wasm.ts from its .wat source (`npm run build:wasm`). */
import { writeFile } from 'node:fs/promises';
import { findWat, generatedModule } from '../src/core/wasm/assemble.js';

for (const wat of await findWat('src')) {
  const { path, text } = await generatedModule(wat);
  await writeFile(path, text);
  console.log(`${wat} → ${path}`);
}
