import { RestEndpointMethodTypes } from '@octokit/rest';
import { CiSummary } from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';

/**
 * A workflow run as the collector keeps it between cycles (a JSON value of
 * the collector state).
 */
export type StoredRun = {
  id: number;
  name: string;
  sha: string;
  status: string;
  conclusion: string | null;
  attempt: number;
  createdAt: string;
  durationSeconds: number | null;
  /** Set once a failed earlier attempt of this run is known (`true`) or ruled out (`false`). */
  rerunAfterFailure?: boolean;
};

/**
 * The statistics part of the `github.ci.summary` contract: everything but
 * the default branch and its head.
 */
export type CiWindowStats = Omit<
  CiSummary,
  'defaultBranch' | 'headSha' | 'headState'
>;

/** Most failing checks kept in the summary. */
const TOP_FAILING_CHECKS = 5;
const PASSED = new Set(['success']);
const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);

/** Whether a conclusion counts as a failure. */
export function isFailedConclusion(conclusion: string | null | undefined) {
  return FAILED.has(conclusion ?? '');
}

/** A `workflow_run` of `GET /repos/{owner}/{repo}/actions/runs`. */
type WorkflowRun =
  RestEndpointMethodTypes['actions']['listWorkflowRunsForRepo']['response']['data']['workflow_runs'][number];

/** The `workflow_run` fields the collector reads. */
export type RestWorkflowRun = Pick<
  WorkflowRun,
  | 'id'
  | 'name'
  | 'head_sha'
  | 'status'
  | 'conclusion'
  | 'run_attempt'
  | 'created_at'
  | 'run_started_at'
  | 'updated_at'
>;

/**
 * Turns a REST workflow run into the stored shape. Duration is approximated
 * as `updated_at − run_started_at` of the latest attempt.
 */
export function toStoredRun(run: RestWorkflowRun): StoredRun {
  const started = Date.parse(run.run_started_at ?? run.created_at);
  const updated = Date.parse(run.updated_at);
  const done = run.status === 'completed';
  return {
    id: run.id,
    name: run.name ?? 'workflow',
    sha: run.head_sha,
    status: run.status ?? 'unknown',
    conclusion: run.conclusion,
    attempt: run.run_attempt ?? 1,
    createdAt: run.created_at,
    durationSeconds:
      done && updated >= started
        ? Math.round((updated - started) / 1000)
        : null,
  };
}

/**
 * Merges newly fetched runs into the stored ones and drops runs older than
 * the window. A run seen failing and now succeeding on a later attempt is
 * marked as re-run after failure without asking GitHub.
 */
