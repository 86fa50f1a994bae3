/**
 * The counts file read by `mozi keyrate --counts FILE.json` (schema documented in README.md, "Counts file").
 * Validated with zod; errors become InputErrors naming the file and the field. Pure: reading the
 * file is src/recording/counts-file.ts.
 */
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { FiniteKeyInput, Bound, Protocol } from './types.js';
import { validateFiniteKeyInput } from './finiteKey.js';

const nonNeg = z.number().finite().nonnegative();
const unitOpen = z.number().finite().gt(0).lt(1);

export const intensityCountsSchema = z
  .object({
    sent: nonNeg.optional(),
    detected: nonNeg,
    errors: nonNeg,
  })
  .strict();

export const countsFileSchema = z
  .object({
    description: z.string().optional(),
    /** [μ1 signal, μ2 decoy, μ3 vacuum/weak]. */
    intensities: z.tuple([nonNeg, nonNeg, nonNeg]),
    probabilities: z.tuple([unitOpen.or(z.literal(1)), unitOpen.or(z.literal(1)), unitOpen.or(z.literal(1))]),
    counts: z
      .object({
        X: z.tuple([intensityCountsSchema, intensityCountsSchema, intensityCountsSchema]),
        Z: z.tuple([intensityCountsSchema, intensityCountsSchema, intensityCountsSchema]),
      })
      .strict(),
    epsSec: unitOpen.optional(),
    epsCor: unitOpen.optional(),
    fEC: z.number().finite().min(1).optional(),
    leakageBits: nonNeg.optional(),
    bobProbX: unitOpen.optional(),
    bound: z.enum(['hoeffding', 'chernoff', 'asymptotic', 'no-decoy']).optional(),
    protocol: z.enum(['efficient', 'symmetric']).optional(),
  })
  .strict();

export type CountsFile = z.infer<typeof countsFileSchema>;

/** Parse and validate a counts document; `bound`/`protocol` arguments override the file's. */
export function parseCounts(
  json: unknown,
  overrides: { bound?: Bound; protocol?: Protocol; file?: string } = {},
): FiniteKeyInput {
  const r = countsFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issue.message, { file: overrides.file, field: issue.path.join('.') || '(root)' });
  }
  const d = r.data;
  const input: FiniteKeyInput = {
    intensities: d.intensities,
    probabilities: d.probabilities,
    counts: d.counts,
    bound: overrides.bound ?? d.bound ?? 'chernoff',
    protocol: overrides.protocol ?? d.protocol ?? 'symmetric',
    ...(d.epsSec !== undefined ? { epsSec: d.epsSec } : {}),
    ...(d.epsCor !== undefined ? { epsCor: d.epsCor } : {}),
    ...(d.fEC !== undefined ? { fEC: d.fEC } : {}),
    ...(d.leakageBits !== undefined ? { leakageBits: d.leakageBits } : {}),
    ...(d.bobProbX !== undefined ? { bobProbX: d.bobProbX } : {}),
  };
  try {
    validateFiniteKeyInput(input);
  } catch (e) {
    if (e instanceof InputError && overrides.file) throw new InputError(e.message, { file: overrides.file });
    throw e;
  }
  return input;
}
