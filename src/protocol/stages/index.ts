/**
 * The per-block pipeline both parties run, in order. Each stage is one module with the
 * satellite's and the ground's half; the drivers run `PIPELINE` and nothing else.
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
import { verification } from './verification.js';

export const PIPELINE: readonly Stage[] = [
  handshake,
  recovery,
  detections,
  sifting,
  estimation,
  preliminaryBound,
  reconciliation,
  verification,
  finalBoundStage,
  amplification,
  storing,
];

export { paramsMessage } from './handshake.js';
export type { GroundContext, GroundExpectations, SatelliteContext, Stage } from './stage.js';
