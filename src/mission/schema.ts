/**
 * The mission file's schema (zod), piece by piece, so that other layers can extend it: the
 * planner adds its own keys with `missionShape` (`z.object({ ...missionShape, constellation: … })`)
 * and passes the schema to `parseMission(text, file, { schema })`. The meaning of each key is
 * documented in README.md, "Your own mission", and in the commented example `mozi mission init`
 * writes (src/mission/example.ts).
 *
 * Hardware objects are partial here (any subset of the fields of link/hardware.ts); the
 * resolver fills the rest from the defaults and checks the complete configs with the link
 * layer's checkTransmitter/checkReceiver, the same checks every command applies.
 */
import { z } from 'zod';
import { RECONCILERS, type ReconcilerName } from '../postprocess/reconcile/registry.js';
import { BOUNDS, PROTOCOLS, type Bound, type Protocol } from '../security/types.js';

const lat = z.number().min(-90, 'latitude must be within ±90°').max(90, 'latitude must be within ±90°');
const lon = z.number().min(-180, 'longitude must be within -180°..360°').max(360, 'longitude must be within -180°..360°');

/** A partial hardware object: validated field by field once merged with its defaults. */
export const hardwarePatchSchema = z.record(z.string(), z.unknown());

export const horizonMaskSchema = z.union([
  z.number().min(-5, 'a horizon mask is ≥ -5°').max(90, 'a horizon mask is ≤ 90°'),
  z
    .array(
      z
        .object({
          azimuthDeg: z.number().min(0, 'azimuth within 0..360°').max(360, 'azimuth within 0..360°'),
          elevationDeg: z.number().min(-5, 'a horizon mask is ≥ -5°').max(90, 'a horizon mask is ≤ 90°'),
        })
        .strict(),
    )
    .min(1, 'at least one azimuth point'),
]);

export const stationIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'id must be lower-case letters, digits, - or _');

/**
 * A ground station: an id, a name, its coordinates (optional when the id is one of the reference
 * stations of src/mission/stations.ts), a horizon mask, and its own receiver (telescope,
 * detectors, background, stray light: any ReceiverConfig field).
 */
export const stationSchema = z
  .object({
    id: stationIdSchema.optional(),
    name: z.string().min(1).optional(),
    latitudeDeg: lat.optional(),
    longitudeDeg: lon.optional(),
    altitudeM: z.number().min(-500, 'altitude ≥ -500 m (the Dead Sea shore is -430 m)').max(9000, 'altitude ≤ 9,000 m').optional(),
    horizonMaskDeg: horizonMaskSchema.optional(),
    description: z.string().optional(),
    receiver: hardwarePatchSchema.optional(),
  })
  .strict();

/** A satellite NORAD catalogue number or name, to pick one satellite of a file of many. */
export const satelliteSelectSchema = z.union([z.string().min(1), z.number().int().positive()]);

/**
 * The satellite: a shipped element set by name ("micius"), inline TLE text or OMM JSON, or a file
 * of one or many element sets (TLE or OMM JSON). Several sets of one satellite are a history:
 * each pass uses the set whose epoch is nearest. Several satellites: `select` one by name or id.
 */
export const satelliteSpecSchema = z.union([
  z.string().min(1),
  z.object({ preset: z.string().min(1) }).strict(),
  z.object({ tle: z.string().min(1), select: satelliteSelectSchema.optional() }).strict(),
  z.object({ tleFile: z.string().min(1), select: satelliteSelectSchema.optional() }).strict(),
  z.object({ omm: z.unknown(), select: satelliteSelectSchema.optional() }).strict(),
  z.object({ ommFile: z.string().min(1), select: satelliteSelectSchema.optional() }).strict(),
  z.object({ elementsFile: z.string().min(1), select: satelliteSelectSchema.optional() }).strict(),
]);

