import { z } from 'zod';
import {
  CiObservation,
  CiOutcome,
  MAX_CI_CHECK_NAME,
  MAX_CI_FAILURE_SUMMARY,
} from './ciChecks';

/**
 * Largest body `POST /ci/runs` accepts (bytes); larger bodies get 413.
 *
 * @public
 */
export const CI_PUSH_MAX_BODY_BYTES = 256 * 1024;
/**
 * Most runs one push may carry.
 *
 * @public
 */
export const CI_PUSH_MAX_RUNS = 100;
/**
 * Most check results one pushed run may carry.
 *
 * @public
 */
export const CI_PUSH_MAX_CHECKS = 50;

/**
 * The result of a pushed run or check.
 *
 * @public
 */
export const CI_PUSH_STATUSES = [
  'success',
  'failure',
  'error',
  'cancelled',
  'skipped',
  'pending',
] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine(v => /^https?:\/\//i.test(v), 'must be an http(s) URL');
const duration = z
  .number()
  .nonnegative()
  .max(7 * 86_400, 'durationSeconds must be at most 7 days');

/**
 * One check result inside a pushed run (a job, a stage, a test suite).
 *
 * @public
 */
export const ciPushCheckSchema = z
  .object({
    name: text(MAX_CI_CHECK_NAME),
    status: z.enum(CI_PUSH_STATUSES),
    durationSeconds: duration.optional(),
    url: httpUrl.optional(),
    summary: z.string().max(MAX_CI_FAILURE_SUMMARY).optional(),
  })
  .strict();

/**
 * One run pushed by a CI system.
 *
 * @public
 */
export const ciPushRunSchema = z
  .object({
    /** The CI system's run id: pushing the same id again updates the run. */
    id: text(200),
    /** Pipeline, workflow or job name: the check the run counts for. */
    name: text(MAX_CI_CHECK_NAME),
    status: z.enum(CI_PUSH_STATUSES),
    /** The commit; a failure and a success on one commit are flaky. */
    sha: z
      .string()
      .regex(/^[0-9a-fA-F]{7,64}$/, 'sha must be 7 to 64 hex characters')
      .optional(),
    branch: z.string().max(255).optional(),
    startedAt: z.string().datetime({ offset: true }),
    durationSeconds: duration.optional(),
    url: httpUrl.optional(),
    summary: z.string().max(MAX_CI_FAILURE_SUMMARY).optional(),
    checks: z.array(ciPushCheckSchema).max(CI_PUSH_MAX_CHECKS).optional(),
  })
  .strict();

/**
 * The body of `POST /api/compliance/ci/runs`.
 *
 * @public
 */
export const ciPushRequestSchema = z
  .object({
    entityRef: z.string().min(1).max(255),
    /** The CI system, for example `gitlab-ci`, `jenkins`, `github-actions`. */
    system: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,62}$/,
        'system must be 1-63 lower-case letters, digits, . _ -',
      ),
    runs: z.array(ciPushRunSchema).min(1).max(CI_PUSH_MAX_RUNS),
  })
  .strict();

/**
 * A push of CI runs.
 *
 * @public
 */
export type CiPushRequest = z.infer<typeof ciPushRequestSchema>;

/**
 * A pushed run.
 *
 * @public
 */
export type CiPushRun = z.infer<typeof ciPushRunSchema>;

/**
 * The answer of `POST /api/compliance/ci/runs`.
 *
 * @public
 */
export interface CiPushResponse {
  entityRef: string;
  /** Runs received. */
  runs: number;
  /** Observations (runs and their checks) stored or updated. */
  observations: number;
}

/**
 * The fact ids written from pushed runs: the same statistics as the GitHub
 * CI facts, from {@link computeCiStatistics}.
 *
 * @public
 */
export const CI_PUSHED_FACTS = {
  runs: 'ci.pushed.runs',
  passRate: 'ci.pushed.passRate',
  flakyRate: 'ci.pushed.flakyRate',
  p95DurationSeconds: 'ci.pushed.p95DurationSeconds',
  checksMaxFlakyRate: 'ci.pushed.checks.maxFlakyRate',
  checksMaxP95DurationSeconds: 'ci.pushed.checks.maxP95DurationSeconds',
  checksMinPassRate: 'ci.pushed.checks.minPassRate',
  headState: 'ci.pushed.headState',
  /** A CI summary ({@link ciSummarySchema}) of the pushed runs. */
  summary: 'ci.pushed.summary',
} as const;

function outcomeOf(status: CiPushRun['status']): CiOutcome {
  if (status === 'success') return 'success';
  if (status === 'failure' || status === 'error') return 'failure';
  if (status === 'pending') return 'pending';
  return 'other';
}

/**
 * The observations of a pushed run: the run itself (under its name) and
 * each of its checks, ids scoped by the CI system so that pushing the same
 * run again replaces them.
 *
 * @public
 */
export function pushedRunObservations(
  system: string,
  run: CiPushRun,
): CiObservation[] {
  const started = Date.parse(run.startedAt);
  const at = new Date(started).toISOString();
  const base = {
    source: 'push' as const,
    sha: run.sha?.toLowerCase() ?? null,
    at,
  };
  return [
    {
      ...base,
      id: `${system}:${run.id}`,
      name: run.name,
      outcome: outcomeOf(run.status),
      durationSeconds: run.durationSeconds ?? null,
      url: run.url ?? null,
      summary: run.summary ?? null,
    },
    ...(run.checks ?? []).map(check => ({
      ...base,
      id: `${system}:${run.id}:${check.name}`,
      name: check.name,
      outcome: outcomeOf(check.status),
      durationSeconds: check.durationSeconds ?? null,
      url: check.url ?? run.url ?? null,
      summary: check.summary ?? null,
    })),
  ];
}