export function mergeRuns(
  previous: StoredRun[],
  incoming: StoredRun[],
  windowStart: Date,
): StoredRun[] {
  const byId = new Map(previous.map(r => [r.id, r]));
  for (const run of incoming) {
    const before = byId.get(run.id);
    const merged: StoredRun = { ...run };
    if (before) {
      if (
        before.rerunAfterFailure !== undefined &&
        before.attempt === run.attempt
      ) {
        merged.rerunAfterFailure = before.rerunAfterFailure;
      } else if (
        run.attempt > before.attempt &&
        isFailedConclusion(before.conclusion)
      ) {
        merged.rerunAfterFailure = true;
      } else if (before.rerunAfterFailure) {
        merged.rerunAfterFailure = true;
      }
    }
    if (merged.attempt <= 1) {
      delete merged.rerunAfterFailure;
    }
    byId.set(run.id, merged);
  }
  const start = windowStart.getTime();
  return [...byId.values()]
    .filter(r => Date.parse(r.createdAt) >= start)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/**
 * Runs whose earlier attempt must be looked up to know whether they are
 * flaky: successful re-runs not yet classified.
 */
export function runsNeedingAttemptLookup(runs: StoredRun[]): StoredRun[] {
  return runs.filter(
    r =>
      r.status === 'completed' &&
      r.conclusion === 'success' &&
      r.attempt > 1 &&
      r.rerunAfterFailure === undefined,
  );
}

/**
 * The `created` lower bound for the next incremental fetch: the oldest run
 * still in progress, else the newest run (the API filter is inclusive), else
 * the window start.
 */
export function nextWatermark(runs: StoredRun[], windowStart: Date): string {
  const open = runs.filter(r => r.status !== 'completed');
  let pick = windowStart.toISOString();
  if (open.length) {
    pick = open.reduce((a, b) => (a.createdAt < b.createdAt ? a : b)).createdAt;
  } else if (runs.length) {
    pick = runs.reduce((a, b) => (a.createdAt > b.createdAt ? a : b)).createdAt;
  }
  return DateTime.fromISO(pick, { zone: 'utc' })
    .set({ millisecond: 0 })
    .toISO({ suppressMilliseconds: true })!;
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function round(value: number, digits = 4) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Computes pass rate, flaky rate, durations, top failing checks and the
 * daily series over the window. Cancelled, skipped, neutral and
 * action-required runs are left out; a flaky run is a successful run whose
 * earlier attempt failed (assumed for a re-run whose earlier attempt has not
 * been looked up yet), or that follows a failed run of the same workflow on
 * the same commit.
 */
export function computeCiStats(
  runs: StoredRun[],
  options: { now: Date; windowDays: number },
): CiWindowStats {
  const end = DateTime.fromJSDate(options.now, { zone: 'utc' });
  const startDay = end.startOf('day').minus({ days: options.windowDays - 1 });
  const counted = runs
    .filter(
      r =>
        r.status === 'completed' &&
        (PASSED.has(r.conclusion ?? '') || FAILED.has(r.conclusion ?? '')) &&
        DateTime.fromISO(r.createdAt, { zone: 'utc' }) >= startDay,
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const failedBefore = new Set<string>();
  const flakyIds = new Set<number>();
  for (const run of counted) {
    const key = `${run.name}\u0000${run.sha}`;
    if (isFailedConclusion(run.conclusion)) {
      failedBefore.add(key);
    } else if (
      run.rerunAfterFailure ||
      // Not yet looked up: a successful re-run is assumed to follow a failure.
      (run.rerunAfterFailure === undefined && run.attempt > 1) ||
      failedBefore.has(key)
    ) {
      flakyIds.add(run.id);
    }
  }

  const passed = counted.filter(r => PASSED.has(r.conclusion ?? ''));
  const failed = counted.filter(r => FAILED.has(r.conclusion ?? ''));
  const durations = counted
    .map(r => r.durationSeconds)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);

  const failingByName = new Map<string, number>();
  for (const run of failed) {
    failingByName.set(run.name, (failingByName.get(run.name) ?? 0) + 1);
  }
  const topFailingChecks = [...failingByName.entries()]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, TOP_FAILING_CHECKS);

  const daily: CiWindowStats['daily'] = [];
  const perDay = new Map<string, StoredRun[]>();
  for (const run of counted) {
    const day = DateTime.fromISO(run.createdAt, { zone: 'utc' }).toISODate()!;
    perDay.set(day, [...(perDay.get(day) ?? []), run]);
  }
  for (let i = 0; i < options.windowDays; i++) {
    const day = startDay.plus({ days: i }).toISODate()!;
    const list = perDay.get(day) ?? [];
    const dayDurations = list
      .map(r => r.durationSeconds)
      .filter((d): d is number => d !== null)
      .sort((a, b) => a - b);
    daily.push({
      day,
      runs: list.length,
      passed: list.filter(r => PASSED.has(r.conclusion ?? '')).length,
      failed: list.filter(r => FAILED.has(r.conclusion ?? '')).length,
      flaky: list.filter(r => flakyIds.has(r.id)).length,
      p50DurationSeconds: percentile(dayDurations, 50),
    });
  }

  return {
    windowDays: options.windowDays,
    runs: counted.length,
    passed: passed.length,
    failed: failed.length,
    flaky: flakyIds.size,
    passRate: counted.length ? round(passed.length / counted.length) : null,
    flakyRate: counted.length ? round(flakyIds.size / counted.length) : null,
    p50DurationSeconds: percentile(durations, 50),
    p95DurationSeconds: percentile(durations, 95),
    topFailingChecks,
    daily,
  };
}
