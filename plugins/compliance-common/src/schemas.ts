import { z } from 'zod';
import type { JsonValue, RuleCondition } from './types';

const nameRegex = /^(?=.{1,63}$)[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;

/**
 * Path parameters naming an entity: `/entities/:kind/:namespace/:name`.
 *
 * @public
 */
export const entityRefParamsSchema = z.object({
  kind: z
    .string()
    .regex(
      /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
      'kind must be a catalog kind such as "component"',
    ),
  namespace: z
    .string()
    .regex(nameRegex, 'namespace must be a valid catalog namespace'),
  name: z.string().regex(nameRegex, 'name must be a valid catalog entity name'),
});

/**
 * Query of the history endpoint.
 *
 * @public
 */
export const historyQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(3650).default(90),
});

/** Query text: no NUL (PostgreSQL refuses it in text) or other control characters. */
const queryText = z
  .string()
  .max(1000)
  .refine(v => ![...v].some(c => c.charCodeAt(0) < 32 || c === '\u007f'), {
    message: 'must not contain control characters',
  });

const csv = z
  .union([queryText, z.array(queryText).max(100)])
  .transform(v => (Array.isArray(v) ? v : v.split(',')))
  .transform(v => v.map(s => s.trim()).filter(Boolean));

/**
 * Query of the overview endpoint.
 *
 * @public
 */
export const overviewQuerySchema = z.object({
  owner: csv.optional(),
  /**
   * `true`: only entities the `owner` groups own themselves. By default
   * (`false`) the groups below them in the hierarchy count too.
   */
  ownerDirect: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .transform(v => v === true || v === 'true' || v === '1')
    .optional(),
  system: csv.optional(),
  kind: csv.optional(),
  level: csv.optional(),
  lifecycle: csv.optional(),
  /** Only entities on which this control fails. */
  failing: z
    .string()
    .min(1)
    .max(127)
    .regex(/^[A-Za-z0-9._-]+$/, 'must be a control id')
    .optional(),
  framework: z
    .string()
    .regex(/^[a-z0-9-_]+$/i)
    .optional(),
  search: queryText.pipe(z.string().max(200)).optional(),
  sort: z
    .enum([
      'score',
      'coverage',
      'name',
      'owner',
      'level',
      'evaluatedAt',
      'failing',
    ])
    .default('score'),
  order: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  /**
   * Keyset pagination: the `nextCursor` of the previous answer (same sort,
   * order and framework). When given, `page` is ignored; deep pages cost
   * the same as the first.
   */
  cursor: z
    .string()
    .max(2000)
    .regex(/^[A-Za-z0-9_-]+$/, 'cursor must be a nextCursor of an answer')
    .optional(),
  /**
   * `true` adds each row's `categories` and `frameworks` breakdowns; rows
   * are slim (both empty) by default.
   */
  categories: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .transform(v => v === true || v === 'true' || v === '1')
    .optional(),
});

/**
 * The parsed overview query.
 *
 * @public
 */
export type OverviewQuery = z.infer<typeof overviewQuerySchema>;

/**
 * Input accepted by the overview query (before defaults).
 *
 * @public
 */
export type OverviewQueryInput = z.input<typeof overviewQuerySchema>;

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(jsonValueSchema),
  ]),
);

/** The deepest nesting of all/any/not a rule may have. */
const MAX_RULE_DEPTH = 12;
/** The longest `matches` pattern a rule may have. */
const MAX_PATTERN_LENGTH = 500;

/** Problems of a rule that its shape cannot express: depth, patterns. */
function ruleProblems(
  condition: RuleCondition,
  path: Array<string | number>,
  depth = 1,
): Array<{ path: Array<string | number>; message: string }> {
  if (depth > MAX_RULE_DEPTH) {
    return [{ path, message: `rules nest at most ${MAX_RULE_DEPTH} deep` }];
  }
  if ('all' in condition) {
    return condition.all.flatMap((c, i) =>
      ruleProblems(c, [...path, 'all', i], depth + 1),
    );
  }
  if ('any' in condition) {
    return condition.any.flatMap((c, i) =>
      ruleProblems(c, [...path, 'any', i], depth + 1),
    );
  }
  if ('not' in condition) {
    return ruleProblems(condition.not, [...path, 'not'], depth + 1);
  }
  if (condition.operator !== 'matches') return [];
  const pattern = condition.value;
  if (typeof pattern !== 'string' || pattern.length > MAX_PATTERN_LENGTH) {
    return [
      {
        path: [...path, 'value'],
        message: `a matches pattern must be a string of at most ${MAX_PATTERN_LENGTH} characters`,
      },
    ];
  }
  try {
    // eslint-disable-next-line no-new
    new RegExp(pattern);
    return [];
  } catch (e) {
    return [
      {
        path: [...path, 'value'],
        message: `invalid regular expression: ${(e as Error).message}`,
      },
    ];
  }
}

