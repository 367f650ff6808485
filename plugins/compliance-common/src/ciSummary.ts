import { z } from 'zod';
import {
  CI_SOURCES,
  ciCheckStatsSchema,
  CiStatistics,
  MAX_CI_CHECK_NAME,
  MAX_CI_CHECKS,
} from './ciChecks';

/**
 * The fact id of the CI summary: written by the GitHub CI collector, read by
 * the Compliance tab.
 *
 * @public
 */
export const CI_SUMMARY_FACT_ID = 'github.ci.summary';

/**
 * Combined state of the checks and statuses on the default branch's head
 * commit (GitHub's `StatusState`, plus `NONE` when nothing reported).
 *
 * @public
 */
export const CI_HEAD_STATES = [
  'SUCCESS',
  'FAILURE',
  'ERROR',
  'PENDING',
  'EXPECTED',
  'NONE',
] as const;

const count = z.number().int().nonnegative();
const ratio = z.number().min(0).max(1).nullable();
const seconds = z.number().nonnegative().nullable();

/**
 * One day of CI runs in the CI summary.
 *
 * @public
 */
export const ciDailyPointSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD'),
  runs: count,
  passed: count,
  failed: count,
  flaky: count,
  p50DurationSeconds: seconds,
});

/**
 * The contract of the `github.ci.summary` fact value. The collector builds
 * it through this schema and the frontend reads it through
 * {@link parseCiSummary}; a change here is a change on both sides.
 *
 * @public
 */
export const ciSummarySchema = z.object({
  /** The default branch the statistics are about. */
  defaultBranch: z.string().min(1).max(255),
  /** The head commit of the default branch, when known. */
  headSha: z.string().max(64).nullable(),
  /** Combined state of the checks on the head commit. */
  headState: z.enum(CI_HEAD_STATES),
  windowDays: z.number().int().min(1).max(366),
  /** Completed runs counted for the pass rate (cancelled and skipped excluded). */
  runs: count,
  passed: count,
  failed: count,
  flaky: count,
  /** 0..1, null without runs. */
  passRate: ratio,
  /** 0..1, null without runs. */
  flakyRate: ratio,
  p50DurationSeconds: seconds,
  p95DurationSeconds: seconds,
  /** Most failing checks (workflow names), bounded. */
  topFailingChecks: z
    .array(z.object({ name: z.string().max(200), count }))
    .max(20),
  /** One point per day of the window, oldest first. */
  daily: z.array(ciDailyPointSchema).max(366),
  /** Every check (workflow, check run, status context, pushed check) with its statistics. */
  checks: z.array(ciCheckStatsSchema).max(MAX_CI_CHECKS).optional(),
  /** Where the counted runs came from. */
  sources: z.array(z.enum(CI_SOURCES)).max(CI_SOURCES.length).optional(),
  /** Runs a check needs before its statistics count. */
  minRuns: z.number().int().min(1).optional(),
});

/**
 * The CI summary fact value.
 *
 * @public
 */
export type CiSummary = z.infer<typeof ciSummarySchema>;

/**
 * One day of the CI summary.
 *
 * @public
 */
export type CiDailyPoint = z.infer<typeof ciDailyPointSchema>;

/**
 * Reads a CI summary fact value; `undefined` when it does not satisfy the
 * contract (absent, unknown or written by an incompatible collector).
 *
 * @public
 */
export function parseCiSummary(value: unknown): CiSummary | undefined {
  const parsed = ciSummarySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Builds a CI summary from {@link computeCiStatistics} output and the head
 * of the default branch, validated against the contract (throws when it
 * does not satisfy it).
 *
 * @public
 */
export function buildCiSummaryFromStatistics(
  head: {
    defaultBranch: string;
    headSha: string | null;
    headState: CiSummary['headState'];
  },
  statistics: CiStatistics,
  minRuns: number,
): CiSummary {
  const { overall } = statistics;
  return ciSummarySchema.parse({
    ...head,
    ...overall,
    topFailingChecks: overall.topFailingChecks.slice(0, 20).map(check => ({
      name: check.name.slice(0, MAX_CI_CHECK_NAME),
      count: check.count,
    })),
    checks: statistics.checks,
    sources: statistics.sources,
    minRuns,
  });
}