export const constraintsSchema = z
  .object({
    minElevationDeg: z.number().min(-5, 'at least -5°').max(89.9, 'below 90°').optional(),
    nightOnly: z.boolean().optional(),
    sunElevationMaxDeg: z.number().min(-90).max(90).optional(),
  })
  .strict();

// From their one source each (postprocess/reconcile/registry.ts, security/types.ts).
export const reconciliationSchema = z.enum(RECONCILERS as unknown as [ReconcilerName, ...ReconcilerName[]]);
export const boundSchema = z.enum(BOUNDS as unknown as [Bound, ...Bound[]]);
export const protocolSchema = z.enum(PROTOCOLS as unknown as [Protocol, ...Protocol[]]);

/** Post-processing defaults of the mission's replays. */
export const postprocessingSchema = z
  .object({
    reconciliation: reconciliationSchema.optional(),
    bound: boundSchema.optional(),
    protocol: protocolSchema.optional(),
    epsSec: z.number().gt(0).lt(1).optional(),
  })
  .strict();

/** Published figures of a pass, to print next to the model. */
export const publishedSchema = z
  .object({
    source: z.string().min(1),
    detections: z.number().nonnegative().optional(),
    siftedBits: z.number().nonnegative().optional(),
    qber: z.number().min(0).max(0.5).optional(),
    finalKeyBits: z.number().nonnegative().optional(),
    finalKeyRateBps: z.number().nonnegative().optional(),
    durationS: z.number().positive().optional(),
    epsSec: z.number().gt(0).lt(1).optional(),
  })
  .strict();

/** A named pass of the mission (a replay preset): station, pass, data window, post-processing, published figures. */
export const replaySchema = z
  .object({
    id: stationIdSchema,
    description: z.string().optional(),
    station: stationIdSchema,
    pass: z.string().min(1),
    windowS: z.number().min(1, 'a data window of at least 1 s').max(3600, 'a data window of at most 3,600 s').optional(),
    reconciliation: reconciliationSchema.optional(),
    bound: boundSchema.optional(),
    protocol: protocolSchema.optional(),
    published: publishedSchema.optional(),
  })
  .strict();

/**
 * A Walker-delta constellation i:T/P/F at one altitude (mission/constellation.ts), instead of or
 * beside `satellite`; the pattern itself is checked by parseWalker (its message names the field).
 */
export const constellationSchema = z
  .object({
    walker: z.string().min(1, 'a Walker pattern i:T/P/F, e.g. "53:100/10/1"'),
    altitudeKm: z.number().min(150, 'altitude ≥ 150 km').max(40_000, 'altitude ≤ 40,000 km'),
    epoch: z.string().min(1, 'the elements\' epoch, an ISO time'),
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - or _').optional(),
  })
  .strict();

/** Key wanted between two stations over the planning window (the planner's demand matrix). */
export const demandSchema = z
  .array(
    z
      .object({
        a: stationIdSchema,
        b: stationIdSchema,
        bits: z.number().positive('demand in bits, > 0'),
      })
      .strict(),
  )
  .min(1, 'at least one station pair');

/** Every key of a mission file: extend with `{ ...missionShape, yourKey: … }`. */
export const missionShape = {
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Required unless `constellation` is given (checked by the resolver, naming "satellite"). */
  satellite: satelliteSpecSchema.optional(),
  constellation: constellationSchema.optional(),
  demand: demandSchema.optional(),
  transmitter: hardwarePatchSchema.optional(),
  receiver: hardwarePatchSchema.optional(),
  stations: z.array(z.union([stationIdSchema, stationSchema])).min(1, 'at least one station'),
  constraints: constraintsSchema.optional(),
  postprocessing: postprocessingSchema.optional(),
  replays: z.array(replaySchema).optional(),
};

/** The mission file's schema; unknown keys are refused (a typo is named with its line). */
export const missionSchema = z.object(missionShape).strict();

export type MissionFile = z.infer<typeof missionSchema>;
