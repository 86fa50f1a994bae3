import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonErrorOffset, jsonValueLines } from '../../src/mission/jsonLines.js';

describe('JSON line locator', () => {
  it('finds no error in any valid JSON (pretty or compact)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => jsonErrorOffset(JSON.stringify(v, null, 2)) === undefined && jsonErrorOffset(JSON.stringify(v)) === undefined),
    );
  });
  it('agrees with JSON.parse on validity of mutated texts', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom(',', '}', ']', '"', ':', 'x', '1'), (v, k, ch) => {
        const t = JSON.stringify(v);
        const pos = k % (t.length + 1);
        const bad = t.slice(0, pos) + ch + t.slice(pos);
        let ok = true;
        try {
          JSON.parse(bad);
        } catch {
          ok = false;
        }
        return (jsonErrorOffset(bad) === undefined) === ok;
      }),
    );
  });
  it('maps paths to the lines of their values', () => {
    const lines = jsonValueLines('{\n  "a": [\n    1,\n    { "b": 2 }\n  ]\n}');
    expect(lines.get('a')).toBe(2);
    expect(lines.get('a.0')).toBe(3);
    expect(lines.get('a.1.b')).toBe(4);
  });
});
