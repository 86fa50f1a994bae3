import { describe, expect, it } from 'vitest';
import { weakMemo } from '../../src/core/weak-memo.js';

describe('weakMemo', () => {
  it('makes one value per key object, on first use only', () => {
    let made = 0;
    const f = weakMemo((k: { id: number }) => ({ id: k.id, n: ++made }));
    const a = { id: 1 };
    const b = { id: 1 };
    expect(made).toBe(0);
    const fa = f(a);
    expect(f(a)).toBe(fa);
    expect(made).toBe(1);
    const fb = f(b);
    expect(fb).not.toBe(fa);
    expect(fb.n).toBe(2);
    expect(f(b)).toBe(fb);
    expect(made).toBe(2);
  });
});