const ruleConditionSchema: z.ZodType<RuleCondition> = z.lazy(() =>
  z.union([
    z
      .object({
        fact: z.string().min(1),
        operator: z.enum([
          'equal',
          'notEqual',
          'lessThan',
          'lessThanInclusive',
          'greaterThan',
          'greaterThanInclusive',
          'in',
          'notIn',
          'contains',
          'notContains',
          'matches',
          'exists',
          'notExists',
          'lengthGreaterThanInclusive',
        ]),
        value: jsonValueSchema.optional(),
      })
      .strict(),
    z.object({ all: z.array(ruleConditionSchema).min(1) }).strict(),
    z.object({ any: z.array(ruleConditionSchema).min(1) }).strict(),
    z.object({ not: ruleConditionSchema }).strict(),
  ]),
);

/**
 * Schema of a control definition, as modules and `app-config.yaml` give it.
 *
 * @public
 */
export const controlDefinitionSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'control id must be alphanumeric with . _ -',
      ),
    title: z.string().min(1),
    description: z.string().default(''),
    category: z.string().min(1),
    severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
    weight: z.number().min(0).max(100).optional(),
    applicability: z
      .object({
        kinds: z.array(z.string()).optional(),
        types: z.array(z.string()).optional(),
        lifecycles: z.array(z.string()).optional(),
        tags: z.array(z.string()).optional(),
        excludeTags: z.array(z.string()).optional(),
        annotations: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    rule: z
      .object({
        pass: ruleConditionSchema,
        warn: ruleConditionSchema.optional(),
        notApplicable: ruleConditionSchema.optional(),
      })
      .strict()
      .superRefine((rule, ctx) => {
        for (const key of ['pass', 'warn', 'notApplicable'] as const) {
          const condition = rule[key];
          if (!condition) continue;
          for (const problem of ruleProblems(condition, [key])) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, ...problem });
          }
        }
      }),
    frameworks: z.record(z.array(z.string())).optional(),
    remediation: z
      .object({
        text: z.string().max(4000),
        url: z
          .string()
          .url()
          .refine(u => /^https?:\/\//i.test(u), {
            message: 'remediation.url must be an http(s) URL',
          })
          .optional(),
      })
      .optional(),
    messages: z
      .object({
        pass: z.string().optional(),
        warn: z.string().optional(),
        fail: z.string().optional(),
      })
      .optional(),
  })
  .strict();

const boundedString = (max: number) => z.string().max(max);
const kindSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'kind must be a catalog kind');
const refLike = boundedString(255);

/**
 * Body of `POST /evaluate`: a proposed catalog entity. Every field the
 * evaluation reads is validated and bounded; unknown fields are kept.
 *
 * @public
 */
export const evaluateRequestSchema = z.object({
  entity: z
    .object({
      apiVersion: boundedString(255).min(1),
      kind: kindSchema,
      metadata: z
        .object({
          name: z
            .string()
            .regex(
              nameRegex,
              'metadata.name must be a valid catalog entity name',
            ),
          namespace: z
            .string()
            .regex(nameRegex, 'metadata.namespace must be a valid namespace')
            .optional(),
          title: boundedString(1024).optional(),
          description: boundedString(10_000).optional(),
          tags: z.array(boundedString(63)).max(100).optional(),
          labels: z.record(boundedString(63)).optional(),
          annotations: z
            .record(boundedString(20_000))
            .refine(a => Object.keys(a).length <= 200, {
              message: 'at most 200 annotations',
            })
            .refine(a => Object.keys(a).every(k => k.length <= 317), {
              message: 'annotation keys are at most 317 characters',
            })
            .optional(),
          links: z.array(z.record(z.unknown())).max(100).optional(),
        })
        .passthrough(),
      spec: z
        .object({
          type: boundedString(255).optional(),
          lifecycle: boundedString(255).optional(),
          owner: refLike.optional(),
          system: refLike.optional(),
        })
        .passthrough()
        .optional(),
    })
    .passthrough(),
  /**
   * Facts predicted by what a template will apply (for example a GitHub
   * baseline), evaluated as known and marked as predicted in the evidence.
   * Only collector facts: `entity.*` pseudo-facts come from the entity.
   */
  predictedFacts: z
    .array(
      z.object({
        factId: z
          .string()
          .max(255)
          .regex(
            /^(?!entity\.)[a-zA-Z][\w.-]*$/,
            'factId must be a collector fact id such as github.defaultBranch.requiredApprovals',
          ),
        value: jsonValueSchema,
      }),
    )
    .max(200)
    .optional(),
});
