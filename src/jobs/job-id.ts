/**
 * Deterministic job identifiers: a job's id is its kind and the SHA-256 of its input in canonical
 * JSON (object keys sorted), so submitting the same work twice names the same job; BullMQ keeps
 * one job per id, which makes a resubmission (after a client restart or a Redis restart) a no-op
 * for work already queued.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

/** `<kind>-<sha256 hex of canonical input>` (BullMQ ids may not contain ':'). */
export function jobId(kind: string, input: unknown): string {
  return `${kind}-${createHash('sha256').update(canonicalJson(input)).digest('hex')}`;
}
