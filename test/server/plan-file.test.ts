/** mozi serve --plan: a plan.json is read and checked; bad input names the file and the field. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readPlanFile } from '../../src/server/plan-file.js';

const dir = mkdtempSync(join(tmpdir(), 'mozi-plan-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const plan = { format: 'mozi-plan/1', summary: { passes: 1 }, stationFigures: [], pairs: [], window: { from: 'a', to: 'b', days: 1 }, passes: [] };

describe('readPlanFile', () => {
  it('reads a plan', () => {
    expect(readPlanFile(write('ok.json', JSON.stringify(plan))).summary.passes).toBe(1);
  });
  it.each([
    ['not JSON', '{', '--plan'],
    ['another format', JSON.stringify({ ...plan, format: 'other' }), 'format'],
    ['no summary', JSON.stringify({ ...plan, summary: undefined }), 'summary'],
    ['passes not an array', JSON.stringify({ ...plan, passes: 3 }), 'passes'],
  ])('rejects %s naming the field', (_what, text, field) => {
    const f = write(`bad-${field}.json`, text);
    let err: unknown;
    try {
      readPlanFile(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe(field);
    expect((err as InputError).file).toBe(f);
  });
  it('rejects a missing file', () => {
    expect(() => readPlanFile(join(dir, 'missing.json'))).toThrow(InputError);
  });
});
