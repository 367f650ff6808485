import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  buildCiSummaryFromStatistics,
  CiObservation,
  computeCiStatistics,
  DEFAULT_CI_MIN_RUNS,
  JsonValue,
} from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import { GithubOctokit } from '../client/GithubClients';
import { RepositoryNode } from '../client/repositoryQuery';
import { GITHUB_FACTS as F } from '../githubFactIds';
import {
  isFailedConclusion,
  mergeRuns,
  nextWatermark,
  RestWorkflowRun,
  runObservation,
  runsNeedingAttemptLookup,
  StoredRun,
  toStoredRun,
} from '../lib/ciStats';
import { CiHeadState, toCiHeadState } from '../lib/ciSummary';
import {
  classifyRequestError,
  GraphqlErrorEntry,
  GithubAnswer,
  MalformedAnswerError,
  unknownOf,
} from '../lib/classify';
import { FactSink, sha256Of } from '../lib/factSink';
import { isRecord } from '../lib/json';
import { GithubRepositoryRef, repositoryUrl } from '../lib/repository';
import { readRunsState, RunsState, runsStateKey } from './runsState';
import {
  checksForbidden,
  checksStateKey,
  checksStateValue,
  mergeObservations,
  observationsFromHistory,
  readChecksState,
} from './checkObservations';

/** Workflow runs are refetched at least this often even when HEAD did not change. */
const RUNS_MAX_AGE_MS = 24 * 3_600_000;
const RUNS_PER_PAGE = 100;
const MAX_RUN_PAGES = 10;
/** Earlier-attempt lookups per repository per cycle; the rest are refined in later cycles. */
const MAX_ATTEMPT_LOOKUPS = 1;
const HEAD_SOURCE = 'GraphQL statusCheckRollup';
const RUNS_SOURCE = 'GET /repos/{owner}/{repo}/actions/runs';
const CHECKS_SOURCE =
  'GraphQL statusCheckRollup of the default branch history (statuses and check runs)';
/** The permission a GitHub App needs to read check runs. */
const CHECKS_PERMISSION = 'Checks: read (checks:read)';
const ATTEMPT_ROUTE =
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}';

/** The facts that come from workflow runs. */
const RUN_FACT_IDS = [
  F.ciRuns,
  F.ciPassRate,
  F.ciFlakyRate,
  F.ciP50DurationSeconds,
  F.ciP95DurationSeconds,
  F.ciChecksMaxFlakyRate,
  F.ciChecksMaxP95DurationSeconds,
  F.ciChecksMinPassRate,
  F.ciSummary,
];

/** The per-check facts (worst check among those with enough runs). */
const CHECK_FACT_IDS = [
  F.ciChecksMaxFlakyRate,
  F.ciChecksMaxP95DurationSeconds,
  F.ciChecksMinPassRate,
];

/** One repository's part of a CI sync. */
export interface CiSyncTarget {
  ref: GithubRepositoryRef;
  /** `host/owner/repo`, lower case. */
  key: string;
  node: RepositoryNode;
  sink: FactSink;
  /** GraphQL field errors of this repository. */
  errors?: GraphqlErrorEntry[];
}

/** What a CI sync reads and writes besides GitHub. */
export interface CiSyncOptions {
  octokit: GithubOctokit;
  logger: LoggerService;
  now: Date;
  windowDays: number;
  /** Runs needed before a check's statistics count; defaults to 5. */
  minRuns?: number;
  /** Runs and checks states loaded for the batch, by state key. */
  runStates: ReadonlyMap<string, JsonValue>;
  /** State entries to write at the end of the batch. */
  writes: Array<{ key: string; value: JsonValue }>;
}

/** `>=` filter of the runs API, without milliseconds. */
function createdSince(iso: string) {
  return `>=${iso.replace(/\.\d{3}Z$/, 'Z')}`;
}

/**
 * The runs of a runs answer; throws when the body does not have the shape
 * of one (an empty body must not read as "no runs": the watermark would
 * move past runs never seen).
 */
function workflowRunsOf(data: unknown): RestWorkflowRun[] {
  const runs = isRecord(data) ? data.workflow_runs : undefined;
  if (
    !Array.isArray(runs) ||
    !runs.every(
      r =>
        isRecord(r) &&
        typeof r.id === 'number' &&
        typeof r.created_at === 'string',
    )
  ) {
    throw new MalformedAnswerError(RUNS_SOURCE);
  }
  return runs as RestWorkflowRun[];
}

async function fetchRuns(
  octokit: GithubOctokit,
  ref: GithubRepositoryRef,
  branch: string,
  since: string,
): Promise<StoredRun[]> {
  const fetched: StoredRun[] = [];
  for (let page = 1; page <= MAX_RUN_PAGES; page++) {
    const response = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/runs',
      {
        owner: ref.owner,
        repo: ref.repo,
        branch,
        created: createdSince(since),
        exclude_pull_requests: true,
        per_page: RUNS_PER_PAGE,
        page,
      },
    );
    const list = workflowRunsOf(response.data);
    fetched.push(...list.map(toStoredRun));
    if (list.length < RUNS_PER_PAGE) break;
  }
  return fetched;
}

