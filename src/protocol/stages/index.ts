/**
 * The per-block pipeline both parties run, in order. Each stage is one module with the
 * satellite's and the ground's half; the drivers run `PIPELINE` and nothing else. A streamed pass
 * (stages/streamed-blocks.ts) runs the same list, its per-block stage in place of the batch ones.
 */
import { amplification } from './amplification.js';
import { detections } from './detections.js';
import { estimation } from './estimation.js';
import { finalBoundStage } from './finalBound.js';
import { handshake } from './handshake.js';
import { preliminaryBound } from './preliminaryBound.js';
import { reconciliation } from './reconciliation.js';
import { recovery } from './recovery.js';
import { sifting } from './sifting.js';
import type { Stage } from './stage.js';
import { storing } from './storing.js';
import { batchOnly, streamedBlocks } from './streamed-blocks.js';
import { verification } from './verification.js';

export const PIPELINE: readonly Stage[] = [
  handshake,
  recovery,
  // a streamed pass (the ground's choice, in its hello) sifts, estimates and reconciles per block
  // here; the batch stages after it are then skipped, and the rest runs on the whole pass
  streamedBlocks,
  batchOnly(detections),
  batchOnly(sifting),
  batchOnly(estimation),
  batchOnly(preliminaryBound),
  batchOnly(reconciliation),
  verification,
  finalBoundStage,
  amplification,
  storing,
];

export { paramsMessage } from './handshake.js';
export type { GroundContext, GroundExpectations, SatelliteContext, Stage } from './stage.js';
