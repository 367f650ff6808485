import type { ComplianceStatus } from './types';
import { ANNOTATION_COMPLIANCE_SKIP } from './constants';

/**
 * Entity kinds evaluated when `compliance.entities.kinds` is not configured.
 *
 * @public
 */
export const DEFAULT_EVALUATED_KINDS: readonly string[] = [
  'component',
  'api',
  'resource',
  'system',
];

/**
 * Whether an entity opted out of compliance evaluation with the
 * `compliance.backstage.io/skip: "true"` annotation.
 *
 * @public
 */
export function isComplianceSkipped(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  return entity.metadata.annotations?.[ANNOTATION_COMPLIANCE_SKIP] === 'true';
}

/**
 * Statuses that satisfy a level's (or a gate's) required control: it passes,
 * an approved waiver covers it, or it does not apply to the entity.
 *
 * @public
 */
export const LEVEL_MET_STATUSES: readonly ComplianceStatus[] = [
  'pass',
  'waived',
  'not_applicable',
];

/**
 * Whether a control's status satisfies a level requirement.
 *
 * @public
 */
export function meetsLevelRequirement(
  status: ComplianceStatus | undefined,
): boolean {
  return status !== undefined && LEVEL_MET_STATUSES.includes(status);
}

/**
 * Score buckets of the overview's distribution, lowest first; `none` holds
 * entities without a score (nothing known yet).
 *
 * @public
 */
export const SCORE_BUCKETS: ReadonlyArray<{
  id: string;
  /** Inclusive lower bound; null for `none`. */
  min: number | null;
}> = [
  ...[0, 10, 20, 30, 40, 50, 60, 70, 80].map(min => ({
    id: `${min}-${min + 9}`,
    min,
  })),
  { id: '90-100', min: 90 },
  { id: 'none', min: null },
];

/**
 * The score bucket a score falls in.
 *
 * @public
 */
export function scoreBucketOf(score: number | null): string {
  if (score === null) return 'none';
  let id = SCORE_BUCKETS[0].id;
  for (const b of SCORE_BUCKETS)
    if (b.min !== null && score >= b.min) id = b.id;
  return id;
}
