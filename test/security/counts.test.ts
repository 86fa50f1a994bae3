import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { finiteKey, parseCounts } from '../../src/security/index.js';
import { loadCountsFile } from '../../src/recording/counts-file.js';
import { InputError } from '../../src/core/errors.js';

const EXAMPLE = 'examples/counts-micius.json';

describe('counts file (README.md, Counts file)', () => {
  it('the Micius example parses and its totals match the paper (1,671,072 sifted, QBER 1.1 %)', () => {
    const input = loadCountsFile(EXAMPLE, { bound: 'hoeffding', protocol: 'symmetric' });
    const all = [...input.counts.X, ...input.counts.Z];
    const sifted = all.reduce((a, c) => a + c.detected, 0);
    const errors = all.reduce((a, c) => a + c.errors, 0);
    expect(Math.abs(sifted - 1_671_072)).toBeLessThanOrEqual(3);
    expect(errors / sifted).toBeCloseTo(0.011, 3);
    const r = finiteKey(input);
    // Micius published 300,939 bits for this pass.
    expect(r.keyLengthBits).toBeGreaterThan(2e5);
    expect(r.keyLengthBits).toBeLessThan(5e5);
  });
  it('defaults: chernoff, symmetric', () => {
    const input = parseCounts(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
    expect(input.bound).toBe('chernoff');
    expect(input.protocol).toBe('symmetric');
  });
  it('names the field of a schema violation', () => {
    const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    doc.counts.X[1].detected = -4;
    expect(() => parseCounts(doc, { file: 'c.json' })).toThrow(/c\.json: counts\.X\.1\.detected/);
    const doc2 = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    doc2.counts.Z[0].errors = doc2.counts.Z[0].detected + 1;
    expect(() => parseCounts(doc2, { file: 'c.json' })).toThrow(/counts\.Z\[0\]\.errors: errors .* exceed detections/);
    expect(() => parseCounts({ ...doc2, epsSec: 1.5 })).toThrow(InputError);
    expect(() => parseCounts({ ...doc2, bogus: 1 })).toThrow(InputError);
  });
  it('reports unreadable and non-JSON files', () => {
    expect(() => loadCountsFile('/nonexistent/counts.json')).toThrow(/cannot read counts file/);
    expect(() => loadCountsFile('package.json')).toThrow(InputError);
  });
});
