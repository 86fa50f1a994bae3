import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGroundRecord } from '../../../src/recording/mozi-files.js';
import { runCli } from '../../support/cli.js';

function mozi(args: string[]) {
  const r = runCli(args);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const root = mkdtempSync(join(tmpdir(), 'mozi-cli-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const native = join(root, 'native');
const ptu = join(root, 'ptu');

beforeAll(() => {
  for (const [dir, extra] of [
    [native, []],
    [ptu, ['--tag-format', 'ptu']],
  ] as const) {
    const r = mozi(['simulate', '--preset', 'micius-2016-12-19', '--window-s', '1', '--seed', '5', '--no-truth', '--out', dir, ...extra]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

describe('mozi import (spawned CLI)', () => {
  it('simulate --tag-format ptu writes tags.ptu only; import needs no --channels and gives back the native tags', () => {
    expect(existsSync(join(ptu, 'ground', 'tags.ptu'))).toBe(true);
    expect(existsSync(join(ptu, 'ground', 'tags.bin'))).toBe(false);
    const out = join(root, 'imported');
    const r = mozi(['import', join(ptu, 'ground', 'tags.ptu'), '--format', 'ptu', '--ground', join(out, 'ground'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format: 'ptu', channelMap: '1=H,2=V,3=D,4=A,5=sync', channelMapFrom: 'header', tickPs: 1, lostIntervals: 0 });
    const a = readGroundRecord(native);
    const b = readGroundRecord(out);
    expect(doc.tags).toBe(a.tags.timePs.length);
    expect(Buffer.from(b.tags.timePs.buffer).equals(Buffer.from(a.tags.timePs.buffer))).toBe(true);
    expect(Buffer.from(b.tags.detector).equals(Buffer.from(a.tags.detector))).toBe(true);
    expect(Buffer.from(b.syncTags.timePs.buffer).equals(Buffer.from(a.syncTags.timePs.buffer))).toBe(true);
    expect(b.schedule).toEqual(a.schedule);
  });

  it('the pass plan (--preset) gives the same schedule as the simulation of that pass', () => {
    const out = join(root, 'planned', 'ground');
    const r = mozi(['import', join(ptu, 'ground', 'tags.ptu'), '--format', 'ptu', '--ground', out, '--preset', 'micius-2016-12-19', '--window-s', '1']);
    expect(r.code, r.stderr).toBe(0);
    const planned = JSON.parse(readFileSync(join(out, 'ground.json'), 'utf8'));
    const sim = JSON.parse(readFileSync(join(native, 'ground', 'ground.json'), 'utf8'));
    expect(planned.schedule).toEqual(sim.schedule);
    expect(planned.station).toBe('xinglong');
    expect(planned.ephemeris.samples.length).toBe(sim.ephemeris.samples.length);
  });

  it('a CSV export with --channels and --like; a truncated PTU file exits 2 naming the file and record', () => {
    const csv = join(root, 'lab.csv');
    writeFileSync(csv, 'timestamp;channel\n100;7\n200;8\n350;9\n400;10\n500;11\n');
    const out = join(root, 'csv', 'ground');
    const r = mozi(['import', csv, '--format', 'csv', '--channels', '7=H,8=V,9=D,10=A,11=sync', '--ground', out, '--like', join(native, 'ground', 'ground.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tags: 4, syncTags: 1, tagsPerDetector: [1, 1, 1, 1] });

    const broken = join(root, 'broken.ptu');
    writeFileSync(broken, readFileSync(join(ptu, 'ground', 'tags.ptu')));
    truncateSync(broken, statSync(broken).size - 6);
    const bad = mozi(['import', broken, '--format', 'ptu', '--ground', join(root, 'x'), '--like', join(native, 'ground', 'ground.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n').pop()).toMatch(/broken\.ptu: record \d+, record: file ends inside a record \(2 of 4 bytes\): truncated/);
  });
});
