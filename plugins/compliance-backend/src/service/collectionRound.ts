import type { RunRecord } from '../database/ComplianceStore';

/**
 * A run still marked running after this long is taken as abandoned (its
 * replica crashed or was stopped): it no longer holds the evaluation back.
 */
export const ABANDONED_RUN_MS = 15 * 60 * 1000;

/**
 * The run keys, among `others`, of collections that will dirty entities
 * again soon: a collector (shard) that never ran, or whose latest run is in
 * progress. While there is one, a finished collection leaves the evaluation
 * to the last of them (or to the evaluation's own schedule), so entities are
 * evaluated once per collection round rather than once per collector.
 */
export function collectionsInProgress(
  latest: ReadonlyMap<string, RunRecord>,
  others: string[],
  now: Date,
): string[] {
  return others.filter(key => {
    const run = latest.get(key);
    if (!run) return true;
    if (run.status !== 'running') return false;
    return now.getTime() - Date.parse(run.startedAt) < ABANDONED_RUN_MS;
  });
}
