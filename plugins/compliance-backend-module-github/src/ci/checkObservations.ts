import {
  CiObservation,
  CiOutcome,
  CI_OUTCOMES,
  CI_SOURCES,
  JsonValue,
  MAX_CI_CHECK_NAME,
  MAX_CI_FAILURE_SUMMARY,
} from 'backstage-plugin-compliance-common';
import {
  HistoryCommitNode,
  RollupContextNode,
} from '../client/repositoryQuery';
import { GraphqlErrorEntry } from '../lib/classify';
import { isJsonObject, isNumber, isString } from '../lib/json';
import { stateKey } from '../lib/stateKey';

/**
 * Observations kept per repository: the newest first, at most this many (a
 * busy repository with 30 checks per commit keeps about 100 commits).
 */
export const MAX_KEPT_OBSERVATIONS = 3000;
/** Check runs of this app are the jobs of workflow runs, counted as workflow runs. */
const ACTIONS_APP = 'github-actions';
const FAILED_CHECK = new Set(['FAILURE', 'TIMED_OUT', 'STARTUP_FAILURE']);

/** The state key of a repository's check and status observations. */
export function checksStateKey(repositoryKey: string): string {
  return stateKey('checks', repositoryKey);
}

function bounded(value: string | null | undefined, max: number) {
  return typeof value === 'string' && value.trim()
    ? value.trim().slice(0, max)
    : null;
}

function httpUrl(value: string | null | undefined) {
  return typeof value === 'string' &&
    value.length <= 2000 &&
    /^https:\/\//i.test(value)
    ? value
    : null;
}

function statusOutcome(state: string | null | undefined): CiOutcome {
  if (state === 'SUCCESS') return 'success';
  if (state === 'FAILURE' || state === 'ERROR') return 'failure';
  return 'pending';
}

function checkOutcome(
  status: string | null | undefined,
  conclusion: string | null | undefined,
): CiOutcome {
  if (status !== 'COMPLETED') return 'pending';
  if (conclusion === 'SUCCESS') return 'success';
  if (FAILED_CHECK.has(conclusion ?? '')) return 'failure';
  return 'other';
}

function contextObservation(
  node: RollupContextNode,
  commit: { oid: string; committedDate: string },
): CiObservation | undefined {
  if (node.__typename === 'StatusContext') {
    const name = bounded(node.context, MAX_CI_CHECK_NAME);
    if (!name) return undefined;
    return {
      source: 'status',
      id: `${name}@${commit.oid}`,
      name,
      sha: commit.oid,
      outcome: statusOutcome(node.state),
      at: node.createdAt ?? commit.committedDate,
      durationSeconds: null,
      url: httpUrl(node.targetUrl),
      summary: bounded(node.description, MAX_CI_FAILURE_SUMMARY),
    };
  }
  if (node.__typename === 'CheckRun') {
    if (node.checkSuite?.app?.slug === ACTIONS_APP) return undefined;
    const name = bounded(node.name, MAX_CI_CHECK_NAME);
    if (!name) return undefined;
    const started = Date.parse(node.startedAt ?? '');
    const completed = Date.parse(node.completedAt ?? '');
    return {
      source: 'check_run',
      id: isNumber(node.databaseId)
        ? String(node.databaseId)
        : `${name}@${commit.oid}`,
      name,
      sha: commit.oid,
      outcome: checkOutcome(node.status, node.conclusion),
      at: node.startedAt ?? commit.committedDate,
      durationSeconds:
        Number.isFinite(started) &&
        Number.isFinite(completed) &&
        completed >= started
          ? Math.round((completed - started) / 1000)
          : null,
      url: httpUrl(node.detailsUrl),
      summary: bounded(node.title, MAX_CI_FAILURE_SUMMARY),
    };
  }
  return undefined;
}

/**
 * Status and check-run observations of the default branch's recent commits
 * (`statusCheckRollup` of each commit in the GraphQL history). Check runs of
 * GitHub Actions are left out: the workflow runs count them, re-runs
 * included.
 */
export function observationsFromHistory(
  history: HistoryCommitNode[],
): CiObservation[] {
  const out: CiObservation[] = [];
  for (const commit of history) {
    if (!commit.oid || !commit.committedDate) continue;
    const nodes = commit.statusCheckRollup?.contexts?.nodes ?? [];
    for (const node of nodes) {
      if (!node) continue;
      const observation = contextObservation(node, {
        oid: commit.oid,
        committedDate: commit.committedDate,
      });
      if (observation) out.push(observation);
    }
  }
  return out;
}

/**
 * Whether GitHub refused to show the checks of the history (a GitHub App
 * without `checks:read`): a field error under `statusCheckRollup`.
 */
export function checksForbidden(errors: GraphqlErrorEntry[]): boolean {
  return errors.some(
    e =>
      (e.path ?? []).some(p => p === 'statusCheckRollup' || p === 'contexts') &&
      (e.type === 'FORBIDDEN' ||
        /resource not accessible|permission/i.test(e.message ?? '')),
  );
}

/**
 * Merges newly read observations into the kept ones (newest answer wins per
 * source and id), drops those older than the window and keeps the newest
 * {@link MAX_KEPT_OBSERVATIONS}.
 */
export function mergeObservations(
  previous: CiObservation[],
  incoming: CiObservation[],
  windowStart: Date,
): CiObservation[] {
  const byKey = new Map<string, CiObservation>();
  for (const o of [...previous, ...incoming]) {
    byKey.set(`${o.source}:${o.id}`, o);
  }
  const start = windowStart.getTime();
  return [...byKey.values()]
    .filter(o => Date.parse(o.at) >= start)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, MAX_KEPT_OBSERVATIONS);
}

function readObservation(value: JsonValue): CiObservation | undefined {
  if (!isJsonObject(value)) return undefined;
  const { source, id, name, sha, outcome, at, durationSeconds, url, summary } =
    value;
  if (
    !CI_SOURCES.some(s => s === source) ||
    !CI_OUTCOMES.some(s => s === outcome) ||
    !isString(id) ||
    !isString(name) ||
    !(sha === null || isString(sha)) ||
    !isString(at) ||
    !(durationSeconds === null || isNumber(durationSeconds))
  ) {
    return undefined;
  }
  return {
    source: source as CiObservation['source'],
    id,
    name,
    sha,
    outcome: outcome as CiOutcome,
    at,
    durationSeconds,
    url: isString(url) ? url : null,
    summary: isString(summary) ? summary : null,
  };
}

/** Reads the kept observations; unreadable entries are dropped, never fatal. */
export function readChecksState(value: JsonValue | undefined): CiObservation[] {
  if (!isJsonObject(value) || !Array.isArray(value.observations)) return [];
  return value.observations
    .map(readObservation)
    .filter((o): o is CiObservation => o !== undefined);
}

/** The state value of a repository's observations. */
export function checksStateValue(observations: CiObservation[]): JsonValue {
  return {
    observations: observations.map(o => ({
      source: o.source,
      id: o.id,
      name: o.name,
      sha: o.sha,
      outcome: o.outcome,
      at: o.at,
      durationSeconds: o.durationSeconds,
      url: o.url ?? null,
      summary: o.summary ?? null,
    })),
  };
}
