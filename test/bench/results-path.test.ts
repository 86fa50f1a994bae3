/** `bench --quick` never writes the committed bench/results.json (its figures are full-size runs). */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { QUICK_RESULTS_PATH, RESULTS_PATH, resultsPath } from '../../bench/run.js';
import { ROOT } from '../support/paths.js';

describe('bench results files', () => {
  it('full runs merge into bench/results.json, quick runs into the git-ignored bench/results.quick.json', () => {
    expect(resultsPath(false)).toBe(RESULTS_PATH);
    expect(resultsPath(true)).toBe(QUICK_RESULTS_PATH);
    expect(RESULTS_PATH.startsWith(ROOT)).toBe(true);
    expect(QUICK_RESULTS_PATH).not.toBe(RESULTS_PATH);
    // git check-ignore exits 0 for an ignored path, 1 for a tracked or unignored one
    expect(execFileSync('git', ['check-ignore', '-q', QUICK_RESULTS_PATH], { cwd: ROOT, stdio: 'pipe' }).length).toBe(0);
    expect(() => execFileSync('git', ['check-ignore', '-q', RESULTS_PATH], { cwd: ROOT, stdio: 'pipe' })).toThrow();
  });
});
