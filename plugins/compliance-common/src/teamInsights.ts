import { z } from 'zod';
import { insightCiteSchema, insightClaimSchema } from './insights';

const entityRefs = z.array(z.string().min(1).max(400)).max(10);
const count = z.number().int().nonnegative();

/**
 * A control that is a risk for several of a team's entities.
 *
 * @public
 */
export const teamInsightRiskSchema = insightClaimSchema
  .extend({
    controlId: insightCiteSchema,
    title: z.string().max(300),
    /** Entities (of those the caller may read) the control is a risk for. */
    entities: count,
    /** Up to 10 of them. */
    entityRefs,
  })
  .strict();

/**
 * A control that would move entities to their next level if it passed,
 * computed from the engine's next-level figures.
 *
 * @public
 */
export const teamInsightLiftSchema = insightClaimSchema
  .extend({
    controlId: insightCiteSchema,
    title: z.string().max(300),
    /** Entities for which this control is the only thing missing for the next level. */
    lifts: count,
    /** Entities whose next level needs this control (among others). */
    blocks: count,
    /** Up to 10 of the entities it lifts (or blocks, when it lifts none). */
    entityRefs,
  })
  .strict();

/**
 * `GET /overview/insight?owner=group:default/team`: a short insight for an
 * owner group and the groups below it, built from the entity insights and
 * the engine's figures. Every claim cites control ids or `team.*` figures;
 * only entities the caller may read in the catalog count.
 *
 * @public
 */
export const teamInsightResponseSchema = z
  .object({
    owner: z.string().min(1).max(400),
    /** The owner and the groups below it. */
    groupCount: count,
    /** Readable, evaluated entities owned by those groups. */
    entityCount: count,
    /** Whether more entities exist than the insight read (it reads the first ones by name). */
    truncated: z.boolean(),
    averageScore: z.number().min(0).max(100).nullable(),
    summary: insightClaimSchema,
    risks: z.array(teamInsightRiskSchema).max(5),
    lifts: z.array(teamInsightLiftSchema).max(5),
    /** How many of the entity insights used came from a model or from the rules. */
    sources: z.object({ model: count, rules: count }).strict(),
    generatedAt: z.string().datetime({ offset: true }),
  })
  .strict();

/**
 * The team insight.
 *
 * @public
 */
export type TeamInsightResponse = z.infer<typeof teamInsightResponseSchema>;

/**
 * The owner query of the team insight.
 *
 * @public
 */
export const teamInsightQuerySchema = z
  .object({
    owner: z
      .string()
      .min(1)
      .max(400)
      .regex(
        /^([A-Za-z0-9_-]+:)?([A-Za-z0-9._-]+\/)?[A-Za-z0-9._-]+$/,
        'owner must be an entity reference such as group:default/team',
      ),
  })
  .strict();