/**
 * Asks whether the earlier attempt of successful re-runs failed (flaky).
 * Returns the answer of a lookup that failed transiently (an outage, a rate
 * limit): the run then stays "assumed flaky", which must not stand as a
 * new flaky rate.
 */
async function lookUpEarlierAttempts(
  octokit: GithubOctokit,
  target: CiSyncTarget,
  runs: StoredRun[],
  logger: LoggerService,
): Promise<GithubAnswer | undefined> {
  let failed: GithubAnswer | undefined;
  for (const run of runsNeedingAttemptLookup(runs).slice(
    0,
    MAX_ATTEMPT_LOOKUPS,
  )) {
    try {
      const attempt = await octokit.request(ATTEMPT_ROUTE, {
        owner: target.ref.owner,
        repo: target.ref.repo,
        run_id: run.id,
        attempt_number: run.attempt - 1,
      });
      const conclusion = isRecord(attempt.data)
        ? attempt.data.conclusion
        : undefined;
      if (typeof conclusion !== 'string') {
        // An attempt that ended has a conclusion; anything else proves nothing.
        throw new MalformedAnswerError(ATTEMPT_ROUTE);
      }
      run.rerunAfterFailure = isFailedConclusion(conclusion);
    } catch (error) {
      const answer = classifyRequestError(error);
      if (
        answer.kind === 'unknown' &&
        (answer.reason === 'error' || answer.reason === 'rate_limited')
      ) {
        failed ??= answer;
      }
      logger.debug('Could not read an earlier workflow run attempt', {
        repository: target.key,
        runId: run.id,
        error: isError(error) ? error.message : String(error),
      });
    }
  }
  return failed;
}

/**
 * Brings the kept runs up to date: fetches runs created since the
 * watermark unless HEAD is unchanged and the last sync is recent (or the
 * repository never had checks), prunes runs older than the window.
 */
async function syncRuns(
  target: CiSyncTarget,
  branch: string,
  signature: string,
  hasChecks: boolean,
  options: CiSyncOptions,
): Promise<
  { runs: StoredRun[]; attemptError?: GithubAnswer } | { error: GithubAnswer }
> {
  const { now } = options;
  const windowStart = DateTime.fromJSDate(now, { zone: 'utc' })
    .startOf('day')
    .minus({ days: options.windowDays - 1 })
    .toJSDate();
  const key = runsStateKey(target.key);
  const previous = readRunsState(options.runStates.get(key));
  const fresh =
    previous &&
    previous.signature === signature &&
    now.getTime() - Date.parse(previous.syncedAt) < RUNS_MAX_AGE_MS;
  if (fresh || (!hasChecks && !previous)) {
    return { runs: mergeRuns(previous?.runs ?? [], [], windowStart) };
  }
  const start = windowStart.toISOString();
  const watermark = previous?.watermark ?? start;
  try {
    const fetched = await fetchRuns(
      options.octokit,
      target.ref,
      branch,
      watermark < start ? start : watermark,
    );
    const runs = mergeRuns(previous?.runs ?? [], fetched, windowStart);
    const attemptError = await lookUpEarlierAttempts(
      options.octokit,
      target,
      runs,
      options.logger,
    );
    const state: RunsState = {
      // After a failed lookup the sync is not complete: the next cycle
      // syncs (and looks up) again even if HEAD did not move.
      signature: attemptError ? '' : signature,
      syncedAt: now.toISOString(),
      watermark: nextWatermark(runs, windowStart),
      runs,
    };
    options.writes.push({ key, value: state });
    return { runs, attemptError };
  } catch (error) {
    return { error: classifyRequestError(error) };
  }
}

/**
 * Brings the kept status and check-run observations up to date with the
 * commits of the GraphQL history (no extra request) and returns them.
 */
function syncChecks(
  target: CiSyncTarget,
  options: CiSyncOptions,
): CiObservation[] {
  const key = checksStateKey(target.key);
  const previous = readChecksState(options.runStates.get(key));
  const windowStart = DateTime.fromJSDate(options.now, { zone: 'utc' })
    .startOf('day')
    .minus({ days: options.windowDays - 1 })
    .toJSDate();
  const history =
    target.node.defaultBranchRef?.target?.history?.nodes ?? [];
  const merged = mergeObservations(
    previous,
    observationsFromHistory(history),
    windowStart,
  );
  const value = checksStateValue(merged);
  if (JSON.stringify(value) !== JSON.stringify(checksStateValue(previous))) {
    options.writes.push({ key, value });
  }
  return merged;
}

