import { z } from 'zod';

/**
 * Where a CI observation came from: a GitHub Actions workflow run, a GitHub
 * check run (any GitHub App), a commit status (any CI reporting through the
 * Status API) or a run pushed to the compliance API by any CI.
 *
 * @public
 */
export const CI_SOURCES = [
  'workflow_run',
  'check_run',
  'status',
  'push',
] as const;

/**
 * A CI observation source.
 *
 * @public
 */
export type CiSource = (typeof CI_SOURCES)[number];

/**
 * The outcome of one CI observation: `success` and `failure` are counted,
 * `pending` and `other` (cancelled, skipped, neutral…) are not.
 *
 * @public
 */
export const CI_OUTCOMES = ['success', 'failure', 'pending', 'other'] as const;

/**
 * A CI outcome.
 *
 * @public
 */
export type CiOutcome = (typeof CI_OUTCOMES)[number];

/**
 * One run of one check on one commit, whatever reported it. The input of
 * {@link computeCiStatistics}.
 *
 * @public
 */
export interface CiObservation {
  source: CiSource;
  /** Unique within the source (run id, check run id, status context + sha). */
  id: string;
  /** The check name (workflow name, check run name, status context, pushed check). */
  name: string;
  /** The commit, when known; failures and successes on one commit are flaky. */
  sha: string | null;
  outcome: CiOutcome;
  /** ISO time the run started (or was reported). */
  at: string;
  durationSeconds: number | null;
  /** Link to the run (details URL, target URL, run URL). */
  url?: string | null;
  /** Short failure summary (check title, status description). */
  summary?: string | null;
  /**
   * The source already knows this successful run followed a failed attempt
   * on the same commit (a re-run of a workflow).
   */
  rerunAfterFailure?: boolean;
}

/**
 * Longest check name kept.
 *
 * @public
 */
export const MAX_CI_CHECK_NAME = 200;
/**
 * Longest failure summary kept.
 *
 * @public
 */
export const MAX_CI_FAILURE_SUMMARY = 500;
/**
 * Most checks a summary lists.
 *
 * @public
 */
export const MAX_CI_CHECKS = 50;
/**
 * Runs a check needs before its rates and percentiles count (default).
 *
 * @public
 */
export const DEFAULT_CI_MIN_RUNS = 5;

const count = z.number().int().nonnegative();
const ratio = z.number().min(0).max(1).nullable();
const seconds = z.number().nonnegative().nullable();
const httpUrl = z
  .string()
  .max(2000)
  .refine(v => /^https?:\/\//i.test(v), 'must be an http(s) URL');

/**
 * One day of one check.
 *
 * @public
 */
export const ciCheckDaySchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD'),
  passed: count,
  failed: count,
  flaky: count,
  p50DurationSeconds: seconds,
});

/**
 * Statistics of one check over the window.
 *
 * @public
 */
export const ciCheckStatsSchema = z.object({
  name: z.string().min(1).max(MAX_CI_CHECK_NAME),
  sources: z.array(z.enum(CI_SOURCES)).max(CI_SOURCES.length),
  /** `insufficient_data` below the minimum number of runs: rates are indicative only. */
  status: z.enum(['ok', 'insufficient_data']),
  runs: count,
  passed: count,
  failed: count,
  flaky: count,
  passRate: ratio,
  flakyRate: ratio,
  p50DurationSeconds: seconds,
  p95DurationSeconds: seconds,
  lastFailure: z
    .object({
      at: z.string().max(40),
      sha: z.string().max(64).nullable(),
      url: httpUrl.nullable(),
      summary: z.string().max(MAX_CI_FAILURE_SUMMARY).nullable(),
      source: z.enum(CI_SOURCES),
    })
    .nullable(),
  /** Days with runs only, oldest first. */
  daily: z.array(ciCheckDaySchema).max(366),
});

/**
 * Statistics of one check.
 *
 * @public
 */
export type CiCheckStats = z.infer<typeof ciCheckStatsSchema>;

/**
 * One day of the overall series.
 *
 * @public
 */
export interface CiStatisticsDay {
  day: string;
  runs: number;
  passed: number;
  failed: number;
  flaky: number;
  p50DurationSeconds: number | null;
}

/**
 * Overall statistics over every counted observation.
 *
 * @public
 */
export interface CiOverallStatistics {
  windowDays: number;
  runs: number;
  passed: number;
  failed: number;
  flaky: number;
  passRate: number | null;
  flakyRate: number | null;
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
  topFailingChecks: Array<{ name: string; count: number }>;
  /** One point per day of the window, oldest first. */
  daily: CiStatisticsDay[];
}

/**
 * What {@link computeCiStatistics} returns.
 *
 * @public
 */
export interface CiStatistics {
  overall: CiOverallStatistics;
  checks: CiCheckStats[];
  /** The sources that contributed counted observations. */
  sources: CiSource[];
  /** The worst values over checks with enough runs; null when none has. */
  worst: {
    flakyRate: number | null;
    p95DurationSeconds: number | null;
    passRate: number | null;
  };
}
