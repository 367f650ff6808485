import { z } from 'zod';
import { CI_SOURCES, MAX_CI_CHECK_NAME } from './ciChecks';
import { overviewQuerySchema } from './schemas';

/**
 * Query of `GET /overview/ci`: the overview's entity filters (owner,
 * transitive; system; kind; search) and how many checks per list.
 *
 * @public
 */
export const orgCiQuerySchema = overviewQuerySchema
  .pick({ owner: true, system: true, kind: true, search: true })
  .extend({
    limit: z.coerce.number().int().min(1).max(50).default(10),
  });

/**
 * The parsed org CI query.
 *
 * @public
 */
export type OrgCiQuery = z.infer<typeof orgCiQuerySchema>;

/**
 * Input accepted by the org CI query (before defaults).
 *
 * @public
 */
export type OrgCiQueryInput = z.input<typeof orgCiQuerySchema>;

const ratio = z.number().min(0).max(1).nullable();
const seconds = z.number().nonnegative().nullable();

/**
 * One entity a check runs for, with that check's figures there.
 *
 * @public
 */
export const orgCiEntitySchema = z.object({
  entityRef: z.string().min(1).max(255),
  runs: z.number().int().nonnegative(),
  flakyRate: ratio,
  p95DurationSeconds: seconds,
});

/**
 * A check (by name) across the filtered entities: flaky rate over all their
 * runs, the worst p95 duration, and the entities it affects (worst first).
 *
 * @public
 */
export const orgCiCheckSchema = z.object({
  name: z.string().min(1).max(MAX_CI_CHECK_NAME),
  sources: z.array(z.enum(CI_SOURCES)).max(CI_SOURCES.length),
  runs: z.number().int().nonnegative(),
  flaky: z.number().int().nonnegative(),
  flakyRate: ratio,
  /** The highest p95 among the entities (percentiles do not add up). */
  maxP95DurationSeconds: seconds,
  /** Entities the check affects (flaky there, or with a duration, by list). */
  entityCount: z.number().int().nonnegative(),
  /** The affected entities, worst first, bounded. */
  entities: z.array(orgCiEntitySchema).max(20),
});

/**
 * A check of the org CI view.
 *
 * @public
 */
export type OrgCiCheck = z.infer<typeof orgCiCheckSchema>;

/**
 * Answer of `GET /overview/ci`.
 *
 * @public
 */
export const orgCiResponseSchema = z.object({
  /** Readable entities matching the filter that were read. */
  entityCount: z.number().int().nonnegative(),
  /** Of those, the ones with CI statistics (collected or pushed). */
  entitiesWithCi: z.number().int().nonnegative(),
  /** More entities matched than one answer reads. */
  truncated: z.boolean(),
  /** Checks with flaky runs, flakiest first. */
  flakiest: z.array(orgCiCheckSchema).max(50),
  /** Checks by their worst p95 duration, slowest first. */
  slowest: z.array(orgCiCheckSchema).max(50),
});

/**
 * Answer of `GET /overview/ci`.
 *
 * @public
 */
export type OrgCiResponse = z.infer<typeof orgCiResponseSchema>;
