/**
 * Site names and the two directions of a link: which site serves key `index` of a link to a
 * master SAE (see keystore.ts, "Delivery semantics").
 */
import { InputError } from '../core/errors.js';

const SITE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function checkSiteName(site: string, field = 'site'): void {
  if (typeof site !== 'string' || !SITE_RE.test(site)) {
    throw new InputError(`invalid site name ${JSON.stringify(site)} (letters, digits, _ . -; at most 64)`, { field });
  }
}

/** Canonical id of the link between two sites (order-independent). */
export function linkId(siteA: string, siteB: string): string {
  return siteA < siteB ? `${siteA}~${siteB}` : `${siteB}~${siteA}`;
}

/** The site that serves key `index` of a link through enc_keys: the smaller site even indices, the larger odd ones. */
export function ownerSite(siteA: string, siteB: string, index: number): string {
  const [lo, hi] = siteA < siteB ? [siteA, siteB] : [siteB, siteA];
  return index % 2 === 0 ? lo : hi;
}
