/**
 * Worker-thread module of simulate-parallel.ts: simulates one segment of a pass
 * (simulate-segment.ts) and hands its events back by transfer. The pulse source (its Philox key
 * from the source seed) is built once per pass and kept while the worker lives.
 */
import { serveTasks, withTransfer } from '../core/worker-pool.js';
import { seedToHex } from '../core/rng/seed.js';
import { segmentTransfer, simulateSegment, type SegmentInput, type SegmentOutput, type SegmentShared } from './simulate-segment.js';
import { PulseSource } from './transmitter.js';

let cached: { key: string; source: PulseSource } | null = null;

serveTasks<{ shared: SegmentShared; segment: SegmentInput }, SegmentOutput>(({ shared, segment }) => {
  const key = `${seedToHex(shared.sourceSeed)}:${shared.tx.intensityProbabilities.join(',')}:${shared.tx.basisProbabilityZ}`;
  if (!cached || cached.key !== key) cached = { key, source: PulseSource.fromConfig(shared.sourceSeed, shared.tx) };
  const out = simulateSegment(shared, segment, cached.source);
  return withTransfer(out, segmentTransfer(out));
});
