/** Reading a plan.json (mozi plan --out) for the dashboard's Plan view; bad input names the file and field. */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { PlanResponse } from './api-types.js';

export function readPlanFile(file: string): PlanResponse {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read plan: ${(e as Error).message}`, { file, field: '--plan' });
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not JSON: ${(e as Error).message}`, { file, field: '--plan' });
  }
  const o = j as Partial<PlanResponse> | null;
  if (!o || typeof o !== 'object' || o.format !== 'mozi-plan/1') throw new InputError('not a mozi plan (format must be "mozi-plan/1")', { file, field: 'format' });
  for (const k of ['summary', 'stationFigures', 'pairs', 'window'] as const) {
    if (typeof o[k] !== 'object' || o[k] === null) throw new InputError(`missing ${k}`, { file, field: k });
  }
  if (o.passes !== undefined && !Array.isArray(o.passes)) throw new InputError('passes must be an array', { file, field: 'passes' });
  return o as PlanResponse;
}
