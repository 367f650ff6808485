import { z } from 'zod';

/**
 * Version of the insight document schema. Part of every insight's input
 * hash: a change regenerates every insight.
 *
 * @public
 */
export const INSIGHT_SCHEMA_VERSION = '1';

/**
 * An id an insight claim may cite: a control id (`GH-BP-01`) or a fact id
 * of the insight input (`score.total`, `ci.passRate`).
 *
 * @public
 */
export const insightCiteSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'cited ids hold letters, digits and . _ : / -');

const cites = z.array(insightCiteSchema).min(1).max(12);
const claimText = z.string().trim().min(1).max(600);

/**
 * One statement of an insight and the ids it rests on.
 *
 * @public
 */
export const insightClaimSchema = z
  .object({
    text: claimText,
    cites,
  })
  .strict();

/**
 * A risk: a control that is not passing (fail, warn or unknown), why it
 * matters.
 *
 * @public
 */
export const insightRiskSchema = z
  .object({
    text: claimText,
    /** The control the risk is about. */
    controlId: insightCiteSchema,
    cites,
  })
  .strict();

/**
 * One remediation step as a model writes it: which control, what to do.
 *
 * @public
 */
export const insightStepDraftSchema = z
  .object({
    text: claimText,
    controlId: insightCiteSchema,
    cites,
  })
  .strict();

/**
 * One remediation step of a stored insight: the engine adds the expected
 * score gain (points of the total score if the control passed), it is never
 * taken from a model.
 *
 * @public
 */
export const insightStepSchema = insightStepDraftSchema
  .extend({
    expectedScoreGain: z.number().min(0).max(100),
  })
  .strict();

/**
 * The content of an insight as a model must return it (structured output),
 * validated locally before anything is stored. Steps are in priority order.
 *
 * @public
 */
export const insightDraftSchema = z
  .object({
    summary: insightClaimSchema,
    risks: z.array(insightRiskSchema).max(5),
    steps: z.array(insightStepDraftSchema).max(6),
    ciCauses: z.array(insightClaimSchema).max(4),
    trend: insightClaimSchema,
  })
  .strict();

/**
 * Who wrote an insight: a model of a configured provider, or the
 * deterministic rules.
 *
 * @public
 */
export const insightSourceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('model'),
      provider: z.string().min(1).max(100),
      model: z.string().min(1).max(200),
    })
    .strict(),
  z.object({ type: z.literal('rules') }).strict(),
]);

/**
 * The insight of one entity: the one schema the model output, the rules
 * fallback, the API and the frontend share. Every claim cites the control
 * or fact ids it rests on.
 *
 * @public
 */
export const insightSchema = z
  .object({
    entityRef: z.string().min(1).max(400),
    summary: insightClaimSchema,
    risks: z.array(insightRiskSchema).max(5),
    steps: z.array(insightStepSchema).max(6),
    ciCauses: z.array(insightClaimSchema).max(4),
    trend: insightClaimSchema,
    source: insightSourceSchema,
    /** sha256 of the normalized inputs, prompt and schema versions. */
    inputHash: z.string().regex(/^[0-9a-f]{64}$/),
    promptVersion: z.string().min(1).max(40),
    schemaVersion: z.string().min(1).max(40),
    generatedAt: z.string().datetime({ offset: true }),
  })
  .strict();

/**
 * A model's insight draft.
 *
 * @public
 */
export type InsightDraft = z.infer<typeof insightDraftSchema>;

/**
 * An entity's insight.
 *
 * @public
 */
export type Insight = z.infer<typeof insightSchema>;

/**
 * A claim of an insight.
 *
 * @public
 */
export type InsightClaim = z.infer<typeof insightClaimSchema>;

/**
 * A risk of an insight.
 *
 * @public
 */
export type InsightRisk = z.infer<typeof insightRiskSchema>;

/**
 * A remediation step of an insight.
 *
 * @public
 */
export type InsightStep = z.infer<typeof insightStepSchema>;

/**
 * The source of an insight.
 *
 * @public
 */
export type InsightSource = z.infer<typeof insightSourceSchema>;

/**
 * States of an insight generation job.
 *
 * @public
 */
export const INSIGHT_JOB_STATES = [
  'queued',
  'running',
  'retrying',
  'dead',
] as const;

/**
 * The generation job of an entity's current inputs, as the API shows it.
 *
 * @public
 */
export const insightJobSchema = z
  .object({
    state: z.enum(INSIGHT_JOB_STATES),
    attempts: z.number().int().nonnegative(),
    maxAttempts: z.number().int().positive(),
    /** When a retrying job is tried next. */
    nextAttemptAt: z.string().nullable(),
    /** Why the last attempt failed (error class and message, no secrets). */
    lastError: z.string().max(1000).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();

/**
 * An insight generation job.
 *
 * @public
 */
export type InsightJob = z.infer<typeof insightJobSchema>;

/**
 * `GET /entities/:kind/:namespace/:name/insight`: the insight shown for the
 * entity and the state of its generation.
 *
 * - `fresh`: a model insight for the current inputs;
 * - `fallback`: the rules insight, because no provider is configured, a job
 *   is pending (see `job`), or generation failed.
 *
 * @public
 */
export const entityInsightResponseSchema = z
  .object({
    entityRef: z.string(),
    status: z.enum(['fresh', 'fallback']),
    insight: insightSchema,
    /** The job generating a model insight for the current inputs, if any. */
    job: insightJobSchema.nullable(),
    /** Whether any model provider is configured. */
    providersConfigured: z.boolean(),
  })
  .strict();

/**
 * The insight endpoint's answer.
 *
 * @public
 */
export type EntityInsightResponse = z.infer<typeof entityInsightResponseSchema>;

/**
 * Reads an insight; `undefined` when it does not satisfy the contract.
 *
 * @public
 */
export function parseInsight(value: unknown): Insight | undefined {
  const parsed = insightSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The state of an entity's insight as people read it:
 *
 * - `fresh`: a model insight for the current inputs, nothing pending;
 * - `queued` / `generating`: a model insight is waiting or being written;
 * - `failed`: the last attempt failed (see the job's error and next attempt);
 * - `rules`: the rules insight, no model insight pending.
 *
 * @public
 */
export type InsightDisplayState =
  | 'fresh'
  | 'queued'
  | 'generating'
  | 'failed'
  | 'rules';

/**
 * The {@link InsightDisplayState} of an insight endpoint answer.
 *
 * @public
 */
export function insightDisplayState(
  answer: Pick<EntityInsightResponse, 'status' | 'job'>,
): InsightDisplayState {
  switch (answer.job?.state) {
    case 'retrying':
    case 'dead':
      return 'failed';
    case 'running':
      return 'generating';
    case 'queued':
      return 'queued';
    default:
      return answer.status === 'fresh' ? 'fresh' : 'rules';
  }
}
