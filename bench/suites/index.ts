/** Registry of benchmark suites; each suite file exports a BenchSuite. Add one line per suite. */
import type { BenchSuite } from '../types.js';
import { kmeSuite } from './kme.js';
import { passesSuite } from './passes.js';
import { keyrateSuite } from './keyrate.js';
import { simulateSuite } from './simulate.js';
import { linkSuite } from './link.js';
import { privacySuite } from './privacy.js';
import { reconcileSuite } from './reconcile.js';
import { replaySuite } from './replay.js';
import { recordingSuite } from './recording.js';
import { jobsSuite } from './jobs.js';

export const suites: BenchSuite[] = [kmeSuite, passesSuite, keyrateSuite, simulateSuite, linkSuite, privacySuite, reconcileSuite, replaySuite, recordingSuite, jobsSuite];
