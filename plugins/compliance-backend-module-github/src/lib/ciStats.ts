import { RestEndpointMethodTypes } from '@octokit/rest';
import {
  CiObservation,
  ciPercentile,
  computeCiStatistics,
  CiSummary,
} from 'backstage-plugin-compliance-common';
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
  /** The run's check suite (kept across attempts), to read earlier attempts in GraphQL. */
  checkSuiteNodeId?: string;
  /** Set once a failed earlier attempt of this run is known (`true`) or ruled out (`false`). */
  rerunAfterFailure?: boolean;
};

/**
 * The statistics part of the `github.ci.summary` contract: everything but
 * the default branch and its head.
 */
export type CiWindowStats = Omit<
  CiSummary,
  'defaultBranch' | 'headSha' | 'headState' | 'checks' | 'sources' | 'minRuns'
>;

const PASSED = new Set(['success']);
/** A GraphQL node id as GitHub issues them; anything else is not kept. */
const NODE_ID = /^[A-Za-z0-9_=+/-]{1,100}$/;

/** Whether a value may be kept and sent to GitHub as a check suite node id. */
export function isCheckSuiteNodeId(value: unknown): value is string {
  return typeof value === 'string' && NODE_ID.test(value);
}
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
> &
  Partial<Pick<WorkflowRun, 'check_suite_node_id'>>;

/**
 * Turns a REST workflow run into the stored shape. Duration is approximated
 * as `updated_at − run_started_at` of the latest attempt.
 */
export function toStoredRun(run: RestWorkflowRun): StoredRun {
  const started = Date.parse(run.run_started_at ?? run.created_at);
  const updated = Date.parse(run.updated_at);
  const done = run.status === 'completed';
  const stored: StoredRun = {
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
  if (isCheckSuiteNodeId(run.check_suite_node_id)) {
    stored.checkSuiteNodeId = run.check_suite_node_id;
  }
  return stored;
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
  return ciPercentile(sorted, p);
}

/**
 * A stored workflow run as a CI observation. A successful re-run whose
 * earlier attempt has not been looked up yet is assumed to follow a failure.
 */
export function runObservation(
  run: StoredRun,
  repositoryUrl?: string,
): CiObservation {
  let outcome: CiObservation['outcome'] = 'other';
  if (run.status !== 'completed') outcome = 'pending';
  else if (PASSED.has(run.conclusion ?? '')) outcome = 'success';
  else if (FAILED.has(run.conclusion ?? '')) outcome = 'failure';
  return {
    source: 'workflow_run',
    id: String(run.id),
    name: run.name,
    sha: run.sha,
    outcome,
    at: run.createdAt,
    durationSeconds: run.durationSeconds,
    url: repositoryUrl ? `${repositoryUrl}/actions/runs/${run.id}` : null,
    summary:
      outcome === 'failure'
        ? `Workflow run ${run.id} ended ${run.conclusion} (attempt ${run.attempt})`
        : null,
    rerunAfterFailure:
      run.rerunAfterFailure ||
      (run.rerunAfterFailure === undefined && run.attempt > 1),
  };
}

/**
 * Computes pass rate, flaky rate, durations, top failing checks and the
 * daily series of workflow runs over the window (the shared
 * `computeCiStatistics` of `-common` over {@link runObservation}s).
 * Cancelled, skipped, neutral and action-required runs are left out; a
 * flaky run is a successful run whose earlier attempt failed (assumed for a
 * re-run whose earlier attempt has not been looked up yet), or that follows
 * a failed run of the same workflow on the same commit.
 */
export function computeCiStats(
  runs: StoredRun[],
  options: { now: Date; windowDays: number },
): CiWindowStats {
  return computeCiStatistics(
    runs.map(run => runObservation(run)),
    options,
  ).overall;
}
