/**
 * The layering rules of .dependency-cruiser.cjs (the DESIGN.md table, run by `npm run lint`)
 * reject what they must and accept what they must, on a small synthetic tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs') as { forbidden: unknown[] };

const root = mkdtempSync(join(tmpdir(), 'mozi-layers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text: string): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}

describe('layering rules', () => {
  it('forbid upward imports, module cycles, undeclared sibling imports and folders without a layer; allow the rest', async () => {
    file('src/core/a.ts', "import { b } from './b.js';\nexport const a = b;\n");
    file('src/core/b.ts', "import { a } from './a.js';\nexport const b = 1;\nexport const c = a;\n");
    file('src/orbit/o.ts', "import { b } from '../core/b.js';\nexport const o = b;\n");
    file('src/link/l.ts', "import { o } from '../orbit/o.js';\nexport const l = o;\n"); // declared edge link → orbit
    file('src/security/s.ts', "import { o } from '../orbit/o.js';\nexport const s = o;\n"); // sibling, undeclared
    file('src/kms/k.ts', "import { l } from '../link/l.js';\nexport const k = l;\n"); // downward
    file('src/protocol/p.ts', "import { k } from '../kms/k.js';\nexport const p = k;\n"); // upward
    file('src/ufo/u.ts', "import { b } from '../core/b.js';\nexport const u = b;\n"); // no layer
    const r = await cruise(['src'], {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: config.forbidden } as never,
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
    });
    const output = r.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
    const found = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual([
      'layer-sibling-security: src/security/s.ts → src/orbit/o.ts',
      'layer-unknown-folder: src/ufo/u.ts → src/core/b.ts',
      'layer-upward-protocol: src/protocol/p.ts → src/kms/k.ts',
      'no-circular: src/core/a.ts → src/core/b.ts',
    ]);
  }, 30_000);
});
