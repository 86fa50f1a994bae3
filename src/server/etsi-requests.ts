/**
 * Validation of ETSI GS QKD 014 requests (zod schemas): Key request (enc_keys, POST body or GET
 * query) and Key IDs (dec_keys, POST body or GET query). A failed check is one 400 answer
 * `{ message, details }` naming the first bad field. The checks run in the order etsi.ts calls
 * them: the envelope (is the body an object, is a query parameter given once) before the
 * caller's identity is checked, the fields after it. Validation is done here, inside the route
 * handlers, rather than by fastify's route schemas, because those run before the handler and
 * would answer 400 to a caller that must get 401.
 *
 * POST bodies are JSON: a number must be a JSON number (`"number": "1"` is a 400); GET query
 * values are decimal strings.
 */
import { z } from 'zod';
import { isUuid } from '../kms/keystore.js';

export interface RequestProblem {
  message: string;
  details?: Record<string, unknown>[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: RequestProblem };

/** Fields whose type errors carry no details (as the standard's examples: a message only). */
const NO_DETAILS = new Set(['additional_slave_SAE_IDs', 'extension_mandatory', 'extension_optional', 'key_IDs', '']);

function shown(v: unknown): unknown {
  return typeof v === 'number' ? v : v === undefined ? null : String(v).slice(0, 64);
}

/** Parse `input`; on failure the first issue as the 400 body: its own details, or the offending field's value. */
export function parseRequest<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const params = (issue as { params?: { details?: Record<string, unknown>[] | null } }).params;
  const field = String(issue.path[0] ?? '');
  if (params && 'details' in params) return { ok: false, problem: { message: issue.message, ...(params.details ? { details: params.details } : {}) } };
  if (NO_DETAILS.has(field) || issue.path.length !== 1) return { ok: false, problem: { message: issue.message } };
  return { ok: false, problem: { message: issue.message, details: [{ [field]: shown(issue.input) }] } };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** POST enc_keys envelope: no body is `{}`; anything else must be a JSON object. */
export const encKeysBody = z.unknown().transform((b) => (b === undefined || b === null ? {} : b)).pipe(
  z.custom<Record<string, unknown>>(isObject, { error: 'request body must be a JSON object (Key request)', params: { details: null } }),
);

/** GET enc_keys envelope: number and size each at most once. */
export const encKeysQuery = z.object({
  number: z.unknown().optional().refine((v) => !Array.isArray(v), { error: 'number given more than once', params: { details: null } }),
  size: z.unknown().optional().refine((v) => !Array.isArray(v), { error: 'size given more than once', params: { details: null } }),
});

export interface EncKeysRequest {
  number: number;
  size: number;
  /** additional_slave_SAE_IDs (multicast), at most max_SAE_ID_count, no duplicates. */
  additionalSlaves: string[];
}

/**
 * Key request fields, after the caller is known: number in 1..maxKeyPerRequest (default 1), size
 * the store's key size (default), at most max_SAE_ID_count additional slave SAEs (distinct SAE
 * IDs), no extension_mandatory entries (none supported), extension_optional ignored.
 */
export function encKeysFields(limits: { maxKeyPerRequest: number; keySizeBits: number; maxSaeIdCount: number }, from: 'json' | 'query'): z.ZodType<EncKeysRequest> {
  const { maxKeyPerRequest: max, keySizeBits: size, maxSaeIdCount } = limits;
  const integer = (field: string): z.ZodType<number> => {
    const msg = `${field} must be an integer`;
    return from === 'json' ? z.number({ error: msg }).int({ error: msg }) : z.string({ error: msg }).regex(/^[0-9]{1,9}$/, { error: msg }).transform(Number);
  };
  return z.object({
    number: integer('number')
      .pipe(z.number().min(1, { error: `number must be between 1 and max_key_per_request (${max})` }).max(max, { error: `number must be between 1 and max_key_per_request (${max})` }))
      .optional(),
    size: integer('size')
      .pipe(
        z.number()
          .refine((s) => s > 0 && s % 8 === 0, { error: 'size must be a positive multiple of 8' })
          .refine((s) => s === size, { error: `size must be within min_key_size (${size}) and max_key_size (${size})` }),
      )
      .optional(),
    additional_slave_SAE_IDs: z
      .array(z.string({ error: 'additional_slave_SAE_IDs must be an array of SAE IDs' }), { error: 'additional_slave_SAE_IDs must be an array of SAE IDs' })
      .superRefine((ids, ctx) => {
        if (ids.length > maxSaeIdCount) {
          ctx.addIssue({ code: 'custom', message: `at most max_SAE_ID_count (${maxSaeIdCount}) additional_slave_SAE_IDs`, params: { details: [{ additional_slave_SAE_IDs: ids.length }] } });
        } else if (new Set(ids).size !== ids.length) {
          ctx.addIssue({ code: 'custom', message: 'duplicate SAE ID in additional_slave_SAE_IDs', params: { details: null } });
        }
      })
      .optional(),
    extension_mandatory: z
      .array(z.unknown(), { error: 'extension_mandatory must be an array' })
      .superRefine((ext, ctx) => {
        if (ext.length > 0) {
          const names = ext.flatMap((m) => (isObject(m) ? Object.keys(m) : ['?']));
          ctx.addIssue({ code: 'custom', message: 'not all extension_mandatory parameters are supported', params: { details: names.map((n) => ({ extension_mandatory_unsupported: n })) } });
        }
      })
      .optional(),
    extension_optional: z.array(z.unknown(), { error: 'extension_optional must be an array' }).optional(),
  }).transform((b) => ({ number: b.number ?? 1, size: b.size ?? size, additionalSlaves: b.additional_slave_SAE_IDs ?? [] }));
}

/** POST dec_keys envelope: `{ "key_IDs": [ { "key_ID": ... }, ... ] }` → the key_ID values. */
export const decKeysBody = z
  .custom<Record<string, unknown>>(isObject, { error: 'request body must be a JSON object (Key IDs)', params: { details: null } })
  .pipe(z.object({ key_IDs: z.array(z.unknown(), { error: 'key_IDs must be an array of {"key_ID": ...}' }) }))
  .transform((b) => b.key_IDs.map((e) => (isObject(e) ? e.key_ID : undefined)));

/** GET dec_keys envelope: key_ID once or several times → the values. */
export const decKeysQuery = z
  .object({ key_ID: z.unknown().refine((v) => v !== undefined, { error: 'key_ID query parameter is required', params: { details: null } }) })
  .transform((q) => (Array.isArray(q.key_ID) ? (q.key_ID as unknown[]) : [q.key_ID]));

/** The key_IDs, after the caller is known: 1..maxKeyPerRequest UUIDs (any case), no duplicates → lower case. */
export function decKeysIds(limits: { maxKeyPerRequest: number }): z.ZodType<string[], unknown[]> {
  const max = limits.maxKeyPerRequest;
  return z
    .array(z.unknown())
    .superRefine((ids, ctx) => {
      if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'key_IDs must not be empty', params: { details: null } });
      else if (ids.length > max) ctx.addIssue({ code: 'custom', message: `at most max_key_per_request (${max}) key_IDs per request`, params: { details: [{ key_IDs: ids.length }] } });
      else {
        const seen = new Set<string>();
        for (const id of ids) {
          if (typeof id !== 'string' || !isUuid(id.toLowerCase())) {
            ctx.addIssue({ code: 'custom', message: 'key_ID must be a UUID', params: { details: [{ key_ID: typeof id === 'string' ? id.slice(0, 64) : null }] } });
            return;
          }
          const low = id.toLowerCase();
          if (seen.has(low)) {
            ctx.addIssue({ code: 'custom', message: 'duplicate key_ID in request', params: { details: [{ key_ID: low }] } });
            return;
          }
          seen.add(low);
        }
      }
    })
    .transform((ids) => (ids as string[]).map((id) => id.toLowerCase()));
}
