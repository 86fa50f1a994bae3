/**
 * Cross-check Mozi's PTU writer against PicoQuant's own reader: `npx tsx scripts/check-ptu-demo.ts
 * PATH/TO/Read_PTU.py [SIM_DIR]` (the Python demo of github.com/PicoQuant/PicoQuant-Time-Tagged-
 * File-Format-Demos, not part of this repository). Writes the ground tags of SIM_DIR (default: a
 * fresh 2 s simulation of the reference pass) as tags.ptu, runs the demo on it and compares every
 * event it prints (channel, time in ps) with tags.bin + sync.bin. Exit 0 when all agree.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGroundRecord } from '../src/recording/mozi-files.js';
import { writeGroundPtu } from '../src/recording/ground-files.js';

const [demo, given] = process.argv.slice(2);
if (!demo) {
  console.error('usage: npx tsx scripts/check-ptu-demo.ts PATH/TO/Read_PTU.py [SIM_DIR]');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'mozi-ptu-demo-'));
let sim = given;
if (!sim) {
  sim = join(work, 'sim');
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'simulate', '--preset', 'micius-2016-12-19', '--window-s', '2', '--seed', '3', '--no-truth', '--out', sim], {
    stdio: 'inherit',
    env: { ...process.env, MOZI_NO_PROGRESS: '1' },
  });
}
const g = readGroundRecord(sim);
const ptu = join(work, 'tags.ptu');
const { records } = writeGroundPtu(ptu, g);
const out = join(work, 'demo.txt');
execFileSync('python3', [demo, ptu, out], { stdio: ['ignore', 'ignore', 'inherit'] });

const mine: [number, number][] = [];
g.tags.timePs.forEach((t, i) => mine.push([g.tags.detector[i] + 1, t]));
g.syncTags.timePs.forEach((t) => mine.push([5, t]));
const demoEvents: [number, number][] = readFileSync(out, 'utf8')
  .split('\n')
  .filter((l) => / CHN /.test(l))
  .map((l) => l.trim().split(/\s+/))
  .map((f) => [parseInt(f[2], 16), Number(f[3])]);
const key = (a: [number, number], b: [number, number]) => a[1] - b[1] || a[0] - b[0];
mine.sort(key);
demoEvents.sort(key);
let same = mine.length === demoEvents.length;
for (let i = 0; same && i < mine.length; i++) same = mine[i][0] === demoEvents[i][0] && mine[i][1] === demoEvents[i][1];
console.log(`${records} records; PicoQuant's demo printed ${demoEvents.length} events, Mozi's files hold ${mine.length}: ${same ? 'identical' : 'DIFFERENT'}`);
process.exit(same ? 0 : 1);
