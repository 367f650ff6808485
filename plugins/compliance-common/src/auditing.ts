import { z } from 'zod';
import type { ComplianceStatus, EvidenceFact, JsonValue } from './types';

/**
 * An instant or a date; a date means its end (23:59:59.999 UTC).
 *
 * @public
 */
export const asOfSchema = z
  .string()
  .max(40)
  .refine(v => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO date or timestamp',
  })
  .transform(v =>
    /^\d{4}-\d{2}-\d{2}$/.test(v)
      ? new Date(`${v}T23:59:59.999Z`).toISOString()
      : new Date(v).toISOString(),
  );

/**
 * Query of the point-in-time read.
 *
 * @public
 */
export const asOfQuerySchema = z.object({ asOf: asOfSchema });

/**
 * One fact as it stood at a point in time.
 *
 * @public
 */
export interface FactAsOf {
  factId: string;
  collectorId?: string;
  value: JsonValue;
  unknownReason?: string;
  /** sha256 of the canonical (key-sorted) JSON of the observation. */
  sha256: string;
  /** When this value was first observed (the history row). */
  changedAt: string;
  source?: string;
  url?: string;
}

/**
 * One control's status at a point in time.
 *
 * @public
 */
export interface ResultAsOf {
  controlId: string;
  status: ComplianceStatus | null;
  /** When that status began, when known. */
  since?: string;
}

/**
 * An entity's results and evidence as of a date.
 *
 * @public
 */
export interface EntityAsOfResponse {
  entityRef: string;
  asOf: string;
  results: ResultAsOf[];
  facts: FactAsOf[];
}

/**
 * Frameworks an auditor export can cover.
 *
 * @public
 */
export const exportQuerySchema = z
  .object({
    framework: z
      .string()
      .regex(/^[a-z0-9_-]{1,63}$/i, 'framework must be a framework id or all')
      .default('all'),
    format: z.enum(['json', 'csv']).default('json'),
    asOf: asOfSchema.optional(),
    from: asOfSchema.optional(),
  })
  .refine(q => !q.from || !q.asOf || q.from <= q.asOf, {
    message: 'from must not be after asOf',
    path: ['from'],
  });

/**
 * An auditor export query.
 *
 * @public
 */
export type ExportQuery = z.infer<typeof exportQuerySchema>;

/**
 * The manifest of an auditor export: each file with its sha256.
 *
 * @public
 */
export interface ExportManifest {
  framework: string;
  asOf: string;
  from?: string;
  files: Array<{ name: string; sha256: string; bytes: number; rows: number }>;
}

/**
 * One entity's result for one control (the per-control campaign page).
 *
 * @public
 */
export interface ControlEntityRow {
  entityRef: string;
  title: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  status: ComplianceStatus;
  reason: string;
  statusSince: string;
  evidence: EvidenceFact[];
}

/**
 * A control across the entities the caller may read.
 *
 * @public
 */
export interface ControlEntitiesResponse {
  controlId: string;
  /** Count per status over the filtered entities. */
  counts: Record<string, number>;
  items: ControlEntityRow[];
}

/**
 * One day of the org trend of a filtered set of entities.
 *
 * @public
 */
export interface TrendPoint {
  day: string;
  entities: number;
  /** Mean score of the entities with a score; null when none had one. */
  averageScore: number | null;
  /** Entities per level id (`none` for no level). */
  levels: Record<string, number>;
}

/**
 * The org trend of a filtered set.
 *
 * @public
 */
export interface TrendResponse {
  days: number;
  points: TrendPoint[];
}

const filterText = z
  .string()
  .max(1000)
  .refine(v => ![...v].some(c => c.charCodeAt(0) < 32 || c === '\u007f'), {
    message: 'must not contain control characters',
  });

const filterList = z
  .union([filterText, z.array(filterText).max(100)])
  .transform(v => (Array.isArray(v) ? v : v.split(',')))
  .transform(v => v.map(s => s.trim()).filter(Boolean));

/**
 * Query of the per-control page: filters by owner (with child groups),
 * system, lifecycle and status.
 *
 * @public
 */
export const controlEntitiesQuerySchema = z.object({
  owner: filterList.optional(),
  system: filterList.optional(),
  lifecycle: filterList.optional(),
  status: z
    .union([
      z.enum(['pass', 'warn', 'fail', 'unknown', 'waived']),
      z.array(z.enum(['pass', 'warn', 'fail', 'unknown', 'waived'])).max(6),
    ])
    .transform(v => (Array.isArray(v) ? v : [v]))
    .optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

/**
 * Path parameters of the per-control routes.
 *
 * @public
 */
export const controlIdParamsSchema = z.object({
  controlId: z
    .string()
    .max(127)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
      'controlId may hold letters, digits, . _ : -',
    ),
});

/**
 * Query of the org trend.
 *
 * @public
 */
export const trendQuerySchema = z.object({
  owner: filterList.optional(),
  system: filterList.optional(),
  lifecycle: filterList.optional(),
  kind: filterList.optional(),
  days: z.coerce.number().int().min(1).max(730).default(90),
});
