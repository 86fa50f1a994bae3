import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jobId } from '../../src/jobs/job-id.js';

describe('deterministic job ids', () => {
  it('hash the canonical JSON: key order does not matter, values do', () => {
    const a = { mission: { name: 'm', stations: ['a', 'b'] }, fromMs: 1, toMs: 2 };
    const b = { toMs: 2, fromMs: 1, mission: { stations: ['a', 'b'], name: 'm' } };
    expect(canonicalJson(b)).toBe('{"fromMs":1,"mission":{"name":"m","stations":["a","b"]},"toMs":2}');
    expect(jobId('plan-slice', a)).toBe(jobId('plan-slice', b));
    expect(jobId('plan-slice', a)).toBe(`plan-slice-${createHash('sha256').update(canonicalJson(a)).digest('hex')}`);
    expect(jobId('plan-slice', { ...a, toMs: 3 })).not.toBe(jobId('plan-slice', a));
    expect(jobId('plan-slice', { ...a, mission: { name: 'm', stations: ['b', 'a'] } })).not.toBe(jobId('plan-slice', a));
    expect(jobId('replay-pass', a)).not.toBe(jobId('plan-slice', a));
    expect(jobId('plan-slice', a)).not.toContain(':');
  });
});
