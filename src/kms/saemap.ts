/**
 * Which SAE (secure application entity) is attached to which site's KME. File format (JSON):
 *   { "saes": { "<SAE_ID>": "<site>", ... } }   or the flat form   { "<SAE_ID>": "<site>", ... }
 * An SAE's identity is the CN of its client certificate, so SAE IDs are certificate CNs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { checkSiteName } from './keystore.js';

export type SaeMap = Readonly<Record<string, string>>;

const SAE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function validateSaeMap(value: unknown, file?: string): SaeMap {
  const obj = value !== null && typeof value === 'object' && !Array.isArray(value) && 'saes' in value ? (value as { saes: unknown }).saes : value;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new InputError('SAE map must be an object {"SAE_ID": "site"}', { file, field: 'saes' });
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [sae, site] of Object.entries(obj as Record<string, unknown>)) {
    if (!SAE_RE.test(sae)) throw new InputError(`invalid SAE ID ${JSON.stringify(sae)}`, { file, field: `saes.${sae}` });
    if (typeof site !== 'string') throw new InputError('site must be a string', { file, field: `saes.${sae}` });
    checkSiteName(site, `saes.${sae}`);
    out[sae] = site;
  }
  return Object.freeze(out);
}

export function loadSaeMap(path: string): SaeMap {
  if (!existsSync(path)) throw new InputError(`file not found: ${path}`, { field: 'sae-map' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`malformed JSON: ${(err as Error).message}`, { file: path });
  }
  return validateSaeMap(parsed, path);
}

/** Site of an SAE, or undefined for an unknown SAE. */
export function siteOf(map: SaeMap, sae: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(map, sae) ? map[sae] : undefined;
}
