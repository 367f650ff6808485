import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import { GithubOctokit, RateBudget } from '../client/GithubClients';
import { RepositoryNode } from '../client/repositoryQuery';
import { GITHUB_FACTS as F } from '../githubFactIds';
import {
  mergeRuns,
  runsNeedingAttemptLookup,
  nextWatermark,
  RestWorkflowRun,
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
import { FactSink } from '../lib/factSink';
import { isRecord } from '../lib/json';
import { GithubRepositoryRef, repositoryUrl } from '../lib/repository';
import { runFacts, RUNS_SOURCE } from './ciFacts';
import { AttemptLookup, resolveEarlierAttempts } from './earlierAttempts';
import { readRunsState, RunsState, runsStateKey } from './runsState';

/** Workflow runs are refetched at least this often even when HEAD did not change. */
const RUNS_MAX_AGE_MS = 24 * 3_600_000;
const RUNS_PER_PAGE = 100;
const MAX_RUN_PAGES = 10;
const HEAD_SOURCE = 'GraphQL statusCheckRollup';

/** The facts that come from workflow runs. */
export const RUN_FACT_IDS = [
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
  /** The credential bucket's budget, told the cost of GraphQL lookups. */
  budget?: RateBudget;
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
): Promise<{ runs: StoredRun[]; state?: RunsState } | { error: GithubAnswer }> {
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
    const state: RunsState = {
      signature,
      syncedAt: now.toISOString(),
      watermark: nextWatermark(runs, windowStart),
      runs,
    };
    options.writes.push({ key, value: state });
    return { runs, state };
  } catch (error) {
    return { error: classifyRequestError(error) };
  }
}

/** A repository whose runs are synced, waiting for earlier attempts and its facts. */
export interface PendingCi {
  target: CiSyncTarget;
  head: { branch: string; sha: string | null; state: CiHeadState };
  present: boolean;
  runsUrl: string;
  runs: StoredRun[];
  /** Set when the runs were fetched this cycle: their re-runs are looked up. */
  lookup?: AttemptLookup & { state: RunsState };
}

/**
 * First half of the CI facts of one repository: the head state and the
 * runs synced incrementally. Returns what the facts still need, or
 * `undefined` when the facts are already set (an empty repository, runs
 * that could not be read).
 */
export async function syncCi(
  target: CiSyncTarget,
  options: CiSyncOptions,
): Promise<PendingCi | undefined> {
  const { sink, ref, node } = target;
  const branch = node.defaultBranchRef?.name;
  if (!branch) {
    sink.unknownAll(
      [F.ciPresent, F.ciHeadState, ...RUN_FACT_IDS],
      'feature_unavailable',
      `Repository ${ref.owner}/${ref.repo} is empty (no default branch)`,
    );
    return undefined;
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
    return undefined;
  }
  const present = head.state !== 'NONE' || suites > 0;
  return {
    target,
    head,
    present,
    runsUrl,
    runs: synced.runs,
    lookup: synced.state && {
      owner: ref.owner,
      repo: ref.repo,
      repositoryKey: target.key,
      runs: synced.runs,
      state: synced.state,
    },
  };
}

/**
 * Reads the earlier attempts of the re-runs of several repositories at
 * once (one GraphQL query for up to 100 check suites).
 */
export async function resolvePendingAttempts(
  pending: PendingCi[],
  options: Pick<CiSyncOptions, 'octokit' | 'logger' | 'budget'> & {
    /** Why the cycle stopped: nothing is asked, the syncs stay incomplete. */
    stopped?: string;
  },
): Promise<void> {
  const lookups = pending.flatMap(p => (p.lookup ? [p.lookup] : []));
  if (options.stopped) {
    for (const lookup of lookups) {
      if (runsNeedingAttemptLookup(lookup.runs).length) {
        lookup.error = {
          kind: 'unknown',
          reason: 'rate_limited',
          message: options.stopped,
        };
      }
    }
  } else if (lookups.length) {
    await resolveEarlierAttempts({ ...options, lookups });
  }
}

/** Second half: the run and check facts once earlier attempts were read. */
export function emitCiFacts(pending: PendingCi, options: CiSyncOptions): void {
  const { target, head, present, runs, runsUrl, lookup } = pending;
  if (lookup?.error) {
    // After a failed lookup the sync is not complete: the next cycle syncs
    // (and looks up) again even if HEAD did not move. A run whose earlier
    // attempt could not be read counts as flaky until it is: a transient
    // failure must not raise the flaky rate.
    lookup.state.signature = '';
    const { reason, message } = unknownOf(
      lookup.error,
      'An earlier workflow run attempt could not be read',
    );
    target.sink.unknownAll(
      [F.ciFlakyRate, F.ciChecksMaxFlakyRate, F.ciSummary],
      reason,
      message,
    );
  }
  runFacts(target, head, present, runs, { ...options, runsUrl });
}

/**
 * CI signals of one repository: the combined state of the default branch
 * head (GraphQL) and statistics over the window from workflow runs, synced
 * incrementally (a batch of repositories uses {@link syncCi},
 * {@link resolvePendingAttempts} and {@link emitCiFacts} to share lookups).
 */
export async function collectCiFacts(
  target: CiSyncTarget,
  options: CiSyncOptions,
): Promise<void> {
  const pending = await syncCi(target, options);
  if (!pending) return;
  await resolvePendingAttempts([pending], options);
  emitCiFacts(pending, options);
}
