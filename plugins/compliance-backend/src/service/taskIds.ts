/**
 * Scheduler task ids, run-record keys and shard keys: built here and only
 * here. Collector ids are validated (`COLLECTOR_ID_PATTERN`) so they can
 * never collide with the engine's own keys, which start with `$`.
 */

/** What a collector id may look like. */
export const COLLECTOR_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

/** One shard of a collector's cycle. */
export interface Shard {
  index: number;
  count: number;
}

/** The whole catalog in one shard. */
export const SINGLE_SHARD: Shard = { index: 0, count: 1 };

/** The shards of a collector configured with `shards`. */
export function shardsOf(count: number): Shard[] {
  return Array.from({ length: Math.max(1, count) }, (_, index) => ({
    index,
    count: Math.max(1, count),
  }));
}

/** The scheduler task id of a collector shard. */
export function collectTaskId(collectorId: string, shard: Shard): string {
  return shard.count > 1
    ? `compliance:collect:${collectorId}:${shard.index}`
    : `compliance:collect:${collectorId}`;
}

/** The run-record key of a collector shard. */
export function collectorRunKey(collectorId: string, shard: Shard): string {
  return shard.count > 1 ? `${collectorId}#${shard.index}` : collectorId;
}

/** The run-record keys of every shard of a collector. */
export function collectorRunKeys(
  collectorId: string,
  shards: number,
): string[] {
  return shardsOf(shards).map(s => collectorRunKey(collectorId, s));
}

/** The evaluation task: triggered after each collection. */
export const EVALUATE_TASK_ID = 'compliance:evaluate';
export const ROLLUP_TASK_ID = 'compliance:rollup';
export const RETENTION_TASK_ID = 'compliance:retention';
/** The AI insights cycle (queue changed entities, drain the job queue). */
export const INSIGHTS_TASK_ID = 'compliance:insights';
/** Notifications of regressions, expiring waivers and failing collectors. */
export const NOTIFY_TASK_ID = 'compliance:notify';
/** Recomputes pushed CI facts as their window slides. */
export const CI_PUSHED_WINDOW_TASK_ID = 'compliance:ci-pushed-window';

/** Run-record key of the evaluation cycles. */
export const EVALUATION_RUN_KEY = '$evaluation';
/** State namespace of the engine itself (the control-set hash). */
export const ENGINE_STATE_KEY = '$engine';

/** Throws when a collector id is unusable (it would break keys). */
export function assertCollectorId(id: string): void {
  if (!COLLECTOR_ID_PATTERN.test(id)) {
    throw new Error(
      `Invalid compliance collector id "${id}": use letters, digits, . _ - (at most 63 characters)`,
    );
  }
}