/** Run and check facts and the `github.ci.summary` contract value. */
function runFacts(
  target: CiSyncTarget,
  head: { branch: string; sha: string | null; state: CiHeadState },
  present: boolean,
  runs: StoredRun[],
  options: CiSyncOptions & { runsUrl: string },
) {
  const { sink } = target;
  const evidence = { source: RUNS_SOURCE, url: options.runsUrl };
  const minRuns = options.minRuns ?? DEFAULT_CI_MIN_RUNS;
  const forbidden = checksForbidden(target.errors ?? []);
  const observations = [
    ...runs.map(run => runObservation(run, repositoryUrl(target.ref))),
    ...syncChecks(target, options),
  ];
  const statistics = computeCiStatistics(observations, { ...options, minRuns });
  const stats = statistics.overall;
  const checkEvidence = {
    source: `${RUNS_SOURCE}; ${CHECKS_SOURCE}`,
    url: options.runsUrl,
  };
  sink.set(F.ciPresent, present || stats.runs > 0, evidence);
  sink.set(F.ciRuns, stats.runs, evidence);
  sink.set(F.ciPassRate, stats.passRate, evidence);
  sink.set(F.ciFlakyRate, stats.flakyRate, evidence);
  sink.set(F.ciP50DurationSeconds, stats.p50DurationSeconds, evidence);
  sink.set(F.ciP95DurationSeconds, stats.p95DurationSeconds, evidence);
  if (forbidden) {
    // Without checks:read the check runs are hidden: a worst-check figure
    // without them could pass what would fail.
    sink.unknownAll(
      CHECK_FACT_IDS,
      'insufficient_permission',
      `GitHub hides the check runs of ${target.ref.owner}/${target.ref.repo}: the GitHub App needs ${CHECKS_PERMISSION}`,
    );
  } else if (!statistics.checks.some(c => c.status === 'ok')) {
    sink.unknownAll(
      CHECK_FACT_IDS,
      'insufficient_data',
      `No check has ${minRuns} or more completed runs in the last ${options.windowDays} days`,
    );
  } else {
    sink.set(F.ciChecksMaxFlakyRate, statistics.worst.flakyRate, checkEvidence);
    sink.set(
      F.ciChecksMaxP95DurationSeconds,
      statistics.worst.p95DurationSeconds,
      checkEvidence,
    );
    sink.set(F.ciChecksMinPassRate, statistics.worst.passRate, checkEvidence);
  }
  try {
    const summary = buildCiSummaryFromStatistics(
      { defaultBranch: head.branch, headSha: head.sha, headState: head.state },
      statistics,
      minRuns,
    );
    sink.set(F.ciSummary, summary, {
      ...checkEvidence,
      sha256: sha256Of(summary),
    });
  } catch (error) {
    sink.unknown(
      F.ciSummary,
      'error',
      `The CI summary does not satisfy its contract: ${
        isError(error) ? error.message : String(error)
      }`,
      evidence,
    );
  }
}

/**
 * CI signals of one repository: the combined state of the default branch
 * head (GraphQL) and statistics over the window from workflow runs, synced
 * incrementally.
 */
export async function collectCiFacts(
  target: CiSyncTarget,
  options: CiSyncOptions,
): Promise<void> {
  const { sink, ref, node } = target;
  const branch = node.defaultBranchRef?.name;
  if (!branch) {
    sink.unknownAll(
      [F.ciPresent, F.ciHeadState, ...RUN_FACT_IDS],
      'feature_unavailable',
      `Repository ${ref.owner}/${ref.repo} is empty (no default branch)`,
    );
    return;
  }
  const commit = node.defaultBranchRef?.target;
  const head = {
    branch,
    sha: commit?.oid ?? null,
    state: toCiHeadState(commit?.statusCheckRollup?.state),
  };
  const suites = commit?.checkSuites?.totalCount ?? 0;
  const repoUrl = repositoryUrl(ref);
  const runsUrl = `${repoUrl}/actions?query=branch%3A${encodeURIComponent(
    branch,
  )}`;
  sink.set(F.ciHeadState, head.state, {
    source: HEAD_SOURCE,
    url: `${repoUrl}/commits/${branch}`,
  });

  const signature = `${head.sha ?? ''}:${head.state}:${suites}`;
  const synced = await syncRuns(target, branch, signature, suites > 0, options);
  if ('error' in synced) {
    const { reason, message } = unknownOf(
      synced.error,
      'Workflow runs could not be read',
    );
    sink.unknownAll(RUN_FACT_IDS, reason, message);
    if (head.state !== 'NONE') {
      sink.set(F.ciPresent, true, { source: HEAD_SOURCE, url: runsUrl });
    } else {
      sink.unknown(F.ciPresent, reason, message);
    }
    return;
  }
  if (synced.attemptError) {
    // A run whose earlier attempt could not be read counts as flaky until
    // it is: a transient failure must not raise the flaky rate.
    const { reason, message } = unknownOf(
      synced.attemptError,
      'An earlier workflow run attempt could not be read',
    );
    sink.unknownAll(
      [F.ciFlakyRate, F.ciChecksMaxFlakyRate, F.ciSummary],
      reason,
      message,
    );
  }
  const present = head.state !== 'NONE' || suites > 0;
  runFacts(target, head, present, synced.runs, { ...options, runsUrl });
}
