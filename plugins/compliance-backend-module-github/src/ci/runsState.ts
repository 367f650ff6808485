import { JsonValue } from 'backstage-plugin-compliance-common';
import { isCheckSuiteNodeId, StoredRun } from '../lib/ciStats';
import {
  isBoolean,
  isJsonObject,
  isNumber,
  isString,
  stringOrNull,
} from '../lib/json';
import { stateKey } from '../lib/stateKey';

/**
 * The workflow runs of one repository kept between cycles, with what the
 * last sync saw (a JSON value of the collector state).
 */
export type RunsState = {
  /** `<head oid>:<head state>:<check suites>` when the runs were synced. */
  signature: string;
  syncedAt: string;
  /** The `created` lower bound of the next incremental fetch. */
  watermark: string;
  runs: StoredRun[];
};

/** The state key of a repository's runs (`host/owner/repo`, lower case). */
export function runsStateKey(repositoryKey: string): string {
  return stateKey('runs', repositoryKey);
}

function readStoredRun(value: JsonValue): StoredRun | undefined {
  if (!isJsonObject(value)) return undefined;
  const { id, name, sha, status, attempt, createdAt } = value;
  const conclusion = stringOrNull(value.conclusion);
  const durationSeconds =
    value.durationSeconds === null || isNumber(value.durationSeconds)
      ? value.durationSeconds
      : undefined;
  if (
    !isNumber(id) ||
    !isString(name) ||
    !isString(sha) ||
    !isString(status) ||
    !isNumber(attempt) ||
    !isString(createdAt) ||
    conclusion === undefined ||
    durationSeconds === undefined
  ) {
    return undefined;
  }
  const run: StoredRun = {
    id,
    name,
    sha,
    status,
    conclusion,
    attempt,
    createdAt,
    durationSeconds,
  };
  if (isCheckSuiteNodeId(value.checkSuiteNodeId)) {
    run.checkSuiteNodeId = value.checkSuiteNodeId;
  }
  if (isBoolean(value.rerunAfterFailure)) {
    run.rerunAfterFailure = value.rerunAfterFailure;
  }
  return run;
}

/**
 * Reads a repository's runs state; `undefined` when absent or not of this
 * shape (the runs are then synced again from the window start).
 */
export function readRunsState(
  value: JsonValue | undefined,
): RunsState | undefined {
  if (!isJsonObject(value)) return undefined;
  const { signature, syncedAt, watermark, runs } = value;
  if (
    !isString(signature) ||
    !isString(syncedAt) ||
    !isString(watermark) ||
    !Array.isArray(runs)
  ) {
    return undefined;
  }
  const stored = runs.map(readStoredRun);
  return stored.every(run => run !== undefined)
    ? { signature, syncedAt, watermark, runs: stored }
    : undefined;
}
