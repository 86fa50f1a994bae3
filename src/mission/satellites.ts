/**
 * Element sets shipped with Mozi (missions/*.tle), by name: what `"satellite": "micius"` in a
 * mission file and `--satellite micius` on the command line refer to.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError, type InputErrorLocation } from '../core/errors.js';
import { parseTleCatalogue } from '../orbit/tle.js';
import type { SatelliteElements } from '../orbit/types.js';
import { catalogueOf, type ElementCatalogue } from './elements.js';

/** The folder of the shipped mission files and element sets. */
export const MISSIONS_DIR = fileURLToPath(new URL('../../missions/', import.meta.url));

const SHIPPED: Record<string, string> = {
  /** Micius (NORAD 41731), epoch 2016-12-18 21:38 UTC: one day before the reference orbit of Liao et al. 2017. */
  micius: 'micius-2016-12-18.tle',
  /** A Jinan-1-class microsatellite (synthetic elements, see missions/jinan-1.tle). */
  'jinan-1': 'jinan-1.tle',
};

const cache = new Map<string, ElementCatalogue>();

/** Names of the shipped satellites. */
export const SATELLITE_NAMES: readonly string[] = Object.keys(SHIPPED);

/** The shipped element sets of a satellite; InputError lists the known ones. */
export function shippedCatalogue(name: string, where: InputErrorLocation = {}): ElementCatalogue {
  const key = name.trim().toLowerCase();
  const file = SHIPPED[key];
  if (!file) throw new InputError(`unknown satellite "${name}"; known satellites: ${SATELLITE_NAMES.join(', ')}`, where);
  let c = cache.get(key);
  if (!c) {
    const path = MISSIONS_DIR + file;
    c = catalogueOf(parseTleCatalogue(readFileSync(path, 'utf8'), path), `missions/${file}`, undefined, where);
    cache.set(key, c);
  }
  return c;
}

/** The (latest) shipped element set of a satellite. */
export function getSatellite(name: string, where: InputErrorLocation = {}): SatelliteElements {
  const c = shippedCatalogue(name, where);
  return c.sets[c.sets.length - 1];
}

/** The Micius TLE text (missions/micius-2016-12-18.tle: NORAD 41731, COSPAR 2016-051A, epoch 2016-12-18 21:38 UTC). */
export const MICIUS_TLE_TEXT: string = readFileSync(MISSIONS_DIR + SHIPPED.micius, 'utf8');

/** Micius elements (TLE epoch 2016-12-18 21:38 UTC). */
export const MICIUS: SatelliteElements = getSatellite('micius');
