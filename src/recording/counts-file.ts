/** Reading the counts file of `mozi keyrate --counts FILE.json` (validated by src/security/counts.ts). */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { parseCounts } from '../security/counts.js';
import type { Bound, FiniteKeyInput, Protocol } from '../security/types.js';

/** Read and parse a counts file. */
export function loadCountsFile(path: string, overrides: { bound?: Bound; protocol?: Protocol } = {}): FiniteKeyInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read counts file: ${(e as Error).message}`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file: path });
  }
  return parseCounts(json, { ...overrides, file: path });
}
