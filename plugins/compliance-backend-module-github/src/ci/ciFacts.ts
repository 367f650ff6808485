import {
  buildCiSummaryFromStatistics,
  CiObservation,
  computeCiStatistics,
  DEFAULT_CI_MIN_RUNS,
} from 'backstage-plugin-compliance-common';
import { isError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { runObservation, StoredRun } from '../lib/ciStats';
import { CiHeadState } from '../lib/ciSummary';
import { sha256Of } from '../lib/factSink';
import { repositoryUrl } from '../lib/repository';
import {
  checksForbidden,
  checksStateKey,
  checksStateValue,
  mergeObservations,
  observationsFromHistory,
  readChecksState,
} from './checkObservations';
import type { CiSyncOptions, CiSyncTarget } from './workflowRunSync';

/** The evidence source of workflow-run facts. */
export const RUNS_SOURCE = 'GET /repos/{owner}/{repo}/actions/runs';
const CHECKS_SOURCE =
  'GraphQL statusCheckRollup of the default branch history (statuses and check runs)';
/** The permission a GitHub App needs to read check runs. */
const CHECKS_PERMISSION = 'Checks: read (checks:read)';

/** The per-check facts (worst check among those with enough runs). */
const CHECK_FACT_IDS = [
  F.ciChecksMaxFlakyRate,
  F.ciChecksMaxP95DurationSeconds,
  F.ciChecksMinPassRate,
];

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
  const history = target.node.defaultBranchRef?.target?.history?.nodes ?? [];
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
export function runFacts(
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
