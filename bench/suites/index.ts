/** Registry of benchmark suites; each suite file exports a BenchSuite. Add one import and one list line per suite. */
import type { BenchSuite } from '../types.js';
import { kmeSuite } from './kme.js';
import { passesSuite } from './passes.js';
import { keyrateSuite } from './keyrate.js';
import { simulateSuite } from './simulate.js';
import { linkSuite } from './link.js';
import { privacySuite } from './privacy.js';
import { privacyKernelSuite } from './privacy-kernel.js';
import { reconcileSuite } from './reconcile.js';
import { reconcileLdpcQcSp16Suite, reconcileLdpcQcSpSuite, reconcileLdpcQcSuite, reconcileLdpcSuite } from './reconcile-ldpc.js';
import { cascadeSuite } from './cascade.js';
import { replaySuite } from './replay.js';
import { recordingSuite } from './recording.js';
import { planSuite } from './plan.js';
import { realtimeSuite } from './realtime.js';
import { jobsSuite } from './jobs.js';

export const suites: BenchSuite[] = [
  kmeSuite,
  passesSuite,
  keyrateSuite,
  simulateSuite,
  linkSuite,
  privacySuite,
  privacyKernelSuite,
  reconcileSuite,
  reconcileLdpcSuite,
  reconcileLdpcQcSuite,
  reconcileLdpcQcSpSuite,
  reconcileLdpcQcSp16Suite,
  cascadeSuite,
  replaySuite,
  recordingSuite,
  planSuite,
  realtimeSuite,
  jobsSuite,
];
